package dev.vouch.mcp;

/**
 * What a guarded tool call does when the policy stalls it (holds it for a person's approval). A setting of
 * {@link VouchMcp.Builder#stallMode}; it applies to every server handler and client the {@link VouchMcp} guards.
 */
public enum StallMode {
    /**
     * The call waits on its thread for the approval handler, up to the policy's {@code approval_timeout}; then
     * the tool runs (approved) or the caller gets a refusal result. Simple, but holds the request open: an MCP
     * client's request timeout (60 s by default in the TypeScript SDK) may end it first.
     */
    WAIT,
    /**
     * The call returns at once an {@code isError: true} result saying it awaits approval, with the call's
     * sequence number; the model is not held up. When the model calls the same tool again with the same
     * arguments (for the same principal), the guard resumes that call: it runs once approved, says it still waits
     * otherwise, and is refused if it was refused or timed out. {@link GuardedMcpClient#resume} resumes by
     * sequence number too.
     */
    PENDING
}
