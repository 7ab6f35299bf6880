package dev.vouch.mcpproxy;

import static dev.vouch.mcpproxy.RawClient.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vouch mcp-proxy} as the lead wires it into the CLI: {@link McpProxyMain#run} with the client on a pair of
 * streams, a real journal, a real policy file and the real filesystem server; and its usage errors, which must never
 * write to standard output (it carries MCP) nor create a journal.
 */
class McpProxyMainTest {
    @TempDir
    Path tmp;

    Path policy;
    Path files;
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void files() throws Exception {
        policy = Files.writeString(tmp.resolve("vouch-policy.yaml"), ProxyTestBase.POLICY);
        files = Files.createDirectories(tmp.resolve("files")).toRealPath();
        Files.writeString(files.resolve("notes.txt"), "hello");
    }

    /** The command line on a thread, as a session: its exit status is {@code run}'s return value. */
    McpProxy.Session cli(List<String> args, InputStream in, OutputStream out) {
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> McpProxyMain.run(args.toArray(String[]::new), in, out, err));
        return new McpProxy.Session() {
            @Override
            public int awaitExit() throws InterruptedException {
                try {
                    return status.get();
                } catch (ExecutionException e) {
                    throw new AssertionError(e.getCause());
                }
            }

            @Override
            public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
                try {
                    return OptionalInt.of(status.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    return OptionalInt.empty();
                } catch (ExecutionException e) {
                    throw new AssertionError(e.getCause());
                }
            }

            @Override
            public void close() {
            }
        };
    }

    List<String> args(String... extra) {
        List<String> args = new ArrayList<>(List.of("--policy", policy.toString(), "--journal", tmp.resolve("journal").toString(),
                "--key", tmp.resolve(".vouch_key").toString(), "--origin", "test.vouch.dev/guard"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void shouldRelayAndJudgeThroughTheCommandLineAndExitWithTheServersStatus() throws Exception {
        List<String> args = args("--hide-blocked-tools", "--");
        args.addAll(McpTestServers.server("mcp-server-filesystem", files.toString()));
        List<String> received;
        try (RawClient client = new RawClient((in, out) -> cli(args, in, out))) {
            client.initialize();
            JsonNode tools = client.call("1", "tools/list", null);
            assertFalse(tools.toString().contains("\"move_file\""), tools::toString);
            JsonNode moved = client.call("2", "tools/call", tool("move_file", "{\"source\":\"" + files.resolve("notes.txt")
                    + "\",\"destination\":\"" + files.resolve("moved.txt") + "\"}"));
            assertEquals("blocked", moved.at("/result/_meta/dev.vouch~1outcome").asText(), moved::toString);
            JsonNode read = client.call("3", "tools/call", tool("read_text_file", "{\"path\":\"" + files.resolve("notes.txt") + "\"}"));
            assertEquals("hello", read.at("/result/content/0/text").asText(), read::toString);
            assertEquals(0, client.closeAndAwaitExit(), "the server's exit status");
            received = client.received();
        }
        for (String line : received) { // standard output carries JSON-RPC only
            assertEquals("2.0", ProxyTestBase.json(line).get("jsonrpc").asText(), line);
        }
        String messages = errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(messages.contains("[vouch] mcp-proxy for mcp-proxy/mcp-server-filesystem"), messages);

        try (TestJournal journal = new TestJournal(tmp)) { // the same journal, key and origin: verified INTACT on close
            List<TestJournal.Rec> calls = journal.ofType(RecordType.TOOL_CALL);
            assertEquals(List.of("2", "3"), calls.stream().map(TestJournal.Rec::toolCallId).toList());
            assertEquals("mcp-proxy/mcp-server-filesystem", calls.get(0).agent());
            assertEquals(Decision.BLOCK, journal.children(calls.get(0).seq()).get(0).decision());
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT),
                    journal.children(calls.get(1).seq()).stream().map(TestJournal.Rec::type).toList());
        }
        assertTrue(Files.exists(files.resolve("notes.txt")));
    }

    /**
     * {@code --approvals command}: an MCP client that starts the proxy gives it no terminal, so a program answers each
     * stalled call (an outside trial found no way to approve from the command line but refusing every call). A real
     * shell script approves one write and refuses another; what it read is the request, with the redacted content
     * never in it; its approver and reason are recorded.
     */
    @Test
    void shouldAskAnApprovalCommandAboutEachStalledCall() throws Exception {
        Path seen = tmp.resolve("seen");
        Path script = Files.writeString(tmp.resolve("approve.sh"), "#!/bin/sh\n"
                + "cat >> '" + seen + "'\n"
                + "echo \"$VOUCH_TOOL $VOUCH_POLICY $VOUCH_RISK\" >> '" + seen + "'\n"
                + "echo approver=alice\n"
                + "case \"$(tail -2 '" + seen + "' | head -1)\" in\n"
                + "  *ok.txt*) echo 'reason=looked at it'; exit 0;;\n"
                + "  *) echo 'reason=not that file'; exit 1;;\n"
                + "esac\n");
        List<String> args = args("--approvals", "command", "--approval-command", "sh " + script, "--");
        args.addAll(McpTestServers.server("mcp-server-filesystem", files.toString()));
        try (RawClient client = new RawClient((in, out) -> cli(args, in, out))) {
            client.initialize();
            JsonNode ok = client.call("1", "tools/call", tool("write_file", "{\"path\":\"" + files.resolve("ok.txt")
                    + "\",\"content\":\"secret-1\"}"));
            JsonNode no = client.call("2", "tools/call", tool("write_file", "{\"path\":\"" + files.resolve("no.txt")
                    + "\",\"content\":\"secret-2\"}"));
            assertFalse(ok.at("/result/isError").asBoolean(), ok::toString);
            assertEquals("refused", no.at("/result/_meta/dev.vouch~1outcome").asText(), no::toString);
            assertEquals(0, client.closeAndAwaitExit());
        }
        assertEquals("secret-1", Files.readString(files.resolve("ok.txt")));
        assertFalse(Files.exists(files.resolve("no.txt")), "a refused call never runs");
        String request = Files.readString(seen);
        assertTrue(request.contains("\"tool\":\"write_file\"") && request.contains("\"policy\":\"writes-need-a-person\"")
                && request.contains("\"call_id\":\"1\""), request);
        assertTrue(request.contains("write_file writes-need-a-person medium"), "the environment: " + request);
        assertFalse(request.contains("secret-"), "redacted content never reaches the approver: " + request);
        try (TestJournal journal = new TestJournal(tmp)) {
            List<TestJournal.Rec> approvals = journal.ofType(RecordType.APPROVAL);
            assertEquals(List.of(Decision.APPROVED, Decision.REFUSED),
                    approvals.stream().map(TestJournal.Rec::decision).toList());
            assertTrue(approvals.get(0).params().contains("\"approver\":\"alice\",\"reason\":\"looked at it\""),
                    approvals.get(0)::toString);
            assertTrue(approvals.get(1).params().contains("\"reason\":\"not that file\""), approvals.get(1)::toString);
        }
    }

    /**
     * An approval program's standard error reaches the proxy's through a pipe of its own, never the proxy's own
     * descriptor: an outside trial's program, orphaned by a kill -9 of the proxy, held the MCP client's stderr pipe
     * open, and the TypeScript client never saw the proxy go until the program ended.
     */
    @Test
    void shouldCopyAnApprovalProgramsStandardErrorThroughAPipeOfItsOwn() throws Exception {
        Path link = tmp.resolve("fd2");
        List<String> args = args("--approvals", "command", "--approval-command",
                "readlink /proc/$$/fd/2 > '" + link + "'; echo 'approver says hello' >&2; exit 0", "--");
        args.addAll(McpTestServers.server("mcp-server-filesystem", files.toString()));
        try (RawClient client = new RawClient((in, out) -> cli(args, in, out))) {
            client.initialize();
            JsonNode ok = client.call("1", "tools/call", tool("write_file", "{\"path\":\"" + files.resolve("ok.txt")
                    + "\",\"content\":\"x\"}"));
            assertFalse(ok.at("/result/isError").asBoolean(), ok::toString);
            assertEquals(0, client.closeAndAwaitExit());
        }
        String own = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
        String programs = Files.readString(link).strip();
        assertTrue(programs.startsWith("pipe:") && !programs.equals(own), programs + " (the proxy's: " + own + ")");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!errBytes.toString(StandardCharsets.UTF_8).contains("approver says hello")
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("approver says hello"), errBytes::toString);
    }

    /** A program still asking when the policy's deadline passes is killed, with whatever it started, and TIMED_OUT. */
    @Test
    void shouldKillAnApprovalCommandThatOutlivesTheDeadline() throws Exception {
        Files.writeString(policy, ProxyTestBase.POLICY.replace("approval_timeout: 20s", "approval_timeout: 1s"));
        Path pid = tmp.resolve("sleeper.pid");
        List<String> args = args("--approvals", "command", "--approval-command", "sleep 120 & echo $! > '" + pid
                + "'; wait", "--");
        args.addAll(McpTestServers.server("mcp-server-filesystem", files.toString()));
        try (RawClient client = new RawClient((in, out) -> cli(args, in, out))) {
            client.initialize();
            JsonNode late = client.call("1", "tools/call", tool("write_file", "{\"path\":\"" + files.resolve("late.txt")
                    + "\",\"content\":\"x\"}"));
            assertEquals("timed_out", late.at("/result/_meta/dev.vouch~1outcome").asText(), late::toString);
            assertEquals(0, client.closeAndAwaitExit());
        }
        assertKilled(pid);
        assertFalse(Files.exists(files.resolve("late.txt")));
        try (TestJournal journal = new TestJournal(tmp)) {
            assertEquals(Decision.TIMED_OUT, journal.only(RecordType.APPROVAL).decision());
        }
    }

    @Test
    void shouldKillTheApprovalCommandsStillAskingWhenItStopsAndLeaveTheirCallsPending() throws Exception {
        // An outside trial: in pending mode, a program still asking outlived the proxy, and each restart asked again
        // beside it. Killed, it must not read as a refusal either.
        Path pid = tmp.resolve("sleeper.pid");
        List<String> args = args("--stall", "pending", "--approvals", "command", "--approval-command",
                "sleep 120 & echo $! > '" + pid + "'; wait", "--");
        args.addAll(McpTestServers.server("mcp-server-filesystem", files.toString()));
        try (RawClient client = new RawClient((in, out) -> cli(args, in, out))) {
            client.initialize();
            JsonNode waiting = client.call("1", "tools/call", tool("write_file", "{\"path\":\""
                    + files.resolve("later.txt") + "\",\"content\":\"x\"}"));
            assertEquals("awaiting_approval", waiting.at("/result/_meta/dev.vouch~1outcome").asText(), waiting::toString);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(pid) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, client.closeAndAwaitExit());
        }
        assertKilled(pid);
        try (TestJournal journal = new TestJournal(tmp)) {
            assertEquals(List.of(), journal.ofType(RecordType.APPROVAL), "no answer: the call stays pending");
        }
    }

    /** The process whose id the approval program wrote to {@code pidFile} ends within 10 s. */
    private static void assertKilled(Path pidFile) throws Exception {
        long sleeper = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), "the program's child is killed");
    }

    /**
     * What a kill -9 leaves, as the next start finds it: a call let through whose outcome is not on record (before, it
     * stayed "outcome not recorded" for good), and, in stall mode wait, a call waiting for a person for a request that
     * died with the run (before, it stayed "awaiting approval").
     */
    @Test
    void shouldEndOnRecordTheCallsAPreviousRunLeftUnfinished() throws Exception {
        long forwarded;
        long waiting;
        try (TestJournal previous = new TestJournal(tmp)) {
            dev.vouch.guard.Guard guard = dev.vouch.guard.Guard.builder(previous.ledger)
                    .agent("mcp-proxy/mcp-server-filesystem")
                    .policy(dev.vouch.policy.Policy.parse(ProxyTestBase.POLICY, "vouch-policy.yaml"))
                    .approvals(request -> new CompletableFuture<>()).writeAheadOutcomes(true).build();
            CompletableFuture<?> never = guard.attemptAsync(dev.vouch.guard.ToolCall.of("read_text_file",
                    "{\"path\":\"/never-answered\"}"), CompletableFuture::new);
            assertFalse(never.isDone());
            forwarded = previous.ofType(RecordType.TOOL_CALL).get(0).seq();
            waiting = guard.attempt(dev.vouch.guard.ToolCall.of("write_file", "{\"path\":\"/w\",\"content\":\"c\"}")
                    .deferApproval(true), () -> "written").callSequence();
        }
        List<String> args = args("--");
        args.addAll(McpTestServers.server("mcp-server-filesystem", files.toString()));
        try (RawClient client = new RawClient((in, out) -> cli(args, in, out))) {
            client.initialize();
            assertEquals(0, client.closeAndAwaitExit());
        }
        try (TestJournal journal = new TestJournal(tmp)) {
            List<TestJournal.Rec> ended = journal.children(forwarded);
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR),
                    ended.stream().map(TestJournal.Rec::type).toList());
            assertTrue(ended.get(1).result().contains("the proxy stopped before an outcome was recorded"),
                    ended.get(1)::toString);
            List<TestJournal.Rec> refused = journal.children(waiting);
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL),
                    refused.stream().map(TestJournal.Rec::type).toList());
            assertEquals(Decision.REFUSED, refused.get(1).decision());
            assertTrue(refused.get(1).params().contains("\"approver\":\"vouch-mcp-proxy\""), refused.get(1)::toString);
        }
    }

    @Test
    void shouldRefuseBadUsageOnStandardErrorWithoutOpeningTheJournal() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(new byte[0]);
        assertEquals(2, run(args(), in, out), "no server");
        assertEquals(2, run(args("--upstream", "http://127.0.0.1:1/mcp", "--", "node", "x.js"), in, out), "two servers");
        assertEquals(2, run(args("--upstream", "ftp://example.com/mcp"), in, out), "not http");
        assertEquals(2, run(args("--upstream", "http://127.0.0.1:1/mcp", "--header", "no colon"), in, out));
        assertEquals(2, run(args("--header", "A: b", "--", "node", "x.js"), in, out), "a header for a stdio server");
        assertEquals(2, run(args("--stall", "sometimes", "--", "node", "x.js"), in, out));
        assertEquals(2, run(List.of("--journal", "j", "--", "node", "x.js"), in, out), "no policy");
        assertEquals(2, run(args("--principal", "p".repeat(70_000), "--", "node", "x.js"), in, out),
                "a principal the journal cannot hold, recorded with every call");
        assertEquals(0, run(List.of("--help"), in, out));
        assertEquals(0, out.size(), "standard output carries MCP only, not even --help");
        String messages = errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(messages.contains("no MCP server: give its command after --, or --upstream URL"), messages);
        assertTrue(messages.contains("Usage: mcp-proxy"), messages);
        assertTrue(messages.contains("--principal is 70000 bytes in UTF-8"), messages);
        assertFalse(Files.exists(tmp.resolve("journal")), "a usage error opens nothing");
    }

    /**
     * A redaction key others may read is refused before the journal opens, as the gateway refuses it: an outside trial's
     * proxy created a journal and a new signing key (the auditors' trust anchor) during a start that then failed.
     */
    @Test
    void shouldRefuseAnUnusableRedactionKeyBeforeCreatingAJournalOrAKey() throws Exception {
        Path redaction = tmp.resolve("redaction.key");
        Files.writeString(redaction, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Files.setPosixFilePermissions(redaction, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, run(args("--redaction-key", redaction.toString(), "--", "node", "x.js"),
                new ByteArrayInputStream(new byte[0]), out));
        String messages = errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(messages.contains("redaction key file has mode 0644"), messages);
        assertFalse(Files.exists(tmp.resolve("journal")), "the failed start created a journal");
        assertFalse(Files.exists(tmp.resolve(".vouch_key")), "the failed start created a signing key");
    }

    @Test
    void shouldFailToStartOnABrokenPolicyAndSayWhere() throws Exception {
        Files.writeString(policy, "version: \"2026.1\"\npolicies:\n  - id: x\n    match_method: [a]\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, run(args("--", "node", "x.js"), new ByteArrayInputStream(new byte[0]), out));
        String messages = errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(messages.contains("vouch-policy.yaml:4:5"), messages);
        assertTrue(messages.contains("match_methods"), "did you mean: " + messages);
        assertEquals(0, out.size());
    }

    @Test
    void shouldNameTheAgentAfterTheServer() {
        assertEquals("mcp-proxy/server-filesystem", McpProxyMain.defaultAgent(
                List.of("npx", "-y", "@modelcontextprotocol/server-filesystem@latest", "/srv"), null));
        assertEquals("mcp-proxy/mcp-server-fetch", McpProxyMain.defaultAgent(List.of("uvx", "mcp-server-fetch"), null));
        assertEquals("mcp-proxy/server", McpProxyMain.defaultAgent(List.of("node", "/opt/mcp/server.js"), null));
        assertEquals("mcp-proxy/weather", McpProxyMain.defaultAgent(List.of("/usr/local/bin/weather"), null));
        assertEquals("mcp-proxy/server-everything", McpProxyMain.defaultAgent(List.of("node",
                "/srv/node_modules/@modelcontextprotocol/server-everything/dist/index.js", "stdio"), null));
        assertEquals("mcp-proxy/weather", McpProxyMain.defaultAgent(List.of("python3", "weather/__main__.py"), null));
        assertEquals("mcp-proxy/index", McpProxyMain.defaultAgent(List.of("node", "index.js"), null), "nothing better");
        assertEquals("mcp-proxy/mcp.example.com:8443",
                McpProxyMain.defaultAgent(List.of(), URI.create("https://mcp.example.com:8443/mcp")));
    }

    private int run(List<String> args, InputStream in, OutputStream out) {
        return McpProxyMain.run(args.toArray(String[]::new), in, out, err);
    }
}
