package dev.vouch.langchain4j;

import static dev.vouch.internal.format.RecordType.POLICY_DECISION;
import static dev.vouch.internal.format.RecordType.TOOL_CALL;
import static dev.vouch.internal.format.RecordType.TOOL_ERROR;
import static dev.vouch.internal.format.RecordType.TOOL_RESULT;
import static dev.vouch.langchain4j.ScriptedModel.callTool;
import static dev.vouch.langchain4j.ScriptedModel.say;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.IllegalConfigurationException;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderResult;
import dev.vouch.Decision;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.Guard;
import dev.vouch.guard.TestJournal.Rec;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link VouchTools#toolProvider} and {@link VouchTools#executor} with hand-written executors, and the settings. */
class ToolProviderTest extends AdapterTestBase {
    static final String POLICY = """
            version: "2026.1"
            defaults:
              default_action: allow
            policies:
              - id: no-deletes
                match_methods: ["inventory_delete"]
                action: block
                reason: inventory is append-only
            """;

    interface Assistant {
        String chat(@MemoryId String user, @UserMessage String message);
    }

    private final AtomicInteger ran = new AtomicInteger();

    private static ToolSpecification spec(String name) {
        return ToolSpecification.builder().name(name).description(name).build();
    }

    /** Reports a missing SKU in-band, as an MCP server's isError result does; never throws. */
    private final ToolExecutor check = new ToolExecutor() {
        @Override
        public String execute(ToolExecutionRequest request, Object memoryId) {
            throw new AssertionError("LangChain4j calls executeWithContext");
        }

        @Override
        public ToolExecutionResult executeWithContext(ToolExecutionRequest request,
                dev.langchain4j.invocation.InvocationContext context) {
            ran.incrementAndGet();
            return ToolExecutionResult.builder().isError(true).resultText("sku 99 is not stocked here").build();
        }
    };

    private final ToolExecutor count = (request, memoryId) -> {
        ran.incrementAndGet();
        return "{\"sku\":99,\"count\":3}";
    };

    private ToolProvider provider(VouchTools vouch, boolean preGuarded) {
        return request -> ToolProviderResult.builder()
                .add(spec("inventory_check"), preGuarded ? vouch.executor(check) : check)
                .add(spec("inventory_count"), count)
                .add(spec("inventory_delete"), count)
                .build();
    }

    private Assistant assistant(ScriptedModel model, ToolProvider provider) {
        return AiServices.builder(Assistant.class).chatModel(model).toolProvider(provider)
                .chatMemoryProvider(user -> MessageWindowChatMemory.withMaxMessages(20)).build();
    }

    @Test
    void shouldRecordIsErrorResultAsToolErrorAndGiveTheModelTheToolsOwnResult() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny()))
                .principal(context -> String.valueOf(context.chatMemoryId()))
                .build();
        ScriptedModel model = new ScriptedModel(callTool("call_1", "inventory_check", "{\"sku\":99}"),
                callTool("call_2", "inventory_count", "{\"sku\":99}"), say("Three left elsewhere."));

        String answer = assistant(model, vouch.toolProvider(provider(vouch, false))).chat("carol", "Is sku 99 here?");

        assertEquals("Three left elsewhere.", answer);
        ToolExecutionResultMessage checked = model.toolResults().get(0);
        assertEquals(Boolean.TRUE, checked.isError());
        assertEquals("sku 99 is not stocked here", checked.text());

        Rec check = callOf("inventory_check");
        assertEquals("call_1", check.toolCallId());
        assertEquals("carol", check.principal(), "the principal from the memory id");
        assertEquals(List.of(POLICY_DECISION, TOOL_ERROR), story(check));
        assertJson("{\"exception\":\"dev.vouch.langchain4j.ToolReportedError\",\"result\":\"sku 99 is not stocked here\"}",
                child(check, TOOL_ERROR).result());
        Rec count = callOf("inventory_count");
        assertEquals(List.of(POLICY_DECISION, TOOL_RESULT), story(count));
        assertJson("{\"sku\":99,\"count\":3}", child(count, TOOL_RESULT).result());
        assertEquals(2, ran.get());
    }

    @Test
    void shouldGuardAnExecutorOnlyOnceWhenItsProviderIsGuardedToo() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ScriptedModel model = new ScriptedModel(callTool("call_1", "inventory_check", "{\"sku\":1}"), say("ok"));

        assistant(model, vouch.toolProvider(provider(vouch, true))).chat("carol", "check 1");

        assertEquals(1, journal.ofType(TOOL_CALL).size(), () -> journal.events().toString());
        ToolExecutor guarded = vouch.executor(check);
        assertSame(guarded, vouch.executor(guarded));
    }

    @Test
    void shouldAnswerABlockedCallWithTextOnTheMemoryIdPathToo() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ToolExecutor guarded = vouch.executor(count);
        ToolExecutionRequest request = ToolExecutionRequest.builder().id("call_9").name("inventory_delete")
                .arguments("{\"sku\":1}").build();

        String text = guarded.execute(request, "dave");

        assertTrue(text.startsWith("Vouch did not run this call: policy no-deletes blocked inventory_delete: "
                + "inventory is append-only"), text);
        assertEquals(0, ran.get());
        Rec call = callOf("inventory_delete");
        assertEquals("call_9", call.toolCallId());
        assertDecision(call, Decision.BLOCK, "no-deletes");
        assertEquals(List.of(POLICY_DECISION), story(call));
    }

    @Test
    void shouldRefuseIncompleteSettingsByName() {
        Guard guard = guard(POLICY, ApprovalHandler.alwaysDeny());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VouchTools.builder(null).build())
                .getMessage().startsWith("guard is null"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VouchTools.builder(guard).stallMode(null).build())
                .getMessage().startsWith("stallMode is null"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VouchTools.builder(guard).principal(null).build())
                .getMessage().startsWith("principal is null"));
    }

    @Test
    void shouldRefuseToolObjectsAsAiServicesWould() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        assertThrows(IllegalConfigurationException.class, () -> vouch.tools(OrderTools.class));
        assertThrows(IllegalConfigurationException.class, () -> vouch.tools(List.of(new OrderTools())));
        assertThrows(IllegalConfigurationException.class, () -> vouch.tools(new Object()));
        IllegalConfigurationException twice = assertThrows(IllegalConfigurationException.class,
                () -> vouch.tools(new OrderTools(), new OrderTools()));
        assertTrue(twice.getMessage().startsWith("Duplicated definition for tool: "), twice.getMessage());
        assertEquals(4, vouch.tools(new OrderTools()).size());
    }
}
