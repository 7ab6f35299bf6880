package dev.vouch.mcp;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The calls that returned "awaiting approval" ({@link StallMode#PENDING}), by what identifies a repeat of the same
 * call: tool, principal and arguments. When the model calls again with the same arguments, the guard resumes the
 * waiting call instead of recording a new one. Bounded: past {@value #MAX} remembered calls the oldest is forgotten
 * (a later repeat of it is judged as a new call; the forgotten one times out in the journal). Thread-safe.
 */
final class PendingCalls {
    static final int MAX = 1024;

    private record Key(String tool, String principal, Map<String, Object> arguments) {
    }

    /** A waiting call: its TOOL_CALL sequence number and the request that made it (to run it again). */
    private record Waiting(long callSequence, CallToolRequest request) {
    }

    private final Map<Key, Waiting> calls = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Waiting> eldest) {
            return size() > MAX;
        }
    };

    /** The sequence number of the waiting call this one repeats, or null. */
    synchronized Long find(String tool, String principal, Map<String, Object> arguments) {
        Waiting w = calls.get(key(tool, principal, arguments));
        return w == null ? null : w.callSequence();
    }

    /**
     * Remembers a waiting call, unless the same call (made at the same time, by another thread) is remembered
     * already.
     *
     * @return the sequence number of the waiting call now remembered for these arguments: {@code callSequence}, or
     *     the other one's
     */
    synchronized long remember(String tool, String principal, Map<String, Object> arguments, long callSequence,
            CallToolRequest request) {
        Waiting w = calls.putIfAbsent(key(tool, principal, arguments), new Waiting(callSequence, request));
        return w == null ? callSequence : w.callSequence();
    }

    /** The request of the remembered call with this sequence number, or null. */
    synchronized CallToolRequest request(long callSequence) {
        for (Waiting w : calls.values()) {
            if (w.callSequence() == callSequence) {
                return w.request();
            }
        }
        return null;
    }

    /** Forgets the call (it ran, was refused, or is gone), if it is still the one remembered for these arguments. */
    synchronized void forget(String tool, String principal, Map<String, Object> arguments, long callSequence) {
        Key k = key(tool, principal, arguments);
        Waiting w = calls.get(k);
        if (w != null && w.callSequence() == callSequence) {
            calls.remove(k);
        }
    }

    /** Forgets the call with this sequence number, whatever its arguments. */
    synchronized void forget(long callSequence) {
        for (Iterator<Waiting> it = calls.values().iterator(); it.hasNext(); ) {
            if (it.next().callSequence() == callSequence) {
                it.remove();
                return;
            }
        }
    }

    private static Key key(String tool, String principal, Map<String, Object> arguments) {
        return new Key(Objects.requireNonNull(tool, "tool"), principal, arguments == null ? Map.of() : arguments);
    }
}
