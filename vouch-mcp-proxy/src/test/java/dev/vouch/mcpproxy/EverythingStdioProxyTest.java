package dev.vouch.mcpproxy;

import static dev.vouch.mcpproxy.RawClient.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A raw JSON-RPC client, through the proxy, to the real "everything" server from npm over stdio: many requests in flight
 * on one connection, progress and the server's own requests, byte-exact pass-through (the server's stdio tapped with
 * {@code tee}), malformed input, batches, cancellation, and a server killed mid-call.
 */
class EverythingStdioProxyTest extends ProxyTestBase {

    McpProxy.Builder proxy(List<String> command) {
        return McpProxy.builder(guard()).stdio(command).serverStderr(OutputStream.nullOutputStream());
    }

    McpProxy everything() {
        return proxy(McpTestServers.server("mcp-server-everything")).build();
    }

    /**
     * An outside red team sent ids 9007199254740992 and 9007199254740993: the server, in JavaScript, answered both as
     * ...992, and the delete's TOOL_RESULT held the refund's result. Such ids are refused before anything is judged.
     */
    @Test
    void shouldRefuseAnIdAJavaScriptServerCannotReadExactly() throws Exception {
        try (RawClient client = new RawClient(everything())) {
            client.initialize();
            for (String id : List.of("9007199254740993", "-9007199254740993", "1.5", "1e400")) {
                JsonNode refused = client.call(id, "tools/call", tool("echo", "{\"message\":\"hi\"}"));
                assertEquals(-32600, refused.at("/error/code").asInt(), refused::toString);
                assertTrue(refused.at("/error/message").asText().contains("an integer from -(2^53-1) to 2^53-1"),
                        refused::toString);
            }
            JsonNode safe = client.call("9007199254740991", "tools/call", tool("echo", "{\"message\":\"hi\"}"));
            assertEquals("Echo: hi", safe.at("/result/content/0/text").asText(), safe::toString);
            assertEquals(List.of(), client.unmatched());
        }
        assertEquals(1, journal.ofType(RecordType.TOOL_CALL).size(), "only the id a server reads exactly: "
                + journal.events());
    }

    /**
     * A server answer that matches no request in flight reached the client unrecorded (a red team's server rounded an
     * id, so one call's result went to the client under the other's id); it is dropped.
     */
    @Test
    void shouldDropAServerAnswerToNoRequestInFlight() throws Exception {
        String server = """
                const rl = require('readline').createInterface({input: process.stdin});
                const out = o => process.stdout.write(JSON.stringify(o) + '\\n');
                rl.on('line', l => {
                  const m = JSON.parse(l);
                  if (m.id === undefined) return;
                  if (m.method === 'initialize') {
                    out({jsonrpc: '2.0', id: m.id, result: {protocolVersion: m.params.protocolVersion,
                        capabilities: {tools: {}}, serverInfo: {name: 'answers-twice', version: '1'}}});
                  } else if (m.method === 'tools/call') {
                    out({jsonrpc: '2.0', id: 'stray-' + m.id, result: {content: [{type: 'text', text: 'stray'}]}});
                    out({jsonrpc: '2.0', id: null, result: {content: [{type: 'text', text: 'stray null'}]}});
                    out({jsonrpc: '2.0', result: {content: [{type: 'text', text: 'stray none'}]}});
                    out({jsonrpc: '2.0', id: m.id, result: {content: [{type: 'text', text: 'ran ' + m.params.name}]}});
                  } else {
                    out({jsonrpc: '2.0', id: m.id, result: {}});
                  }
                });
                """;
        try (RawClient client = new RawClient(proxy(List.of("node", "-e", server)).build())) {
            client.initialize();
            JsonNode answer = client.call("1", "tools/call", tool("echo", "{\"message\":\"hi\"}"));
            assertEquals("ran echo", answer.at("/result/content/0/text").asText(), answer::toString);
            JsonNode second = client.call("2", "tools/call", tool("echo", "{\"message\":\"again\"}"));
            assertEquals("ran echo", second.at("/result/content/0/text").asText(), second::toString);
            assertEquals(List.of(), client.unmatched(), "the stray answers did not reach the client");
            assertTrue(client.received().stream().noneMatch(line -> line.contains("stray")), client.received()::toString);
        }
        assertEquals(2, journal.ofType(RecordType.TOOL_RESULT).size(), journal.events()::toString);
    }

