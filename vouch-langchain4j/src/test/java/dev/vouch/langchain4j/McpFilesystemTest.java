package dev.vouch.langchain4j;

import static dev.vouch.internal.format.RecordType.POLICY_DECISION;
import static dev.vouch.internal.format.RecordType.TOOL_ERROR;
import static dev.vouch.internal.format.RecordType.TOOL_RESULT;
import static dev.vouch.langchain4j.ScriptedModel.callTool;
import static dev.vouch.langchain4j.ScriptedModel.say;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.mcp.McpToolProvider;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpCallContext;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.McpClientListener;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import dev.langchain4j.mcp.protocol.McpCallToolRequest;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.UserMessage;
import dev.vouch.Decision;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.TestJournal.Rec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's own MCP client ({@code langchain4j-mcp}, stdio transport) against the real npm
 * {@code @modelcontextprotocol/server-filesystem}, guarded through {@code McpToolProvider.builder().toolWrapper(...)}:
 * a blocked write or move never reaches the server, and the file stays as it was.
 */
class McpFilesystemTest extends AdapterTestBase {
    static final String POLICY = """
            version: "2026.1"
            defaults:
              default_action: block
            policies:
              - id: reads
                match_methods: ["read_text_file", "list_directory"]
                action: allow
              - id: no-writes
                match_methods: ["write_file", "move_file", "edit_file"]
                action: block
                risk_level: critical
                reason: the agent may only read files
            """;

    interface Assistant {
        String chat(@UserMessage String message);
    }

    /** The server's launcher, from the node_modules folder the pom names; a clear failure if npm ci never ran. */
    static Path server(String bin) {
        String dir = System.getProperty("vouch.mcp.servers");
        if (dir == null) {
            fail("the system property vouch.mcp.servers is not set: run the tests through Maven (mvn -pl vouch-langchain4j verify)");
        }
        Path launcher = Path.of(dir, ".bin", bin);
        if (!Files.isRegularFile(launcher)) {
            fail(launcher + " is missing: run npm ci in tools/mcp-test-servers");
        }
        return launcher;
    }

    @Test
    void shouldNeverLetABlockedWriteOrMoveReachTheServer() throws Exception {
        Path files = Files.createDirectories(tmp.resolve("files")).toRealPath();
        Path notes = Files.writeString(files.resolve("notes.txt"), "keep me");
        Path moved = files.resolve("moved.txt");
        List<String> reachedServer = new CopyOnWriteArrayList<>();
        McpClient client = new DefaultMcpClient.Builder()
                .transport(new StdioMcpTransport.Builder()
                        .command(List.of(server("mcp-server-filesystem").toString(), files.toString()))
                        .build())
                .toolExecutionTimeout(Duration.ofSeconds(30))
                .listener(new McpClientListener() {
                    @Override
                    public void beforeExecuteTool(McpCallContext context) {
                        reachedServer.add(String.valueOf(((McpCallToolRequest) context.message()).getParams().get("name")));
                    }
                })
                .build();
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ScriptedModel model = new ScriptedModel(
                callTool("mcp_1", "read_text_file", "{\"path\":\"" + notes + "\"}"),
                callTool("mcp_2", "write_file", "{\"path\":\"" + notes + "\",\"content\":\"overwritten\"}"),
                callTool("mcp_3", "move_file", "{\"source\":\"" + notes + "\",\"destination\":\"" + moved + "\"}"),
                callTool("mcp_4", "read_text_file", "{\"path\":\"" + tmp.resolve("outside.txt") + "\"}"),
                say("I read the notes; I may not change them."));
        String answer;
        try (client) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(model)
                    .toolProvider(McpToolProvider.builder().mcpClients(client).toolWrapper(vouch::executor).build())
                    .build();
            answer = assistant.chat("Read my notes, then replace them and move them");
        }

        assertEquals("I read the notes; I may not change them.", answer);
        assertEquals("keep me", Files.readString(notes, StandardCharsets.UTF_8), "the blocked write changed the file");
        assertFalse(Files.exists(moved), "the blocked move moved the file");
        assertEquals(List.of("read_text_file", "read_text_file"), reachedServer, "only the allowed calls reached the server");

        List<ToolExecutionResultMessage> seen = model.toolResults();
        assertEquals("keep me", json(seen.get(0).text()).path("content").asText(), "MCP structured content");
        for (ToolExecutionResultMessage blocked : List.of(seen.get(1), seen.get(2))) {
            assertEquals(Boolean.TRUE, blocked.isError());
            assertTrue(blocked.text().contains("policy no-writes blocked " + blocked.toolName()
                    + ": the agent may only read files"), blocked.text());
        }
        assertEquals(Boolean.TRUE, seen.get(3).isError(), "the server's own refusal reaches the model as an error");

        List<Rec> reads = journal.ofType(dev.vouch.internal.format.RecordType.TOOL_CALL).stream()
                .filter(r -> r.name().equals("read_text_file")).toList();
        assertEquals("mcp_1", reads.get(0).toolCallId());
        assertEquals(List.of(POLICY_DECISION, TOOL_RESULT), story(reads.get(0)));
        assertJson("{\"content\":\"keep me\"}", child(reads.get(0), TOOL_RESULT).result());
        assertEquals(seen.get(0).text(), child(reads.get(0), TOOL_RESULT).result(), "verbatim what the model read");
        assertEquals("mcp_4", reads.get(1).toolCallId());
        assertEquals(List.of(POLICY_DECISION, TOOL_ERROR), story(reads.get(1)));
        String error = child(reads.get(1), TOOL_ERROR).result();
        assertTrue(json(error).path("message").asText().contains("outside.txt"), error);

        for (String tool : List.of("write_file", "move_file")) {
            Rec call = callOf(tool);
            assertEquals(tool.equals("write_file") ? "mcp_2" : "mcp_3", call.toolCallId());
            assertDecision(call, Decision.BLOCK, "no-writes");
            assertEquals(List.of(POLICY_DECISION), story(call), tool + " has no outcome: it never ran");
        }
        assertTrue(callOf("write_file").params().contains("overwritten"), "the journal keeps what was asked");
    }
}
