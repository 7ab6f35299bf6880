package dev.vouch.mcpproxy;

import static dev.vouch.mcpproxy.RawClient.tool;
import static dev.vouch.mcpproxy.TsClient.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy in front of the real "everything" server serving Streamable HTTP: a stdio client's session becomes an MCP
 * session upstream (Mcp-Session-Id kept, SSE answers relayed message by message), many requests are in flight at once
 * in one session, many sessions at once through one proxy, and an upstream that dies mid-call.
 */
class HttpUpstreamProxyTest extends ProxyTestBase {
    static HttpServerProcess server;

    @BeforeAll
    static void startServer() {
        server = new HttpServerProcess();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.close();
    }

    McpProxy proxy() {
        return McpProxy.builder(guard()).upstream(server.endpoint).build();
    }

    @Test
    void shouldRelayAClientSessionOverStreamableHttpWithProgressAndServerRequests() throws Exception {
        List<JsonNode> out;
        try (TsClient client = TsClient.through(proxy(), TsClient.list(), TsClient.ping(),
                call("echo", Map.of("message", "over http")),
                call("echo", Map.of("message", "rm -rf /")),
                TsClient.callWithProgress("trigger-long-running-operation", Map.of("duration", 0.3, "steps", 3)),
                call("trigger-sampling-request", Map.of("prompt", "hello")))) {
            out = client.outcomes();
            assertEquals(0, client.session().awaitExit(), "the client went: the session ended");
        }
        assertTrue(out.get(0).get("tools").toString().contains("\"echo\""), out::toString);
        assertEquals("Echo: over http", out.get(2).at("/result/content/0/text").asText(), out::toString);
        assertEquals("blocked", out.get(3).at("/result/_meta/dev.vouch~1outcome").asText(), out::toString);
        // Relayed from the SSE answer (the TypeScript SDK may drop the last one when it comes in the same read as the
        // response: its notification handlers run a microtask later; the raw-client test checks the order exactly).
        assertTrue(out.get(4).get("progress").asInt() >= 2, () -> "progress relayed from the SSE answer: " + out);
        assertTrue(out.get(5).at("/result/content/0/text").asText().contains("scripted answer"), out::toString);

        List<TestJournal.Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(List.of("echo", "echo", "trigger-long-running-operation", "trigger-sampling-request"),
                calls.stream().map(TestJournal.Rec::name).toList());
        assertEquals(out.get(2).get("result"), json(child(calls.get(0).seq(), RecordType.TOOL_RESULT).result()));
        assertEquals(Decision.BLOCK, child(calls.get(1).seq(), RecordType.POLICY_DECISION).decision());
    }

    @Test
    void shouldRelayWhatTheServerSendsOnItsOwnStream() throws Exception {
        try (RawClient client = new RawClient(proxy())) {
            client.initialize();
            Thread.sleep(300); // the GET stream opens once notifications/initialized is accepted
            JsonNode toggled = client.call("1", "tools/call", tool("toggle-simulated-logging", "{}"));
            assertTrue(toggled.has("result"), toggled::toString);
            // Not related to any request: it comes on the GET stream (the first at once, then one every 5 s).
            String log = client.awaitLine(l -> l.contains("\"notifications/message\""));
            assertTrue(json(log).at("/params/level").isTextual(), log);
            assertEquals(0, client.closeAndAwaitExit());
        }
    }

