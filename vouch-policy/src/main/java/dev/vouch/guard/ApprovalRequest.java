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
        Instant deadline) {
}
