package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.ToolAction;

/**
 * One run of a LangChain4j tool inside the guard ({@code Guard.attempt} or {@code Guard.resume}): it hands the guard
 * what to record and keeps what LangChain4j must get back unchanged. Used by one thread, once.
 *
 * <ul>
 *   <li>A result: the guard records {@link ResultJson} of the text the model reads; LangChain4j gets the tool's own
 *       {@code ToolExecutionResult}.</li>
 *   <li>A result the tool marks {@code isError}: thrown to the guard as {@link ToolReportedError} (recorded as
 *       TOOL_ERROR); the caller catches it and returns the tool's result.</li>
 *   <li>A {@code ToolExecutionException} (LangChain4j's wrapper around what a {@code @Tool} method threw): the
 *       guard records its cause, the exception LangChain4j's own error handler is given; LangChain4j gets the
 *       wrapper back ({@link #rethrowable}).</li>
 * </ul>
 */
final class ToolRun implements ToolAction<byte[], Exception> {
    private final ToolExecutor delegate;
    private final ToolExecutionRequest request;
    private final InvocationContext context;
    private ToolExecutionResult result;
    private ToolExecutionException wrapper;
    private volatile boolean started;

    ToolRun(ToolExecutor delegate, ToolExecutionRequest request, InvocationContext context) {
        this.delegate = delegate;
        this.request = request;
        this.context = context;
    }

    /** Whether the guard invoked this run (the tool was started), as opposed to refusing before it. */
    boolean started() {
        return started;
    }

    @Override
    public byte[] run() throws Exception {
        started = true;
        ToolExecutionResult r;
        try {
            r = delegate.executeWithContext(request, context);
        } catch (ToolExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception || cause instanceof Error) {
                wrapper = e;
                throw rethrow(cause);
            }
            throw e;
        }
        result = r;
        if (r == null) {
            return null;
        }
        if (r.isError()) {
            throw new ToolReportedError(r.resultText());
        }
        return ResultJson.of(r.resultText());
    }

    private static Exception rethrow(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        return (Exception) cause;
    }

    /** The tool's own result, once it returned. */
    ToolExecutionResult result() {
        return result;
    }

    /**
     * What to throw to LangChain4j for what came out of the guard: the tool's {@code ToolExecutionException} if the
     * guard rethrew its cause (an {@code Error} the tool threw included: LangChain4j hands it to its error handler
     * too), a runtime exception as is (the tool's, or the journal's), any other {@code Error} as is, a checked
     * exception wrapped as LangChain4j wraps a tool's failure.
     */
    RuntimeException rethrowable(Throwable fromGuard) {
        if (wrapper != null && fromGuard == wrapper.getCause()) {
            return wrapper;
        }
        if (fromGuard instanceof RuntimeException re) {
            return re;
        }
        if (fromGuard instanceof Error error) {
            throw error;
        }
        return new ToolExecutionException(fromGuard);
    }

    /** The guard's answer with this run's {@code ToolExecutionResult} as the completed value. */
    CallResult<ToolExecutionResult> outcome(CallResult<byte[]> fromGuard) {
        if (fromGuard instanceof CallResult.Completed<byte[]> done) {
            return new CallResult.Completed<>(done.callSequence(), result);
        }
        if (fromGuard instanceof CallResult.Refused<byte[]> refused) {
            return new CallResult.Refused<>(refused.reason());
        }
        return new CallResult.Pending<>(((CallResult.Pending<byte[]>) fromGuard).request());
    }

    /**
     * What LangChain4j returns to the model for a call: the tool's result if it ran; otherwise a result whose text is
     * the guard's explanation and whose {@code result()} is the guard's {@link CallResult}: marked as an error when the
     * call was refused (as LangChain4j marks a failed tool), not when it waits for approval.
     */
    static ToolExecutionResult toModel(CallResult<ToolExecutionResult> outcome) {
        if (outcome instanceof CallResult.Completed<ToolExecutionResult> done) {
            return done.value();
        }
        return ToolExecutionResult.builder()
                .isError(outcome instanceof CallResult.Refused)
                .result(outcome)
                .resultText(outcome instanceof CallResult.Pending<ToolExecutionResult> pending
                        ? dev.vouch.guard.PendingApprovals.awaitingApproval(pending) : outcome.explanation())
                .build();
    }
}
