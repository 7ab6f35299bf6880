package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A JSON-RPC client that writes raw lines to an in-process proxy session and keeps every line it gets back, in order:
 * for what the TypeScript SDK cannot send (malformed input, batches, ids of both types at once) and for exact-byte and
 * order checks. A response is matched to its request by id as JSON ({@code 7} and {@code "7"} are different ids);
 * a response nobody waits for is kept as unmatched, which is what the concurrency tests count.
 */
final class RawClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String INIT_PARAMS = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"sampling\":{}},"
            + "\"clientInfo\":{\"name\":\"raw-test-client\",\"version\":\"1.0\"}}";

    final McpProxy.Session session;
    private final Pipe toProxy = new Pipe();
    private final Pipe fromProxy = new Pipe();
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unmatched = Collections.synchronizedList(new ArrayList<>());
    private final Map<JsonNode, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();
    /** Answers the server's requests (sampling...): the result for a request, as JSON text. */
    volatile Function<JsonNode, String> serverRequests = request -> "{}";

    RawClient(McpProxy proxy) {
        this(proxy::start);
    }

    /** A client of whatever {@code connect} starts on the client's pair of streams (the proxy's command line, say). */
    RawClient(java.util.function.BiFunction<java.io.InputStream, java.io.OutputStream, McpProxy.Session> connect) {
        session = connect.apply(toProxy.in, fromProxy.out);
        Thread t = new Thread(this::read, "raw-client");
        t.setDaemon(true);
        t.start();
    }

    private void read() {
        LineReader lines = new LineReader(fromProxy.in, 256 << 20);
        try {
            for (byte[] line; (line = lines.next()) != null; ) {
                String text = new String(line, StandardCharsets.UTF_8);
                received.add(text);
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    unmatched.add(text);
                    continue;
                }
                if (node.isArray()) {
                    node.forEach(element -> onMessage(element, element.toString()));
                } else {
                    onMessage(node, text);
                }
            }
        } catch (IOException e) {
            // the session ended
        }
        outputEnded.complete(null);
    }

    private void onMessage(JsonNode m, String text) {
        if (m.has("method") && m.has("id")) {
            String result = serverRequests.apply(m);
            send("{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":" + result + "}");
        } else if (m.has("id") && (m.has("result") || m.has("error"))) {
            CompletableFuture<JsonNode> f = waiting.remove(m.get("id"));
            if (f == null) {
                unmatched.add(text);
            } else {
                f.complete(m);
            }
        }
    }

    void send(String line) {
        send(line.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] line) {
        try {
            synchronized (toProxy) {
                toProxy.out.write(line);
                toProxy.out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Expects a response with this id (JSON: {@code 7}, {@code "a"}); register before sending. */
    CompletableFuture<JsonNode> expect(String idJson) {
        try {
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            waiting.put(JSON.readTree(idJson), f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CompletableFuture<JsonNode> request(String idJson, String method, String paramsJson) {
        CompletableFuture<JsonNode> f = expect(idJson);
        send("{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\""
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}");
        return f;
    }

    JsonNode call(String idJson, String method, String paramsJson) {
        return request(idJson, method, paramsJson).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** A {@code tools/call} request's params. */
    static String tool(String name, String argumentsJson) {
        return "{\"name\":\"" + name + "\",\"arguments\":" + argumentsJson + "}";
    }

    void initialize() {
        call("\"init\"", "initialize", INIT_PARAMS);
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    /** Every line received, in order. */
    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Responses that answered no request in flight (ids mixed up), and lines that were not JSON. */
    List<String> unmatched() {
        synchronized (unmatched) {
            return List.copyOf(unmatched);
        }
    }

    /** Waits until a received line satisfies {@code test}. */
    String awaitLine(java.util.function.Predicate<String> test) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : received()) {
                if (test.test(line)) {
                    return line;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no such line in 30 s: " + received());
    }

    /** Closes the client's side: the proxy sees the end of its input. */
    void closeInput() {
        toProxy.closeOut();
    }

    /** Closes the client's side (the proxy sees the end of its input) and waits for the session to end. */
    int closeAndAwaitExit() throws InterruptedException {
        closeInput();
        OptionalInt status = session.awaitExit(Duration.ofSeconds(20));
        assertTrue(status.isPresent(), "the session did not end within 20 s of the client closing");
        outputEnded.orTimeout(5, TimeUnit.SECONDS).join();
        return status.getAsInt();
    }

    @Override
    public void close() {
        toProxy.closeOut();
        session.close();
    }
}