    @Test
    void shouldRouteEachOf32ConcurrentResponsesToTheRequestThatAskedWithItsOwnId() throws Exception {
        int n = 32;
        Map<String, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
        try (RawClient client = new RawClient(everything())) {
            client.initialize();
            ExecutorService senders = Executors.newFixedThreadPool(4);
            for (int i = 0; i < n; i++) {
                int k = i;
                senders.execute(() -> {
                    // Numbers and strings, including 7 and "7" at once: different ids, each gets its own answer.
                    String id = k == 30 ? "7" : k == 31 ? "\"7\"" : k % 2 == 0 ? String.valueOf(k) : "\"s-" + k + "\"";
                    String params = k % 8 == 3
                            ? tool("trigger-long-running-operation", "{\"duration\":0.4,\"steps\":2}")
                            : k % 8 == 5 ? tool("echo", "{\"message\":\"rm -rf /" + k + "\"}")  // blocked by the policy
                            : tool("echo", "{\"message\":\"message " + k + "\"}");
                    answers.put(id, client.request(id, "tools/call", params));
                });
            }
            senders.shutdown();
            assertTrue(senders.awaitTermination(10, TimeUnit.SECONDS));
            CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), client.unmatched(), "every response answered a request in flight");

            for (var e : answers.entrySet()) {
                JsonNode response = e.getValue().get();
                assertEquals(json(e.getKey()), response.get("id"), "its own id, type and all");
                int k = number(e.getKey());
                String text = response.at("/result/content/0/text").asText();
                if (k % 8 == 3) {
                    assertTrue(text.startsWith("Long running operation completed"), text);
                } else if (k % 8 == 5) {
                    assertTrue(text.startsWith("Vouch did not run this call: policy no-shell-echoes"), text);
                } else {
                    assertEquals("Echo: message " + k, text, "the answer to its own request");
                }
            }
            assertEquals(0, client.closeAndAwaitExit());
        }
        // Each recorded result belongs to its own call: the record under the call with id k holds message k.
        List<TestJournal.Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(n, calls.size());
        for (TestJournal.Rec call : calls) {
            // The recorded tool-call id is the id's text: 7 and "7" both read "7" (k 30 or 31).
            int k = call.toolCallId().equals("7") ? (call.params().contains("message 30\"") ? 30 : 31)
                    : number(call.toolCallId());
            if (k % 8 == 5) {
                assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(call.seq()));
            } else if (k % 8 != 3) {
                assertTrue(call.params().contains("message " + k + "\""), call::toString);
                assertEquals("Echo: message " + k,
                        json(child(call.seq(), RecordType.TOOL_RESULT).result()).at("/content/0/text").asText());
            }
        }
    }

    /** The test's k from an id: 30 and 31 are "7" and 7; the others are k or "s-k". */
    private static int number(String id) {
        String s = id.replace("\"", "");
        return s.equals("7") && id.startsWith("\"") ? 31 : s.equals("7") ? 30 : Integer.parseInt(s.replace("s-", ""));
    }

    @Test
    void shouldRelayProgressBeforeItsResponseAndTheServersOwnRequestsBothWays() throws Exception {
        try (RawClient client = new RawClient(everything())) {
            client.serverRequests = request -> {
                assertEquals("sampling/createMessage", request.get("method").asText());
                return "{\"model\":\"scripted\",\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"scripted answer\"}}";
            };
            client.initialize();
            JsonNode done = client.call("\"slow\"", "tools/call", "{\"name\":\"trigger-long-running-operation\","
                    + "\"arguments\":{\"duration\":0.3,\"steps\":3},\"_meta\":{\"progressToken\":\"tok-1\"}}");
            assertNull(done.get("error"), done::toString);
            List<String> lines = client.received();
            int response = lines.indexOf(lines.stream().filter(l -> l.contains("\"id\":\"slow\"")).findFirst().orElseThrow());
            long progressBefore = lines.subList(0, response).stream().filter(l -> l.contains("tok-1")).count();
            assertEquals(3, progressBefore, () -> "every progress notification before the response: " + lines);

            JsonNode sampled = client.call("\"sample\"", "tools/call", tool("trigger-sampling-request", "{\"prompt\":\"hi\"}"));
            assertTrue(sampled.at("/result/content/0/text").asText().contains("scripted answer"), sampled::toString);
        }
        TestJournal.Rec sample = callWithId("sample");
        assertTrue(child(sample.seq(), RecordType.TOOL_RESULT).result().contains("scripted answer"));
        assertNotNull(callWithId("slow"));
    }

    @Test
    void shouldPassEverythingButJudgedCallsThroughByteForByte() throws Exception {
        Path toServer = tmp.resolve("to-server.jsonl");
        Path fromServer = tmp.resolve("from-server.jsonl");
        // Unusual but valid JSON-RPC: spacing, key order, escapes, ids as written. The proxy must not normalize any of it.
        List<String> sent = List.of(
                "{ \"params\" : " + RawClient.INIT_PARAMS + ", \"method\":\"initialize\",\"id\" : \"init\\u0021\", \"jsonrpc\":\"2.0\" }",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",   \"id\":1.0,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"r\",\"method\":\"resources/list\",\"params\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"prompts/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"e\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{ \"message\" : \"caf\\u00e9 \u00e9 \\\"q\\\"\" }}}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"rm -rf /\"}}}");
        try (RawClient client = new RawClient(proxy(McpTestServers.tapped(toServer, fromServer, "mcp-server-everything")).build())) {
            List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
            for (String line : sent) {
                JsonNode m = json(line);
                if (m.has("id")) { // 1.0 comes back as 1: the server reads it as a number and writes it its way
                    answers.add(client.expect(m.get("id").isDouble() ? "1" : m.get("id").toString()));
                }
                client.send(line);
                if (line.contains("initialize")) {
                    answers.get(0).get(30, TimeUnit.SECONDS); // as a client does: wait for initialize's answer
                }
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertEquals(0, client.closeAndAwaitExit());

            List<String> serverGot = Files.readAllLines(toServer, StandardCharsets.UTF_8);
            List<String> forwarded = sent.stream().filter(l -> !l.contains("rm -rf")).toList();
            assertEquals(forwarded, serverGot, "every message but the blocked call, byte for byte, in order");
            List<String> serverSent = Files.readAllLines(fromServer, StandardCharsets.UTF_8);
            List<String> clientGot = new ArrayList<>(client.received());
            assertTrue(clientGot.removeIf(l -> l.contains("\"dev.vouch/outcome\":\"blocked\"")), "the refusal");
            assertEquals(serverSent, clientGot, "everything the server sent, byte for byte, in order");
        }
        assertEquals("{ \"message\" : \"caf\\u00e9 \u00e9 \\\"q\\\"\" }", callWithId("e").params(), "recorded as sent");
        assertEquals(2, journal.ofType(RecordType.TOOL_CALL).size(), "both calls judged, only the allowed one forwarded");
    }

    @Test
    void shouldAnswerMalformedInputWithJsonRpcErrorsAndKeepTheSessionGoing() throws Exception {
        McpProxy proxy = proxy(McpTestServers.server("mcp-server-everything")).maxMessageBytes(64 * 1024).build();
        try (RawClient client = new RawClient(proxy)) {
            client.initialize();
            client.send("this is not JSON");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} and more");
            client.send("42");
            client.send("{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"ping\"}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"name\":\"get-env\",\"arguments\":{}}}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"arguments\":{}}}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":\"x\"}}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":55,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":null}}");
            client.send(concat("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"", new byte[] {(byte) 0xff, (byte) 0xfe}, "\"}"));
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"no id\"}}}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\",\"padding\":\"" + "x".repeat(100_000) + "\"}");
            client.send("[".repeat(5000) + "]".repeat(5000));
            client.send("[]");
            client.send("   ");
            JsonNode echo = client.call("9", "tools/call", tool("echo", "{\"message\":\"still here\"}"));
            assertEquals("Echo: still here", echo.at("/result/content/0/text").asText(), "the session went on");

            List<JsonNode> errors = client.received().stream().map(ProxyTestBase::json)
                    .filter(m -> m.has("error")).toList();
            // The message over the limit (id 8) is dropped unread but for its id, so its error names its request.
            assertEquals(List.of("null -32700", "null -32700", "null -32600", "2 -32600", "null -32600", "3 -32600",
                    "4 -32602", "5 -32602", "55 -32602", "null -32700", "8 -32600", "null -32700", "null -32600"),
                    errors.stream().map(m -> m.get("id") + " " + m.at("/error/code").asInt()).toList(),
                    () -> client.received().toString());
            assertTrue(errors.get(5).at("/error/message").asText().contains("duplicate key 'name'"), errors.get(5)::toString);
            assertEquals("Parse error: Document nesting depth (1001) exceeds the maximum allowed (1000)",
                    errors.get(11).at("/error/message").asText(), "no names of Jackson's settings");
        }
        // Only the well-formed call was judged; the tools/call without an id was dropped, never run; arguments null
        // are not an object, as MCP wants them, so that call was neither recorded nor forwarded.
        assertEquals(List.of("9"), journal.ofType(RecordType.TOOL_CALL).stream().map(TestJournal.Rec::toolCallId).toList());
    }

    @Test
    void shouldRefuseAToolNameOrIdTheJournalCannotHoldAsTheClientsMistake() throws Exception {
        String longest = "n".repeat(TextLimit.MAX_BYTES); // recorded: the journal holds exactly this much
        String euros = "\u20ac".repeat(TextLimit.MAX_BYTES / 3 + 1); // fewer chars than the limit, more bytes
        try (RawClient client = new RawClient(everything())) {
            client.initialize();
            JsonNode longId = client.call("\"" + "s".repeat(70_000) + "\"", "tools/call", tool("echo", "{\"message\":\"x\"}"));
            assertEquals(-32600, longId.at("/error/code").asInt(), () -> longId.toString().substring(0, 300));
            assertTrue(longId.at("/error/message").asText().endsWith("may be at most 65535 bytes in UTF-8 (this one is"
                    + " 70000); the call was not forwarded"), longId.at("/error/message")::asText);
            JsonNode longName = client.call("\"ln\"", "tools/call", tool(euros, "{}"));
            assertEquals(-32602, longName.at("/error/code").asInt(), longName::toString);
            assertEquals("tools/call params.name may be at most 65535 bytes in UTF-8 (this one is 65538); the call was"
                    + " not forwarded", longName.at("/error/message").asText());
            // JSON escapes of lone surrogates: UTF-8 cannot store them, so the record would name another tool or id.
            JsonNode loneName = client.call("\"lone\"", "tools/call", tool("ec\\ud800ho", "{}"));
            assertEquals(-32602, loneName.at("/error/code").asInt(), loneName::toString);
            assertEquals("tools/call params.name holds the unpaired surrogate \\ud800, which cannot be recorded; the"
                    + " call was not forwarded", loneName.at("/error/message").asText());
            JsonNode loneId = client.call("\"id\\udc00\"", "tools/call", tool("echo", "{\"message\":\"x\"}"));
            assertEquals(-32600, loneId.at("/error/code").asInt(), loneId::toString);
            assertTrue(loneId.at("/error/message").asText().startsWith("the id of a tools/call holds the unpaired"
                    + " surrogate \\udc00"), loneId::toString);
            JsonNode atTheLimit = client.call("\"max\"", "tools/call", tool(longest, "{}"));
            assertTrue(atTheLimit.at("/result/isError").asBoolean() || atTheLimit.has("error"), "no such tool: the server says so");
            JsonNode echo = client.call("\"e\"", "tools/call", tool("echo", "{\"message\":\"still here\"}"));
            assertEquals("Echo: still here", echo.at("/result/content/0/text").asText(), echo::toString);
        }
        assertEquals(List.of("max", "e"), journal.ofType(RecordType.TOOL_CALL).stream().map(TestJournal.Rec::toolCallId).toList());
        assertEquals(longest, callWithId("max").name());
        assertEquals(RecordType.TOOL_ERROR, childTypes(callWithId("max").seq()).get(1));
        IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class,
                () -> proxy(McpTestServers.server("mcp-server-everything")).toolPrefix(longest).build());
        assertTrue(prefix.getMessage().startsWith("toolPrefix is 65535 bytes in UTF-8"), prefix::getMessage);
    }

    @Test
    void shouldAnswerARequestWhoseAnswerIsOverTheLimitAndRecordTheCallsToolError() throws Exception {
        // get-env answers with the server's environment: made larger than the proxy's limit, and the request that
        // small, by one variable. The TypeScript SDK writes the response's id after its result.
        List<String> command = new ArrayList<>(List.of("/usr/bin/env", "VOUCH_TEST_PADDING=" + "p".repeat(100_000)));
        command.addAll(McpTestServers.server("mcp-server-everything"));
        McpProxy proxy = proxy(command).maxMessageBytes(64 * 1024).build();
        try (RawClient client = new RawClient(proxy)) {
            client.initialize();
            JsonNode env = client.call("\"env\"", "tools/call", tool("get-env", "{}"));
            assertEquals(-32603, env.at("/error/code").asInt(), env::toString);
            assertEquals("the MCP server's answer was over the proxy's limit of 65536 bytes (maxMessageBytes), so it"
                    + " was dropped", env.at("/error/message").asText());
            JsonNode echo = client.call("\"e\"", "tools/call", tool("echo", "{\"message\":\"still here\"}"));
            assertEquals("Echo: still here", echo.at("/result/content/0/text").asText(), "the session went on");
        }
        long call = callWithId("env").seq();
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call));
        JsonNode recorded = json(child(call, RecordType.TOOL_ERROR).result());
        assertEquals("dev.vouch.mcpproxy.UpstreamException", recorded.get("exception").asText());
        assertTrue(recorded.get("message").asText().startsWith("the MCP server's answer was over"), recorded::toString);
    }

    @Test
    void shouldAnswerAndRecordTheCallsInFlightBeforeTheSessionCloses() throws Exception {
        JsonNode error;
        try (RawClient client = new RawClient(everything())) {
            client.initialize();
            CompletableFuture<JsonNode> answer = client.request("\"slow\"", "tools/call", "{\"name\":\"trigger-long-running-operation\","
                    + "\"arguments\":{\"duration\":10,\"steps\":20},\"_meta\":{\"progressToken\":\"ps\"}}");
            client.awaitLine(l -> l.contains("\"ps\""));
            client.session.close();
            error = answer.get(20, TimeUnit.SECONDS);
        }
        assertEquals(-32000, error.at("/error/code").asInt(), error::toString);
        assertEquals("the proxy was stopped; the call was forwarded and not answered", error.at("/error/message").asText());
        long call = callWithId("slow").seq();
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call));
        assertEquals("the proxy was stopped; the call was forwarded and not answered",
                json(child(call, RecordType.TOOL_ERROR).result()).get("message").asText());
    }

    @Test
    void shouldRefuseOnRecordACallStillWaitingForApprovalWhenTheSessionCloses() throws Exception {
        McpProxy proxy = stallingEchoes("hello");
        JsonNode error;
        try (RawClient client = new RawClient(proxy)) {
            client.initialize();
            CompletableFuture<JsonNode> answer = client.request("\"waits\"", "tools/call",
                    tool("echo", "{\"message\":\"hello\"}"));
            awaitRequest();
            client.session.close();
            error = answer.get(20, TimeUnit.SECONDS);
        }
        assertEquals(-32000, error.at("/error/code").asInt(), error::toString);
        assertEquals("the proxy was stopped; the call was not forwarded", error.at("/error/message").asText());
        long call = callWithId("waits").seq();
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(call),
                "not left awaiting approval in the journal");
        assertEquals(Decision.REFUSED, child(call, RecordType.APPROVAL).decision());
    }

    private static byte[] concat(String a, byte[] b, String c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(b);
        out.writeBytes(c.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void shouldAnswerABatchWithOneArrayAfterJudgingEachCallInIt() throws Exception {
        try (RawClient client = new RawClient(everything())) {
            client.initialize();
            client.send("[{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":" + tool("echo", "{\"message\":\"in a batch\"}") + "},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"},"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\",\"params\":" + tool("echo", "{\"message\":\"rm -rf /\"}") + "},"
                    + "5]");
            String reply = client.awaitLine(l -> l.startsWith("["));
            JsonNode array = json(reply);
            assertEquals(4, array.size(), reply);
            assertEquals("Echo: in a batch", array.get(0).at("/result/content/0/text").asText(), reply);
            assertEquals(11, array.get(1).get("id").asInt());
            assertTrue(array.get(1).has("result"), reply);
            assertEquals("blocked", array.get(2).at("/result/_meta/dev.vouch~1outcome").asText(), reply);
            assertEquals(-32600, array.get(3).at("/error/code").asInt(), reply);
        }
        assertEquals(2, journal.ofType(RecordType.TOOL_CALL).size());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(callWithId("10").seq()));
    }

    @Test
    void shouldForwardACancellationAndRecordTheCancelledCallsWhetherOrNotForwarded() throws Exception {
        McpProxy proxy = stallingEchoes("ask first");
        try (RawClient client = new RawClient(proxy)) {
            client.initialize();
            client.expect("50");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"tools/call\",\"params\":{\"name\":\"trigger-long-running-operation\","
                    + "\"arguments\":{\"duration\":3,\"steps\":6},\"_meta\":{\"progressToken\":\"p50\"}}}");
            client.awaitLine(l -> l.contains("p50")); // the server runs it
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":50,\"reason\":\"user stop\"}}");

            client.expect("51");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":51,\"method\":\"tools/call\",\"params\":" + tool("echo", "{\"message\":\"ask first\"}") + "}");
            ApprovalRequest waiting = awaitRequest();
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":51}}");
            client.call("52", "ping", null);
            awaitChildren(waiting.callSequence(), 2); // refused on record at once: nobody waits for it any more
            approvals.approve(waiting.callSequence(), "alice", "too late, it was cancelled");
            client.call("53", "ping", null);
            assertFalse(client.received().stream().anyMatch(l -> l.contains("\"id\":50,") || l.contains("\"id\":51,")
                    || l.contains("\"id\":50}") || l.contains("\"id\":51}")), "a cancelled request gets no answer");
        }
        assertTrue(json(child(callWithId("50").seq(), RecordType.TOOL_ERROR).result()).get("message").asText()
                .startsWith("the client cancelled the call after it was forwarded; the server may have run it (user stop)"));
        // An outside trial: a call cancelled while it waited stayed pending (the approver was still asked) and was
        // recorded only if someone approved it later. Now it is refused on record when cancelled, and never runs.
        long asked = callWithId("51").seq();
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(asked));
        TestJournal.Rec refusal = child(asked, RecordType.APPROVAL);
        assertEquals(Decision.REFUSED, refusal.decision());
        assertTrue(refusal.params().contains("the caller cancelled the call while it waited for approval"),
                refusal::toString);
    }

    @Test
    void shouldResumeTheWaitingCallForARepeatThatSpellsItsNumbersAnotherWay() throws Exception {
        // A Python client sends 1.0 where the TypeScript SDK sends 1: the same JSON value, so the same call. Before,
        // the proxy compared Jackson trees, in which 1 and 1.0 differ, and the repeat waited as a second call.
        String policy = POLICY.replace("  - id: no-shell-echoes", "  - id: sums-need-a-person\n"
                + "    match_methods: [\"get-sum\"]\n"
                + "    action: stall\n"
                + "  - id: no-shell-echoes");
        McpProxy proxy = McpProxy.builder(guard(policy)).stdio(McpTestServers.server("mcp-server-everything"))
                .serverStderr(OutputStream.nullOutputStream()).stallMode(StallMode.PENDING).build();
        JsonNode waiting;
        JsonNode repeat;
        try (RawClient client = new RawClient(proxy)) {
            client.initialize();
            waiting = client.call("1", "tools/call", tool("get-sum", "{\"a\":1,\"b\":2}"));
            long seq = awaitRequest().callSequence();
            assertEquals(callWithId("1").seq(), seq);
            assertTrue(approvals.approve(seq, "alice", "fine"));
            repeat = client.call("2", "tools/call", tool("get-sum", "{ \"b\": 2.0, \"a\": 1.0 }"));
        }
        assertEquals("awaiting_approval", waiting.at("/result/_meta/dev.vouch~1outcome").asText(), waiting::toString);
        assertTrue(repeat.at("/result/content/0/text").asText().contains("3"), repeat::toString);
        List<TestJournal.Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(1, calls.size(), () -> "the repeat resumed the waiting call: " + journal.events());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(calls.get(0).seq()));
    }

    private void awaitChildren(long call, int n) throws InterruptedException {
        for (int i = 0; i < 3000 && childTypes(call).size() < n; i++) {
            Thread.sleep(10);
        }
        assertEquals(n, childTypes(call).size(), () -> journal.events().toString());
    }

    /** A proxy of the everything server whose policy stalls an echo of {@code message}. */
    private McpProxy stallingEchoes(String message) {
        String policy = POLICY.replace("  - id: no-shell-echoes", "  - id: echoes-need-a-person\n"
                + "    match_methods: [\"echo\"]\n"
                + "    conditions:\n"
                + "      - {key: message, operator: eq, value: \"" + message + "\"}\n"
                + "    action: stall\n"
                + "  - id: no-shell-echoes");
        return McpProxy.builder(guard(policy)).stdio(McpTestServers.server("mcp-server-everything"))
                .serverStderr(OutputStream.nullOutputStream()).build();
    }

    private ApprovalRequest awaitRequest() throws InterruptedException {
        for (int i = 0; i < 3000; i++) {
            if (!approvals.pending().isEmpty()) {
                return approvals.pending().get(0);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no approval was asked for");
    }

    @Test
    void shouldAnswerCallsInFlightAndRecordToolErrorWhenTheServerDiesMidCall() throws Exception {
        try (RawClient client = new RawClient(everything())) {
            client.initialize();
            CompletableFuture<JsonNode> answer = client.request("99", "tools/call", "{\"name\":\"trigger-long-running-operation\","
                    + "\"arguments\":{\"duration\":10,\"steps\":20},\"_meta\":{\"progressToken\":\"p99\"}}");
            client.awaitLine(l -> l.contains("p99")); // the server is running the call
            ProcessHandle server = ProcessHandle.current().descendants() // this session's server: the newest one
                    .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("mcp-server-everything"))
                    .max(java.util.Comparator.comparing(p -> p.info().startInstant().orElse(java.time.Instant.MIN)))
                    .orElseThrow(() -> new AssertionError("no server process"));
            assertTrue(server.destroyForcibly()); // kill -9, mid-call

            JsonNode error = answer.get(20, TimeUnit.SECONDS);
            assertEquals(-32000, error.at("/error/code").asInt(), error::toString);
            assertTrue(error.at("/error/message").asText().contains("the MCP server exited (status 137)"), error::toString);
            assertEquals(137, client.session.awaitExit());
        }
        TestJournal.Rec call = callWithId("99");
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call.seq()));
        JsonNode recorded = json(child(call.seq(), RecordType.TOOL_ERROR).result());
        assertEquals("dev.vouch.mcpproxy.UpstreamException", recorded.get("exception").asText());
        assertTrue(recorded.get("message").asText().contains("exited (status 137); the call was forwarded and not answered"),
                recorded::toString);
    }
}
