package dev.vouch.mcpproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's requests in flight, by id ({@link Json#idKey}): how a server's response finds the request, and the
 * client that asked, whatever order responses come back in. Every request is here from before it is forwarded until
 * its answer is relayed, so that a server that exits leaves no client request unanswered. Ids are unique among the
 * requests in flight (JSON-RPC); a second request with the id of one in flight is refused rather than forwarded,
 * since its response could not be told apart. Thread-safe.
 */
final class Routes {
    private final ConcurrentHashMap<String, Route> inFlight = new ConcurrentHashMap<>();

    /** Registers a request; false if a request with this id is already in flight. */
    boolean add(String idKey, Route route) {
        return inFlight.putIfAbsent(idKey, route) == null;
    }

    /** The request this response answers, removed; null if none (not the client's, or already answered). */
    Route remove(String idKey) {
        return idKey == null ? null : inFlight.remove(idKey);
    }

    /** Removes this very request (not a later one that reuses its id); false if it was no longer in flight. */
    boolean remove(String idKey, Route route) {
        return inFlight.remove(idKey, route);
    }

    Route get(String idKey) {
        return idKey == null ? null : inFlight.get(idKey);
    }

    /** Fails this very request, if it is still in flight. */
    void fail(String idKey, Route route, String why) {
        if (inFlight.remove(idKey, route)) {
            route.onFailure(why);
        }
    }

    /** Fails every request in flight: the server is gone. */
    void failAll(String why) {
        List<String> keys = new ArrayList<>(inFlight.keySet());
        for (String key : keys) {
            Route r = inFlight.remove(key);
            if (r != null) {
                r.onFailure(why);
            }
        }
    }

    int size() {
        return inFlight.size();
    }
}
