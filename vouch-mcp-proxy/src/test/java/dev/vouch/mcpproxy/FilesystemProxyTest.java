package dev.vouch.mcpproxy;

import static dev.vouch.mcpproxy.TsClient.call;
import static dev.vouch.mcpproxy.TsClient.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ProgrammaticApprovals;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.JournalReader;
import dev.vouch.policy.Policy;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official TypeScript MCP client, through the proxy, to the real filesystem server from npm: what the guard
 * allows runs and is recorded with the server's result; what it blocks or a person refuses never reaches the server
 * (the file it would have changed is unchanged); what a person approves runs once.
 */
class FilesystemProxyTest extends ProxyTestBase {
    Path files;
    Path notes;

    @BeforeEach
    void files() throws Exception {
        files = Files.createDirectories(tmp.resolve("files")).toRealPath();
        notes = Files.writeString(files.resolve("notes.txt"), "hello from the filesystem");
    }

    McpProxy.Builder proxy(Guard guard) {
        return McpProxy.builder(guard).stdio(McpTestServers.server("mcp-server-filesystem", files.toString()))
                .serverStderr(OutputStream.nullOutputStream());
    }

    @Test
    void shouldRelayAnAllowedCallAndRecordTheServersResultUnderTheRequestId() throws Exception {
        List<JsonNode> out;
        try (TsClient client = TsClient.through(proxy(guard()).build(),
                call("read_text_file", Map.of("path", notes.toString())))) {
            out = client.outcomes();
        }
        JsonNode result = out.get(0).get("result");
        assertEquals("hello from the filesystem", result.at("/content/0/text").asText(), out::toString);

        TestJournal.Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertEquals("read_text_file", call.name());
        assertEquals("{\"path\":\"" + notes + "\"}", call.params()); // the arguments exactly as the client sent them
        assertTrue(call.toolCallId().matches("\\d+"), () -> "the JSON-RPC id of the request: " + call.toolCallId());
        assertEquals(-1, call.parent());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(call.seq()));
        assertEquals(Decision.ALLOW, child(call.seq(), RecordType.POLICY_DECISION).decision());
        // The server's result, recorded as the JSON it sent, is what the client got.
        assertEquals(result, json(child(call.seq(), RecordType.TOOL_RESULT).result()));
    }

    @Test
    void shouldAnswerABlockedCallWithTheReasonAndNeverForwardIt() throws Exception {
        Path moved = files.resolve("moved.txt");
        List<JsonNode> out;
        try (TsClient client = TsClient.through(proxy(guard()).hideBlockedTools(true).build(), list(),
                call("move_file", Map.of("source", notes.toString(), "destination", moved.toString())))) {
            out = client.outcomes();
        }
        List<String> tools = RawClient.JSON.convertValue(out.get(0).get("tools"), List.class).stream()
                .map(String::valueOf).toList();
        assertFalse(tools.contains("move_file"), () -> "move_file is always blocked, so hidden: " + tools);
        assertTrue(tools.contains("write_file") && tools.contains("read_text_file"), tools::toString);

        JsonNode result = out.get(1).get("result");
        assertTrue(result.get("isError").asBoolean(), out::toString);
        TestJournal.Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertEquals("Vouch did not run this call: policy files-stay-put blocked move_file: Files stay where they are"
                + " (call seq " + call.seq() + "). Do not retry it unchanged.", result.at("/content/0/text").asText());
        assertEquals(call.seq(), result.at("/_meta/dev.vouch~1call_sequence").asLong());
        assertEquals("blocked", result.at("/_meta/dev.vouch~1outcome").asText());

        assertTrue(Files.exists(notes) && !Files.exists(moved), "the server never saw the move");
        assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(call.seq()));
        assertEquals(Decision.BLOCK, child(call.seq(), RecordType.POLICY_DECISION).decision());
    }

    @Test
    void shouldForwardAStalledCallOnceApprovedAndKeepTheRedactedContentOutOfTheJournal() throws Exception {
        approveAll();
        Path written = files.resolve("approved.txt");
        String secret = "the content is secret-4111111111111111";
        List<JsonNode> out;
        try (TsClient client = TsClient.through(proxy(guard()).build(),
                call("write_file", Map.of("path", written.toString(), "content", secret)))) {
            out = client.outcomes();
        }
        assertFalse(out.get(0).get("result").path("isError").asBoolean(), out::toString);
        assertEquals(secret, Files.readString(written), "the server got the original content, not the redacted one");

        TestJournal.Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(call.seq()));
        assertEquals(Decision.STALL, child(call.seq(), RecordType.POLICY_DECISION).decision());
        assertEquals(Decision.APPROVED, child(call.seq(), RecordType.APPROVAL).decision());
        assertTrue(call.params().contains("$vouch_redacted"), call::params);
        assertFalse(journal.anyFileContains(secret.getBytes(StandardCharsets.UTF_8)), "redacted: never stored");
    }

    @Test
    void shouldNeverForwardACallAPersonRefused() throws Exception {
        refuseAll();
        Path written = files.resolve("refused.txt");
        List<JsonNode> out;
        try (TsClient client = TsClient.through(proxy(guard()).build(),
                call("write_file", Map.of("path", written.toString(), "content", "nope")))) {
            out = client.outcomes();
        }
        JsonNode result = out.get(0).get("result");
        assertTrue(result.get("isError").asBoolean());
        assertEquals("refused", result.at("/_meta/dev.vouch~1outcome").asText());
        assertTrue(result.at("/content/0/text").asText().contains("bob"), result::toString);
        assertFalse(Files.exists(written), "the server never saw the write");

        TestJournal.Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(call.seq()));
        assertEquals(Decision.REFUSED, child(call.seq(), RecordType.APPROVAL).decision());
    }

    @Test
    void shouldRecordTheServersIsErrorResultAsToolErrorAndRelayItUnchanged() throws Exception {
        String outside = tmp.resolve("outside.txt").toString();
        List<JsonNode> out;
        try (TsClient client = TsClient.through(proxy(guard()).build(), call("read_text_file", Map.of("path", outside)))) {
            out = client.outcomes();
        }
        JsonNode result = out.get(0).get("result");
        assertTrue(result.get("isError").asBoolean(), out::toString);
        assertNull(result.get("_meta"), "the server's own error, not Vouch's");

        TestJournal.Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call.seq()));
        JsonNode error = json(child(call.seq(), RecordType.TOOL_ERROR).result());
        assertEquals("dev.vouch.mcpproxy.ToolErrorResult", error.get("exception").asText());
        assertEquals(result, error.get("result"), "the whole result, as JSON");
    }

    @Test
    void shouldAnswerAwaitingApprovalInPendingModeAndRunTheRepeatOnceApproved() throws Exception {
        Path written = files.resolve("later.txt");
        Path answered = tmp.resolve("answered.flag");
        Path approved = tmp.resolve("approved.flag");
        Guard guard = guard();
        Map<String, Object> args = Map.of("path", written.toString(), "content", "written once approved");
        List<JsonNode> out;
        try (TsClient client = TsClient.through(proxy(guard).stallMode(StallMode.PENDING).build(),
                call("write_file", args), TsClient.touch(answered), TsClient.waitFor(approved),
                call("write_file", args))) {
            ApprovalRequest waiting = awaitPending(guard);
            // Approve only once the client has its answer: an approval that comes while the guard is still deciding
            // to answer "awaiting approval" lets the call run at once instead (it failed once in CI that way).
            awaitFile(answered);
            assertFalse(Files.exists(written), "not forwarded while it waits");
            assertTrue(guard.pendingApprovals().approve(waiting.callSequence(), "carol", "fine"));
            Files.writeString(approved, "go");
            out = client.outcomes();
        }
        JsonNode first = out.get(0).get("result");
        assertEquals("awaiting_approval", first.at("/_meta/dev.vouch~1outcome").asText(), out::toString);
        assertTrue(first.at("/content/0/text").asText().contains("Call the tool again with the same arguments"));
        assertFalse(out.get(1).get("result").path("isError").asBoolean(), out::toString);
        assertEquals("written once approved", Files.readString(written));

        List<TestJournal.Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(1, calls.size(), "the repeat resumed the waiting call: " + journal.events());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(calls.get(0).seq()));
    }

    @Test
    void shouldLetARepeatReachAPendingCallTakenBackAfterARestart() throws Exception {
        // An outside trial: after a restart the proxy logged the waiting call as rediscovered, but a repeat made a new
        // call, so approving the rediscovered one reached nothing.
        String policy = POLICY.replace("    redact: [content]\n", ""); // a repeat is matched by the stored arguments
        assertFalse(policy.contains("redact"), policy);
        Path written = files.resolve("after-restart.txt");
        Map<String, Object> args = Map.of("path", written.toString(), "content", "written after the restart");
        List<JsonNode> before;
        try (TsClient client = TsClient.through(proxy(guard(policy)).stallMode(StallMode.PENDING).build(),
                call("write_file", args))) {
            before = client.outcomes();
        }
        assertEquals("awaiting_approval", before.get(0).get("result").at("/_meta/dev.vouch~1outcome").asText());
        long seq = journal.ofType(RecordType.TOOL_CALL).get(0).seq();

        // As after a restart: a new guard takes the call back from the journal, and a new proxy runs over it.
        Guard restarted = Guard.builder(journal.ledger).agent("mcp-proxy-test")
                .policy(Policy.parse(policy, "vouch-policy.yaml")).approvals(new ProgrammaticApprovals())
                .asyncExecutor(approvedCalls).recoverPending(JournalReader.open(journal.dir)).build();
        McpProxy proxy = proxy(restarted).stallMode(StallMode.PENDING).build();
        assertTrue(restarted.pendingApprovals().approve(seq, "carol", "fine after the restart"));
        List<JsonNode> after;
        try (TsClient client = TsClient.through(proxy, call("write_file", args))) {
            after = client.outcomes();
        }

        assertFalse(after.get(0).get("result").path("isError").asBoolean(), after::toString);
        assertEquals("written after the restart", Files.readString(written));
        assertEquals(1, journal.ofType(RecordType.TOOL_CALL).size(), "the repeat resumed the call: " + journal.events());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(seq));
    }

    @Test
    void shouldRefuseOnRecordAPendingCallNoRepeatCanReachAfterARestart() throws Exception {
        // Its content is redacted, so a repeat cannot be matched to it: a second outside trial approved such a call,
        // which could never run and then read "outcome not recorded (the call may have run)".
        Map<String, Object> args = Map.of("path", files.resolve("secret.txt").toString(), "content", "s3cret");
        try (TsClient client = TsClient.through(proxy(guard()).stallMode(StallMode.PENDING).build(),
                call("write_file", args))) {
            client.outcomes();
        }
        long seq = journal.ofType(RecordType.TOOL_CALL).get(0).seq();

        Guard restarted = Guard.builder(journal.ledger).agent("mcp-proxy-test")
                .policy(Policy.parse(POLICY, "vouch-policy.yaml")).approvals(new ProgrammaticApprovals())
                .asyncExecutor(approvedCalls).recoverPending(JournalReader.open(journal.dir)).build();
        assertEquals(1, restarted.pendingApprovals().size());
        McpProxy proxy = proxy(restarted).stallMode(StallMode.PENDING).build();

        assertEquals(0, restarted.pendingApprovals().size(), "nobody is left to approve what nothing can run");
        TestJournal.Rec refusal = child(seq, RecordType.APPROVAL);
        assertEquals(Decision.REFUSED, refusal.decision());
        assertTrue(refusal.params().contains("\"approver\":\"vouch-mcp-proxy\"")
                && refusal.params().contains("only redacted"), refusal::toString);
        List<JsonNode> again;
        try (TsClient client = TsClient.through(proxy, call("write_file", args))) {
            again = client.outcomes();
        }
        assertEquals("awaiting_approval", again.get(0).get("result").at("/_meta/dev.vouch~1outcome").asText());
        assertEquals(2, journal.ofType(RecordType.TOOL_CALL).size(), "the repeat is a new call, as documented");
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 3000 && !Files.exists(file); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(file), "the client did not get to " + file.getFileName());
    }

    private static ApprovalRequest awaitPending(Guard guard) throws InterruptedException {
        for (int i = 0; i < 3000; i++) {
            List<ApprovalRequest> waiting = guard.pendingApprovals().list();
            if (!waiting.isEmpty()) {
                return waiting.get(0);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no call is waiting for approval");
    }
}
