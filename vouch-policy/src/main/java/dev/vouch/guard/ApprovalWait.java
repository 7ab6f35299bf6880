package dev.vouch.guard;

import dev.vouch.Decision;
import dev.vouch.internal.Durations;
import dev.vouch.internal.SafeText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waiting for a person: asks the {@link ApprovalHandler} about a stalled call, holds the call until an answer or the
 * deadline, records the outcome (APPROVAL) and turns anything but an approval into the refusal the caller sees.
 * A handler that fails, answers null or is cancelled refuses; a late answer loses to the deadline.
 */
final class ApprovalWait {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private static final String GUARD_APPROVER = "vouch.guard";
    /** Completes a handler's future at the deadline; told apart from real answers by identity. */
    private static final Approval TIMED_OUT = new Approval(false, GUARD_APPROVER,
            "no decision before the approval deadline", Instant.EPOCH);
    /** Completes a handler's future when the waiting thread was interrupted. */
    private static final Approval INTERRUPTED = new Approval(false, GUARD_APPROVER,
            "the thread waiting for approval was interrupted", Instant.EPOCH);
    /** Completes a handler's future when the caller cancelled an asynchronous call that waited for approval. */
    private static final Approval CANCELLED = new Approval(false, GUARD_APPROVER,
            "the caller cancelled the call while it waited for approval", Instant.EPOCH);

    private final ApprovalHandler approvals;
    private final String agent;
    private final GuardRecords records;

    ApprovalWait(ApprovalHandler approvals, String agent, GuardRecords records) {
        this.approvals = approvals;
        this.agent = agent;
        this.records = records;
    }

    /** Synchronous stall: waits on this thread, records the outcome; returns the refusal, or null if approved. */
    GuardException await(JudgedCall j) {
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
            // A refusal by failure: settle reads it from the future.
        }
        try {
            return settle(j, answer, requestedAt, timeout);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Asynchronous stall: asks now and returns the answer, completed by the deadline at the latest; the caller
     * settles it with {@link #settle} off the approver's thread.
     */
    CompletableFuture<Approval> askWithDeadline(JudgedCall j, Instant requestedAt, Duration timeout) {
        return askWithDeadline(request(j, requestedAt, timeout));
    }

    /** As {@link #askWithDeadline(JudgedCall, Instant, Duration)}, for a request already made. */
    CompletableFuture<Approval> askWithDeadline(ApprovalRequest request) {
        return askWithDeadline(request, Instant.now());
    }

    /**
     * As {@link #askWithDeadline(ApprovalRequest)}, with the time left counted from {@code now}: for a call
     * rediscovered from the journal, the later of the clock and the last record of the journal's previous session.
     */
    CompletableFuture<Approval> askWithDeadline(ApprovalRequest request, Instant now) {
        long left = Duration.between(now, request.deadline()).toNanos();
        if (left <= 0) {
            // Past its deadline already (a call rediscovered after a restart): nobody is asked a question whose
            // answer could no longer count.
            return CompletableFuture.completedFuture(TIMED_OUT);
        }
        CompletableFuture<Approval> answer = ask(request);
        answer.completeOnTimeout(TIMED_OUT, Math.max(0, left), TimeUnit.NANOSECONDS);
        return answer;
    }

    /**
     * The caller gave up on an asynchronous call waiting for approval: refuses it, unless an answer came first (then
     * that one counts).
     */
    static void callerCancelled(CompletableFuture<Approval> answer) {
        answer.complete(CANCELLED);
    }

    /** Whether an answer is the deadline's, not a person's: settled off the JDK's shared timer thread. */
    static boolean isTimeout(Approval a) {
        return a == TIMED_OUT;
    }

    ApprovalRequest request(JudgedCall j, Instant requestedAt, Duration timeout) {
        return new ApprovalRequest(j.callSeq, agent, j.ctx.task(), j.tool,
                new String(j.stored.bytes, StandardCharsets.UTF_8), j.policyId,
                j.decision.reason() == null ? "" : j.decision.reason(), j.decision.risk(), requestedAt,
                deadline(requestedAt, timeout), j.toolCallId, j.principal);
    }

    private CompletableFuture<Approval> ask(JudgedCall j, Instant requestedAt, Duration timeout) {
        return ask(request(j, requestedAt, timeout));
    }

    /** Asks the handler; never throws: a handler failure becomes a failed future (a refusal). */
    private CompletableFuture<Approval> ask(ApprovalRequest request) {
        // A stalled call can wait minutes with nobody to answer: say so, so that a silent agent is explained.
        LOG.info("Waiting for approval of {} (call seq {}, policy {}, risk {}) until {}", SafeText.safe(request.tool()),
                request.callSequence(), request.policyId(), request.risk(), request.deadline());
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

    /** Records APPROVAL for a completed answer (write-ahead); returns the refusal, or null if approved. */
    GuardException settle(JudgedCall j, CompletableFuture<Approval> answer, Instant requestedAt, Duration timeout) {
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
            reason = "no decision within " + Durations.policyText(timeout);
            decidedAt = Instant.now();
        } else if (error != null) {
            outcome = Decision.REFUSED;
            approver = null;
            reason = error instanceof CancellationException ? "the approval request was cancelled"
                    : "the approval handler failed";
            decidedAt = Instant.now();
        } else {
            boolean guards = a == INTERRUPTED || a == CANCELLED; // the guard's own answer, not a person's
            outcome = a.approved() ? Decision.APPROVED : Decision.REFUSED;
            approver = guards ? null : a.approver();
            reason = a.reason();
            decidedAt = guards ? Instant.now() : a.decidedAt();
        }
        long approvalSeq = records.recordApproval(j, outcome, approver, reason, requestedAt, decidedAt,
                deadline(requestedAt, timeout), error);
        LOG.info("Approval of {} (call seq {}): {}{} after {} ms (approval seq {})", SafeText.safe(j.tool), j.callSeq,
                outcome.name().toLowerCase(Locale.ROOT), approver == null ? "" : " by " + SafeText.safe(approver),
                Duration.between(requestedAt, Instant.now()).toMillis(), approvalSeq);
        if (outcome == Decision.APPROVED) {
            return null;
        }
        if (outcome == Decision.TIMED_OUT) {
            return new ApprovalTimedOutException("nobody approved " + j.tool + " within "
                    + Durations.policyText(timeout)
                    + " (policy " + j.policyId + ", call seq " + j.callSeq + ")", j.tool, j.policyId, reason,
                    j.callSeq, approvalSeq, timeout);
        }
        return new ApprovalRefusedException(j.tool + " was refused" + (approver == null ? "" : " by " + approver)
                + (reason.isEmpty() ? "" : ": " + reason) + " (policy " + j.policyId + ", call seq " + j.callSeq + ")",
                j.tool, j.policyId, approver, reason, j.callSeq, approvalSeq, error);
    }

    static Duration nonNegative(Duration d) {
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
}
