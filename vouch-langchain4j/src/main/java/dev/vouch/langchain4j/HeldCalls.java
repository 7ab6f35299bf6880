package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.CallResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The tool calls that returned "awaiting approval": what is needed to run each later (the model's request, the
 * executor, the invocation context), keyed by call sequence number. Only memory: the guard's journal has the call;
 * after a restart the application gives {@code Guard.resume} the action itself. Thread-safe.
 */
final class HeldCalls {
    private record Held(ToolExecutor delegate, ToolExecutionRequest request, InvocationContext context,
            ApprovalRequest approval) {
    }

    private final ConcurrentNavigableMap<Long, Held> calls = new ConcurrentSkipListMap<>();

    void hold(ToolExecutor delegate, ToolExecutionRequest request, InvocationContext context, ApprovalRequest approval) {
        calls.put(approval.callSequence(), new Held(delegate, request, context, approval));
    }

    /** Whether the call with this sequence number is held here. */
    boolean holds(long callSequence) {
        return calls.containsKey(callSequence);
    }

    /** Forgets a held call (refused as another's duplicate). */
    void forget(long callSequence) {
        calls.remove(callSequence);
    }

    /** A held call that another resume (or repeat) claimed first: it runs once. */
    static final class AlreadyResumed extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        AlreadyResumed(long callSequence, IllegalStateException fromGuard) {
            super("call seq " + callSequence + " was already resumed: a call runs once", fromGuard);
        }
    }

    List<PendingToolCall> list() {
        List<PendingToolCall> out = new ArrayList<>();
        for (Held h : calls.values()) {
            out.add(new PendingToolCall(h.request(), h.approval()));
        }
        return out;
    }

    /**
     * Runs a held call through {@code Guard.resume}. It stays held only while nobody answered; once it ran, was
     * refused, failed, or the guard does not know it, it is forgotten (a call runs once).
     */
    ResumedToolCall resume(VouchTools owner, long callSequence) {
        Held h = calls.get(callSequence);
        if (h == null) {
            throw new IllegalStateException("no tool call awaiting approval with call seq " + callSequence
                    + " is held here: it never waited for approval under this VouchTools, or it was already resumed");
        }
        return new ResumedToolCall(h.request(), outcome(owner, callSequence));
    }

    /** As {@link #resume}, giving the outcome only. */
    CallResult<ToolExecutionResult> outcome(VouchTools owner, long callSequence) {
        Held h = calls.get(callSequence);
        if (h == null) {
            throw new AlreadyResumed(callSequence, null); // found a moment ago: another resume took it since
        }
        ToolRun run = new ToolRun(h.delegate(), h.request(), h.context());
        boolean stillPending = false;
        try {
            CallResult<ToolExecutionResult> outcome = run.outcome(owner.guard.resume(callSequence, run));
            stillPending = outcome instanceof CallResult.Pending;
            return outcome;
        } catch (ToolReportedError reported) {
            return new CallResult.Completed<>(callSequence, run.result());
        } catch (IllegalStateException e) {
            if (!run.started()) {
                throw new AlreadyResumed(callSequence, e); // the guard's: another resume claimed it first
            }
            throw run.rethrowable(e); // the tool's own
        } catch (Exception | Error e) {
            throw run.rethrowable(e);
        } finally {
            if (!stillPending) {
                calls.remove(callSequence, h);
            }
        }
    }
}
