package dev.vouch.mcpproxy;

import static dev.vouch.mcpproxy.RawClient.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A scripted stdio server that does what the npm servers do not, as an outside trial's fake server did; each tool
 * call's arguments say what it does.
 */
class MisbehavingServerProxyTest extends ProxyTestBase {
    /**
     * Ignores every notification. A tools/call says "got ID" first (a log notification), answers "done WHICH" after
     * {@code ms}, then says "answered ID"; with {@code nullError} it sends an error with id null before its answer.
     */
    private static final String SERVER = """
            const rl = require('readline').createInterface({input: process.stdin});
            const out = o => process.stdout.write(JSON.stringify(o) + '\\n');
            const log = data => out({jsonrpc: '2.0', method: 'notifications/message', params: {level: 'info', data}});
            rl.on('line', l => {
              const m = JSON.parse(l);
              if (m.id === undefined) return;
              if (m.method === 'initialize') {
                out({jsonrpc: '2.0', id: m.id, result: {protocolVersion: m.params.protocolVersion,
                    capabilities: {tools: {}}, serverInfo: {name: 'misbehaving', version: '1'}}});
              } else if (m.method === 'tools/call') {
                const a = m.params.arguments || {};
                log('got ' + JSON.stringify(m.id));
                if (a.nullError) out({jsonrpc: '2.0', id: null, error: {code: -32700, message: 'Parse error'}});
                setTimeout(() => {
                  out({jsonrpc: '2.0', id: m.id, result: {content: [{type: 'text', text: 'done ' + a.which}]}});
                  log('answered ' + JSON.stringify(m.id));
                }, a.ms || 0);
              } else {
                out({jsonrpc: '2.0', id: m.id, result: {}});
              }
            });
            """;

    private McpProxy misbehaving() {
        return McpProxy.builder(guard()).stdio(List.of("node", "-e", SERVER))
                .serverStderr(OutputStream.nullOutputStream()).build();
    }

    /**
     * An outside trial cancelled a forwarded call and sent another under its id while the server, ignoring the
     * cancellation, still worked on the first: the first's late answer was relayed, and recorded, as the second's.
     * The id stays taken until the server answers the cancelled call; that answer is dropped, not recorded.
     */
    @Test
    void shouldRefuseAnIdReusedAfterACancelUntilTheServerAnswersTheCancelledCall() throws Exception {
        try (RawClient client = new RawClient(misbehaving())) {
            client.initialize();
            client.expect("5");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":"
                    + tool("echo", "{\"which\":\"OLD\",\"ms\":1500}") + "}");
            client.awaitLine(l -> l.contains("got 5"));
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":5}}");
            JsonNode reused = client.call("5", "tools/call", tool("echo", "{\"which\":\"NEW\",\"ms\":0}"));
            assertEquals(-32600, reused.at("/error/code").asInt(), reused::toString);
            assertEquals(Routes.ID_TAKEN + "; the call was not forwarded", reused.at("/error/message").asText());

