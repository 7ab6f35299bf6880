package dev.vouch.guard;

/**
 * A stalled call was not approved: refused by the approver, refused because the approval handler failed, or
 * (as {@link ApprovalTimedOutException}) not decided in time. The tool did not run. The journal holds the
 * TOOL_CALL, the POLICY_DECISION (STALL) and the APPROVAL record (REFUSED or TIMED_OUT) and nothing after them.
 */
public class ApprovalRefusedException extends GuardException {
    private static final long serialVersionUID = 1L;

    private final String policyId;
    private final String approver;
    private final String reason;
    private final long approvalSequence;

    ApprovalRefusedException(String message, String tool, String policyId, String approver, String reason,
            long callSequence, long approvalSequence, Throwable cause) {
        super(message, tool, callSequence, cause);
        this.policyId = policyId;
        this.approver = approver;
        this.reason = reason == null ? "" : reason;
        this.approvalSequence = approvalSequence;
    }

    /** The id of the rule that stalled the call, as recorded: the rule id, or {@code "default"}. */
    public String policyId() {
        return policyId;
    }

    /** Who refused, as recorded; {@code null} when nobody did (a timeout, or a failed handler). */
    public String approver() {
        return approver;
    }

    /** Why, as recorded; never null. */
    public String reason() {
        return reason;
    }

    /** The sequence number of the APPROVAL record. */
    public long approvalSequence() {
        return approvalSequence;
    }

    /** Whether nobody decided before the approval timeout. */
    public boolean timedOut() {
        return false;
    }
}
