package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.vouch.guard.ApprovalRequest;

/**
 * A tool call held by {@link VouchTools} because it waits for a person: the model's request, kept in memory to be run
 * by {@link VouchTools#resume(long)}, and what the approver is shown.
 *
 * @param request  the model's original request (name, arguments, tool-call id)
 * @param approval the guard's approval request: call sequence number, policy rule, reason, deadline, and the
 *                 parameters as the journal stores them
 */
public record PendingToolCall(ToolExecutionRequest request, ApprovalRequest approval) {

    /** The sequence number of the call's TOOL_CALL record: what {@link VouchTools#resume(long)} takes. */
    public long callSequence() {
        return approval.callSequence();
    }
}
