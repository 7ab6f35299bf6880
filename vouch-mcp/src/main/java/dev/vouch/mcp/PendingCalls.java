package dev.vouch.mcp;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The requests of the calls that returned "awaiting approval" ({@link StallMode#PENDING}), by TOOL_CALL sequence
 * number: what resuming one runs. Which waiting call a repeat resumes is the guard's to say
 * ({@code PendingApprovals.repeatOf}); a repeat resumes only a call remembered here. Bounded: past {@value #MAX}
 * remembered calls the oldest is forgotten (a later repeat of it is judged as a new call; the forgotten one times
 * out in the journal). Thread-safe.
 */
final class PendingCalls {
    static final int MAX = 1024;

    private final Map<Long, CallToolRequest> calls = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CallToolRequest> eldest) {
            return size() > MAX;
        }
    };

    synchronized void remember(long callSequence, CallToolRequest request) {
        calls.put(callSequence, request);
    }

    /** The request of the remembered call with this sequence number, or null. */
    synchronized CallToolRequest request(long callSequence) {
        return calls.get(callSequence);
    }

    /** Forgets the call with this sequence number (it ran, was refused, or is gone). */
    synchronized void forget(long callSequence) {
        calls.remove(callSequence);
    }
}
