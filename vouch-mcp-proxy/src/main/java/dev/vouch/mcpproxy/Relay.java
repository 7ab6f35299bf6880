package dev.vouch.mcpproxy;

import dev.vouch.guard.Guard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxy session: a client on a pair of streams, one upstream server, and every JSON-RPC message between them.
 *
 * <p>Client to server, on the client's reader thread, in order ({@link ClientMessages}): each line is read
 * ({@link Envelope}, strictly), {@code tools/call} goes to the guard ({@link GuardedToolCall}), everything else is
 * forwarded byte for byte.
 * Server to client, on the upstream's reader thread(s), in order: a response to a client request finds its request by
 * id ({@link Routes}) and goes back to whoever asked, after the guard recorded it if it was a tool call; everything
 * else (notifications, progress, the server's own requests for sampling, elicitation or roots) is relayed byte for
 * byte. Writes to each side are serialized per message ({@link LineWriter}). Nothing the client sends can stop the
 * relay: unreadable input gets a JSON-RPC error, and a failure while handling one message is logged and answered.
 *
 * <p>The session ends when the server does (its status is the exit status; every request still in flight gets a
 * JSON-RPC error and every forwarded tool call a TOOL_ERROR record), or when {@link #close()} is called. The client's
 * end of input refuses the calls still waiting for approval, then closes the server's input, as the MCP stdio
 * lifecycle says, and the session ends when the server exits.
 */
final class Relay implements McpProxy.Session, Upstream.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** Why the requests in flight when the session is closed get an error (and forwarded calls a TOOL_ERROR). */
    static final String STOPPED = "the proxy was stopped";
    /** Why a call still waiting for approval when the client's input ends gets an error (and is refused on record). */
    static final String CLIENT_GONE = "the MCP client's input ended (the client went away)";

    private final McpProxy config;
    private final Upstream upstream;
    private final InputStream fromClient;
    private final LineWriter toClient;
    private final Routes routes = new Routes();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final AtomicBoolean clientGone = new AtomicBoolean();
    private final Reply client;
    private final Predicate<String> hidden;
    private volatile boolean upstreamClosed;

    Relay(McpProxy config, Upstream upstream, InputStream fromClient, OutputStream toClient) {
        this.config = config;
        this.upstream = upstream;
        this.fromClient = fromClient;
        this.toClient = new LineWriter(toClient, "MCP client", this::clientGone);
        this.client = new Reply() {
            @Override
            public void send(byte[] message) {
                Relay.this.toClient.write(message);
            }

            @Override
            public void none() {
            }
        };
        this.hidden = config.hideBlockedTools() ? tool -> config.guard().alwaysBlocks(config.toolPrefix() + tool) : null;
    }

    void start() {
        try {
            upstream.start(this);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the MCP server: " + e.getMessage(), e);
        }
        ClientMessages messages = new ClientMessages(this, client, hidden, config.maxMessageBytes());
        daemon("vouch-mcp-proxy-client", () -> messages.readFrom(fromClient)).start();
    }

    Guard guard() {
        return config.guard();
    }

    StallMode stallMode() {
        return config.stallMode();
    }

    String toolPrefix() {
        return config.toolPrefix();
    }

    Routes routes() {
        return routes;
    }

    String sessionId() {
        return upstream.sessionId();
    }

    void send(Upstream.Outgoing message) {
        if (upstreamClosed) {
            onNotSent(message, "the MCP server has exited");
        } else {
            upstream.send(message);
        }
    }

    void clientGone() {
        if (clientGone.compareAndSet(false, true)) {
            LOG.debug("the MCP client closed the connection");
            // Before the server's input closes: a call approved later would be sent to a server that no longer reads
            // (an outside trial's approver said yes after the client left, and the call read "forwarded").
            routes.clientGone(CLIENT_GONE);
            upstream.clientClosed();
        }
    }

    @Override
    public void onServerMessage(byte[] message) {
        try {
            Envelope e = Envelope.fromServer(message);
            if (e.kind == Envelope.Kind.UNPARSEABLE) {
                LOG.warn("the MCP server sent something that is not JSON ({}); it was not relayed", e.problem);
                return;
            }
            if (e.kind == Envelope.Kind.RESPONSE && e.idKey == null) {
                // An error with a null id (a result without an id is INVALID, below): JSON-RPC's answer to a request
                // the server could not read, so tied to none of the client's. Relayed, as the README promises; an
                // outside trial saw it dropped here as an answer to no request in flight.
                client.send(message);
                return;
            }
            if (e.kind == Envelope.Kind.RESPONSE) {
                Route r = routes.remove(e.idKey);
                if (r != null) {
                    r.onResponse(e);
                } else {
                    // Every request of the client's is in flight here until answered: an answer to none would reach
                    // the client unrecorded (an outside red team had a tool's result relayed that way, under an id
                    // the server had rounded), or answer a request the client cancelled and must ignore.
                    LOG.warn("the MCP server answered id {}, which no request in flight has (answered already,"
                            + " cancelled, or never sent); the answer was dropped", idForLog(e));
                }
                return;
            }
            if (e.kind == Envelope.Kind.INVALID && e.method == null && e.hasResult()) {
                // A result with no id (null, or none) answers no request: relayed, it reached the client unrecorded (a
                // re-trial's find). An error may carry a null id (JSON-RPC: the request could not be read); a result not.
                LOG.warn("the MCP server sent a result without the id of a request ({}); it was dropped", e.problem);
                return;
            }
            if (e.kind == Envelope.Kind.BATCH && answersClient(e)) {
                for (byte[] element : e.elements) {
                    onServerMessage(element);
                }
                return;
            }
            client.send(message);
        } catch (RuntimeException e) {
            LOG.error("relaying a server message failed; the session goes on", e);
        }
    }

    /** The id as JSON text (a string escaped as JSON is, so no line breaks), shortened for a log line. */
    private static String idForLog(Envelope e) {
        byte[] id = e.idBytes();
        String text = id == null ? "null" : new String(id, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    /** Whether a batch from the server answers a client request in flight (it is then split). */
    private boolean answersClient(Envelope batch) {
        for (byte[] element : batch.elements) {
            Envelope e = Envelope.fromServer(element);
            if (e.kind == Envelope.Kind.RESPONSE && routes.get(e.idKey) != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onSendFailed(Upstream.Outgoing message, String why) {
        failed(message, why, Route::onFailure);
    }

    @Override
    public void onNotSent(Upstream.Outgoing message, String why) {
        failed(message, why, Route::onNotSent);
    }

    /** Fails the message's request, if it is still in flight. */
    private void failed(Upstream.Outgoing message, String why, BiConsumer<Route, String> fail) {
        Route r = message.route();
        if (r == null) {
            LOG.debug("a message to the MCP server was not delivered: {}", why);
        } else if (routes.remove(message.idKey(), r)) {
            fail.accept(r, why);
        }
    }

    @Override
    public void onAnswerDropped(String idKey, Route route, String why) {
        Route r = route == null ? routes.remove(idKey) : routes.remove(idKey, route) ? route : null;
        if (r == null) {
            LOG.error("{}; it answered no request in flight", why);
            return;
        }
        LOG.error("{}; the request it answered (id {}) gets an error instead", why, idKey.substring(2));
        r.onAnswerDropped(why);
    }

    @Override
    public synchronized void onUpstreamClosed(int exitStatus, String why) {
        if (upstreamClosed) {
            return; // reported once: by the upstream, or by close() when it did not report in time
        }
        upstreamClosed = true;
        if (routes.size() > 0) {
            LOG.warn("{}; answering {} request(s) in flight with an error", why, routes.size());
        }
        routes.failAll(why);
        toClient.close();
        closeQuietly(fromClient);
        exit.complete(exitStatus);
    }

    @Override
    public int awaitExit() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        try {
            return OptionalInt.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return OptionalInt.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (exit.isDone()) {
            return;
        }
        // Before the server goes: its end would fail these calls too, but as "the server exited", and later than the
        // caller may close the journal (it does as soon as this returns). The guard records a forwarded call's
        // outcome on the thread that completes its stage, so each has its TOOL_ERROR once failAll returns.
        if (routes.size() > 0) {
            LOG.warn("{}; answering {} request(s) in flight with an error", STOPPED, routes.size());
        }
        routes.failAll(STOPPED);
        upstream.close();
        try {
            exit.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("the upstream did not report its end in time");
        }
        if (!exit.isDone()) {
            onUpstreamClosed(-1, "the proxy session was closed");
        }
    }

    static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Whether a line holds only JSON whitespace (skipped, as between messages). */
    static boolean blank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing the client's input failed: {}", e.toString());
        }
    }
}
