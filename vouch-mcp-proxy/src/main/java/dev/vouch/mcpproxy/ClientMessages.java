package dev.vouch.mcpproxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of a session: reads its messages in order, one per line, on one thread, and sends each where it
 * goes. {@code tools/call} to the guard ({@link GuardedToolCall}); every other request to the server as it is, with a
 * {@link Route} that brings the answer back; notifications and the client's answers to the server's requests straight
 * to the server; a batch split into its messages, answered with one array ({@link BatchReply}). What cannot be read
 * is answered with a JSON-RPC error and the next line is read: nothing the client sends ends the session.
 */
final class ClientMessages {
    private static final Logger LOG = LoggerFactory.getLogger(ClientMessages.class);

    private final Relay relay;
    private final Reply client;
    private final Predicate<String> hidden;
    private final int maxMessageBytes;

    /**
     * @param client where answers to the client go
     * @param hidden the tools {@code tools/list} leaves out, or null to relay it unchanged
     */
    ClientMessages(Relay relay, Reply client, Predicate<String> hidden, int maxMessageBytes) {
        this.relay = relay;
        this.client = client;
        this.hidden = hidden;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Reads the client's messages until its input ends, then tells the relay the client has gone. */
    void readFrom(InputStream in) {
        LineReader lines = new LineReader(in, maxMessageBytes);
        try {
            for (byte[] line; (line = lines.next()) != null; ) {
                try {
                    if (line == LineReader.TOO_LONG) {
                        tooLong(lines.tooLongLine());
                    } else {
                        onLine(line);
                    }
                } catch (RuntimeException e) {
                    LOG.error("handling a client message failed; the session goes on", e);
                    client.send(Replies.error(null, Replies.INTERNAL_ERROR,
                            "the proxy could not handle a message (an internal error; its log says more)"));
                }
            }
        } catch (IOException e) {
            LOG.debug("reading from the MCP client failed: {}", e.toString());
        }
        relay.clientGone();
    }

    /**
     * A message over the limit is dropped, not held: scanned as it streams past for the ids of its requests, each of
     * which gets the error, so the client can tell which of its requests failed (id null when none can be read).
     */
    private void tooLong(InputStream message) {
        String why = "Invalid Request: a message over " + maxMessageBytes + " bytes; it was dropped";
        List<byte[]> ids = Json.requestIds(message);
        if (ids.isEmpty()) {
            client.send(Replies.error(null, Replies.INVALID_REQUEST, why));
        }
        for (byte[] id : ids) {
            client.send(Replies.error(id, Replies.INVALID_REQUEST, why));
        }
    }

    private void onLine(byte[] line) {
        if (Relay.blank(line)) {
            return;
        }
        Envelope e = Envelope.fromClient(line);
        if (e.kind == Envelope.Kind.BATCH) {
            onBatch(e);
        } else {
            dispatch(e, client);
        }
    }

    private void dispatch(Envelope e, Reply reply) {
        switch (e.kind) {
            case UNPARSEABLE -> reply.send(Replies.error(null, Replies.PARSE_ERROR, "Parse error: " + e.problem));
            case INVALID -> reply.send(Replies.error(e.idBytes(), Replies.INVALID_REQUEST, "Invalid Request: " + e.problem));
            case BATCH -> reply.send(Replies.error(null, Replies.INVALID_REQUEST, "Invalid Request: a batch inside a batch"));
            case REQUEST -> onRequest(e, reply);
            case NOTIFICATION -> onNotification(e);
            case RESPONSE -> relay.send(new Upstream.Outgoing(e.bytes, null, null, null)); // answers a server request
            default -> throw new IllegalStateException("unknown kind " + e.kind);
        }
    }

    private void onRequest(Envelope e, Reply reply) {
        if ("tools/call".equals(e.method)) {
            GuardedToolCall.start(relay, e, reply);
            return;
        }
        Route route = hidden != null && "tools/list".equals(e.method)
                ? PassThroughRoute.toolsList(e, reply, hidden) : PassThroughRoute.relay(e, reply);
        if (!relay.routes().add(e.idKey, route)) {
            reply.send(Replies.error(e.idBytes(), Replies.INVALID_REQUEST,
                    "Invalid Request: " + Routes.ID_TAKEN + "; it was not forwarded"));
            return;
        }
        relay.send(new Upstream.Outgoing(e.bytes, e.method, e.idKey, route));
    }

    private void onNotification(Envelope e) {
        if ("tools/call".equals(e.method)) {
            // Not MCP (a tool call is a request), and a server that ran it anyway would run it unjudged.
            LOG.warn("dropped a tools/call notification (no id): a tool call must be a request");
            return;
        }
        if ("notifications/cancelled".equals(e.method)) {
            byte[] params = e.paramsBytes();
            Json.Slice id = params == null ? null : Json.member(params, "requestId");
            Json.Slice why = params == null ? null : Json.member(params, "reason");
            if (!relay.routes().cancel(id == null ? null : Json.idKey(id.copy(params)),
                    why == null ? null : Json.string(why.copy(params)))) {
                return; // the server never saw the request
            }
        }
        relay.send(new Upstream.Outgoing(e.bytes, e.method, null, null));
    }

    private void onBatch(Envelope batch) {
        if (batch.elements.isEmpty()) {
            client.send(Replies.error(null, Replies.INVALID_REQUEST, "Invalid Request: an empty batch"));
            return;
        }
        List<Envelope> messages = new ArrayList<>(batch.elements.size());
        int answers = 0;
        for (byte[] element : batch.elements) {
            Envelope e = Envelope.fromClient(element);
            messages.add(e);
            if (answered(e)) {
                answers++;
            }
        }
        BatchReply reply = new BatchReply(answers, client::send);
        int slot = 0;
        for (Envelope e : messages) {
            dispatch(e, answered(e) ? reply.slot(slot++) : client);
        }
    }

    /** Whether the client gets an answer to this message: requests, and what cannot be read. */
    private static boolean answered(Envelope e) {
        return e.kind != Envelope.Kind.NOTIFICATION && e.kind != Envelope.Kind.RESPONSE;
    }
}
