package dev.vouch.guard;

import dev.vouch.Decision;
import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.EventTooLargeException;
import dev.vouch.Recorder;
import dev.vouch.Risk;
import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.Action;
import dev.vouch.policy.PolicyDecision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Guard}: records every step of a call into a {@link Recorder}. See docs/GUARD.md. */
final class RecordingGuard implements Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private static final byte[] EMPTY = new byte[0];
    /** One reusable event per thread: guard records are made one at a time per thread, never nested. */
    private static final ThreadLocal<Event> EVENTS = ThreadLocal.withInitial(Event::new);
    static final String GUARD_APPROVER = "vouch.guard";

    static final ResultEncoder DEFAULT_ENCODER = result -> String.valueOf(result).getBytes(StandardCharsets.UTF_8);

    /** Completes a handler's future at the deadline; told apart from real answers by identity. */
    private static final Approval TIMED_OUT = new Approval(false, GUARD_APPROVER,
            "no decision before the approval deadline", Instant.EPOCH);
    /** Completes a handler's future when the waiting thread was interrupted. */
    private static final Approval INTERRUPTED = new Approval(false, GUARD_APPROVER,
            "the thread waiting for approval was interrupted", Instant.EPOCH);

    private final Recorder recorder;
    private final String agent;
    private final ApprovalHandler approvals;
    private final RedactionKey redactionKey;
    private final ResultEncoder resultEncoder;
    private final Durability durability;
    private final Executor asyncExecutor;
    private final ThreadLocal<Context> current = new ThreadLocal<>();
    private final Context root;
    private volatile PolicyState policy;
    /** Set when the guard follows a PolicyWatcher: synced before each call is judged. */
    private volatile PolicyFollower follower;
    private volatile boolean warnedNoKey;

    /** An evaluator and the identity of the policy behind it, swapped together. */
    private record PolicyState(PolicyEvaluator evaluator, String sha256Hex, String source) {
    }

    RecordingGuard(Recorder recorder, String agent, PolicyEvaluator evaluator, ApprovalHandler approvals,
            RedactionKey redactionKey, ResultEncoder resultEncoder, Durability durability, Executor asyncExecutor) {
        this.recorder = recorder;
        this.agent = agent;
        this.approvals = approvals;
        this.redactionKey = redactionKey;
        this.resultEncoder = resultEncoder;
        this.durability = durability;
        this.asyncExecutor = asyncExecutor;
        this.root = new Context(this, null, Event.NO_PARENT);
        this.policy = new PolicyState(evaluator, null, null);
    }

    @Override
    public String agent() {
        return agent;
    }

    // ---------------------------------------------------------------- context

    @Override
    public Context context() {
        Context c = current.get();
        return c == null ? root : c;
    }

    /** Installs {@code c} on this thread; returns what to give {@link #restore}. */
    Context enter(Context c) {
        Context previous = current.get();
        if (c == root) {
            current.remove();
        } else {
            current.set(c);
        }
        return previous;
    }

    void restore(Context previous) {
        if (previous == null || previous == root) {
            current.remove();
        } else {
            current.set(previous);
        }
    }

    @Override
    public Executor executor(Executor delegate) {
        Objects.requireNonNull(delegate, "delegate");
        return command -> delegate.execute(context().wrap(command));
    }

    // ---------------------------------------------------------------- tasks

    @Override
    public Task task(String name) {
        checkName("task name", name);
        Context ctx = context();
        long start = durable(event(EventKind.TASK_START, name, name, ctx.parent));
        Task task = new Task(this, name, start, ctx);
        enter(task.inside);
        return task;
    }

    void closeTask(Task task, String state, Throwable failure) {
        Context cur = context();
        String problem = null;
        boolean pop = false;
        if (cur == task.inside) {
            pop = true;
        } else if (Thread.currentThread() != task.opener) {
            problem = "task '" + task.name() + "' was opened on thread " + task.opener.getName()
                    + " and closed on thread " + Thread.currentThread().getName()
                    + "; close a task on the thread that opened it (try-with-resources does). Its end is recorded;"
                    + " the opening thread's context still names it until that thread leaves it";
        } else if (!task.orphaned) {
            List<Task> inner = new ArrayList<>();
            boolean found = false;
            for (Context c = cur; c.task != null; c = c.task.enclosing) {
                if (c.task == task) {
                    found = true;
                    break;
                }
                inner.add(c.task);
            }
            if (found) {
                pop = true;
                if (!inner.isEmpty()) {
                    List<String> names = new ArrayList<>();
                    for (Task t : inner) {
                        t.orphaned = true;
                        names.add("'" + t.name() + "'");
                    }
                    problem = "task '" + task.name() + "' was closed while tasks opened inside it are still open: "
                            + String.join(", ", names) + " (innermost first). Close nested tasks first"
                            + " (try-with-resources does). The thread is back in the context '" + task.name()
                            + "' was opened in; the nested tasks end when they are closed";
                } else {
                    problem = "task '" + task.name() + "' was closed inside a tool call it made; close it after the"
                            + " call returns. The thread is back in the context it was opened in";
                }
            } else {
                problem = "task '" + task.name() + "' is not open in this thread's context (a context installed by"
                        + " Context.wrap or an executor hides it); close it where it was opened. Its end is recorded";
            }
        }
        try {
            Event e = event(EventKind.TASK_END, task.name(), task.name(), task.startSequence()).result(state);
            if (failure != null) {
                e.params(errorJson(failure, null, false));
            }
            durable(e);
        } finally {
            if (pop) {
                restore(task.enclosing);
            }
        }
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    // ---------------------------------------------------------------- policy

    /** Follows a watched policy from now on (GuardBuilder.policy(PolicyWatcher)); records the current one. */
    void follow(PolicyFollower f) {
        f.sync();
        follower = f;
    }

    @Override
    public synchronized void policyChanged(String sha256Hex, String source) {
        PolicyState p = policy;
        policyChanged(p.evaluator(), sha256Hex, source);
    }

    @Override
    public synchronized void policyChanged(PolicyEvaluator evaluator, String sha256Hex, String source) {
        Objects.requireNonNull(evaluator, "evaluator");
        checkSha256(sha256Hex);
        String src = source == null ? "" : source;
        PolicyState old = policy;
        if (sha256Hex.equals(old.sha256Hex()) && src.equals(old.source())) {
            // The same policy again (a watcher starting after the builder named it): nothing changed to record.
            policy = new PolicyState(evaluator, sha256Hex, src);
            return;
        }
        durable(event(EventKind.NOTE, "", POLICY_NOTE, Event.NO_PARENT)
                .params(new Json.ObjectWriter().field("sha256", sha256Hex).field("source", src).toBytes()));
        policy = new PolicyState(evaluator, sha256Hex, src);
        LOG.info("Policy {} in effect for agent {}: sha256 {}", src, agent, sha256Hex);
    }

    static void checkSha256(String sha256Hex) {
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        if (sha256Hex.length() != 64 || !sha256Hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("a policy sha256 must be 64 lower-case hex digits; found \""
                    + (sha256Hex.length() > 80 ? sha256Hex.substring(0, 80) + "..." : sha256Hex) + "\"");
        }
    }

    // ---------------------------------------------------------------- calls

    /** A call that is on record with its decision. */
    private static final class Judged {
        final Context ctx;
        final String tool;
        final PolicyDecision decision;
        final String policyId;
        final StoredParams stored;
        final long callSeq;
        final long decisionSeq;
        final Throwable evaluatorFailure;

        Judged(Context ctx, String tool, PolicyDecision decision, String policyId, StoredParams stored,
                long callSeq, long decisionSeq, Throwable evaluatorFailure) {
            this.ctx = ctx;
            this.tool = tool;
            this.decision = decision;
            this.policyId = policyId;
            this.stored = stored;
            this.callSeq = callSeq;
            this.decisionSeq = decisionSeq;
            this.evaluatorFailure = evaluatorFailure;
        }

        boolean metadataOnly() {
            return decision.payloadLogging() == PayloadLogging.METADATA_ONLY;
        }

        ToolBlockedException blocked() {
            return new ToolBlockedException(tool, policyId, decision.reason(), callSeq, decisionSeq, evaluatorFailure);
        }
    }

    @Override
    public <T, E extends Exception> T call(String tool, String jsonParams, ToolAction<T, E> action) throws E {
        return call(tool, utf8(jsonParams), action);
    }

    @Override
    public <T, E extends Exception> T call(String tool, byte[] jsonParams, ToolAction<T, E> action) throws E {
        Objects.requireNonNull(action, "action");
        checkName("tool", tool);
        Judged j = judge(context(), tool, jsonParams == null ? EMPTY : jsonParams);
        Action action0 = j.decision.action();
        if (action0 == Action.BLOCK) {
            throw j.blocked();
        }
        if (action0 == Action.STALL) {
            awaitApproval(j);
        }
        return run(j, action);
    }

    @Override
    public <T> CompletableFuture<T> callAsync(String tool, String jsonParams,
            Supplier<? extends CompletionStage<T>> action) {
        return callAsync(tool, utf8(jsonParams), action);
    }

    @Override
    public <T> CompletableFuture<T> callAsync(String tool, byte[] jsonParams,
            Supplier<? extends CompletionStage<T>> action) {
        Objects.requireNonNull(action, "action");
        checkName("tool", tool);
        Judged j;
        try {
            j = judge(context(), tool, jsonParams == null ? EMPTY : jsonParams);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Action d = j.decision.action();
        if (d == Action.BLOCK) {
            return CompletableFuture.failedFuture(j.blocked());
        }
        if (d == Action.ALLOW) {
            return runAsync(j, action);
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        Instant requestedAt = Instant.now();
        Duration timeout = nonNegative(j.decision.approvalTimeout());
        CompletableFuture<Approval> answer = ask(j, requestedAt, timeout);
        answer.completeOnTimeout(TIMED_OUT, nanos(timeout), TimeUnit.NANOSECONDS);
        Runnable settle = () -> {
            try {
                settleApproval(j, answer, requestedAt, timeout);
            } catch (Throwable t) {
                complete(out, j.ctx, null, t);
                return;
            }
            runAsync(j, action).whenComplete((v, err) -> complete(out, j.ctx, v, err));
        };
        // Off the approver's thread and the JDK's timeout thread: recording and starting the tool may block a little.
        answer.whenComplete((a, err) -> {
            try {
                asyncExecutor.execute(settle);
            } catch (RejectedExecutionException rejected) {
                settle.run(); // the executor is shut down: settle here rather than leave the call undecided
            }
        });
        return out;
    }

    /** Evaluates, then records TOOL_CALL (write-ahead) and POLICY_DECISION. */
    private Judged judge(Context ctx, String tool, byte[] params) {
        PolicyFollower f = follower;
        if (f != null) {
            f.sync(); // a new version of a watched policy is recorded before it decides anything
        }
        PolicyState ps = policy;
        PolicyDecision d;
        Throwable failure = null;
        try {
            d = ps.evaluator().evaluate(tool, params);
            if (d == null) {
                throw new NullPointerException("the policy evaluator returned no decision");
            }
        } catch (RuntimeException e) {
            failure = e;
            d = new PolicyDecision(Action.BLOCK, List.of(), Risk.NONE, EVALUATOR_FAILED,
                    // The class only: an evaluator's message may quote the parameters (the log has the whole exception).
                    "the policy evaluator failed (" + e.getClass().getName() + "), so the call is blocked",
                    PayloadLogging.FULL_PAYLOAD, Duration.ZERO);
            LOG.error("[CRITICAL] policy evaluator failed on {}; the call is blocked", tool, e);
        }
        String policyId = d.ruleId() == null ? DEFAULT_POLICY_ID : d.ruleId();
        StoredParams stored;
        if (failure != null) {
            // The policy could not say what to redact: keep nothing readable.
            stored = StoredParams.whole(params, redactionKey, "policy evaluation failed: whole parameters committed");
        } else {
            stored = StoredParams.of(params, d.redactedFields(), d.payloadLogging(), redactionKey);
            if (redactionKey == null && !d.redactedFields().isEmpty() && !warnedNoKey) {
                warnedNoKey = true;
                LOG.warn("Policy {} redacts {} but the guard has no redaction key: redacted values are omitted from"
                        + " the journal with no commitment (set GuardBuilder.redactionKey to be able to prove them)",
                        policyId, d.redactedFields());
            }
        }
        long callSeq;
        try {
            callSeq = durable(event(EventKind.TOOL_CALL, ctx.task(), tool, ctx.parent).params(stored.bytes));
        } catch (EventTooLargeException tooLarge) {
            stored = d.redactedFields().isEmpty()
                    ? StoredParams.digest(params, "too large to record: digest only")
                    : StoredParams.whole(params, redactionKey, "too large to record: whole parameters committed");
            callSeq = durable(event(EventKind.TOOL_CALL, ctx.task(), tool, ctx.parent).params(stored.bytes));
        }
        Json.ObjectWriter w = new Json.ObjectWriter().field("reason", d.reason() == null ? "" : d.reason());
        if (ps.sha256Hex() != null) {
            w.field("policy_sha256", ps.sha256Hex());
        }
        w.field("params_stored", stored.form.label);
        if (!stored.redacted.isEmpty()) {
            w.field("redacted", stored.redacted);
        }
        if (redactionKey != null && (!stored.redacted.isEmpty() || stored.form == StoredParams.Form.COMMITMENT)) {
            w.field("redaction_key", redactionKey.id());
        }
        if (d.action() == Action.STALL) {
            w.field("approval_timeout_ms", d.approvalTimeout().toMillis());
        }
        long decisionSeq = durable(event(EventKind.POLICY_DECISION, ctx.task(), tool, callSeq)
                .decision(d.action().recorded()).risk(d.risk()).policy(policyId).params(w.toBytes()));
        return new Judged(ctx, tool, d, policyId, stored, callSeq, decisionSeq, failure);
    }

    // ---------------------------------------------------------------- approvals

    /** Asks the handler; never throws: a handler failure becomes a failed future (a refusal). */
    private CompletableFuture<Approval> ask(Judged j, Instant requestedAt, Duration timeout) {
        // A stalled call can wait minutes with nobody to answer: say so, so that a silent agent is explained.
        LOG.info("Waiting for approval of {} (call seq {}, policy {}, risk {}) until {}", j.tool, j.callSeq, j.policyId,
                j.decision.risk(), deadline(requestedAt, timeout));
        ApprovalRequest request = new ApprovalRequest(j.callSeq, agent, j.ctx.task(), j.tool,
                new String(j.stored.bytes, StandardCharsets.UTF_8), j.policyId,
                j.decision.reason() == null ? "" : j.decision.reason(), j.decision.risk(), requestedAt,
                deadline(requestedAt, timeout));
        try {
            CompletionStage<Approval> stage = approvals.requestApproval(request);
            if (stage == null) {
                return CompletableFuture.failedFuture(new NullPointerException("the approval handler returned no future"));
            }
            try {
                return stage.toCompletableFuture();
            } catch (UnsupportedOperationException e) {
                CompletableFuture<Approval> copy = new CompletableFuture<>();
                stage.whenComplete((a, err) -> {
                    if (err != null) {
                        copy.completeExceptionally(err);
                    } else {
                        copy.complete(a);
                    }
                });
                return copy;
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Synchronous stall: waits on this thread, records the outcome, throws unless approved. */
    private void awaitApproval(Judged j) {
        Instant requestedAt = Instant.now();
        Duration timeout = nonNegative(j.decision.approvalTimeout());
        CompletableFuture<Approval> answer = ask(j, requestedAt, timeout);
        boolean interrupted = false;
        try {
            answer.get(nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.complete(TIMED_OUT); // loses to an answer that arrived meanwhile: that one counts
        } catch (InterruptedException e) {
            interrupted = true;
            answer.complete(INTERRUPTED);
        } catch (ExecutionException | CancellationException e) {
            // A refusal by failure: settleApproval reads it from the future.
        }
        try {
            settleApproval(j, answer, requestedAt, timeout);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Records APPROVAL for a completed answer (write-ahead); returns if approved, else throws the refusal. */
    private void settleApproval(Judged j, CompletableFuture<Approval> answer, Instant requestedAt, Duration timeout) {
        Approval a = null;
        Throwable error = null;
        try {
            a = answer.join();
            if (a == null) {
                error = new NullPointerException("the approval handler completed with no approval");
            }
        } catch (CancellationException e) {
            error = e;
        } catch (CompletionException e) {
            error = e.getCause() == null ? e : e.getCause();
        }
        Decision outcome;
        String approver;
        String reason;
        Instant decidedAt;
        if (a == TIMED_OUT) {
            outcome = Decision.TIMED_OUT;
            approver = null;
            reason = "no decision within " + timeout;
            decidedAt = Instant.now();
        } else if (error != null) {
            outcome = Decision.REFUSED;
            approver = null;
            reason = error instanceof CancellationException ? "the approval request was cancelled"
                    : "the approval handler failed";
            decidedAt = Instant.now();
        } else {
            outcome = a.approved() ? Decision.APPROVED : Decision.REFUSED;
            approver = a == INTERRUPTED ? null : a.approver();
            reason = a.reason();
            decidedAt = a == INTERRUPTED ? Instant.now() : a.decidedAt();
        }
        Json.ObjectWriter w = new Json.ObjectWriter()
                .field("approver", approver)
                .field("reason", reason)
                .field("requested_at", requestedAt.toString())
                .field("decided_at", decidedAt.toString())
                .field("deadline", deadline(requestedAt, timeout).toString());
        if (error != null) {
            w.field("error", describe(error));
        }
        long approvalSeq = durable(event(EventKind.APPROVAL, j.ctx.task(), j.tool, j.callSeq)
                .decision(outcome).risk(j.decision.risk()).policy(j.policyId).params(w.toBytes()));
        LOG.info("Approval of {} (call seq {}): {}{} after {} ms (approval seq {})", j.tool, j.callSeq,
                outcome.name().toLowerCase(java.util.Locale.ROOT), approver == null ? "" : " by " + approver,
                Duration.between(requestedAt, Instant.now()).toMillis(), approvalSeq);
        if (outcome == Decision.APPROVED) {
            return;
        }
        if (outcome == Decision.TIMED_OUT) {
            throw new ApprovalTimedOutException("nobody approved " + j.tool + " within " + timeout
                    + " (policy " + j.policyId + ", call seq " + j.callSeq + ")", j.tool, j.policyId, reason,
                    j.callSeq, approvalSeq, timeout);
        }
        throw new ApprovalRefusedException(j.tool + " was refused" + (approver == null ? "" : " by " + approver)
                + (reason.isEmpty() ? "" : ": " + reason) + " (policy " + j.policyId + ", call seq " + j.callSeq + ")",
                j.tool, j.policyId, approver, reason, j.callSeq, approvalSeq, error);
    }

    // ---------------------------------------------------------------- running

    private <T, E extends Exception> T run(Judged j, ToolAction<T, E> action) throws E {
        Context previous = enter(new Context(this, j.ctx.task, j.callSeq));
        long start = System.nanoTime();
        T value;
        try {
            value = action.run();
        } catch (Throwable t) {
            long duration = System.nanoTime() - start;
            restore(previous);
            recordError(j, t, duration);
            throw RecordingGuard.<E>rethrow(t);
        }
        long duration = System.nanoTime() - start;
        restore(previous);
        recordResult(j, value, duration);
        return value;
    }

    private <T> CompletableFuture<T> runAsync(Judged j, Supplier<? extends CompletionStage<T>> action) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Context previous = enter(new Context(this, j.ctx.task, j.callSeq));
        long start = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = action.get();
            if (stage == null) {
                throw new NullPointerException("the async tool action returned no CompletionStage");
            }
        } catch (Throwable t) {
            long duration = System.nanoTime() - start;
            restore(previous);
            recordError(j, t, duration);
            out.completeExceptionally(t);
            return out;
        }
        restore(previous);
        stage.whenComplete((value, err) -> {
            long duration = System.nanoTime() - start;
            if (err != null) {
                Throwable cause = unwrap(err);
                recordError(j, cause, duration);
                complete(out, j.ctx, null, cause);
            } else {
                try {
                    recordResult(j, value, duration);
                } catch (Throwable t) {
                    complete(out, j.ctx, null, t);
                    return;
                }
                complete(out, j.ctx, value, null);
            }
        });
        return out;
    }

    /** Completes {@code out} with the caller's context installed, so its synchronous dependents run in it. */
    private <T> void complete(CompletableFuture<T> out, Context ctx, T value, Throwable err) {
        Context previous = enter(ctx);
        try {
            if (err != null) {
                out.completeExceptionally(unwrap(err));
            } else {
                out.complete(value);
            }
        } finally {
            restore(previous);
        }
    }

    private void recordResult(Judged j, Object value, long durationNanos) {
        byte[] bytes;
        byte[] note = null;
        if (value == null) {
            bytes = EMPTY;
        } else if (value instanceof String s) {
            bytes = s.getBytes(StandardCharsets.UTF_8);
        } else if (value instanceof byte[] b) {
            bytes = b;
        } else {
            try {
                bytes = resultEncoder.encode(value);
                if (bytes == null) {
                    bytes = EMPTY;
                }
            } catch (Exception e) {
                bytes = new Json.ObjectWriter().field("$vouch_unencodable", value.getClass().getName())
                        .field("error", describe(e)).toBytes();
                note = bytes;
            }
        }
        if (j.metadataOnly() && note == null && bytes.length > 0) {
            bytes = StoredParams.digest(bytes, null).bytes;
        }
        byte[] params = new Json.ObjectWriter().field("duration_ns", durationNanos).toBytes();
        try {
            durable(event(EventKind.TOOL_RESULT, j.ctx.task(), j.tool, j.callSeq).params(params).result(bytes));
        } catch (EventTooLargeException tooLarge) {
            durable(event(EventKind.TOOL_RESULT, j.ctx.task(), j.tool, j.callSeq).params(params)
                    .result(StoredParams.digest(bytes, "too large to record: digest only").bytes));
        }
    }

    /** Records TOOL_ERROR; a recording failure is added to {@code t} as suppressed, so {@code t} still reaches the caller. */
    private void recordError(Judged j, Throwable t, long durationNanos) {
        try {
            durable(event(EventKind.TOOL_ERROR, j.ctx.task(), j.tool, j.callSeq)
                    .params(new Json.ObjectWriter().field("duration_ns", durationNanos).toBytes())
                    .result(errorJson(t, j.stored, j.metadataOnly())));
        } catch (RuntimeException | Error ledger) {
            if (ledger != t) {
                t.addSuppressed(ledger);
            }
            LOG.error("[CRITICAL] could not record the failure of {} (call seq {})", j.tool, j.callSeq, ledger);
        }
    }

    /**
     * {@code {"exception": class, "message": text}}. The message may quote the parameters, so when the journal
     * keeps less than the full parameters it keeps less of the message too: a digest under metadata_only, a
     * keyed commitment when something was redacted.
     */
    private byte[] errorJson(Throwable t, StoredParams stored, boolean metadataOnly) {
        Json.ObjectWriter w = new Json.ObjectWriter().field("exception", t.getClass().getName());
        String message = t.getMessage();
        if (message != null) {
            byte[] m = message.getBytes(StandardCharsets.UTF_8);
            if (metadataOnly) {
                w.field("message_digest", "sha256:" + StoredParams.sha256Hex(m));
            } else if (stored != null && stored.form != StoredParams.Form.FULL) {
                w.field("message_commitment", redactionKey == null ? StoredParams.OMITTED : redactionKey.commitBytes(m));
            } else {
                w.field("message", message.length() > 4096 ? message.substring(0, 4096) + "..." : message);
            }
        }
        return w.toBytes();
    }

    // ---------------------------------------------------------------- helpers

    private Event event(EventKind kind, String task, String name, long parent) {
        return EVENTS.get().reset().kind(kind).agent(agent).task(task).name(name).parent(parent);
    }

    private long durable(Event e) {
        try {
            return recorder.recordDurably(e, durability);
        } finally {
            e.reset(); // drop references to payloads and texts
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? EMPTY : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void checkName(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Instant deadline(Instant from, Duration timeout) {
        try {
            return from.plus(timeout);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return Instant.MAX;
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getName() : t.getClass().getName() + ": " + m;
    }

    /** Rethrows the action's exception as the type it declared (it can only be E or unchecked). */
    @SuppressWarnings("unchecked")
    private static <E extends Exception> RuntimeException rethrow(Throwable t) throws E {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw (E) t;
    }
}
