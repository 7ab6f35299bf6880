package dev.vouch.spring.ai;

import java.util.function.Supplier;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.metadata.ToolMetadata;

/**
 * A tool a {@code ToolCallbackProvider} bean hands out, with every call going through the guard. The definition and
 * metadata are the delegate's, so the model sees the same tool. (Tool <em>beans</em> are proxied instead, which keeps
 * their type: see {@link ToolCallbackGuard}.)
 */
final class GuardedToolCallback implements ToolCallback {
    private final ToolCallback delegate;
    private final Supplier<GuardedCalls> calls;

    GuardedToolCallback(ToolCallback delegate, Supplier<GuardedCalls> calls) {
        this.delegate = delegate;
        this.calls = calls;
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return delegate.getToolDefinition();
    }

    @Override
    public ToolMetadata getToolMetadata() {
        return delegate.getToolMetadata();
    }

    @Override
    public String call(String toolInput) {
        return calls.get().call(delegate.getToolDefinition().name(), toolInput, null, () -> delegate.call(toolInput));
    }

    @Override
    public String call(String toolInput, ToolContext toolContext) {
        return calls.get().call(delegate.getToolDefinition().name(), toolInput, toolContext,
                () -> delegate.call(toolInput, toolContext));
    }

    /** The tool this guards. */
    ToolCallback delegate() {
        return delegate;
    }

    @Override
    public String toString() {
        return "Guarded[" + delegate + "]";
    }
}
