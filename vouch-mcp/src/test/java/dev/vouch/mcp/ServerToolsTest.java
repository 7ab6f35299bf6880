package dev.vouch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The server decorator in a real Java MCP server (the SDK's {@code McpServer} over its stdio transport), driven by
 * the official TypeScript MCP client in a node process. The tools do real work on files, so "never ran" is seen on
 * disk as well as in the journal.
 */
class ServerToolsTest extends McpTestBase {
    private static final McpJsonMapper MAPPER = McpJsonDefaults.getMapper();

    private Path files;
    private final AtomicInteger handlerRuns = new AtomicInteger();

    @BeforeEach
    void makeFiles() throws IOException {
        files = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(files.resolve("notes.txt"), "buy milk");
    }

    // ---------------------------------------------------------------- the tools, undecorated

    private static Tool tool(String name, String... stringArgs) {
        StringBuilder props = new StringBuilder();
        for (String a : stringArgs) {
            props.append(props.length() == 0 ? "" : ",").append('"').append(a).append("\":{\"type\":\"string\"}");
        }
        return Tool.builder(name, MAPPER, "{\"type\":\"object\",\"properties\":{" + props + "}}")
                .description("test tool " + name).build();
    }

    private CallToolResult text(String s) {
        return CallToolResult.builder().addTextContent(s).build();
    }

    private String arg(CallToolRequest r, String name) {
        return String.valueOf(r.arguments().get(name));
    }

    /** What each tool does when it runs: real file work, a throw, or an isError result. */
    private CallToolResult run(CallToolRequest r) {
        handlerRuns.incrementAndGet();
        try {
            return switch (r.name()) {
                case "read_file" -> text(Files.readString(files.resolve(arg(r, "path"))));
                case "write_file" -> {
                    Files.writeString(files.resolve(arg(r, "path")), arg(r, "content"));
                    yield text("wrote " + arg(r, "path"));
                }
                case "move_file" -> {
                    Files.move(files.resolve(arg(r, "source")), files.resolve(arg(r, "destination")));
                    yield text("moved");
                }
                case "echo" -> text(arg(r, "message"));
                case "explode" -> throw new IllegalStateException("disk on fire");
                case "over_quota" -> CallToolResult.builder().addTextContent("quota exceeded: 0 bytes left").isError(true).build();
                default -> throw new IllegalArgumentException(r.name());
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Tool> tools() {
        return List.of(tool("read_file", "path"), tool("write_file", "path", "content"),
                tool("move_file", "source", "destination"), tool("echo", "message"), tool("explode"), tool("over_quota"));
    }

    private List<SyncToolSpecification> syncSpecs(VouchMcp vouch) {
        List<SyncToolSpecification> out = new ArrayList<>();
        for (Tool t : tools()) {
            out.add(vouch.guard(new SyncToolSpecification(t, (exchange, request) -> run(request))));
        }
        return out;
    }

    private VouchMcp.Builder vouch() {
        return VouchMcp.builder(guard()).hideAlwaysBlocked(policy::alwaysBlocks).jsonMapper(MAPPER)
                .principal(ctx -> ctx.get("user") instanceof String u ? u : "stdio-user");
    }

    /** Runs the scenario with the TypeScript client against a sync server with the guarded tools. */
    private List<JsonNode> runSync(VouchMcp vouch, Object... scenario) throws InterruptedException {
        return runServer(client -> McpServer.sync(transport(client)).serverInfo("vouch-test-server", "1.0.0")
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(syncSpecs(vouch)).addToolFilter(vouch.toolFilter()).build()::closeGracefully, scenario);
    }

    private List<JsonNode> runServer(Function<TsClient, Runnable> start, Object... scenario) throws InterruptedException {
        try (TsClient client = new TsClient(scenario)) {
            Runnable close = start.apply(client);
            try {
                return client.outcomes();
            } finally {
                close.run();
            }
        }
    }

    private static StdioServerTransportProvider transport(TsClient client) {
        return new StdioServerTransportProvider(MAPPER, client.toServer(), client.fromServer());
    }

    private static String text(JsonNode callOutcome) {
        return callOutcome.get("result").get("content").get(0).get("text").asText();
    }

    private static boolean isError(JsonNode callOutcome) {
        JsonNode e = callOutcome.get("result").get("isError");
        return e != null && e.asBoolean();
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void shouldRunAllowedCallAndRecordResultAsJsonWithPrincipal() throws Exception {
        List<JsonNode> out = runSync(vouch().build(), TsClient.call("read_file", Map.of("path", "notes.txt")));

        assertEquals("buy milk", text(out.get(0)));
        assertFalse(isError(out.get(0)));
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals("read_file", call.name());
        assertEquals("notes.txt", json(call.params()).get("path").asText());
        assertEquals("stdio-user", call.principal());
        assertEquals("", call.toolCallId(), "the SDK does not hand a tool handler the JSON-RPC id");
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(call.seq()));
        assertEquals(Decision.ALLOW, decisionOf(call.seq()));
        JsonNode result = json(child(call.seq(), RecordType.TOOL_RESULT).result());
        assertEquals("buy milk", result.get("content").get(0).get("text").asText());
        assertEquals("text", result.get("content").get(0).get("type").asText());
    }

    @Test
    void shouldHideAlwaysBlockedToolAndNeverRunItWhenCalledByName() throws Exception {
        List<JsonNode> out = runSync(vouch().build(), TsClient.list(),
                TsClient.call("move_file", Map.of("source", "notes.txt", "destination", "moved.txt")));

        List<String> listed = new ArrayList<>();
        out.get(0).get("tools").forEach(t -> listed.add(t.asText()));
        assertFalse(listed.contains("move_file"), "move_file is always blocked: " + listed);
        assertTrue(listed.contains("echo"), "echo is blocked only for some arguments, so it stays listed: " + listed);
        assertTrue(listed.containsAll(List.of("read_file", "write_file", "explode", "over_quota")), listed::toString);

        JsonNode blocked = out.get(1);
        assertTrue(isError(blocked));
        Rec call = only(RecordType.TOOL_CALL);
        assertTrue(text(blocked).contains("no-moves") && text(blocked).contains("Files stay where they are")
                && text(blocked).contains("call seq " + call.seq()), text(blocked));
        assertEquals(call.seq(), blocked.get("result").get("_meta").get("dev.vouch/call_sequence").asLong());
        assertEquals("blocked", blocked.get("result").get("_meta").get("dev.vouch/outcome").asText());
        assertEquals(0, handlerRuns.get());
        assertEquals("buy milk", Files.readString(files.resolve("notes.txt")));
        assertFalse(Files.exists(files.resolve("moved.txt")));
        assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(call.seq()));
        assertEquals(Decision.BLOCK, decisionOf(call.seq()));
        assertEquals("no-moves", child(call.seq(), RecordType.POLICY_DECISION).policy());
    }

    @Test
    void shouldRunStalledCallOnceApproved() throws Exception {
        approveAll();
        List<JsonNode> out = runSync(vouch().build(),
                TsClient.call("write_file", Map.of("path", "todo.txt", "content", "call mum")));

        assertEquals("wrote todo.txt", text(out.get(0)));
        assertEquals("call mum", Files.readString(files.resolve("todo.txt")));
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(call.seq()));
        assertEquals(Decision.STALL, decisionOf(call.seq()));
        Rec approval = child(call.seq(), RecordType.APPROVAL);
        assertEquals(Decision.APPROVED, approval.decision());
        assertEquals("alice", json(approval.params()).get("approver").asText());
        assertEquals("wrote todo.txt", json(child(call.seq(), RecordType.TOOL_RESULT).result())
                .get("content").get(0).get("text").asText());
    }

    @Test
    void shouldNotRunStalledCallWhenRefused() throws Exception {
        refuseAll();
        List<JsonNode> out = runSync(vouch().build(),
                TsClient.call("write_file", Map.of("path", "todo.txt", "content", "call mum")));

        assertTrue(isError(out.get(0)));
        Rec call = only(RecordType.TOOL_CALL);
        assertTrue(text(out.get(0)).contains("not today") && text(out.get(0)).contains("call seq " + call.seq()),
                text(out.get(0)));
        assertEquals("refused", out.get(0).get("result").get("_meta").get("dev.vouch/outcome").asText());
        assertFalse(Files.exists(files.resolve("todo.txt")));
        assertEquals(0, handlerRuns.get());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(call.seq()));
        assertEquals(Decision.REFUSED, child(call.seq(), RecordType.APPROVAL).decision());
    }

    @Test
    void shouldAnswerAwaitingApprovalThenRunTheSameCallOnceApproved() throws Exception {
        Path answered = tmp.resolve("answered.flag");
        Path approved = tmp.resolve("approved.flag");
        VouchMcp vouch = vouch().stallMode(StallMode.PENDING).build();
        Map<String, Object> args = Map.of("path", "todo.txt", "content", "call mum");
        // The person answers once the client has heard the call waits, then tells the client (which polls for the
        // flag) to call again. An answer that comes while the guard is still deciding to answer "awaiting approval"
        // lets the call run at once instead (it failed once that way).
        Thread person = new Thread(() -> {
            try {
                while (vouch.guard().pendingApprovals().size() == 0 || !Files.exists(answered)) {
                    Thread.sleep(10);
                }
                long seq = vouch.guard().pendingApprovals().list().get(0).callSequence();
                assertFalse(Files.exists(files.resolve("todo.txt")), "the tool ran before its approval");
                assertTrue(vouch.guard().pendingApprovals().approve(seq, "alice", "fine by me"));
                Files.createFile(approved);
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
        person.start();

        List<JsonNode> out = runSync(vouch, TsClient.call("write_file", args), TsClient.touch(answered),
                TsClient.waitFor(approved), TsClient.call("write_file", args));
        person.join();

        Rec call = only(RecordType.TOOL_CALL); // the repeat resumed the call: no second TOOL_CALL
        JsonNode waiting = out.get(0);
        assertTrue(isError(waiting));
        assertTrue(text(waiting).contains("awaiting approval") && text(waiting).contains("call seq " + call.seq()),
                text(waiting));
        assertEquals("awaiting_approval", waiting.get("result").get("_meta").get("dev.vouch/outcome").asText());
        assertEquals("wrote todo.txt", text(out.get(1)));
        assertEquals("call mum", Files.readString(files.resolve("todo.txt")));
        assertEquals(1, handlerRuns.get());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(call.seq()));
        assertEquals(Decision.APPROVED, child(call.seq(), RecordType.APPROVAL).decision());
    }

    @Test
    void shouldReportWhatAResumedToolThrewAndNeverJudgeItAgainAsANewCall() throws Exception {
        policy = dev.vouch.policy.Policy.parse(POLICY + """
                  - id: explosions-need-a-person
                    match_methods: ["explode"]
                    action: stall
                    reason: Explosions need a second pair of eyes
                """, "vouch-policy.yaml");
        Path approved = tmp.resolve("approved.flag");
        VouchMcp vouch = vouch().stallMode(StallMode.PENDING).build();
        Thread person = new Thread(() -> {
            try {
                while (vouch.guard().pendingApprovals().size() == 0) {
                    Thread.sleep(10);
                }
                long seq = vouch.guard().pendingApprovals().list().get(0).callSequence();
                assertTrue(vouch.guard().pendingApprovals().approve(seq, "alice", "go"));
                Files.createFile(approved);
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
        person.start();

        // The tool throws IllegalStateException when resumed: that is its failure, not a sign that the call is gone.
        List<JsonNode> out = runSync(vouch, TsClient.call("explode", Map.of()), TsClient.waitFor(approved),
                TsClient.call("explode", Map.of()));
        person.join();

        JsonNode failed = out.get(1);
        String said = failed.has("error") ? failed.get("error").get("message").asText() : text(failed);
        assertTrue(said.contains("disk on fire"), failed::toString);
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_ERROR),
                childTypes(call.seq()));
        assertEquals(1, handlerRuns.get());
    }

    @Test
    void shouldRecordThrowingToolAsToolErrorAndLetTheSdkReportIt() throws Exception {
        List<JsonNode> out = runSync(vouch().build(), TsClient.call("explode", Map.of()));

        JsonNode failed = out.get(0);
        // The SDK turns a handler's exception into an isError result or a JSON-RPC error; either way it says why.
        String said = failed.has("error") ? failed.get("error").get("message").asText() : text(failed);
        assertTrue(said.contains("disk on fire"), failed::toString);
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call.seq()));
        JsonNode error = json(child(call.seq(), RecordType.TOOL_ERROR).result());
        assertEquals(IllegalStateException.class.getName(), error.get("exception").asText());
        assertEquals("disk on fire", error.get("message").asText());
    }

    @Test
    void shouldRecordIsErrorResultAsToolErrorAndReturnIt() throws Exception {
        List<JsonNode> out = runSync(vouch().build(), TsClient.call("over_quota", Map.of()));

        assertTrue(isError(out.get(0)));
        assertEquals("quota exceeded: 0 bytes left", text(out.get(0)));
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call.seq()));
        JsonNode error = json(child(call.seq(), RecordType.TOOL_ERROR).result());
        assertEquals(ToolErrorResult.class.getName(), error.get("exception").asText());
        JsonNode result = error.get("result"); // the isError result itself, whole, as JSON
        assertTrue(result.get("isError").asBoolean());
        assertEquals("quota exceeded: 0 bytes left", result.get("content").get(0).get("text").asText());
    }

    @Test
    void shouldGuardAsyncServerToolsTheSameWay() throws Exception {
        approveAll();
        VouchMcp vouch = vouch().build();
        List<AsyncToolSpecification> specs = new ArrayList<>();
        for (Tool t : tools()) {
            specs.add(vouch.guard(new AsyncToolSpecification(t,
                    (exchange, request) -> Mono.fromCallable(() -> run(request)))));
        }
        List<JsonNode> out = runServer(client -> McpServer.async(transport(client)).serverInfo("vouch-async", "1.0.0")
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(specs).addToolFilter(vouch.asyncToolFilter()).build()::close,
                TsClient.list(),
                TsClient.call("echo", Map.of("message", "rm -rf /")),
                TsClient.call("echo", Map.of("message", "hello")),
                TsClient.call("write_file", Map.of("path", "a.txt", "content", "A")),
                TsClient.call("over_quota", Map.of()));

        assertFalse(out.get(0).get("tools").toString().contains("move_file"));
        assertTrue(isError(out.get(1)));
        assertTrue(text(out.get(1)).contains("big-echoes"), text(out.get(1)));
        assertEquals("hello", text(out.get(2)));
        assertEquals("wrote a.txt", text(out.get(3)));
        assertEquals("A", Files.readString(files.resolve("a.txt")));
        assertTrue(isError(out.get(4)));
        assertEquals(3, handlerRuns.get(), "the blocked echo never reached its handler");

        List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals(List.of("echo", "echo", "write_file", "over_quota"), calls.stream().map(Rec::name).toList());
        assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(calls.get(0).seq()));
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(calls.get(1).seq()));
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(calls.get(2).seq()));
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(calls.get(3).seq()));
        assertEquals("hello", json(child(calls.get(1).seq(), RecordType.TOOL_RESULT).result())
                .get("content").get(0).get("text").asText());
        assertTrue(new String(Files.readAllBytes(files.resolve("notes.txt")), StandardCharsets.UTF_8).equals("buy milk"));
    }
}
