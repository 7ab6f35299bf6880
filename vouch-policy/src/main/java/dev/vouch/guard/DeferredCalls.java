package dev.vouch.guard;

import dev.vouch.internal.SafeText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls that deferred their approval ({@link ToolCall#deferApproval}): each waits here from its STALL decision
 * until it is resumed. Its answer (the approval handler's, one given through {@link #answer}, or the deadline's,
 * whichever completes the answer future first) is recorded as APPROVAL as soon as it is given, once; resuming
 * then runs the tool only if that answer was an approval, and only once.
 */
final class DeferredCalls implements PendingApprovals {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    /** One deferred call. */
    static final class Deferred {
        final JudgedCall call;
        /** The call's {@link ToolCall#tags}, for its resumption's observer (none for one recovered from the journal). */
        final Map<String, String> tags;
        final ApprovalRequest request;
        /** What a repeat must ask for to find this call ({@link PendingApprovals#repeatOf}); null if none may. */
        final RequestKey repeatKey;
        final Duration timeout;
        final CompletableFuture<Approval> answer;
        /** Set once the answer is recorded: the refusal, or {@link #APPROVED}. */
        volatile GuardException settled;
        final AtomicBoolean resumed = new AtomicBoolean();
        /**
         * For a call taken back from the journal, when it was allowed to run (its ALLOW, or its APPROVAL) before the
         * restart; else null. Its duration counts from then: an outside trial's call reported 9.2 s after it was
         * allowed, across a crash, was recorded as running 0.96 s, measured from the restart.
         */
        final Instant allowedBefore;

        Deferred(JudgedCall call, Map<String, String> tags, ApprovalRequest request, RequestKey repeatKey,
                Duration timeout, CompletableFuture<Approval> answer) {
            this(call, tags, request, repeatKey, timeout, answer, null);
        }

        Deferred(JudgedCall call, Map<String, String> tags, ApprovalRequest request, RequestKey repeatKey,
                Duration timeout, CompletableFuture<Approval> answer, Instant allowedBefore) {
            this.allowedBefore = allowedBefore;
            this.call = call;
            this.tags = tags;
            this.request = request;
            this.repeatKey = repeatKey;
            this.timeout = timeout;
            this.answer = answer;
        }

        boolean approved() {
            return settled == APPROVED;
        }

        /** How long the call ran before it is resumed now: since it was allowed, for one taken back; else 0. */
        long ranNanos() {
            return allowedBefore == null ? 0 : Math.max(0, Duration.between(allowedBefore, Instant.now()).toNanos());
        }
    }

    /**
     * A request as {@link ToolCall#sameRequestAs} compares it: tool, principal (null for none), and the SHA-256 of the
     * parameters in RFC 8785 canonical form (else as given). The digest, not the form itself: a pending call held
     * its canonical parameters beside the stored ones and the approval request, a third copy (an outside trial's
     * gateway ran out of a 256 MiB heap with 71 calls of 1 MB awaiting approval).
     */
    private record RequestKey(String tool, String principal, java.nio.ByteBuffer paramsSha256) {
        static RequestKey of(String tool, String principal, byte[] params) {
            return new RequestKey(tool, principal == null || principal.isEmpty() ? null : principal,
                    java.nio.ByteBuffer.wrap(sha256(ToolCall.comparable(params))));
        }

        private static byte[] sha256(byte[] bytes) {
            try {
                return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }
    }

    /** Marks an approved call (a refusal is the exception the caller gets). */
    private static final GuardException APPROVED = new GuardException("approved", "", -1, null);

    private final ConcurrentNavigableMap<Long, Deferred> calls = new ConcurrentSkipListMap<>();
    /**
     * For each request that deferred calls ask for, the one a repeat resumes: the first put here, so that callers who
     * deferred the same request at the same time all learn of the same call (an adapter then refuses the others as
     * duplicates). Not the oldest: a call with a lower sequence number may be put here later.
     */
    private final ConcurrentHashMap<RequestKey, Long> firstByRequest = new ConcurrentHashMap<>();
    /** The approved calls resumed and running, by request, until their outcome is recorded ({@link #runningAs}). */
    private final ConcurrentHashMap<RequestKey, Long> running = new ConcurrentHashMap<>();
    private final ApprovalWait approvals;
    private final Executor asyncExecutor;

    DeferredCalls(ApprovalWait approvals, Executor asyncExecutor) {
        this.approvals = approvals;
        this.asyncExecutor = asyncExecutor;
    }

    /**
     * Puts a judged STALL on hold and asks the approval handler. The handler may answer at once (then the answer is
     * already recorded when this returns).
     *
     * @param askedParams the parameters a repeat must match ({@link PendingApprovals#repeatOf}): the call's own, or
     *     for a call rediscovered from the journal those on record if they are exact; null if no repeat may reach it
     */
    Deferred defer(JudgedCall j, byte[] askedParams, Map<String, String> tags, Instant requestedAt, Duration timeout) {
        return defer(j, askedParams, tags, requestedAt, timeout, Instant.now());
    }

    /** As {@link #defer(JudgedCall, byte[], Map, Instant, Duration)}, its time left counted from {@code now}. */
    Deferred defer(JudgedCall j, byte[] askedParams, Map<String, String> tags, Instant requestedAt, Duration timeout,
            Instant now) {
        ApprovalRequest request = approvals.request(j, requestedAt, timeout);
        CompletableFuture<Approval> answer = approvals.askWithDeadline(request, now);
        Deferred d = new Deferred(j.held(), tags, request,
                askedParams == null ? null : RequestKey.of(j.tool, j.principal, askedParams), timeout, answer);
        calls.put(j.callSeq, d);
        if (d.repeatKey != null) {
            firstByRequest.putIfAbsent(d.repeatKey, j.callSeq);
        }
        answer.whenComplete((a, err) -> {
            if (ApprovalWait.isTimeout(a)) {
                // Off the JDK's shared timer thread: recording may block a little.
                try {
                    asyncExecutor.execute(() -> settle(d));
                    return;
                } catch (RejectedExecutionException shutDown) {
                    // settle here rather than leave the call undecided
                }
            }
            settle(d);
        });
        return d;
    }

    /**
     * Holds a call rediscovered from the journal that was allowed to run (by the policy, or approved) and has no
     * outcome on record, as an approved deferred call: resuming it once records its outcome. Nothing is recorded now
     * and nobody is asked.
     *
     * @param approvalTimeout for a call that stalled and was approved, its approval's timeout; else zero
     * @param allowedAt when it was allowed to run (its ALLOW, or its APPROVAL): its duration counts from then
     * @return the call, described as a request whose {@code requestedAt} is when it was decided, and whose
     *     {@code deadline} is its approval's for a call that stalled and was approved, else the same instant
     */
    ApprovalRequest restoreAllowed(JudgedCall j, Instant decidedAt, Duration approvalTimeout, Instant allowedAt) {
        ApprovalRequest request = approvals.request(j, decidedAt, approvalTimeout);
        // Never found by a repeat: it may have run before the restart, and only its taker may resume it.
        Deferred d = new Deferred(j, Map.of(), request, null, Duration.ZERO, CompletableFuture.completedFuture(null),
                allowedAt);
        d.settled = APPROVED;
        calls.put(j.callSeq, d);
        return request;
    }

    private void settle(Deferred d) {
        GuardException refusal;
        try {
            refusal = approvals.settle(d.call, d.answer, d.request.requestedAt(), d.timeout);
        } catch (dev.vouch.LedgerClosedException closed) {
            // Shutting down: the call stays unanswered in the journal and is rediscovered at the next start.
            LOG.warn("The answer to {} (call seq {}) came after the ledger closed; it is not recorded and the call"
                    + " stays pending in the journal", SafeText.safe(d.call.tool), d.call.callSeq);
            refusal = new ApprovalRefusedException(d.call.tool + " cannot run: the ledger is closed (call seq "
                    + d.call.callSeq + ")", d.call.tool, d.call.policyId, null, "the ledger is closed",
                    d.call.callSeq, -1, closed);
        } catch (RuntimeException | Error e) {
            LOG.error("[CRITICAL] could not record the answer to {} (call seq {}); it will not run",
                    SafeText.safe(d.call.tool),
                    d.call.callSeq, e);
            refusal = new ApprovalRefusedException(d.call.tool + " cannot run: its approval could not be recorded (call seq "
                    + d.call.callSeq + ")", d.call.tool, d.call.policyId, null, "the approval could not be recorded",
                    d.call.callSeq, -1, e);
        }
        d.settled = refusal == null ? APPROVED : refusal;
    }

    /** The deferred call to resume, or throws if none waits under this number. */
    Deferred forResume(long callSequence) {
        Deferred d = calls.get(callSequence);
        if (d == null) {
            if (running.containsValue(callSequence)) { // a few entries: the calls running now
                throw new IllegalStateException("call seq " + callSequence + " was approved and runs now, resumed"
                        + " for another request (a call runs once)");
            }
            throw new IllegalStateException("no deferred call with sequence number " + callSequence
                    + " waits here: it never deferred its approval, it was already resumed (a call runs once),"
                    + " or it belongs to another guard");
        }
        return d;
    }

    /**
     * Claims an approved call for running, once; or the refusal it ended with (then it is forgotten); or null if it
     * is not answered yet.
     *
     * @throws IllegalStateException if another resume claimed it first
     */
    GuardException claim(Deferred d) {
        GuardException s = d.settled;
        if (s == null) {
            return null;
        }
        if (s != APPROVED) {
            forget(d);
            return s;
        }
        if (!d.resumed.compareAndSet(false, true)) {
            throw new IllegalStateException("call seq " + d.call.callSeq + " (" + d.call.tool
                    + ") was already resumed: a call runs once");
        }
        if (d.repeatKey != null) {
            running.put(d.repeatKey, d.call.callSeq); // before it is forgotten: a repeat always finds one or the other
        }
        forget(d);
        return APPROVED;
    }

    /** The claimed call {@code d} ended: its outcome is recorded (or it never ran), and a repeat is a new call. */
    void ended(Deferred d) {
        if (d.repeatKey != null) {
            running.remove(d.repeatKey, d.call.callSeq);
        }
    }

    @Override
    public OptionalLong runningAs(ToolCall call) {
        if (running.isEmpty()) {
            return OptionalLong.empty();
        }
        Long seq = running.get(RequestKey.of(call.tool(), call.principal(), call.params()));
        return seq == null ? OptionalLong.empty() : OptionalLong.of(seq);
    }

    static boolean isApproval(GuardException claimed) {
        return claimed == APPROVED;
    }

    @Override
    public List<ApprovalRequest> list() {
        List<ApprovalRequest> out = new ArrayList<>();
        for (Deferred d : calls.values()) {
            if (!d.answer.isDone()) {
                out.add(d.request);
            }
        }
        return out;
    }

    @Override
    public Optional<ApprovalRequest> get(long callSequence) {
        Deferred d = calls.get(callSequence);
        return d == null || d.answer.isDone() ? Optional.empty() : Optional.of(d.request);
    }

    /**
     * Forgets a call that was resumed or refused: a repeat of it is a new call from now on, or one of the same request
     * deferred beside it (that no adapter refused as a duplicate) takes its place.
     */
    private void forget(Deferred d) {
        long seq = d.call.callSeq;
        calls.remove(seq, d);
        if (d.repeatKey != null && firstByRequest.remove(d.repeatKey, seq)) {
            for (Deferred other : calls.values()) {
                if (d.repeatKey.equals(other.repeatKey) && !other.resumed.get()) {
                    firstByRequest.putIfAbsent(other.repeatKey, other.call.callSeq);
                    return;
                }
            }
        }
    }

    @Override
    public OptionalLong repeatOf(ToolCall call) {
        if (firstByRequest.isEmpty()) {
            return OptionalLong.empty();
        }
        Long seq = firstByRequest.get(RequestKey.of(call.tool(), call.principal(), call.params()));
        Deferred d = seq == null ? null : calls.get(seq);
        return d == null || d.resumed.get() ? OptionalLong.empty() : OptionalLong.of(seq);
    }

    @Override
    public int size() {
        int n = 0;
        for (Deferred d : calls.values()) {
            if (!d.answer.isDone()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean answer(long callSequence, Approval approval) {
        java.util.Objects.requireNonNull(approval, "approval");
        Deferred d = calls.get(callSequence);
        // complete() runs the recording callback on this thread: the APPROVAL is on record when this returns.
        return d != null && d.answer.complete(approval);
    }
}
