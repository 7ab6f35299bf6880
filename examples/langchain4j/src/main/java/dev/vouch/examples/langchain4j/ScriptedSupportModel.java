package dev.vouch.examples.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Stands in for a real LLM, with no network: it asks for tool calls in a fixed order, then answers with text, and
 * prints every new message it is shown, so the example shows exactly what a model sees of Vouch's decisions.
 */
final class ScriptedSupportModel implements ChatModel {
    private final Deque<AiMessage> script = new ArrayDeque<>(List.of(
            // "Where is order 7?"
            AiMessage.from(call("call_1", "lookup", "{\"order\":7}")),
            AiMessage.from("Order 7 has shipped; its total was 1240.00."),
            // "Wipe order 7, and refund 900 on it."
            AiMessage.from(List.of(call("call_2", "wipe", "{\"order\":7}"),
                    call("call_3", "refund", "{\"order\":7,\"amount\":900}"))),
            AiMessage.from("I may not wipe orders. The refund of 900 is waiting for a person's approval."),
            // the application's update once the refund was approved and ran
            AiMessage.from("Good news: your refund of 900 on order 7 has been issued.")));
    private final PrintStream out;
    private int shown;

    ScriptedSupportModel(PrintStream out) {
        this.out = out;
    }

    private static ToolExecutionRequest call(String id, String tool, String arguments) {
        return ToolExecutionRequest.builder().id(id).name(tool).arguments(arguments).build();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        for (ChatMessage m : messages.subList(Math.min(shown, messages.size()), messages.size())) {
            if (m instanceof UserMessage u) {
                out.println("  model reads  user: " + u.singleText());
            } else if (m instanceof ToolExecutionResultMessage r) {
                out.println("  model reads  " + r.toolName() + " (" + r.id() + ")"
                        + (Boolean.TRUE.equals(r.isError()) ? " [error]" : "") + ": " + r.text().replaceAll("\\s+", " "));
            }
        }
        AiMessage reply = script.poll();
        if (reply == null) {
            throw new IllegalStateException("the scripted model has no more replies");
        }
        if (reply.hasToolExecutionRequests()) {
            reply.toolExecutionRequests().forEach(t -> out.println("  model asks   " + t.name() + " " + t.arguments()
                    + " (" + t.id() + ")"));
        } else {
            out.println("  model says   " + reply.text());
        }
        shown = messages.size() + 1; // with chat memory, the next request repeats these and adds this reply
        return ChatResponse.builder().aiMessage(reply).build();
    }
}
