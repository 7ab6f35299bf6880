package dev.vouch.guard;

/**
 * The policy blocked a call: the tool did not run. The journal holds the TOOL_CALL and the POLICY_DECISION
 * (decision BLOCK) and nothing after them.
 */
public final class ToolBlockedException extends GuardException {
    private static final long serialVersionUID = 1L;

    private final String policyId;
    private final String reason;
    private final long decisionSequence;

    ToolBlockedException(String tool, String policyId, String reason, long callSequence, long decisionSequence,
            Throwable cause) {
        super("policy " + policyId + " blocked " + tool + (reason == null || reason.isEmpty() ? "" : ": " + reason)
                + " (call seq " + callSequence + ")", tool, callSequence, cause);
        this.policyId = policyId;
        this.reason = reason == null ? "" : reason;
        this.decisionSequence = decisionSequence;
    }

    /** The id of the rule that blocked the call, as recorded: the rule id, or {@code "default"}. */
    public String policyId() {
        return policyId;
    }

    /** The policy's reason, as recorded; empty if it gave none. */
    public String reason() {
        return reason;
    }

    /** The sequence number of the POLICY_DECISION record. */
    public long decisionSequence() {
        return decisionSequence;
    }
}
