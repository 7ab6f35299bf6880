package dev.vouch.spring.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.mcp.SyncMcpToolCallbackProvider;
import org.springframework.ai.mcp.client.common.autoconfigure.McpClientAutoConfiguration;
import org.springframework.ai.mcp.client.common.autoconfigure.McpToolCallbackAutoConfiguration;
import org.springframework.ai.mcp.client.common.autoconfigure.StdioTransportAutoConfiguration;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * MCP tools from the Spring AI MCP client starter, against the real reference server {@code server-everything} over
 * stdio (installed by {@code npm ci} in tools/mcp-test-servers): the starter's provider bean stays a
 * {@link SyncMcpToolCallbackProvider}, and each MCP tool call is guarded and recorded with the server's result as JSON.
 */
class McpToolsTest extends GuardedChatTestBase {
    private static final Path SERVER = Path.of("..", "tools", "mcp-test-servers", "node_modules", ".bin",
            "mcp-server-everything").toAbsolutePath().normalize();

    @Test
    void shouldGuardAndRecordMcpToolCallsThroughTheMcpClientStarter() {
        // Fail, never skip: a test that cannot run must say so (.ci/run and the vouch-mcp build run npm ci).
        assertTrue(Files.isExecutable(SERVER), "run npm ci in tools/mcp-test-servers first: " + SERVER);
        ScriptedChatModel model = new ScriptedChatModel(List.of(
                ScriptedChatModel.toolCall("mcp-call-1", "echo", "{\"message\":\"hello from spring\"}"),
                ScriptedChatModel.toolCall("mcp-call-2", "get_env", "{}")));
        // Spring AI names MCP tools for the model (get-env becomes get_env); the policy matches those names.
        String policy = Shop.POLICY + """
                  - id: no-environment
                    match_methods: ["get_env"]
                    action: block
                    reason: The server's environment may hold secrets
                """;
        contextWithPolicy(model, policy,
                "spring.ai.mcp.client.stdio.connections.everything.command=node",
                "spring.ai.mcp.client.stdio.connections.everything.args[0]=" + SERVER,
                "spring.ai.mcp.client.stdio.connections.everything.args[1]=stdio",
                "spring.ai.mcp.client.request-timeout=20s")
                .withConfiguration(AutoConfigurations.of(StdioTransportAutoConfiguration.class,
                        McpClientAutoConfiguration.class, McpToolCallbackAutoConfiguration.class))
                .run(context -> {
                    SyncMcpToolCallbackProvider mcp = context.getBean(SyncMcpToolCallbackProvider.class);
                    assertTrue(ToolCallbackGuard.isGuarded(mcp), "the MCP provider bean is guarded, and keeps its type");
                    ToolCallback[] tools = mcp.getToolCallbacks();
                    assertTrue(Arrays.stream(tools).anyMatch(t -> t.getToolDefinition().name().equals("echo")),
                            () -> Arrays.toString(tools));
                    Arrays.stream(tools).forEach(t -> assertTrue(ToolCallbackGuard.isGuarded(t), t::toString));

                    String answer = prompt(context, "Say hello").tools(mcp).call().content();

                    assertEquals(ScriptedChatModel.FINAL_ANSWER, answer);
                    Rec call = onlyCall("echo");
                    assertEquals("mcp-call-1", call.toolCallId());
                    assertEquals("{\"message\":\"hello from spring\"}", call.params());
                    assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(call));
                    String result = child(call, RecordType.TOOL_RESULT).result();
                    assertEquals(model.toolResponses().get(0).responseData(), result);
                    JsonNode content = JsonMapper.shared().readTree(result);
                    assertInstanceOf(tools.jackson.databind.node.ArrayNode.class, content, result);
                    // Spring AI's MCP callback serializes the content list as it sees it (without the "type" of each
                    // item); the journal holds exactly what the model read.
                    assertTrue(content.get(0).get("text").asString().contains("hello from spring"), result);

                    Rec blocked = onlyCall("get_env");
                    assertEquals("mcp-call-2", blocked.toolCallId());
                    assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(blocked), "never sent to the server");
                    assertEquals(Decision.BLOCK, child(blocked, RecordType.POLICY_DECISION).decision());
                    assertTrue(model.toolResponses().get(1).responseData().startsWith(
                            "Vouch did not run this call: policy no-environment blocked get_env"),
                            () -> model.toolResponses().get(1).responseData());
                });
    }
}
