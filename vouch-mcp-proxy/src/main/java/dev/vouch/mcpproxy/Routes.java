package dev.vouch.mcpproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's requests in flight, by id ({@link Json#idKey}): how a server's response finds the request, and the
 * client that asked, whatever order responses come back in. Every request is here from before it is forwarded until
 * its answer is relayed, so that a server that exits leaves no client request unanswered. Ids are unique among the
 * requests in flight (JSON-RPC); a second request with the id of one in flight is refused rather than forwarded,
 * since its response could not be told apart. A request the client cancelled after it was forwarded stays in flight
 * as {@link Cancelled} until the server answers it or the session ends ({@link #cancel}). Thread-safe.
 */
final class Routes {
    /** Why a request is refused whose id is taken ({@link #add} was false). */
    static final String ID_TAKEN = "a request with this id is in flight (or was cancelled, and the server has not"
            + " answered it yet)";

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

    /**
     * The client cancelled the request with this id: it gets no answer. If the server has it, its id stays taken
     * until the server answers (that answer is dropped) or the session ends. An outside trial cancelled a forwarded
     * call and sent a new one under its id: the server's late answer to the first was relayed, and recorded, as the
     * second's, and the second's own answer dropped.
     *
     * @return whether to forward the cancellation (false if the server never saw the request)
     */
    boolean cancel(String idKey, String reason) {
        Route r = idKey == null ? null : inFlight.get(idKey);
        if (r == null || r == Cancelled.ROUTE) {
            return true; // not the client's, answered meanwhile, or cancelled before: the server is told as it is
        }
        if (!inFlight.replace(idKey, r, Cancelled.ROUTE)) {
            return true; // answered meanwhile
        }
        if (r.onCancelled(reason)) {
            return true;
        }
        inFlight.remove(idKey, Cancelled.ROUTE); // the server never saw it: its id is free
        return false;
    }

    /** The client's input ended: each request in flight hears it ({@link Route#onClientGone}). */
    void clientGone(String why) {
        inFlight.values().forEach(r -> r.onClientGone(why));
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

    /** The requests in flight that someone waits for (not the cancelled ones). */
    int size() {
        return (int) inFlight.values().stream().filter(r -> r != Cancelled.ROUTE).count();
    }

    /** Holds the id of a request the client cancelled after it was forwarded ({@link #cancel}). */
    private static final class Cancelled implements Route {
        static final Cancelled ROUTE = new Cancelled();
        private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

        @Override
        public void onResponse(Envelope response) {
            LOG.debug("the MCP server answered id {} after the client cancelled it; the answer was dropped (a cancelled"
                    + " request gets none), and the id is free again", response.idText());
        }

        @Override
        public void onFailure(String why) {
            // nobody waits for an answer
        }

        @Override
        public void onAnswerDropped(String why) {
            // nobody waits for an answer
        }

        @Override
        public boolean onCancelled(String reason) {
            return true;
        }
    }
}
