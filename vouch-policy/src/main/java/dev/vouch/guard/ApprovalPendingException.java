package dev.vouch.guard;

/**
 * A call that {@linkplain ToolCall#deferApproval defers} its approval is waiting for a person: the tool has not run
 * yet, and will run only through {@link Guard#resume} after an approval. The journal holds the TOOL_CALL and its
 * POLICY_DECISION (STALL); the APPROVAL comes when someone answers or the deadline passes.
 */
public final class ApprovalPendingException extends GuardException {
    private static final long serialVersionUID = 1L;

    private final transient ApprovalRequest request;

    ApprovalPendingException(ApprovalRequest request) {
        super(describe(request), request.tool(), request.callSequence(), null);
        this.request = request;
    }

    /** The pending request: its policy, reason, risk and deadline. */
    public ApprovalRequest request() {
        return request;
    }

    static String describe(ApprovalRequest r) {
        return r.tool() + " is awaiting approval by a person (policy " + r.policyId()
                + (r.reason().isEmpty() ? "" : ": " + r.reason()) + "; call seq " + r.callSequence()
                + "; until " + r.deadline() + "). It has not run; it will run only once approved.";
    }
}
