package dev.vouch.guard;

import dev.vouch.Risk;
import java.time.Instant;

/**
 * A stalled call waiting for approval, as an approval handler sees it.
 *
 * @param callSequence the sequence number of the call's TOOL_CALL record: the request's id
 * @param agent        the guard's agent
 * @param task         the task the call belongs to, or empty
 * @param tool         the tool
 * @param storedParams the parameters as the journal stores them (redacted fields replaced by commitments),
 *                     UTF-8 text: an approver never sees what the journal may not keep
 * @param policyId     the rule that stalled the call, or {@code "default"}
 * @param reason       the policy's reason, or empty
 * @param risk         the rule's risk
 * @param requestedAt  when the guard asked
 * @param deadline     when the request times out and the call is refused
 * @param toolCallId   the id the model or client gave the call ({@link ToolCall#id}), or empty
 * @param principal    who the agent acts for ({@link ToolCall#principal}, else the guard's), or empty
 */
public record ApprovalRequest(
        long callSequence,
        String agent,
        String task,
        String tool,
        String storedParams,
        String policyId,
        String reason,
        Risk risk,
        Instant requestedAt,
        Instant deadline,
        String toolCallId,
        String principal) {

    public ApprovalRequest {
        toolCallId = toolCallId == null ? "" : toolCallId;
        principal = principal == null ? "" : principal;
    }

    /**
     * Whether {@link #storedParams} are the call's parameters exactly as given: nothing was redacted, digested or
     * committed. Only then can a later call be matched to this one by its parameters (a repeat of a call that waits,
     * found again after a restart). Conservative: parameters that merely contain the text of a redaction marker
     * count as not exact.
     */
    public boolean paramsStoredExactly() {
        return storedExactly(storedParams);
    }

    /** {@link #paramsStoredExactly} of parameters as stored. */
    static boolean storedExactly(String storedParams) {
        return !storedParams.contains("\"" + RedactionKey.REDACTED_FIELD + "\"")
                && !storedParams.contains("\"" + StoredParams.DIGEST_FIELD + "\"");
    }

    /** A request with no tool-call id and no principal (the form before they were added). */
    public ApprovalRequest(long callSequence, String agent, String task, String tool, String storedParams,
            String policyId, String reason, Risk risk, Instant requestedAt, Instant deadline) {
        this(callSequence, agent, task, tool, storedParams, policyId, reason, risk, requestedAt, deadline, "", "");
    }
}
