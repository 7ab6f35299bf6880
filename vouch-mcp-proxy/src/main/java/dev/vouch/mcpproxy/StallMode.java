package dev.vouch.mcpproxy;

/**
 * What a {@code tools/call} the policy stalls (holds for a person's approval) does: a setting of
 * {@link McpProxy.Builder#stallMode}, {@code --stall} on the command line.
 */
public enum StallMode {
    /**
     * The call waits for the guard's approval handler, up to the policy's {@code approval_timeout}, while every other
     * message keeps flowing; then it is forwarded (approved) or answered with a refusal result. Simple, but the
     * request stays open: an MCP client's own request timeout (60 s in the TypeScript SDK) may end it first.
     */
    WAIT,
    /**
     * The call is answered at once with an {@code isError: true} result saying it awaits approval, with its sequence
     * number ({@code _meta} {@code "dev.vouch/outcome": "awaiting_approval"}); the model is not held up. When the
     * client calls the same tool again with the same arguments, the proxy resumes that call ({@code Guard.resume}):
     * it is forwarded once approved, answered "still awaiting approval" until then, and refused if it was refused or
     * timed out. Approve through the guard's {@code pendingApprovals()} or its approval handler.
     */
    PENDING
}
