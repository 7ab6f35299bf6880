package dev.vouch.spring.ai;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * A chat model without a network: its n-th answer asks for the n-th group of tool calls of its script, or answers
 * with text if that group is empty (which ends a chat call, so one script can serve several), and once the script is
 * done it answers with text. Spring AI's {@code ToolCallingAdvisor} (which {@code ChatClient} registers)
 * runs the tools between answers and sends their results back, which this model keeps: {@link #toolResponses()} is
 * exactly what the model saw.
 */
final class ScriptedChatModel implements ChatModel {
    static final String FINAL_ANSWER = "All done.";

    private final List<List<AssistantMessage.ToolCall>> script;
    private final AtomicInteger turn = new AtomicInteger();
    private final List<Prompt> prompts = new CopyOnWriteArrayList<>();
    private volatile ToolCallingManager manager;
    private volatile List<String> offered = List.of();

    @SafeVarargs
    @SuppressWarnings("varargs")
    ScriptedChatModel(List<AssistantMessage.ToolCall>... turns) {
        this.script = Arrays.asList(turns);
    }

    /** A model that calls {@code tool} once, with the id and arguments given, then answers. */
    static ScriptedChatModel calling(String id, String tool, String arguments) {
        return new ScriptedChatModel(List.of(toolCall(id, tool, arguments)));
    }

    static AssistantMessage.ToolCall toolCall(String id, String tool, String arguments) {
        return new AssistantMessage.ToolCall(id, "function", tool, arguments);
    }

    /**
     * Resolves the tool definitions of each prompt through {@code manager}, as Spring AI's chat models do to tell
     * the model which tools exist; {@link #offeredTools()} keeps their names.
     */
    void offersToolsThrough(ToolCallingManager manager) {
        this.manager = manager;
    }

    /** The names of the tools the last prompt offered the model (with {@link #offersToolsThrough}). */
    List<String> offeredTools() {
        return offered;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        prompts.add(prompt);
        if (manager != null && prompt.getOptions() instanceof ToolCallingChatOptions options) {
            offered = manager.resolveToolDefinitions(options).stream().map(ToolDefinition::name).toList();
        }
        int n = turn.getAndIncrement();
        AssistantMessage answer = n < script.size() && !script.get(n).isEmpty()
                ? AssistantMessage.builder().content("").toolCalls(script.get(n)).build()
                : new AssistantMessage(FINAL_ANSWER);
        return new ChatResponse(List.of(new Generation(answer)));
    }

    @Override
    public ChatOptions getOptions() {
        return ToolCallingChatOptions.builder().build();
    }

    /** The tool results the model was sent, in order (from the last prompt, which holds the chat call's conversation). */
    List<ToolResponseMessage.ToolResponse> toolResponses() {
        List<ToolResponseMessage.ToolResponse> out = new ArrayList<>();
        if (prompts.isEmpty()) {
            return out;
        }
        for (Message m : prompts.get(prompts.size() - 1).getInstructions()) {
            if (m instanceof ToolResponseMessage r) {
                out.addAll(r.getResponses());
            }
        }
        return out;
    }

    /** The one tool result the model saw; fails unless there was exactly one. */
    ToolResponseMessage.ToolResponse onlyToolResponse() {
        List<ToolResponseMessage.ToolResponse> all = toolResponses();
        if (all.size() != 1) {
            throw new AssertionError("expected one tool response, the model saw " + all);
        }
        return all.get(0);
    }
}
