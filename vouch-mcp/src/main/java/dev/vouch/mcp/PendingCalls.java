package dev.vouch.mcp;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The requests of the calls that returned "awaiting approval" ({@link StallMode#PENDING}), by TOOL_CALL sequence
 * number: what resuming one by its number ({@code resume}) runs. Which deferred call a repeat resumes is the guard's
 * to say ({@code PendingApprovals.repeatOf}), and the repeat's own request runs it. Bounded: past {@value #MAX}
 * remembered calls the oldest is forgotten (a repeat still reaches it; a resume by number no longer does).
 * Thread-safe.
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

    /** As {@link #remember}, unless a request is remembered for this call already (the first one stays). */
    synchronized void rememberIfAbsent(long callSequence, CallToolRequest request) {
        calls.putIfAbsent(callSequence, request);
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
