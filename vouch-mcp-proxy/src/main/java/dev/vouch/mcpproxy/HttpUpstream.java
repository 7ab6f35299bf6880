package dev.vouch.mcpproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Streamable HTTP MCP server (MCP 2025-03-26 and later) as the upstream of a stdio client. Each client message is
 * POSTed as it comes, its exact bytes, with {@code Accept: application/json, text/event-stream}; many requests are in
 * flight at once, each on its own HTTP exchange, so the answer to each is the answer to that request. The answer is a
 * JSON body or an SSE stream whose every message (progress, server requests, then the response) is relayed in order.
 * The {@code Mcp-Session-Id} the server gives at {@code initialize} goes with every later request, with the negotiated
 * {@code MCP-Protocol-Version}; after {@code notifications/initialized} a GET stream carries messages the server sends
 * on its own, resumed with {@code Last-Event-ID} if it drops. When the client goes, the session is ended with DELETE.
 *
 * <p>Line ends inside a JSON body (a pretty-printing server) become spaces: the stdio transport frames messages by
 * lines, and between JSON tokens both are whitespace (a JSON string cannot hold a raw line end). Nothing else changes.
 */
final class HttpUpstream implements Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(HttpUpstream.class);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    private static final int MAX_RECONNECTS = 5;
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final HttpClient http;
    private final URI uri;
    private final Map<String, String> headers;
    private final Executor readers;
    private final int maxMessageBytes;
    private final Set<InputStream> openBodies = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean listening = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Listener listener;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile boolean closed;

    HttpUpstream(HttpClient http, URI uri, Map<String, String> headers, Executor readers, int maxMessageBytes) {
        this.http = http;
        this.uri = uri;
        this.headers = headers;
        this.readers = readers;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void start(Listener l) {
        this.listener = l; // the connection is made by the first message
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public void send(Outgoing m) {
        if (closed) {
            listener.onNotSent(m, "the MCP session has ended");
            return;
        }
        HttpRequest request = request()
                .POST(HttpRequest.BodyPublishers.ofByteArray(m.bytes()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .build();
        http.sendAsync(request, BodyHandlers.ofInputStream()).whenComplete((response, err) -> {
            if (err != null) {
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                listener.onSendFailed(m, "the upstream " + uri + " could not be reached: " + Failures.describe(cause));
                return;
            }
            try {
                readers.execute(() -> answer(m, response));
            } catch (RuntimeException rejected) {
                closeQuietly(response.body());
                listener.onSendFailed(m, "the proxy is shutting down");
            }
        });
    }

    /** Reads the answer to one POST and relays every message in it. */
    private void answer(Outgoing m, HttpResponse<InputStream> response) {
        InputStream body = response.body();
        openBodies.add(body);
        try (body) {
            int status = response.statusCode();
            if ("initialize".equals(m.method())) {
                response.headers().firstValue("Mcp-Session-Id").ifPresent(id -> sessionId = id);
            }
            if (status >= 200 && status < 300) {
                if ("notifications/initialized".equals(m.method())) {
                    listenForServerMessages();
                }
                String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
                if (status == 202 || !(type.startsWith("text/event-stream") || type.startsWith("application/json"))) {
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                } else if (type.startsWith("text/event-stream")) {
                    SseReader events = new SseReader(body, maxMessageBytes);
                    for (SseReader.Event e; (e = events.next()) != null; ) {
                        deliver(m, oneLine(e.data()));
                    }
                    if (events.dropped() > 0 && m.route() != null) { // the answer, if it is still in flight
                        listener.onAnswerDropped(m.idKey(), m.route(), tooLarge("an event of the upstream's answer"));
                    }
                } else {
                    byte[] all = readAtMost(body, maxMessageBytes);
                    if (all == null) {
                        if (m.route() != null) {
                            listener.onAnswerDropped(m.idKey(), m.route(), tooLarge("the upstream's answer"));
                        } else {
                            LOG.error("{}", tooLarge("the upstream's answer to a notification"));
                        }
                    } else {
                        deliver(m, oneLine(all));
                    }
                }
                if (m.route() != null) { // failed only if its response did not come (the route is still in flight)
                    listener.onSendFailed(m, "the upstream ended its answer without a response to this request");
                }
                return;
            }
            byte[] text = readAtMost(body, ERROR_BODY_LIMIT);
            if (status == 404 && sessionId != null) {
                listener.onSendFailed(m, "the upstream MCP session has expired (HTTP 404): restart the client to start"
                        + " a new session");
                return;
            }
            if (text != null && m.route() != null) {
                byte[] line = oneLine(text);
                Envelope e = Envelope.fromServer(line);
                if (e.kind == Envelope.Kind.RESPONSE && Objects.equals(e.idKey, m.idKey())) {
                    listener.onServerMessage(line); // the server's own JSON-RPC error for this request
                    return;
                }
            }
            listener.onSendFailed(m, "the upstream answered HTTP " + status
                    + (text == null || text.length == 0 ? "" : ": " + snippet(text)));
        } catch (IOException | RuntimeException e) {
            listener.onSendFailed(m, closed ? "the MCP session has ended"
                    : "reading the upstream's answer failed: " + Failures.describe(e));
        } finally {
            openBodies.remove(body);
        }
    }

    private void deliver(Outgoing m, byte[] message) {
        if ("initialize".equals(m.method())) {
            Envelope e = Envelope.fromServer(message);
            if (e.kind == Envelope.Kind.RESPONSE && e.result != null) {
                Json.Slice v = Json.member(e.resultBytes(), "protocolVersion");
                String version = v == null ? null : Json.string(v.copy(e.resultBytes()));
                if (version != null) {
                    protocolVersion = version;
                }
            }
        }
        listener.onServerMessage(message);
    }

    /** The GET stream for what the server sends on its own; reconnects (with Last-Event-ID) while the session lasts. */
    private void listenForServerMessages() {
        if (!listening.compareAndSet(false, true)) {
            return;
        }
        readers.execute(() -> {
            String lastEventId = null;
            int failures = 0;
            while (!closed && failures < MAX_RECONNECTS) {
                HttpRequest.Builder b = request().GET().header("Accept", "text/event-stream");
                if (lastEventId != null) {
                    b.header("Last-Event-ID", lastEventId);
                }
                try {
                    HttpResponse<InputStream> r = http.send(b.build(), BodyHandlers.ofInputStream());
                    InputStream body = r.body();
                    openBodies.add(body);
                    try (body) {
                        if (r.statusCode() == 405 || r.statusCode() == 404 || r.statusCode() == 400) {
                            LOG.debug("the upstream offers no stream of its own messages (HTTP {})", r.statusCode());
                            return;
                        }
                        if (r.statusCode() != 200) {
                            failures++;
                        } else {
                            failures = 0;
                            SseReader events = new SseReader(body, maxMessageBytes);
                            for (SseReader.Event e; (e = events.next()) != null; ) {
                                listener.onServerMessage(oneLine(e.data()));
                            }
                            if (events.dropped() > 0) {
                                LOG.error("{}", tooLarge(events.dropped() + " event(s) of the upstream's own stream"));
                            }
                            lastEventId = events.lastEventId() == null ? lastEventId : events.lastEventId();
                        }
                    } finally {
                        openBodies.remove(body);
                    }
                } catch (IOException e) {
                    failures++;
                    LOG.debug("the upstream's message stream failed: {}", e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (!closed) {
                    sleep(RECONNECT_DELAY);
                }
            }
        });
    }

    @Override
    public void clientClosed() {
        endSession();
    }

    @Override
    public void close() {
        endSession();
    }

    /** DELETE the session (best effort), close every stream, and report the end once. */
    private void endSession() {
        closed = true;
        String id = sessionId;
        for (InputStream body : openBodies) {
            closeQuietly(body);
        }
        if (id == null) {
            reportEnd();
            return;
        }
        HttpRequest delete = request().DELETE().timeout(Duration.ofSeconds(5)).build();
        http.sendAsync(delete, BodyHandlers.discarding()).whenComplete((r, err) -> {
            if (err != null) {
                LOG.debug("ending the upstream session failed: {}", err.toString());
            }
            reportEnd();
        });
    }

    private void reportEnd() {
        if (ended.compareAndSet(false, true)) {
            listener.onUpstreamClosed(0, "the MCP session ended");
        }
    }

    private HttpRequest.Builder request() {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        headers.forEach(b::header);
        String id = sessionId;
        if (id != null) {
            b.header("Mcp-Session-Id", id);
        }
        String version = protocolVersion;
        if (version != null) {
            b.header("MCP-Protocol-Version", version);
        }
        return b;
    }

    private String tooLarge(String what) {
        return what + " was over the proxy's limit of " + maxMessageBytes + " bytes (maxMessageBytes), so it was"
                + " dropped";
    }

    /** The message with any CR or LF (whitespace between JSON tokens) turned into a space, for line framing. */
    static byte[] oneLine(byte[] json) {
        byte[] out = null;
        for (int i = 0; i < json.length; i++) {
            if (json[i] == '\n' || json[i] == '\r') {
                if (out == null) {
                    out = json.clone();
                }
                out[i] = ' ';
            }
        }
        return out == null ? json : out;
    }

    private static byte[] readAtMost(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            if (out.size() + n > max) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static String snippet(byte[] text) {
        String s = new String(text, 0, Math.min(text.length, 300), StandardCharsets.UTF_8).strip();
        return text.length > 300 ? s + "..." : s;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing to stop a read: nothing more to do
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
