package dev.vouch.mcp;

import dev.vouch.guard.CallResult;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the model reads when the tool did not run: an {@code isError: true} result (so the model can recover, rather
 * than a protocol error that ends its turn) whose text is the guard's one-sentence explanation, naming the rule, the
 * reason and the call's sequence number. {@code _meta} carries the same for programs: {@value #SEQUENCE} and
 * {@value #OUTCOME} ({@code blocked}, {@code refused}, {@code timed_out}, {@code awaiting_approval}, or
 * {@code running} for a repeat of an approved call that runs for another request).
 */
final class Refusals {
    /** The {@code _meta} key of the call's TOOL_CALL sequence number. */
    static final String SEQUENCE = "dev.vouch/call_sequence";
    /** The {@code _meta} key of why the tool did not run. */
    static final String OUTCOME = "dev.vouch/outcome";

    private Refusals() {
    }

    static CallToolResult of(CallResult.Refused<?> refused) {
        return result(refused.explanation(), refused.callSequence(), refused.outcome());
    }

    static CallToolResult of(CallResult.Pending<?> pending) {
        return result(dev.vouch.guard.PendingApprovals.awaitingApproval(pending), pending.callSequence(),
                "awaiting_approval");
    }

    /** A repeat not run because the approved call it repeats runs for another request ({@code runningAs}). */
    static CallToolResult running(long callSequence, String tool) {
        return result(dev.vouch.guard.PendingApprovals.sameCallRuns(callSequence, tool), callSequence, "running");
    }

    private static CallToolResult result(String text, long callSequence, String outcome) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(SEQUENCE, callSequence);
        meta.put(OUTCOME, outcome);
        return CallToolResult.builder().addTextContent(text).isError(true).meta(meta).build();
    }
}