            client.awaitLine(l -> l.contains("answered 5")); // the late answer came, and was dropped: the id is free
            JsonNode again = client.call("5", "tools/call", tool("echo", "{\"which\":\"AGAIN\"}"));
            assertEquals("done AGAIN", again.at("/result/content/0/text").asText(), again::toString);
            assertTrue(client.received().stream().noneMatch(l -> l.contains("done OLD")), client.received()::toString);
            assertEquals(List.of(), client.unmatched());
        }
        List<TestJournal.Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(2, calls.size(), "the refused reuse is not recorded: " + journal.events());
        JsonNode cancelled = json(child(calls.get(0).seq(), RecordType.TOOL_ERROR).result());
        assertTrue(cancelled.get("message").asText().startsWith("the client cancelled the call after it was forwarded"),
                cancelled::toString);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(calls.get(0).seq()));
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(calls.get(1).seq()));
        assertTrue(child(calls.get(1).seq(), RecordType.TOOL_RESULT).result().contains("done AGAIN"),
                journal.events()::toString);
    }

    /**
     * An outside trial's client went away while a call waited for approval and the server, still busy, ran on: the
     * approver's later "yes" counted, and the call was recorded as forwarded though the server's input was closed. A
     * call waiting when the client's input ends is refused on record at once, as when the client cancels it.
     */
    @Test
    void shouldRefuseOnRecordACallWaitingForApprovalWhenTheClientsInputEnds() throws Exception {
        JsonNode refused;
        JsonNode slow;
        long waiting;
        try (RawClient client = new RawClient(misbehaving())) {
            client.initialize();
            CompletableFuture<JsonNode> slowAnswer = client.request("\"slow\"", "tools/call",
                    tool("echo", "{\"which\":\"slow\",\"ms\":4000}"));
            client.awaitLine(l -> l.contains("got \\\"slow\\\""));
            CompletableFuture<JsonNode> answer = client.request("\"w\"", "tools/call",
                    tool("write_file", "{\"path\":\"a\",\"content\":\"b\"}"));
            waiting = awaitRequest().callSequence();
            client.closeInput(); // the server stays: it still works on the slow call
            refused = answer.completeOnTimeout(null, 3, TimeUnit.SECONDS).join();
            for (int i = 0; i < 300 && childTypes(waiting).size() < 2; i++) {
                Thread.sleep(10); // the refusal is recorded off the thread that answers the client
            }
            assertFalse(approvals.approve(waiting, "alice", "too late: the client went away"),
                    "the call still waited for approval after the client went away");
            slow = slowAnswer.get(20, TimeUnit.SECONDS);
            client.closeAndAwaitExit();
        }
        assertNotNull(refused, "no answer");
        assertEquals(-32000, refused.at("/error/code").asInt(), refused::toString);
        assertEquals(Relay.CLIENT_GONE + "; the call was not forwarded", refused.at("/error/message").asText());
        assertEquals("done slow", slow.at("/result/content/0/text").asText(), "a forwarded call is still answered");
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(waiting),
                journal.events()::toString);
        TestJournal.Rec refusal = child(waiting, RecordType.APPROVAL);
        assertEquals(Decision.REFUSED, refusal.decision());
        assertTrue(refusal.params().contains("the caller cancelled the call while it waited for approval"),
                refusal::toString);
    }

    /**
     * A call written to a server that no longer reads its input was recorded as "forwarded and not answered" (an
     * outside trial's): the server never got it, and the record says so.
     */
    @Test
    void shouldRecordACallTheServerCouldNotBeSentAsNotForwarded() throws Exception {
        // Reads the initialize request, closes its input, answers, and runs on for a while.
        String deaf = "read -r line; exec 0<&-; printf '%s\\n' '{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"result\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"deaf\","
                + "\"version\":\"1\"}}}'; sleep 3";
        JsonNode error;
        McpProxy proxy = McpProxy.builder(guard()).stdio(List.of("/bin/sh", "-c", deaf))
                .serverStderr(OutputStream.nullOutputStream()).build();
        try (RawClient client = new RawClient(proxy)) {
            client.initialize();
            error = client.call("1", "tools/call", tool("echo", "{\"which\":\"unheard\"}"));
        }
        String why = "the MCP server no longer reads its input (it exited or is exiting); the call was not forwarded";
        assertEquals(-32000, error.at("/error/code").asInt(), error::toString);
        assertEquals(why, error.at("/error/message").asText());
        long call = callWithId("1").seq();
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call));
        assertEquals(why, json(child(call, RecordType.TOOL_ERROR).result()).get("message").asText());
    }

    private ApprovalRequest awaitRequest() throws InterruptedException {
        for (int i = 0; i < 3000 && approvals.pending().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertFalse(approvals.pending().isEmpty(), "no approval was asked for");
        return approvals.pending().get(0);
    }

    /** The README promised it (Pass-through), but an outside trial saw it dropped as an answer to no request. */
    @Test
    void shouldRelayAnErrorWithANullIdUnrecorded() throws Exception {
        try (RawClient client = new RawClient(misbehaving())) {
            client.initialize();
            JsonNode answer = client.call("1", "tools/call", tool("echo", "{\"which\":\"one\",\"nullError\":true}"));
            assertEquals("done one", answer.at("/result/content/0/text").asText(), answer::toString);
            // the server wrote the null-id error first, and its messages are relayed in order
            assertTrue(client.unmatched().stream().anyMatch(l -> l.contains("\"id\":null") && l.contains("Parse error")),
                    client.received()::toString);
        }
        assertEquals(1, journal.ofType(RecordType.TOOL_RESULT).size(),
                journal.events()::toString);
    }
}
