package dev.vouch.mcpproxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The calls answered "awaiting approval" ({@link StallMode#PENDING}), by what makes a repeat the same call: the tool
 * and its arguments (compared as JSON values: member order and spacing do not matter). When the client calls again,
 * the proxy resumes the waiting call rather than recording a new one. Bounded: past {@value #MAX} the oldest is
 * forgotten (a repeat of it is judged as a new call; the forgotten one times out in the journal). Thread-safe; one
 * per {@link McpProxy}, shared by its sessions, so a client that reconnects still finds its call.
 */
final class PendingCalls {
    static final int MAX = 1024;

    private record Key(String tool, JsonNode arguments) {
    }

    private final Map<Key, Long> calls = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
            return size() > MAX;
        }
    };

    /** The sequence number of the waiting call this one repeats, or null. */
    synchronized Long find(String tool, JsonNode arguments) {
        return calls.get(new Key(Objects.requireNonNull(tool), arguments));
    }

    synchronized void remember(String tool, JsonNode arguments, long callSequence) {
        calls.put(new Key(Objects.requireNonNull(tool), arguments), callSequence);
    }

    /** Forgets the call with this sequence number (it ran, was refused, or is gone). */
    synchronized void forget(long callSequence) {
        for (Iterator<Long> it = calls.values().iterator(); it.hasNext(); ) {
            if (it.next() == callSequence) {
                it.remove();
                return;
            }
        }
    }
}
