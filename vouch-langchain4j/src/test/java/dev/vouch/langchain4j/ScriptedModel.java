package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A chat model with no network: it answers each request with the next scripted message (tool calls in a fixed order,
 * then text) and keeps every request it was sent, so a test can check what the model saw.
 */
final class ScriptedModel implements ChatModel {
    private final Deque<AiMessage> script;
    private final List<List<ChatMessage>> seen = new ArrayList<>();

    ScriptedModel(AiMessage... replies) {
        this.script = new ArrayDeque<>(List.of(replies));
    }

    /** A reply asking for one tool call. */
    static AiMessage callTool(String id, String tool, String argumentsJson) {
        return AiMessage.from(ToolExecutionRequest.builder().id(id).name(tool).arguments(argumentsJson).build());
    }

    /** A final text reply. */
    static AiMessage say(String text) {
        return AiMessage.from(text);
    }

    @Override
    public synchronized ChatResponse doChat(ChatRequest request) {
        seen.add(List.copyOf(request.messages()));
        AiMessage next = script.poll();
        if (next == null) {
            throw new AssertionError("the scripted model was asked once more than scripted; it saw " + request.messages());
        }
        return ChatResponse.builder().aiMessage(next).build();
    }

    /** The tool results in the last request, in order (with chat memory: the whole conversation so far). */
    synchronized List<ToolExecutionResultMessage> toolResults() {
        List<ToolExecutionResultMessage> out = new ArrayList<>();
        for (ChatMessage m : seen.get(seen.size() - 1)) {
            if (m instanceof ToolExecutionResultMessage r) {
                out.add(r);
            }
        }
        return out;
    }

    /** The last user message of the last request. */
    synchronized String lastUserMessage() {
        List<ChatMessage> last = seen.get(seen.size() - 1);
        for (int i = last.size() - 1; i >= 0; i--) {
            if (last.get(i) instanceof UserMessage u) {
                return u.singleText();
            }
        }
        throw new AssertionError("no user message in " + last);
    }

    synchronized int requests() {
        return seen.size();
    }

    synchronized boolean finished() {
        return script.isEmpty();
    }
}
