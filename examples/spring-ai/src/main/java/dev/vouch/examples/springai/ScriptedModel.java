package dev.vouch.examples.springai;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * Stands in for a real model (no network, no API key): asked anything, it calls three tools at once, as a model
 * handling "refund order 42 and close the account" would; shown their results, it answers with what it read. A real
 * application has {@code spring-ai-starter-model-openai} or similar here instead; nothing else changes.
 */
public class ScriptedModel implements ChatModel {

    @Override
    public ChatResponse call(Prompt prompt) {
        List<ToolResponseMessage.ToolResponse> seen = toolResponses(prompt);
        AssistantMessage answer = seen.isEmpty()
                ? AssistantMessage.builder().content("").toolCalls(List.of(
                        new AssistantMessage.ToolCall("call_read_42", "function", "read_order", "{\"id\":42}"),
                        new AssistantMessage.ToolCall("call_refund_42", "function", "refund_payment",
                                "{\"order\":42,\"amount\":249.90}"),
                        new AssistantMessage.ToolCall("call_close_7", "function", "close_account",
                                "{\"customer\":\"customer-7\"}")))
                        .build()
                : new AssistantMessage("I read: " + seen.stream().map(r -> r.name() + " -> " + r.responseData())
                        .collect(Collectors.joining(" | ")));
        return new ChatResponse(List.of(new Generation(answer)));
    }

    @Override
    public ChatOptions getOptions() {
        return ToolCallingChatOptions.builder().build();
    }

    /** The tool results the prompt carries back to the model. */
    static List<ToolResponseMessage.ToolResponse> toolResponses(Prompt prompt) {
        List<ToolResponseMessage.ToolResponse> out = new ArrayList<>();
        for (Message m : prompt.getInstructions()) {
            if (m instanceof ToolResponseMessage r) {
                out.addAll(r.getResponses());
            }
        }
        return out;
    }
}
