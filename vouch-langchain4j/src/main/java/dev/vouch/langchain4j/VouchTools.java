package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.Guard;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Puts the Vouch guard in front of every tool a LangChain4j AI service calls: each call is judged by the policy,
 * recorded write-ahead with the model's tool-call id and the principal, run only if allowed (or approved), and its
 * result or error recorded. Build one per guard with {@link #builder(Guard)}, then hand LangChain4j what it already
 * takes:
 *
 * <pre>{@code
 * VouchTools vouch = VouchTools.builder(guard).stallMode(StallMode.PENDING).build();
 *
 * Assistant assistant = AiServices.builder(Assistant.class)
 *         .chatModel(model)
 *         .tools(vouch.tools(new OrderTools()))                               // @Tool objects
 *         .toolProvider(McpToolProvider.builder().mcpClients(fs)
 *                 .toolWrapper(vouch::executor).build())                      // MCP tools
 *         .build();
 * }</pre>
 *
 * <p>A call the guard does not let run never becomes an exception out of the chat call. A blocked, refused or
 * timed-out call returns what LangChain4j itself makes of a failed tool: a {@code ToolExecutionResult} with
 * {@code isError() == true}, whose text ({@link CallResult#explanation()}) the model reads in its tool-result
 * message. A call that waits for a person (with {@link StallMode#PENDING}) returns, at once, the text "... is awaiting
 * approval by a person (...; call seq N; ...)"; the application answers it through {@link Guard#pendingApprovals()} (or
 * its approval handler) and runs it with {@link #resume(long)}, which gives the outcome back to tell the model. In
 * both cases {@code ToolExecution.resultObject()} (in {@code Result.toolExecutions()}) is the guard's
 * {@link CallResult}. A tool's own exception is recorded as TOOL_ERROR and rethrown unchanged, so the AI service's
 * {@code toolExecutionErrorHandler} still decides what the model reads; a result an executor returns marked
 * {@code isError()} is recorded as TOOL_ERROR too, and reaches the model unchanged ({@code langchain4j-mcp} throws an
 * MCP {@code isError} result instead: recorded as any exception).
 *
 * <p>What the journal holds: the tool name the model used ({@code ToolExecutionRequest.name()}), its JSON arguments
 * (redacted as the policy says), the model's tool-call id ({@code ToolExecutionRequest.id()}), the principal from
 * {@link Builder#principal}, and as TOOL_RESULT the text the model read: verbatim when it is a JSON object or array (a
 * {@code @Tool} method's return value, MCP structured content), otherwise as a JSON string.
 *
 * <p>Thread-safe; tools may run concurrently. With {@code AiServices.executeToolsConcurrently}, pass
 * {@code guard.executor(pool)}: a call takes its task and parent from the thread that runs the tool, and LangChain4j's
 * own pool has none (docs/INTEGRATIONS.md, "Parallel tool calls").
 */
public final class VouchTools {
    /**
     * The {@link InvocationParameters} key the default principal comes from:
     * {@code assistant.chat("...", InvocationParameters.from(VouchTools.PRINCIPAL, "alice@example.com"))}.
     */
    public static final String PRINCIPAL = "vouch.principal";

    final Guard guard;
    final StallMode stallMode;
    final Function<InvocationContext, String> principal;
    final HeldCalls held = new HeldCalls();

    private VouchTools(Builder b) {
        this.guard = b.guard;
        this.stallMode = b.stallMode;
        this.principal = b.principal;
    }

    /** Starts configuring the tools of one AI service (or several) guarded by {@code guard}. */
    public static Builder builder(Guard guard) {
        return new Builder(guard);
    }

    /**
     * Guards every tool {@code delegate} provides, for {@code AiServices.toolProvider(...)}: any {@code ToolProvider}
     * (an {@code McpToolProvider}, a RAG or custom provider). Tools the delegate already got from
     * {@link #executor} are not guarded twice.
     */
    public ToolProvider toolProvider(ToolProvider delegate) {
        return new GuardedToolProvider(this, Objects.requireNonNull(delegate, "delegate"));
    }

    /**
     * The {@code @Tool} methods of these objects as guarded executors, for {@code AiServices.tools(Map)}: the same
     * specifications and argument handling {@code AiServices.tools(Object...)} would give them. A tool declared with
     * {@code ReturnBehavior.IMMEDIATE} needs its name passed as well: {@code AiServices.tools(map, Set.of(name))}.
     *
     * @throws dev.langchain4j.service.IllegalConfigurationException as {@code AiServices.tools} would: a class instead of an object, a
     *     collection, an object without {@code @Tool} methods, or two tools of one name
     * @return a new map, in declaration order as far as reflection gives it
     */
    public Map<ToolSpecification, ToolExecutor> tools(Object... objectsWithTools) {
        return ToolObjects.executors(this, objectsWithTools);
    }

    /**
     * Guards one executor: the hook for {@code McpToolProvider.builder().toolWrapper(vouch::executor)} and for
     * hand-written executors given to {@code AiServices.tools(Map)}. The guard names the call after
     * {@code ToolExecutionRequest.name()}, the name the model used. Idempotent: a guarded executor is returned as is.
     */
    public ToolExecutor executor(ToolExecutor delegate) {
        Objects.requireNonNull(delegate, "delegate");
        if (delegate instanceof GuardedToolExecutor g && g.owner() == this) {
            return delegate;
        }
        return new GuardedToolExecutor(this, delegate);
    }

    /**
     * The streaming model for an AI service whose tools this adapter guards: an AI service runs a streaming chat's
     * tools in the model's callbacks, on the model's own thread, where the task of the thread that called the
     * service is not current, so the calls would be recorded outside it (no task, no parent). This model runs every
     * callback in the guard's context of the thread that asked: {@code .streamingChatModel(vouch.streamingModel(m))}.
     * Idempotent.
     */
    public StreamingChatModel streamingModel(StreamingChatModel delegate) {
        Objects.requireNonNull(delegate, "delegate");
        if (delegate instanceof TaskCarryingStreamingModel) {
            return delegate;
        }
        return new TaskCarryingStreamingModel(guard, delegate);
    }

    /**
     * The calls this adapter holds because they wait for a person, or were answered (or timed out) but not yet
     * resumed, oldest first. Each stays held until {@link #resume(long)} reports that it ran or will not run; which
     * ones still wait for an answer, {@link Guard#pendingApprovals()} says.
     */
    public List<PendingToolCall> pendingCalls() {
        return held.list();
    }

    /**
     * Runs a call that was held for approval, once someone approved it: the original {@code ToolExecutionRequest}
     * goes to the original executor through {@link Guard#resume}, and the outcome is recorded linked to the call.
     * Give the model the outcome yourself: {@link ResumedToolCall#userMessage()} is a ready-made user message
     * (the tool-result turn that said "awaiting approval" is over, so the answer is a new message).
     *
     * @return the outcome: ran, refused or timed out (then the call is forgotten), or still pending (then it stays
     *     held; resume it again later)
     * @throws IllegalStateException if no call with this sequence number is held here, or the guard no longer has
     *     it (already resumed)
     * @throws RuntimeException the tool's own exception, after it was recorded as TOOL_ERROR
     */
    public ResumedToolCall resume(long callSequence) {
        return held.resume(this, callSequence);
    }

    /** Configures {@link VouchTools}; every setting is checked by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final Guard guard;
        private StallMode stallMode = StallMode.WAIT;
        private Function<InvocationContext, String> principal = VouchTools::principalParameter;

        private Builder(Guard guard) {
            this.guard = guard;
        }

        /**
         * What a stalled call does to the chat: {@link StallMode#WAIT} (the default) holds the tool call until the
         * guard's approval handler answers or the policy's {@code approval_timeout} passes; {@link StallMode#PENDING}
         * answers the model at once that the call awaits approval.
         */
        public Builder stallMode(StallMode mode) {
            this.stallMode = mode;
            return this;
        }

        /**
         * Who the agent acts for, per call, recorded in the TOOL_CALL; {@code null} or empty means none (then the
         * guard builder's principal, if any). Called with the AI service's invocation context (never null; for an
         * executor called without one, a context holding only the memory id). Default: the
         * {@link InvocationParameters} entry {@value #PRINCIPAL}. For services whose memory id is the user:
         * {@code ctx -> String.valueOf(ctx.chatMemoryId())} (AiServices passes {@code "default"} when a method has
         * no {@code @MemoryId}).
         */
        public Builder principal(Function<InvocationContext, String> resolver) {
            this.principal = resolver;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the guard, the stall mode or the principal resolver is null
         */
        public VouchTools build() {
            if (guard == null) {
                throw new IllegalArgumentException("guard is null: build one with Guard.builder(ledger)...build()");
            }
            if (stallMode == null) {
                throw new IllegalArgumentException("stallMode is null; expected WAIT (the default) or PENDING");
            }
            if (principal == null) {
                throw new IllegalArgumentException("principal is null; use ctx -> null to record no principal");
            }
            return new VouchTools(this);
        }
    }

    private static String principalParameter(InvocationContext context) {
        InvocationParameters parameters = context.invocationParameters();
        Object p = parameters == null ? null : parameters.asMap().get(PRINCIPAL);
        return p == null ? null : p.toString();
    }

    /** The principal for one call; a resolver that throws fails the call before anything is recorded. */
    String principalOf(InvocationContext context) {
        return principal.apply(context);
    }
}
