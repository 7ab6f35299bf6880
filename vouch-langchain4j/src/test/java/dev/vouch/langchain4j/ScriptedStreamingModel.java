package dev.vouch.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A streaming chat model with no network that answers as an HTTP client does: on a thread of its own, a partial
 * response then the complete one, the next scripted message each time.
 */
final class ScriptedStreamingModel implements StreamingChatModel, AutoCloseable {
    private final Deque<AiMessage> script;
    private final ExecutorService http = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scripted-model-http");
        t.setDaemon(true);
        return t;
    });

    ScriptedStreamingModel(AiMessage... replies) {
        this.script = new ArrayDeque<>(List.of(replies));
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        AiMessage next;
        synchronized (this) {
            next = script.poll();
        }
        http.execute(() -> {
            if (next == null) {
                handler.onError(new AssertionError("the scripted model was asked once more than scripted"));
                return;
            }
            if (next.text() != null) {
                handler.onPartialResponse(next.text());
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(next).build());
        });
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
