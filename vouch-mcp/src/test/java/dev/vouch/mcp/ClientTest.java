package dev.vouch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ProgrammaticApprovals;
import dev.vouch.policy.Policy;
import dev.vouch.guard.TestJournal;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.JournalReader;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client decorator in front of the real npm MCP servers ({@code @modelcontextprotocol/server-filesystem} and
 * {@code server-everything}, run with node over stdio by the SDK's own client transport). What the filesystem server
 * would have moved or written proves on disk that a call the guard stopped never reached it.
 */
class ClientTest extends McpTestBase {
    private static final McpJsonMapper MAPPER = McpJsonDefaults.getMapper();

    private Path files;

    @BeforeEach
    void makeFiles() throws IOException {
        files = Files.createDirectories(tmp.resolve("files")).toRealPath();
        Files.writeString(files.resolve("notes.txt"), "buy milk");
    }

    private static StdioClientTransport transport(String bin, String... args) {
        List<String> cmd = McpTestServers.server(bin, args);
        return new StdioClientTransport(ServerParameters.builder(McpTestServers.node()).args(cmd).build(), MAPPER);
    }

    private GuardedMcpClient filesystem(VouchMcp vouch) {
        GuardedMcpClient client = vouch.client(McpClient.sync(transport("mcp-server-filesystem", files.toString()))
                .requestTimeout(Duration.ofSeconds(30)).build());
        client.initialize();
        return client;
    }

    private GuardedMcpAsyncClient asyncFilesystem(VouchMcp vouch) {
        return asyncClient(vouch, transport("mcp-server-filesystem", files.toString()));
    }

    private GuardedMcpAsyncClient asyncEverything(VouchMcp vouch) {
        return asyncClient(vouch, transport("mcp-server-everything", "stdio"));
    }

    private static GuardedMcpAsyncClient asyncClient(VouchMcp vouch, StdioClientTransport transport) {
        GuardedMcpAsyncClient client = vouch.client(McpClient.async(transport).requestTimeout(Duration.ofSeconds(30)).build());
        client.delegate().initialize().block();
        return client;
    }

    private VouchMcp.Builder vouch() {
        return VouchMcp.builder(guard()).hideAlwaysBlocked(policy::alwaysBlocks).jsonMapper(MAPPER);
    }

    private String path(String name) {
        return files.resolve(name).toString();
    }

    private static String text(CallToolResult r) {
        return ((TextContent) r.content().get(0)).text();
    }

    private static CallToolRequest request(String tool, Map<String, Object> args) {
        return CallToolRequest.builder(tool).arguments(args).build();
    }

    @Test
    void shouldRunAllowedCallAndRecordItsIdAndJsonResult() {
        try (GuardedMcpClient fs = filesystem(vouch().build())) {
            CallToolResult r = fs.callTool(request("read_text_file", Map.of("path", path("notes.txt"))), "call_7Xq2");

            assertFalse(Boolean.TRUE.equals(r.isError()));
            assertEquals("buy milk", text(r));
        }
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals("read_text_file", call.name());
        assertEquals("call_7Xq2", call.toolCallId());
        assertEquals(path("notes.txt"), json(call.params()).get("path").asText());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(call.seq()));
        JsonNode result = json(child(call.seq(), RecordType.TOOL_RESULT).result());
        assertEquals("buy milk", result.get("content").get(0).get("text").asText());
    }

    @Test
    void shouldNeverSendBlockedCallToTheServer() throws IOException {
        CallToolResult r;
        List<String> listed;
        try (GuardedMcpClient fs = filesystem(vouch().build())) {
            listed = fs.listTools().tools().stream().map(Tool::name).toList();
            r = fs.callTool(request("move_file", Map.of("source", path("notes.txt"), "destination", path("gone.txt"))));
            // the server itself still lists it: only the guarded view hides it
            assertTrue(fs.delegate().listTools().tools().stream().anyMatch(t -> t.name().equals("move_file")));
        }

        assertFalse(listed.contains("move_file"), listed::toString);
        assertTrue(listed.contains("write_file"), listed::toString);
        assertTrue(r.isError());
        Rec call = only(RecordType.TOOL_CALL);
        assertTrue(text(r).contains("no-moves") && text(r).contains("call seq " + call.seq()), text(r));
        assertEquals(call.seq(), ((Number) r.meta().get("dev.vouch/call_sequence")).longValue());
        assertEquals("buy milk", Files.readString(files.resolve("notes.txt")), "the server never moved the file");
        assertFalse(Files.exists(files.resolve("gone.txt")));
        assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(call.seq()));
        assertEquals(Decision.BLOCK, decisionOf(call.seq()));
    }

    @Test
    void shouldWriteOnlyOnceApproved() throws IOException {
        approveAll();
        try (GuardedMcpClient fs = filesystem(vouch().build())) {
            CallToolResult r = fs.callTool(request("write_file", Map.of("path", path("todo.txt"), "content", "call mum")));
            assertFalse(Boolean.TRUE.equals(r.isError()), () -> text(r));
        }
        assertEquals("call mum", Files.readString(files.resolve("todo.txt")));
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(call.seq()));
        assertEquals(Decision.APPROVED, child(call.seq(), RecordType.APPROVAL).decision());
        assertTrue(json(child(call.seq(), RecordType.TOOL_RESULT).result()).get("content").get(0).get("text").asText()
                .contains("todo.txt"));
    }

    @Test
    void shouldNeverSendRefusedCallToTheServer() {
        refuseAll();
        CallToolResult r;
        try (GuardedMcpClient fs = filesystem(vouch().build())) {
            r = fs.callTool(request("write_file", Map.of("path", path("todo.txt"), "content", "call mum")));
        }
        assertTrue(r.isError());
        assertTrue(text(r).contains("not today"), text(r));
        assertEquals("refused", r.meta().get("dev.vouch/outcome"));
        assertFalse(Files.exists(files.resolve("todo.txt")), "the server never wrote the file");
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(call.seq()));
        assertEquals(Decision.REFUSED, child(call.seq(), RecordType.APPROVAL).decision());
    }

    @Test
    void shouldAnswerAwaitingApprovalAndResumeTheCallOnceApproved() throws IOException {
        VouchMcp vouch = vouch().stallMode(StallMode.PENDING).build();
        CallToolRequest write = request("write_file", Map.of("path", path("todo.txt"), "content", "call mum"));
        try (GuardedMcpClient fs = filesystem(vouch)) {
            CallToolResult waiting = fs.callTool(write);
            long seq = ((Number) waiting.meta().get("dev.vouch/call_sequence")).longValue();
            assertTrue(waiting.isError());
            assertTrue(text(waiting).contains("awaiting approval") && text(waiting).contains("call seq " + seq),
                    text(waiting));
            assertFalse(Files.exists(files.resolve("todo.txt")));

            CallToolResult stillWaiting = fs.callTool(write); // asked again before anyone answered: same call
            assertEquals("awaiting_approval", stillWaiting.meta().get("dev.vouch/outcome"));
            assertEquals(seq, ((Number) stillWaiting.meta().get("dev.vouch/call_sequence")).longValue());

            assertTrue(vouch.guard().pendingApprovals().approve(seq, "alice", "fine by me"));
            CallToolResult done = fs.resume(seq);
            assertFalse(Boolean.TRUE.equals(done.isError()), () -> text(done));
            assertThrows(IllegalStateException.class, () -> fs.resume(seq), "a call runs once");
        }
        assertEquals("call mum", Files.readString(files.resolve("todo.txt")));
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(call.seq()));
    }

    @Test
    void shouldLetARepeatReachACallTakenBackAfterARestart() throws IOException {
        // An outside trial of the MCP proxy: a call rediscovered after a restart could not be reached by a repeat, so
        // its approval reached nothing; the same held here.
        CallToolRequest write = request("write_file", Map.of("path", path("later.txt"), "content", "after the restart"));
        long seq;
        try (GuardedMcpClient fs = filesystem(vouch().stallMode(StallMode.PENDING).build())) {
            seq = ((Number) fs.callTool(write).meta().get("dev.vouch/call_sequence")).longValue();
        }
        Guard restarted = Guard.builder(journal.ledger).agent("mcp-agent").policy(policy)
                .approvals(new ProgrammaticApprovals()).recoverPending(JournalReader.open(journal.dir)).build();
        VouchMcp vouch = VouchMcp.builder(restarted).jsonMapper(MAPPER).stallMode(StallMode.PENDING).build();
        try (GuardedMcpClient fs = filesystem(vouch)) {
            CallToolResult stillWaiting = fs.callTool(write);
            assertEquals(seq, ((Number) stillWaiting.meta().get("dev.vouch/call_sequence")).longValue(),
                    () -> text(stillWaiting));
            assertTrue(restarted.pendingApprovals().approve(seq, "alice", "fine after the restart"));
            CallToolResult done = fs.callTool(write);
            assertFalse(Boolean.TRUE.equals(done.isError()), () -> text(done));
        }
        assertEquals("after the restart", Files.readString(files.resolve("later.txt")));
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(seq, call.seq());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(call.seq()));
    }

    @Test
    void shouldTellARepeatThatTheCallTakenBackTimedOutWhileTheApplicationWasDown() throws Exception {
        // The LangChain4j and Spring AI adapters told such a repeat of the timeout; this adapter judged it as a new
        // call, which waited for approval again. The application is down from the ledger's close to its reopening.
        Policy quick = Policy.parse(POLICY.replace("approval_timeout: 20s", "approval_timeout: 1s"), "vouch-policy.yaml");
        CallToolRequest write = request("write_file", Map.of("path", path("late.txt"), "content", "too late"));
        Path down = tmp.resolve("down");
        long seq;
        try (TestJournal before = new TestJournal(down)) {
            Guard guard = Guard.builder(before.ledger).agent("mcp-agent").policy(quick).approvals(approvals).build();
            try (GuardedMcpClient fs = filesystem(VouchMcp.builder(guard).jsonMapper(MAPPER)
                    .stallMode(StallMode.PENDING).build())) {
                seq = ((Number) fs.callTool(write).meta().get("dev.vouch/call_sequence")).longValue();
            }
        }
        Thread.sleep(1_500); // the deadline passes while nothing runs
        try (TestJournal after = new TestJournal(down)) {
            Guard restarted = Guard.builder(after.ledger).agent("mcp-agent").policy(quick)
                    .approvals(new ProgrammaticApprovals()).recoverPending(JournalReader.open(after.dir)).build();
            VouchMcp vouch = VouchMcp.builder(restarted).jsonMapper(MAPPER).stallMode(StallMode.PENDING).build();
            try (GuardedMcpClient fs = filesystem(vouch)) {
                CallToolResult repeat = fs.callTool(write);
                assertTrue(repeat.isError(), () -> text(repeat));
                assertEquals(seq, ((Number) repeat.meta().get("dev.vouch/call_sequence")).longValue(),
                        () -> text(repeat));
                assertTrue(text(repeat).contains("nobody approved write_file within 1s"), () -> text(repeat));
            }
            assertFalse(Files.exists(files.resolve("late.txt")));
            List<Rec> calls = after.ofType(RecordType.TOOL_CALL);
            assertEquals(1, calls.size(), calls::toString);
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), after.childTypes(seq));
        }
    }

    @Test
    void shouldRecordServerIsErrorResultAsToolError() {
        CallToolResult r;
        try (GuardedMcpClient fs = filesystem(vouch().build())) {
            r = fs.callTool(request("read_text_file", Map.of("path", path("missing.txt"))));
        }
        assertTrue(r.isError(), "the filesystem server reports a missing file as an isError result");
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call.seq()));
        JsonNode error = json(child(call.seq(), RecordType.TOOL_ERROR).result());
        assertEquals(ToolErrorResult.class.getName(), error.get("exception").asText());
        JsonNode recorded = error.get("result"); // the isError result itself, whole, as JSON
        assertTrue(recorded.get("isError").asBoolean());
        assertEquals(text(r), recorded.get("content").get(0).get("text").asText());
    }

    @Test
    void shouldGuardAsyncClientAgainstTheEverythingServer() {
        VouchMcp vouch = vouch().build();
        try (GuardedMcpAsyncClient everything = asyncEverything(vouch)) {
            CallToolResult hello = everything.callTool(request("echo", Map.of("message", "hello")), "call_1").block();
            CallToolResult shell = everything.callTool(request("echo", Map.of("message", "rm -rf /")), "call_2").block();

            assertTrue(text(hello).contains("hello"), text(hello));
            assertTrue(shell.isError());
            assertTrue(text(shell).contains("big-echoes"), text(shell));
        }
        List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(List.of("call_1", "call_2"), calls.stream().map(Rec::toolCallId).toList());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(calls.get(0).seq()));
        assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(calls.get(1).seq()));
        assertTrue(json(child(calls.get(0).seq(), RecordType.TOOL_RESULT).result()).get("content").get(0)
                .get("text").asText().contains("hello"));
    }

    @Test
    void shouldNeverRunAStalledAsyncCallWhoseCallerGaveUpEvenIfApprovedLater() throws Exception {
        VouchMcp vouch = vouch().build(); // WAIT: the Mono waits for the approval without a thread
        try (GuardedMcpAsyncClient fs = asyncFilesystem(vouch)) {
            CallToolRequest write = request("write_file", Map.of("path", path("late.txt"), "content", "too late"));
            assertThrows(RuntimeException.class, () -> fs.callTool(write).timeout(Duration.ofMillis(300)).block(),
                    "the caller gives up while the call waits for approval");
            Rec call = only(RecordType.TOOL_CALL);
            Rec approval = journal.awaitChild(call.seq(), RecordType.APPROVAL);
            assertEquals(Decision.REFUSED, approval.decision());
            assertTrue(approval.params().contains("the caller cancelled the call while it waited for approval"),
                    approval.params());
            assertFalse(approvals.approve(call.seq(), "alice", "fine"), "the cancellation answered it");
            // A later call on the same client still works: nothing was left half-done.
            CallToolResult read = fs.callTool(request("read_text_file", Map.of("path", path("notes.txt")))).block();
            assertEquals("buy milk", text(read));
        }
        assertFalse(Files.exists(files.resolve("late.txt")), "the cancelled call never reached the server");
    }

    @Test
    void shouldCancelTheServerRequestOfAnAsyncCallWhoseCallerGaveUpAndRecordIt() throws Exception {
        VouchMcp vouch = vouch().build();
        try (GuardedMcpAsyncClient everything = asyncEverything(vouch)) {
            long start = System.nanoTime();
            assertThrows(RuntimeException.class, () -> everything.callTool(request("trigger-long-running-operation",
                    Map.of("duration", 20, "steps", 2)), "call_slow").timeout(Duration.ofMillis(500)).block());
            Rec call = only(RecordType.TOOL_CALL);
            Rec error = journal.awaitChild(call.seq(), RecordType.TOOL_ERROR);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10,
                    "recorded when the caller gave up, not when the server's 20 s operation or the request timed out");
            assertEquals("java.util.concurrent.CancellationException", json(error.result()).get("exception").asText());
        }
    }

    @Test
    void shouldResumeTheWaitingCallForARepeatWhoseNumbersAreSpelledAnotherWay() throws Exception {
        // 1 and 1.0 are the same JSON value. Before, the repeat was matched by Java maps, in which Integer 1 and
        // Double 1.0 differ, so it waited as a second call and the approval of the first reached nothing.
        policy = dev.vouch.policy.Policy.parse(POLICY + """
                  - id: sums-need-a-person
                    match_methods: ["get-sum"]
                    action: stall
                """, "vouch-policy.yaml");
        VouchMcp vouch = vouch().stallMode(StallMode.PENDING).build();
        GuardedMcpClient everything = vouch.client(McpClient.sync(transport("mcp-server-everything", "stdio"))
                .requestTimeout(Duration.ofSeconds(30)).build());
        try (everything) {
            everything.initialize();
            CallToolResult waiting = everything.callTool(request("get-sum", Map.of("a", 1, "b", 2)));
            assertEquals("awaiting_approval", waiting.meta().get("dev.vouch/outcome"), () -> text(waiting));
            long seq = ((Number) waiting.meta().get("dev.vouch/call_sequence")).longValue();
            assertTrue(vouch.guard().pendingApprovals().approve(seq, "alice", "fine"));
            CallToolResult sum = everything.callTool(request("get-sum", Map.of("b", 2.0, "a", 1.0)));
            assertFalse(Boolean.TRUE.equals(sum.isError()), () -> text(sum));
            assertTrue(text(sum).contains("3"), () -> text(sum));
        }
        List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(1, calls.size(), () -> "the repeat resumed the waiting call: " + journal.events());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(calls.get(0).seq()));
    }

    @Test
    void shouldWaitOnceForTheSameCallMadeByManyThreadsAtOnceAndRunItOnceApproved() throws Exception {
        VouchMcp vouch = vouch().stallMode(StallMode.PENDING).build();
        CallToolRequest write = request("write_file", Map.of("path", path("once.txt"), "content", "x"));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (GuardedMcpClient fs = filesystem(vouch)) {
            Set<Long> waitingOn = new HashSet<>();
            for (CallToolResult r : allAtOnce(pool, threads, () -> fs.callTool(write))) {
                assertEquals("awaiting_approval", r.meta().get("dev.vouch/outcome"), () -> text(r));
                waitingOn.add(((Number) r.meta().get("dev.vouch/call_sequence")).longValue());
            }
            assertEquals(1, waitingOn.size(), "every caller hears of one waiting call: " + waitingOn);
            long seq = waitingOn.iterator().next();
            assertEquals(List.of(seq), vouch.guard().pendingApprovals().list().stream()
                    .map(dev.vouch.guard.ApprovalRequest::callSequence).toList(), "one call for the person to answer");

            assertTrue(vouch.guard().pendingApprovals().approve(seq, "alice", "fine"));
            // The model asks again, from every thread at once: the approved call runs once; the others are told it
            // runs for another request while it runs, and after it ended are new calls that wait together, as one.
            int ran = 0;
            Set<Long> waitingAfter = new HashSet<>();
            for (CallToolResult r : allAtOnce(pool, threads, () -> fs.callTool(write))) {
                if (Boolean.TRUE.equals(r.isError()) && "running".equals(r.meta().get("dev.vouch/outcome"))) {
                    assertEquals(seq, ((Number) r.meta().get("dev.vouch/call_sequence")).longValue(), () -> text(r));
                } else if (Boolean.TRUE.equals(r.isError())) {
                    assertEquals("awaiting_approval", r.meta().get("dev.vouch/outcome"), () -> text(r));
                    waitingAfter.add(((Number) r.meta().get("dev.vouch/call_sequence")).longValue());
                } else {
                    ran++;
                }
            }
            assertEquals(1, ran, "the approved call ran once");
            assertEquals(List.copyOf(waitingAfter), vouch.guard().pendingApprovals().list().stream()
                    .map(dev.vouch.guard.ApprovalRequest::callSequence).toList(), "the repeats wait as one call");
            assertTrue(waitingAfter.size() <= 1, "the repeats wait as one call: " + waitingAfter);
        } finally {
            pool.shutdown();
        }
        assertEquals("x", Files.readString(files.resolve("once.txt")));
        List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(1, calls.stream().filter(c -> childTypes(c.seq()).contains(RecordType.TOOL_RESULT)).count(),
                "the file was written by one call");
        int waiting = 0;
        for (Rec c : calls) {
            List<RecordType> story = childTypes(c.seq());
            if (story.equals(List.of(RecordType.POLICY_DECISION))) {
                waiting++; // the repeats' call, still waiting
            } else if (!story.contains(RecordType.TOOL_RESULT)) { // a duplicate made at the same time: refused
                assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), story);
                assertEquals(Decision.REFUSED, child(c.seq(), RecordType.APPROVAL).decision());
            }
        }
        assertTrue(waiting <= 1, "one call waits: " + calls);
    }

    /** What {@code call} returned on each of {@code threads} threads, all released at once. */
    private static List<CallToolResult> allAtOnce(ExecutorService pool, int threads, Supplier<CallToolResult> call)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<CallToolResult>> answers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                return call.get();
            }));
        }
        List<CallToolResult> out = new ArrayList<>();
        for (Future<CallToolResult> a : answers) {
            out.add(a.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void shouldNotResumeACallAgainWhoseResumptionWasCancelled() throws Exception {
        VouchMcp vouch = vouch().stallMode(StallMode.PENDING).build();
        try (GuardedMcpAsyncClient fs = asyncFilesystem(vouch)) {
            CallToolRequest write = request("write_file", Map.of("path", path("once.txt"), "content", "x"));
            long seq = ((Number) fs.callTool(write).block().meta().get("dev.vouch/call_sequence")).longValue();
            assertTrue(vouch.guard().pendingApprovals().approve(seq, "alice", "fine"));
            assertThrows(RuntimeException.class, () -> fs.resume(seq).timeout(Duration.ofNanos(1)).block(),
                    "the caller gives up at once on the resumed call");
            journal.awaitChild(seq, RecordType.TOOL_ERROR);

            assertThrows(IllegalStateException.class, () -> fs.resume(seq).block(), "a call runs once");
        }
        assertEquals(1, journal.ofType(RecordType.TOOL_CALL).size(), "no new call was made for the second resume");
        // The request may have reached the server before it was given up (the classic client tells it nothing), and
        // the server may still be writing: let it finish, or JUnit's clean-up races its write (it did once in CI).
        for (int i = 0; i < 300 && !Files.exists(files.resolve("once.txt")); i++) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
    }

    @Test
    void shouldKeepTheTaskOfAnAsyncCallMadeInItAndSubscribedOnAnotherThread() {
        VouchMcp vouch = vouch().build();
        try (GuardedMcpAsyncClient everything = asyncEverything(vouch)) {
            reactor.core.publisher.Mono<CallToolResult> echo;
            try (dev.vouch.guard.Task task = vouch.guard().task("research")) {
                echo = everything.callTool(request("echo", Map.of("message", "hi")), "call_t");
            }
            CallToolResult r = echo.subscribeOn(reactor.core.scheduler.Schedulers.parallel()).block();
            assertTrue(text(r).contains("hi"), text(r));
        }
        assertEquals("research", only(RecordType.TOOL_CALL).task(), "the task where the call was made");
    }

    @Test
    void shouldRecordClientExceptionAsToolErrorAndRethrowIt() {
        VouchMcp vouch = vouch().build();
        RuntimeException thrown;
        try (GuardedMcpClient everything = vouch.client(McpClient.sync(transport("mcp-server-everything", "stdio"))
                .requestTimeout(Duration.ofSeconds(3)).build())) {
            everything.initialize();
            // The client gives up on an operation that takes longer than its request timeout: its exception.
            thrown = assertThrows(RuntimeException.class, () -> everything.callTool(
                    request("trigger-long-running-operation", Map.of("duration", 20, "steps", 2)), "call_slow"));
        }
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals("call_slow", call.toolCallId());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call.seq()));
        JsonNode error = json(child(call.seq(), RecordType.TOOL_ERROR).result());
        assertEquals(thrown.getClass().getName(), error.get("exception").asText(), "the client's own exception, unchanged");
    }
}
