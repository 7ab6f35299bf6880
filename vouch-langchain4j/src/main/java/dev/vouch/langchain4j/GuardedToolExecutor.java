package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.ToolCall;

/**
 * A {@link ToolExecutor} that asks the guard before running its delegate. Everything LangChain4j does around a tool
 * (argument errors, the error handler, the tool-result message) sees the delegate's own behaviour, except that a call
 * the guard does not let run returns a result explaining why ({@link ToolRun#toModel}).
 */
final class GuardedToolExecutor implements ToolExecutor {
    private final VouchTools owner;
    private final ToolExecutor delegate;

    GuardedToolExecutor(VouchTools owner, ToolExecutor delegate) {
        this.owner = owner;
        this.delegate = delegate;
    }

    VouchTools owner() {
        return owner;
    }

    @Override
    public String execute(ToolExecutionRequest request, Object memoryId) {
        InvocationContext context = InvocationContext.builder().chatMemoryId(memoryId).build();
        ToolExecutionResult result = executeWithContext(request, context);
        return result == null ? null : result.resultText();
    }

    @Override
    public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
        InvocationContext ctx = context != null ? context : InvocationContext.builder().build();
        String arguments = request.arguments();
        ToolCall call = ToolCall.of(request.name(), arguments == null || arguments.isBlank() ? null : arguments)
                .id(request.id())
                .principal(owner.principalOf(ctx))
                .deferApproval(owner.stallMode == StallMode.PENDING);
        if (owner.stallMode == StallMode.PENDING) {
            // One lookup (it canonicalises the arguments): the deferred call this one repeats, held here or not.
            java.util.OptionalLong named = owner.guard.pendingApprovals().repeatOf(call);
            if (named.isPresent() && !owner.held.holds(named.getAsLong())) {
                // A deferred call this VouchTools does not hold: taken back from the journal after a restart
                // (GuardBuilder.recoverPending). This repeat asks for the same arguments, so its own request runs it:
                // an outside trial's model looped on "awaiting approval" while each repeat became a new call.
                ToolExecutionResult resumed = resumeForRepeat(named.getAsLong(), request, ctx);
                if (resumed != null) {
                    return resumed;
                }
            } else if (named.isPresent()) {
                long waiting = named.getAsLong();
                // The model asked again for a call that awaits approval: it is that call, not a new one. It runs now
                // if it was approved (once), and the model reads its outcome, or again that it waits.
                try {
                    return ToolRun.toModel(owner.held.outcome(owner, waiting));
                } catch (HeldCalls.AlreadyResumed runningForAnother) {
                    // The same call asked for twice in one turn (tools run in parallel): one repeat runs it, once.
                    return sameCallRuns(waiting, request);
                }
            }
            // An approved call running now for another repeat: judged as a new call, this one would wait for a
            // second approval of the same operation (an outside trial's racing repeats).
            java.util.OptionalLong running = owner.guard.pendingApprovals().runningAs(call);
            if (running.isPresent()) {
                return sameCallRuns(running.getAsLong(), request);
            }
        }
        ToolRun run = new ToolRun(delegate, request, ctx);
        CallResult<ToolExecutionResult> outcome;
        try {
            outcome = run.outcome(owner.guard.attempt(call, run));
        } catch (ToolReportedError reported) {
            return run.result(); // recorded as TOOL_ERROR; the model reads the tool's own error result
        } catch (Exception | Error e) {
            throw run.rethrowable(e);
        }
        if (outcome instanceof CallResult.Pending<ToolExecutionResult> pending) {
            owner.held.hold(delegate, request, ctx, pending.request());
            // The same call deferred at the same time by another thread (tools of one turn run in parallel): the
            // guard names the first it held for both, and this one is refused as its duplicate, so that one approval
            // runs the call once (an outside trial approved both and the refund ran twice).
            long first = owner.guard.pendingApprovals().repeatOf(call).orElse(pending.callSequence());
            if (first != pending.callSequence()) {
                CallResult<ToolExecutionResult> merged = owner.guard.mergeDuplicate(pending, first, "vouch.langchain4j");
                if (merged != pending) {
                    owner.held.forget(pending.callSequence());
                }
                return ToolRun.toModel(merged);
            }
        }
        return ToolRun.toModel(outcome);
    }

    /** Not a failure, as "awaiting approval" is not: the call runs, for another request (a re-trial's model read "[error]"). */
    private static ToolExecutionResult sameCallRuns(long callSequence, ToolExecutionRequest request) {
        return ToolExecutionResult.builder().isError(false)
                .resultText(dev.vouch.guard.PendingApprovals.sameCallRuns(callSequence, request.name())).build();
    }

    /**
     * Runs the deferred call {@code callSequence}, which no one holds here, with this repeat's request: its outcome, or
     * null if another repeat or resume took it first (the caller then judges the repeat as a new call).
     */
    private ToolExecutionResult resumeForRepeat(long callSequence, ToolExecutionRequest request, InvocationContext ctx) {
        ToolRun run = new ToolRun(delegate, request, ctx);
        CallResult<ToolExecutionResult> outcome;
        try {
            outcome = run.outcome(owner.guard.resume(callSequence, run));
        } catch (ToolReportedError reported) {
            return run.result();
        } catch (IllegalStateException e) {
            if (!run.started()) {
                return null; // resumed meanwhile: not a repeat any more
            }
            throw run.rethrowable(e);
        } catch (Exception | Error e) {
            throw run.rethrowable(e);
        }
        if (outcome instanceof CallResult.Pending<ToolExecutionResult> pending) {
            owner.held.hold(delegate, request, ctx, pending.request()); // from now on resumed like the others
        }
        return ToolRun.toModel(outcome);
    }

    @Override
    public String toString() {
        return "VouchGuarded[" + delegate + "]";
    }
}
