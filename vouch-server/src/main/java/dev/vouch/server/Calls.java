package dev.vouch.server;

import dev.vouch.LedgerClosedException;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.Context;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ToolCall;
import dev.vouch.internal.SafeText;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's two-phase calls over the guard. The tool runs in the client, so a call is one guarded action whose
 * stage is a future the client completes later:
 *
 * <ol>
 *   <li>submit: {@code guard.attemptAsync(call.deferApproval(true), () -> result)} records TOOL_CALL and the
 *       decision. Allowed: the guard invokes the action, which creates the future and returns it, and the client is
 *       told to run the tool. Blocked: nothing runs. Stalled: the call waits in the guard's pending approvals.</li>
 *   <li>an operator's answer (or the deadline) is recorded by the guard; {@link #settle} then asks
 *       {@code guard.resumeAsync}: approved calls get their future as above, refused ones are over.</li>
 *   <li>report: completing the future makes the guard record TOOL_RESULT (or, with an error, TOOL_ERROR)
 *       write-ahead before the client hears back; a call nobody reports on is completed with
 *       {@link ResultNotReportedException} at its report deadline, so every allowed call ends on record.</li>
 * </ol>
 *
 * The guard decides and records everything; this class only keeps, per sequence number, what to tell a client
 * that asks again. Ended calls are remembered for a while (at most {@value #MAX_REMEMBERED}, oldest forgotten first),
 * then forgotten; at most {@code maxRunning} calls may wait for their reports at once.
 */
final class Calls {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);
    private static final int STRIPES = 64;
    /** A pending call whose answer is in but whose APPROVAL the guard is still recording: look again this soon. */
    private static final long SETTLE_RETRY_MILLIS = 5;
    private static final int SETTLE_RETRIES = 2_000;
    /** Ended calls kept for clients that ask again; beyond it the oldest are forgotten early. */
    static final int MAX_REMEMBERED = 100_000;

    private final Map<Long, Call> bySeq = new ConcurrentHashMap<>();
    private final Map<String, Call> byCallId = new ConcurrentHashMap<>();
    /** Ended calls in the order they ended, which is the order they may be forgotten in. */
    private final Queue<Call> ended = new ConcurrentLinkedQueue<>();
    private final AtomicInteger endedCount = new AtomicInteger();
    private final Object[] stripes = new Object[STRIPES];
    private final AtomicInteger running = new AtomicInteger();
    private final Duration resultTimeout;
    private final Duration remember;
    private final int maxRunning;
    private final ScheduledExecutorService timer;
    private final Executor worker;
    private final LedgerHealth health;
    private volatile boolean stopping;
    private final ExpiryLines expiryLines = new ExpiryLines(TimeUnit.MINUTES.toNanos(1), LOG::warn);

    Calls(Duration resultTimeout, Duration remember, int maxRunning, ScheduledExecutorService timer, Executor worker,
            LedgerHealth health) {
        this.resultTimeout = resultTimeout;
        this.remember = remember;
        this.maxRunning = maxRunning;
        this.timer = timer;
        this.worker = worker;
        this.health = health;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
        timer.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    Call get(long seq) {
        return bySeq.get(seq);
    }

    /** Calls allowed and waiting for their client's report. */
    int running() {
        return running.get();
    }

    /**
     * Submits a call to the agent's guard. The same call id again, while the gateway remembers the first call with
     * it, returns that call: a client that retries never makes a second record.
     *
     * @param where the running call or open task the call belongs to, or null for none
     */
    Call submit(AgentGuard agent, Submission s, Context where) {
        if (stopping) {
            throw HttpError.unavailable("stopping", "the gateway is stopping; submit the call again once it is back");
        }
        if (running.get() >= maxRunning) {
            throw new HttpError(429, "too_many_running", running.get() + " allowed calls wait for their results,"
                    + " the gateway's limit; report results (or let them expire) before submitting more");
        }
        if (s.callId() == null) {
            return submitNew(agent, s, where);
        }
        String key = agent.name + '\n' + s.callId();
        synchronized (stripes[Math.floorMod(key.hashCode(), STRIPES)]) {
            Call known = byCallId.get(key);
            if (known != null) {
                String differs = known.differs(s, where == null ? "" : where.task());
                if (differs != null) {
                    // Answering with the earlier call would tell the client "allowed" for a call never judged, or
                    // recorded in a task or for a principal it is not in.
                    if (!known.paramsKnown() && differs.equals(Call.OTHER_PARAMS)) {
                        throw new HttpError(409, "call_id_reused", "call_id \"" + Texts.clip(s.callId()) + "\" is call "
                                + known.seq + " (" + Texts.clip(known.tool) + "), taken back after a restart; the"
                                + " journal holds its parameters only redacted, so a retry cannot be told from another"
                                + " call: poll or report it by its seq, or use another call_id for a new call");
                    }
                    throw new HttpError(409, "call_id_reused", "call_id \"" + Texts.clip(s.callId()) + "\" is call "
                            + known.seq + " (" + Texts.clip(known.tool) + ") with " + differs + "; a retry"
                            + " sends the same tool, parameters, task, parent and principal; another call needs another"
                            + " call_id");
                }
                return known;
            }
            Call c = submitNew(agent, s, where);
            c.submitted(s);
            byCallId.put(key, c);
            return c;
        }
    }

    /**
     * The size of the parameters submitted on this thread, while the guard judges them: the approval handler asks
     * before attemptAsync returns, and holds a stalled call's parameters as submitted, not only as the journal stores
     * them (a re-trial held 300 calls of 1 MB each under a 1 MiB cap, since metadata_only stored a digest).
     */
    private static final ThreadLocal<Long> SUBMITTED_BYTES = new ThreadLocal<>();

    /** {@link #SUBMITTED_BYTES} on this thread, or 0 when no submission is being judged here (a rediscovered call). */
    static long submittedBytes() {
        Long n = SUBMITTED_BYTES.get();
        return n == null ? 0 : n;
    }

    private Call submitNew(AgentGuard agent, Submission s, Context where) {
        Guard g = agent.guard;
        ToolCall tc = ToolCall.of(s.tool(), s.params()).id(s.callId()).principal(s.principal())
                .trace(s.traceId(), s.spanId()).deferApproval(true);
        Call[] allowed = new Call[1];
        Supplier<CompletionStage<Object>> action = () -> {
            Context inside = g.context(); // the guard runs the action with the call as the current parent
            allowed[0] = new Call(inside.parent(), agent, s.tool(), s.callId());
            return start(allowed[0], inside, AFTER_ALLOWED);
        };
        CompletableFuture<CallResult<Object>> r;
        SUBMITTED_BYTES.set((long) (s.params() == null ? 0 : s.params().length));
        try {
            r = where == null ? g.attemptAsync(tc, action) : where.wrapSupplier(() -> g.attemptAsync(tc, action)).get();
        } finally {
            SUBMITTED_BYTES.remove();
        }
        if (allowed[0] != null) {
            if (!r.isDone()) {
                allowed[0].outcome(r);
            }
            agent.count(Call.Status.ALLOWED);
            return allowed[0];
        }
        CallResult<Object> decided;
        try {
            decided = r.getNow(null);
        } catch (CompletionException e) {
            throw journalFailure(e.getCause());
        }
        if (decided instanceof CallResult.Pending<Object> p) {
            Call c = bySeq.get(p.callSequence()); // created by the approval handler, asked before attempt returned
            c.callId(s.callId());
            agent.count(Call.Status.PENDING);
            return c;
        }
        if (decided instanceof CallResult.Refused<Object> f) {
            Call c = bySeq.computeIfAbsent(f.callSequence(), seq -> new Call(seq, agent, s.tool(), s.callId()));
            c.refused(f.reason(), forgetAt());
            ended(c);
            agent.count(c.status());
            c.wake();
            return c;
        }
        throw new IllegalStateException("the guard neither ran, refused nor deferred call " + tc + ": " + decided);
    }

    /**
     * What the report deadline counts from, in the message a call nobody reported on is ended with: a call taken back
     * at a start ran before it, and an outside trial's such call read "no result reported within 15s" after 45.9 s.
     */
    private static final String AFTER_ALLOWED = " after the call was allowed";
    private static final String AFTER_RESTART = " after the gateway's restart (the call was allowed before it)";

    /**
     * The guard allowed (or resumed) the call: its result future, the report deadline, counted from now.
     *
     * @param since what now is, for the message the call expires with ({@link #AFTER_ALLOWED}, {@link #AFTER_RESTART})
     */
    private CompletableFuture<Object> start(Call c, Context inside, String since) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        c.allowed(result, inside, Instant.now().plus(resultTimeout));
        bySeq.put(c.seq, c);
        running.incrementAndGet();
        String because = "no result reported within " + dev.vouch.internal.Durations.policyText(resultTimeout) + since;
        c.expiry(timer.schedule(() -> execute(() -> expire(c, because)), resultTimeout.toMillis(), TimeUnit.MILLISECONDS));
        return result;
    }

    /**
     * Takes back a call that was allowed (or approved) before the gateway stopped, and whose result is not on record:
     * its client may still report it (it may have run the tool), within the report deadline counted from now; else
     * it expires and is recorded as usual. It keeps the client's call id, so a resubmission finds it.
     */
    void takeBack(AgentGuard agent, ApprovalRequest request) {
        String callId = request.toolCallId().isEmpty() ? null : request.toolCallId();
        Call c = new Call(request.callSequence(), agent, request.tool(), callId);
        c.recorded(request);
        if (request.deadline().isAfter(request.requestedAt())) {
            c.stalledBefore(request); // it stalled and was approved: its decision stays "stall", with its policy
        }
        Guard g = agent.guard;
        CompletableFuture<CallResult<Object>> r = g.resumeAsync(c.seq, () -> start(c, g.context(), AFTER_RESTART));
        if (!r.isDone()) {
            c.outcome(r);
        } else {
            LOG.warn("Call seq {} ({}) of {} could not be taken back: {}", c.seq, SafeText.safe(c.tool), agent.name,
                    SafeText.safe(String.valueOf(r)));
            return;
        }
        rememberCallId(agent, callId, c);
    }

    /** Lets a retry under the client's call id find this call; a call already remembered under that id stays. */
    private void rememberCallId(AgentGuard agent, String callId, Call c) {
        if (callId != null) {
            String key = agent.name + '\n' + callId;
            synchronized (stripes[Math.floorMod(key.hashCode(), STRIPES)]) {
                byCallId.putIfAbsent(key, c);
            }
        }
    }

    /** The approval handler was asked about a call (new, or rediscovered from the journal). */
    Call pending(AgentGuard agent, ApprovalRequest request, CompletableFuture<?> answer) {
        // A call rediscovered after a restart keeps the client's call id, so a resubmission finds it again.
        String callId = request.toolCallId().isEmpty() ? null : request.toolCallId();
        Call c = bySeq.computeIfAbsent(request.callSequence(), seq -> new Call(seq, agent, request.tool(), callId));
        c.recorded(request); // a new call's submit then sets the exact parameters it was given
        c.pending(request, answer);
        rememberCallId(agent, callId, c);
        return c;
    }

    void settleSoon(Call c) {
        execute(() -> settle(c, 0));
    }

    /**
     * Moves a pending call on once its answer is recorded: resumes it through the guard, which says whether it was
     * approved (then the client may run it) or refused. Called after an operator's answer and by the approval
     * handler when its future completes (which happens before the guard recorded the APPROVAL, so a call still
     * pending then is looked at again shortly).
     */
    void settle(Call c, int attempt) {
        Guard g = c.agent.guard;
        if (g == null) {
            retry(c, attempt); // rediscovered while the guard is being built
            return;
        }
        CompletableFuture<CallResult<Object>> r;
        boolean refused = false;
        synchronized (c) {
            if (c.status() != Call.Status.PENDING) {
                return;
            }
            r = g.resumeAsync(c.seq, () -> start(c, g.context(), AFTER_ALLOWED));
            if (!r.isDone()) {
                c.outcome(r);
            } else if (!r.isCompletedExceptionally() && r.join() instanceof CallResult.Refused<Object> f) {
                // Ended under the call's lock, as an approved call is started under it: the operator's answer and the
                // approval handler both settle a call, and the second resumed a refused one again, which logged a WARN
                // "no longer deferred ... already resumed" for each refusal after a restart (an outside trial).
                c.refused(f.reason(), forgetAt());
                refused = true;
            }
        }
        if (!r.isDone()) {
            c.agent.count(Call.Status.ALLOWED);
            c.wake();
            return;
        }
        if (refused) {
            ended(c);
            c.agent.count(c.status());
            c.wake();
            return;
        }
        CallResult<Object> now;
        try {
            now = r.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IllegalStateException) {
                LOG.warn("Call seq {} ({}) is no longer deferred in the guard of {}: {}", c.seq, SafeText.safe(c.tool),
                        c.agent.name, SafeText.safe(e.getCause().getMessage()));
            } else {
                LOG.error("[CRITICAL] Could not resume call seq {} ({}) of {}", c.seq, SafeText.safe(c.tool),
                        c.agent.name, e.getCause());
                health.failed(e.getCause());
            }
            return;
        }
        if (now instanceof CallResult.Pending<Object> && c.answered()) {
            retry(c, attempt);
        }
    }

    private void retry(Call c, int attempt) {
        if (attempt >= SETTLE_RETRIES) {
            LOG.warn("Call seq {} ({}) was answered but its answer is still not recorded after {} ms; it stays pending",
                    c.seq, SafeText.safe(c.tool), SETTLE_RETRIES * SETTLE_RETRY_MILLIS);
            return;
        }
        timer.schedule(() -> execute(() -> settle(c, attempt + 1)), SETTLE_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The client's report: completes the call's future, so the guard records TOOL_RESULT ({@code json} is the result's
     * exact JSON) or TOOL_ERROR ({@code json} is the client's error), durably, before this returns.
     *
     * @return the record written: {@code tool_result} or {@code tool_error}
     * @throws HttpError 409 if the call is not waiting for a report; 503 if the journal could not record it
     */
    String report(Call c, byte[] json, boolean error) {
        String recorded = error ? "tool_error" : "tool_result";
        CompletableFuture<Object> result = c.end(Call.Status.COMPLETED, recorded, null, forgetAt());
        if (result == null) {
            throw notRunning(c);
        }
        running.decrementAndGet();
        ended(c);
        c.agent.count(Call.Status.COMPLETED);
        if (error) {
            result.completeExceptionally(new ReportedError(json));
        } else {
            result.complete(json);
        }
        CompletableFuture<CallResult<Object>> o = c.takeOutcome();
        if (o != null && o.isCompletedExceptionally()) {
            Throwable t;
            try {
                o.join();
                t = null;
            } catch (CompletionException e) {
                t = e.getCause();
            }
            if (!(t instanceof ReportedError) || t.getSuppressed().length > 0) {
                Throwable why = t instanceof ReportedError ? t.getSuppressed()[0] : t;
                throw journalFailure(why);
            }
        }
        return recorded;
    }

    private static HttpError notRunning(Call c) {
        Call.Status s = c.status();
        return switch (s) {
            case PENDING -> HttpError.conflict("not_allowed", "call " + c.seq + " waits for approval; run it only once"
                    + " it is allowed (GET /v1/calls/" + c.seq + ")");
            case BLOCKED, REFUSED, TIMED_OUT -> HttpError.conflict("not_allowed", "call " + c.seq + " is "
                    + s.label() + ": it must not run, and there is no result to report");
            case COMPLETED -> HttpError.conflict("already_reported", "call " + c.seq + "'s outcome was already reported"
                    + " and recorded");
            case EXPIRED -> HttpError.conflict("expired", "call " + c.seq + " was ended without a result (its report"
                    + " deadline passed, or the gateway stopped); that is what the journal records");
            default -> HttpError.conflict("not_allowed", "call " + c.seq + " is " + s.label());
        };
    }

    private void expire(Call c, String because) {
        CompletableFuture<Object> result = c.end(Call.Status.EXPIRED, "tool_error", because, forgetAt());
        if (result != null) {
            running.decrementAndGet();
            ended(c);
            c.takeOutcome();
            c.agent.count(Call.Status.EXPIRED);
            if (expiryLines.tell(System.nanoTime())) {
                LOG.warn("Call seq {} ({}) of {}: {}; ending it on record as a tool error (further ones this minute"
                        + " are counted in one line)", c.seq, SafeText.safe(c.tool), c.agent.name, because);
            }
            result.completeExceptionally(new ResultNotReportedException(because));
        }
    }

    /**
     * Stops taking calls, gives running calls up to {@code grace} to be reported, then ends the rest as errors
     * ("the gateway stopped before a result was reported"): the journal never keeps an allowed call without an end.
     */
    void stop(Duration grace) {
        stopping = true;
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        int inFlight = running.get();
        long pending = bySeq.values().stream().filter(c -> c.status() == Call.Status.PENDING).count();
        // Said at the signal: an outside trial's log showed nothing for the drain's 10 s, which looked like a hang.
        LOG.info("Stopping: no new calls; {} for {} call(s) in flight to report their results; {} call(s) awaiting"
                + " approval stay pending for the next start", grace.isZero() ? "not waiting"
                : "waiting up to " + dev.vouch.internal.Durations.policyText(grace), inFlight, pending);
        while (running.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("Drain ended after {} ms: {} call(s) still in flight end on record as tool errors",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), running.get());
        for (Call c : bySeq.values()) {
            expire(c, "the gateway stopped before a result was reported");
        }
        expiryLines.flushNow();
        for (Call c : bySeq.values()) {
            c.wake(); // long polls on calls still pending get the call as it stands, before the port closes under them
        }
    }

    boolean stopping() {
        return stopping;
    }

    private void ended(Call c) {
        ended.add(c);
        endedCount.incrementAndGet();
    }

    /** Forgets ended calls past their time (or the oldest, beyond {@link #MAX_REMEMBERED}), in the order they ended. */
    private void sweep() {
        long now = System.nanoTime();
        expiryLines.flush(now);
        for (Call c = ended.peek(); c != null && (c.forgettable(now) || endedCount.get() > MAX_REMEMBERED);
                c = ended.peek()) {
            ended.poll();
            endedCount.decrementAndGet();
            bySeq.remove(c.seq, c);
            String id = c.callId();
            if (id != null) {
                byCallId.remove(c.agent.name + '\n' + id, c);
            }
        }
    }

    private long forgetAt() {
        return System.nanoTime() + remember.toNanos();
    }

    private void execute(Runnable r) {
        try {
            worker.execute(r);
        } catch (RejectedExecutionException stopped) {
            r.run();
        }
    }

    /**
     * What a failed recording means for the client: nothing was run or recorded past the failure. For every route
     * that records (calls, reports, tasks): an outside operator's trial got 500 {@code internal} and a stack trace in
     * the log for a task opened or ended after the ledger failed.
     */
    HttpError journalFailure(Throwable t) {
        if (t instanceof IllegalArgumentException) {
            return HttpError.badRequest(t.getMessage()); // the recorder refused a field (a text too long to record)
        }
        if (t instanceof dev.vouch.LedgerFullException) {
            // Backpressure FAIL on an embedder's ledger: its ring was full for a moment, the ledger runs. An outside
            // trial's clients read "its ledger failed ... nothing was run" on reports of tools that had run.
            return HttpError.unavailable("journal_busy", "the gateway's journal refused this record for now (its"
                    + " ledger's ring was full, backpressure FAIL), so nothing of this request was recorded; retry it");
        }
        health.failed(t);
        if (t instanceof dev.vouch.VouchException) {
            // Not the ledger's own message: it names the server's files and Java's exception classes (an outside
            // trial's agents read "java.io.UncheckedIOException: no space left ... of /srv/...cq4"). The log has it.
            return HttpError.unavailable("journal_unavailable", "the gateway's journal cannot record any more calls"
                    + " (its ledger failed, for example on a full disk; the gateway's log says why), so nothing was"
                    + " run or recorded; retry once the gateway is back");
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return HttpError.unavailable("journal_unavailable", "the gateway's journal could not record the call, so"
                + " nothing was run or recorded; the gateway's log says why");
    }
}
