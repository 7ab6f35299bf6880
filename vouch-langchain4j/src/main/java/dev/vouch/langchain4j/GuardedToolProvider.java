package dev.vouch.langchain4j;

import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;

/** A {@link ToolProvider} whose tools are its delegate's, each executor guarded ({@link VouchTools#executor}). */
final class GuardedToolProvider implements ToolProvider {
    private final VouchTools owner;
    private final ToolProvider delegate;

    GuardedToolProvider(VouchTools owner, ToolProvider delegate) {
        this.owner = owner;
        this.delegate = delegate;
    }

    @Override
    public ToolProviderResult provideTools(ToolProviderRequest request) {
        ToolProviderResult provided = delegate.provideTools(request);
        if (provided == null) {
            return null;
        }
        ToolProviderResult.Builder guarded = ToolProviderResult.builder();
        provided.tools().forEach((spec, executor) -> guarded.add(spec, owner.executor(executor)));
        if (provided.immediateReturnToolNames() != null) {
            guarded.immediateReturnToolNames(provided.immediateReturnToolNames());
        }
        return guarded.build();
    }
}
