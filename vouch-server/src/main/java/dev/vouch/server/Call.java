package dev.vouch.server;

import dev.vouch.guard.ApprovalRefusedException;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.ApprovalTimedOutException;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.Context;
import dev.vouch.guard.GuardException;
import dev.vouch.guard.ToolBlockedException;
import dev.vouch.merkle.Rfc6962;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One tool call as the gateway follows it between HTTP requests, keyed by its TOOL_CALL sequence number. The guard
 * decides and records everything; this only remembers what to tell the client that asks again, and holds the future
 * the guard waits on while the client runs the tool ({@link #result}: completing it makes the guard record
 * TOOL_RESULT or TOOL_ERROR). State changes happen under the object's lock; when the call leaves
 * {@link Status#PENDING}, {@link #wake()} runs the long polls waiting for it. Once it ends, it keeps only what a view
 * of it needs, so that remembering ended calls for a while costs little.
 */
final class Call {
    /** Where a call stands, as the API names it ({@link #label()}). */
    enum Status {
        /** Stalled: waits for an operator (or its deadline). */
        PENDING,
        /** Allowed (or approved): the client runs the tool and reports the result. */
        ALLOWED,
        /** The policy blocked it; it never runs. */
        BLOCKED,
        /** An operator refused it; it never runs. */
        REFUSED,
        /** Nobody approved it before its deadline; it never runs. */
        TIMED_OUT,
        /** The client reported the outcome; it is recorded. */
        COMPLETED,
        /** Allowed, but no result came before the report deadline (or the gateway stopped): recorded as TOOL_ERROR. */
        EXPIRED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean terminal() {
            return this != PENDING && this != ALLOWED;
        }
    }

    final long seq;
    final AgentGuard agent;
    final String tool;
    /** The client's id for the call, if it gave one (unknown for a call rediscovered after a restart). */
    private String callId;
    /**
     * The SHA-256 of the parameters exactly as submitted (empty for none), to tell a retry of this call from another
     * call under the same call id. For a call taken back after a restart, that of the parameters the journal holds,
     * if it holds them exactly; null if it holds them only redacted, and then no submission matches.
     */
    private byte[] paramsDigest;
    /**
     * Where the submission placed the call (its task, parent and principal as given), to tell a retry from the same
     * tool and parameters sent for another task or principal: an outside trial's resubmission with another task got
     * the first call's seq and believed it recorded there. Null for a call taken back after a restart, whose
     * submission the journal holds only as recorded (the parent's task, the guard's principal).
     */
    private Submission placedAs;
    /**
     * For a call taken back after a restart: the task and principal the journal recorded it with (empty for none),
     * to tell a retry from the same call sent in another task or for another principal, as {@link #placedAs} does
     * for a call submitted since the start. Null otherwise.
     */
    private String recordedTask;
    private String recordedPrincipal;

    private Status status;
    /** Pending: the approval request. */
    private ApprovalRequest request;
    /** Blocked, refused, timed out: why. */
    private GuardException refusal;
    /** Allowed: the future the guard waits on for the outcome, the call's context, the report deadline. */
    private CompletableFuture<Object> result;
    private CompletableFuture<CallResult<Object>> outcome;
    private Context context;
    private Instant reportBy;
    private ScheduledFuture<?> expiry;
    /** Completed, expired: which record the outcome became, and why it expired. */
    private String recorded;
    private String expiredBecause;
    /** Terminal: when the gateway may forget it (System.nanoTime()). */
    private long forgetAt;

    /** Long polls waiting for the call to leave PENDING; null once it has. */
    private List<Runnable> waiters = new ArrayList<>();

    /** Pending: the approval handler's future; done once someone (or the deadline) answered. */
    private CompletableFuture<?> answer;

    Call(long seq, AgentGuard agent, String tool, String callId) {
        this.seq = seq;
        this.agent = agent;
        this.tool = tool;
        this.callId = callId;
    }

    synchronized String callId() {
        return callId;
    }

    synchronized void submitted(Submission s) {
        paramsDigest = digest(s.params());
        placedAs = new Submission(s.tool(), null, s.callId(), s.task(), s.parent(), s.principal(), null, null);
    }

    /**
     * A call taken back after a restart: the parameters as the journal holds them. Only exact ones can tell a retry
     * from another call; an outside trial resubmitted a recovered call id with other parameters and was answered
     * "allowed" for a call the policy never judged.
     */
    synchronized void recorded(ApprovalRequest asRecorded) {
        if (paramsDigest == null && asRecorded.paramsStoredExactly()) {
            paramsDigest = digest(asRecorded.storedParams().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (placedAs == null) {
            recordedTask = asRecorded.task();
            recordedPrincipal = asRecorded.principal();
        }
    }

    /** Whether submissions can be matched to this call by their parameters (see {@link #recorded}). */
    synchronized boolean paramsKnown() {
        return paramsDigest != null;
    }

    /**
     * What a submission under this call's id gives otherwise than this call ({@link #OTHER_PARAMS}, {@code "another
     * tool"}, {@code "another task"}, {@code "another parent"}, {@code "another principal"}), or null if it is this
     * call again (a retry). The trace context is not compared: a client's retry may well be a new span.
     *
     * @param inTask the task the submission would place the call in (its own, or its parent call's), or empty
     */
    synchronized String differs(Submission s, String inTask) {
        if (!tool.equals(s.tool())) {
            return "another tool";
        }
        if (paramsDigest == null || !java.util.Arrays.equals(paramsDigest, digest(s.params()))) {
            return OTHER_PARAMS;
        }
        if (placedAs == null) {
            // Taken back after a restart: the journal holds the task and principal, not how the client named them
            // (a task, or a parent call in it); a call made inside a running call is told by its task alone.
            return recordedTask == null ? null : !recordedTask.equals(inTask) ? "another task"
                    : !recordedPrincipal.equals(s.principal() == null ? "" : s.principal()) ? "another principal" : null;
        }
        return !Objects.equals(placedAs.task(), s.task()) ? "another task"
                : !Objects.equals(placedAs.parent(), s.parent()) ? "another parent"
                : !Objects.equals(placedAs.principal(), s.principal()) ? "another principal" : null;
    }

    static final String OTHER_PARAMS = "other parameters";

    private static byte[] digest(byte[] params) {
        return Rfc6962.newSha256().digest(params == null ? new byte[0] : params);
    }

    synchronized void callId(String id) {
        if (callId == null) {
            callId = id;
        }
    }

    synchronized Status status() {
        return status;
    }

    /** A call taken back after a restart that had stalled and been approved: shown as stalled, with its policy. */
    synchronized void stalledBefore(ApprovalRequest r) {
        this.request = r;
    }

    synchronized void pending(ApprovalRequest r, CompletableFuture<?> answer) {
        if (status == null) {
            status = Status.PENDING;
        }
        this.request = r;
        this.answer = answer;
    }

    /** Whether the policy stalled the call (it waited, or waits, for approval), rather than allowing or blocking it. */
    synchronized boolean stalled() {
        return request != null || refusal instanceof ApprovalRefusedException;
    }

    /** Whether a pending call's approval was answered (by a person or the deadline). */
    synchronized boolean answered() {
        return answer != null && answer.isDone();
    }

    /** The guard ran the action: the call is allowed and waits for the client's report. */
    synchronized void allowed(CompletableFuture<Object> result, Context context, Instant reportBy) {
        this.status = Status.ALLOWED;
        this.result = result;
        this.context = context;
        this.reportBy = reportBy;
    }

    synchronized void expiry(ScheduledFuture<?> expiry) {
        this.expiry = expiry;
    }

    synchronized void outcome(CompletableFuture<CallResult<Object>> outcome) {
        this.outcome = outcome;
    }

    /** A refusal from the guard: blocked by the policy, refused by a person, or timed out. */
    synchronized void refused(GuardException reason, long forgetAt) {
        this.refusal = reason;
        this.answer = null;
        this.status = reason instanceof ToolBlockedException ? Status.BLOCKED
                : reason instanceof ApprovalTimedOutException ? Status.TIMED_OUT : Status.REFUSED;
        this.forgetAt = forgetAt;
    }

    /**
     * Claims the right to end an allowed call (a report, the report deadline, a stop), once, for whoever comes first,
     * and hands over the future to complete; the rest of the allowed state is let go.
     *
     * @return the call's result future, or null if the call is not allowed (anymore): the loser answers 409 or does
     *     nothing
     */
    synchronized CompletableFuture<Object> end(Status to, String recorded, String because, long forgetAt) {
        if (status != Status.ALLOWED) {
            return null;
        }
        status = to;
        this.recorded = recorded;
        this.expiredBecause = because;
        this.forgetAt = forgetAt;
        if (expiry != null) {
            expiry.cancel(false);
        }
        CompletableFuture<Object> r = result;
        result = null;
        context = null;
        expiry = null;
        return r;
    }

    /**
     * Adds a long poll to wake when the call leaves PENDING.
     *
     * @return false if it is not pending (answer at once), or too many polls wait already
     */
    synchronized boolean await(Runnable wake, int maxWaiters) {
        if (status != Status.PENDING || waiters == null || waiters.size() >= maxWaiters) {
            return false;
        }
        waiters.add(wake);
        return true;
    }

    synchronized void cancelWait(Runnable wake) {
        if (waiters != null) {
            waiters.remove(wake);
        }
    }

    /** The call left PENDING: runs every waiting long poll, once. */
    void wake() {
        List<Runnable> w;
        synchronized (this) {
            w = waiters;
            waiters = null;
        }
        if (w != null) {
            w.forEach(Runnable::run);
        }
    }

    /** The outcome future, handed over once (the report reads it; nothing else needs it after). */
    synchronized CompletableFuture<CallResult<Object>> takeOutcome() {
        CompletableFuture<CallResult<Object>> o = outcome;
        outcome = null;
        return o;
    }

    synchronized Context context() {
        return status == Status.ALLOWED ? context : null;
    }

    synchronized boolean forgettable(long now) {
        return status != null && status.terminal() && now - forgetAt >= 0;
    }

    /** HTTP status for a view of this call: 202 while pending, else 200. */
    synchronized int httpStatus() {
        return status == Status.PENDING ? 202 : 200;
    }

    /** The call as the API shows it (docs/GATEWAY.md, "The call object"). */
    synchronized void writeTo(JsonOut o) {
        o.field("seq", seq).field("status", status.label()).field("agent", agent.name).field("tool", tool)
                .field("call_id", callId);
        switch (status) {
            case PENDING -> o.field("decision", "stall").field("policy", request.policyId())
                    .field("risk", request.risk().name().toLowerCase(java.util.Locale.ROOT))
                    .field("reason", request.reason()).field("deadline", request.deadline());
            case ALLOWED -> policySaid(o).field("report_by", reportBy);
            case BLOCKED -> {
                ToolBlockedException b = (ToolBlockedException) refusal;
                o.field("decision", "block").field("policy", b.policyId()).field("reason", b.reason())
                        .field("explanation", new CallResult.Refused<>(refusal).explanation());
            }
            case REFUSED, TIMED_OUT -> {
                ApprovalRefusedException r = (ApprovalRefusedException) refusal;
                o.field("decision", "stall").field("policy", r.policyId()).field("approver", r.approver())
                        .field("reason", r.reason())
                        .field("explanation", new CallResult.Refused<>(refusal).explanation());
            }
            case COMPLETED -> policySaid(o).field("recorded", recorded);
            case EXPIRED -> policySaid(o).field("recorded", recorded).field("reason", expiredBecause);
            default -> throw new IllegalStateException(status.name());
        }
    }

    /** A call that ran: the policy allowed it, or stalled it and a person approved it (which stays "stall"). */
    private JsonOut policySaid(JsonOut o) {
        return request == null ? o.field("decision", "allow")
                : o.field("decision", "stall").field("policy", request.policyId());
    }
}
