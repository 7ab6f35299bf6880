package dev.vouch.guard;

import java.util.List;
import java.util.Optional;

/**
 * The calls of one guard that wait for a person because they {@linkplain ToolCall#deferApproval deferred} their
 * approval, including those rediscovered from the journal after a restart ({@link GuardBuilder#recoverPending}).
 * An answer is recorded as the call's APPROVAL record when it is given; only the first answer counts (the
 * approval handler's, one given here, or the deadline's). The tool runs later through {@link Guard#resume}.
 * Thread-safe.
 */
public interface PendingApprovals {

    /** The calls waiting for an answer, oldest first. */
    List<ApprovalRequest> list();

    /** The waiting call with this TOOL_CALL sequence number, if it is still waiting. */
    Optional<ApprovalRequest> get(long callSequence);

    /** How many calls wait now (the {@code vouch_guard_approvals_pending} gauge). */
    int size();

    /**
     * Answers a waiting call and records the APPROVAL before returning.
     *
     * @return true if this answer decided the call; false if it was not waiting (never deferred, already
     *     answered, past its deadline): an answer given twice counts once
     */
    boolean answer(long callSequence, Approval approval);

    /** {@code answer(callSequence, Approval.granted(approver, reason))}. */
    default boolean approve(long callSequence, String approver, String reason) {
        return answer(callSequence, Approval.granted(approver, reason));
    }

    /** {@code answer(callSequence, Approval.refused(approver, reason))}. */
    default boolean refuse(long callSequence, String approver, String reason) {
        return answer(callSequence, Approval.refused(approver, reason));
    }
}
