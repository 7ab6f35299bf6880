package dev.vouch.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.vouch.guard.Context;
import dev.vouch.guard.Guard;
import java.util.List;
import java.util.Set;

/**
 * A streaming model whose answers are handled in the guard's task of the thread that asked
 * ({@link VouchTools#streamingModel}). An AI service runs a streaming chat's tools in the model's callbacks, on the
 * model's own thread (an HTTP client's), where no task is current: without this, the calls were recorded outside
 * the chat's task, with no parent. Each callback runs with the context that was current when the model was asked;
 * the service asks the model again from inside a callback after the tools ran, so the next turn keeps it too.
 */
final class TaskCarryingStreamingModel implements StreamingChatModel {
    private final Guard guard;
    private final StreamingChatModel delegate;

    TaskCarryingStreamingModel(Guard guard, StreamingChatModel delegate) {
        this.guard = guard;
        this.delegate = delegate;
    }

    StreamingChatModel delegate() {
        return delegate;
    }

    @Override
    public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
        delegate.chat(request, new InContext(guard.context(), handler));
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return delegate.listeners();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    /** Passes every callback on, each run in the asking thread's context. */
    private static final class InContext implements StreamingChatResponseHandler {
        private final Context context;
        private final StreamingChatResponseHandler handler;

        InContext(Context context, StreamingChatResponseHandler handler) {
            this.context = context;
            this.handler = handler;
        }

        @Override
        public void onPartialResponse(String partialResponse) {
            context.wrap(() -> handler.onPartialResponse(partialResponse)).run();
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext ctx) {
            context.wrap(() -> handler.onPartialResponse(partialResponse, ctx)).run();
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
            context.wrap(() -> handler.onPartialThinking(partialThinking)).run();
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext ctx) {
            context.wrap(() -> handler.onPartialThinking(partialThinking, ctx)).run();
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall) {
            context.wrap(() -> handler.onPartialToolCall(partialToolCall)).run();
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext ctx) {
            context.wrap(() -> handler.onPartialToolCall(partialToolCall, ctx)).run();
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            context.wrap(() -> handler.onCompleteToolCall(completeToolCall)).run();
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            context.wrap(() -> handler.onCompleteResponse(completeResponse)).run();
        }

        @Override
        public void onError(Throwable error) {
            context.wrap(() -> handler.onError(error)).run();
        }
    }
}