    @Test
    void shouldRouteEachOf32ConcurrentRequestsInOneHttpSessionToItsOwnId() throws Exception {
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        try (RawClient client = new RawClient(proxy())) {
            client.initialize();
            for (int k = 0; k < 32; k++) {
                String params = k % 4 == 1 ? "{\"name\":\"trigger-long-running-operation\",\"arguments\":"
                        + "{\"duration\":0.3,\"steps\":2},\"_meta\":{\"progressToken\":\"p" + k + "\"}}"
                        : tool("echo", "{\"message\":\"request " + k + "\"}");
                answers.add(client.request(k % 2 == 0 ? String.valueOf(k) : "\"" + k + "\"", "tools/call", params));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), client.unmatched());
            for (int k = 0; k < 32; k++) {
                JsonNode r = answers.get(k).get();
                String text = r.at("/result/content/0/text").asText();
                assertTrue(k % 4 == 1 ? text.startsWith("Long running") : text.equals("Echo: request " + k), r::toString);
            }
            List<String> lines = client.received();
            for (int k = 1; k < 32; k += 4) { // each SSE answer relayed in order: both progress messages, then the response
                String token = "\"progressToken\":\"p" + k + "\"";
                String id = "\"id\":\"" + k + "\"";
                List<Integer> at = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains(token) || lines.get(i).contains(id)) {
                        at.add(i);
                    }
                }
                assertEquals(3, at.size(), () -> token + " " + lines);
                assertTrue(lines.get(at.get(2)).contains(id), () -> "the response after its progress: " + lines);
            }
            assertEquals(0, client.closeAndAwaitExit());
        }
        assertEquals(32, journal.ofType(RecordType.TOOL_CALL).size());
    }

    @Test
    void shouldKeep32ConcurrentProxySessionsApart() throws Exception {
        McpProxy proxy = proxy(); // one proxy, one guard, one journal: 32 clients, 32 upstream sessions
        int sessions = 32;
        int calls = 4;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            int session = s;
            results.add(pool.submit(() -> {
                try (RawClient client = new RawClient(proxy)) {
                    client.initialize();
                    List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
                    for (int c = 0; c < calls; c++) { // the same ids in every session
                        answers.add(client.request(String.valueOf(c), "tools/call",
                                tool("echo", "{\"message\":\"session " + session + " call " + c + "\"}")));
                    }
                    List<String> texts = new ArrayList<>();
                    for (CompletableFuture<JsonNode> a : answers) {
                        texts.add(a.get(60, TimeUnit.SECONDS).at("/result/content/0/text").asText());
                    }
                    assertEquals(List.of(), client.unmatched());
                    assertEquals(0, client.closeAndAwaitExit());
                    return texts;
                }
            }));
        }
        for (int s = 0; s < sessions; s++) {
            List<String> texts = results.get(s).get(90, TimeUnit.SECONDS);
            for (int c = 0; c < calls; c++) {
                assertEquals("Echo: session " + s + " call " + c, texts.get(c), "each answer reached its own session");
            }
        }
        pool.shutdown();
        List<TestJournal.Rec> recorded = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(sessions * calls, recorded.size());
        for (TestJournal.Rec call : recorded) { // each recorded result is its own call's
            String message = json(call.params()).get("message").asText();
            assertTrue(message.endsWith("call " + call.toolCallId()), call::toString);
            assertEquals("Echo: " + message,
                    json(child(call.seq(), RecordType.TOOL_RESULT).result()).at("/content/0/text").asText());
        }
    }

    @Test
    void shouldAnswerInFlightCallsWithAnErrorWhenTheUpstreamDiesAndGoOn() throws Exception {
        try (HttpServerProcess doomed = new HttpServerProcess();
                RawClient client = new RawClient(McpProxy.builder(guard()).upstream(doomed.endpoint).build())) {
            client.initialize();
            CompletableFuture<JsonNode> answer = client.request("\"slow\"", "tools/call", "{\"name\":\"trigger-long-running-operation\","
                    + "\"arguments\":{\"duration\":10,\"steps\":20},\"_meta\":{\"progressToken\":\"p\"}}");
            client.awaitLine(l -> l.contains("\"progressToken\":\"p\""));
            doomed.kill();
            JsonNode error = answer.get(20, TimeUnit.SECONDS);
            assertEquals(-32000, error.at("/error/code").asInt(), error::toString);
            assertNoJavaIn(error.at("/error/message").asText());

            JsonNode next = client.call("\"next\"", "tools/call", tool("echo", "{\"message\":\"anyone?\"}"));
            assertEquals(-32000, next.at("/error/code").asInt(), next::toString);
            assertTrue(next.at("/error/message").asText().contains("could not be reached: the connection was refused"), next::toString);
            assertNoJavaIn(next.at("/error/message").asText());
            assertEquals(0, client.closeAndAwaitExit(), "the session ended when the client went, not before");
        }
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(callWithId("slow").seq()));
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(callWithId("next").seq()));
        JsonNode recorded = json(child(callWithId("next").seq(), RecordType.TOOL_ERROR).result());
        assertEquals("dev.vouch.mcpproxy.UpstreamException", recorded.get("exception").asText());
        assertNoJavaIn(recorded.get("message").asText());
        assertNoJavaIn(json(child(callWithId("slow").seq(), RecordType.TOOL_ERROR).result()).get("message").asText());
    }

    /** What the client and the journal are told is plain words: no Java class names. */
    private static void assertNoJavaIn(String message) {
        assertFalse(message.contains("java.") || message.contains("Exception"), message);
    }

    @Test
    void shouldAnswerARequestWhoseAnswerIsOverTheLimitAndRecordTheCallsToolError() throws Exception {
        // get-env answers with the server's environment, made larger than the proxy's limit by one variable.
        try (HttpServerProcess padded = new HttpServerProcess(Map.of("VOUCH_TEST_PADDING", "p".repeat(100_000)));
                RawClient client = new RawClient(McpProxy.builder(guard()).upstream(padded.endpoint)
                        .maxMessageBytes(64 * 1024).build())) {
            client.initialize();
            JsonNode env = client.call("\"env\"", "tools/call", tool("get-env", "{}"));
            assertEquals(-32603, env.at("/error/code").asInt(), env::toString);
            assertTrue(env.at("/error/message").asText().endsWith(" was over the proxy's limit of 65536 bytes"
                    + " (maxMessageBytes), so it was dropped"), env::toString);
            JsonNode echo = client.call("\"e\"", "tools/call", tool("echo", "{\"message\":\"still here\"}"));
            assertEquals("Echo: still here", echo.at("/result/content/0/text").asText(), "the session went on");
            assertEquals(0, client.closeAndAwaitExit());
        }
        long call = callWithId("env").seq();
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call));
        assertTrue(json(child(call, RecordType.TOOL_ERROR).result()).get("message").asText().contains("was over the"
                + " proxy's limit"));
    }
}
