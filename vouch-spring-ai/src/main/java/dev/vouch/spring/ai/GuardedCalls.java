package dev.vouch.spring.ai;

import dev.vouch.guard.CallResult;
import dev.vouch.guard.Guard;
import dev.vouch.guard.PendingApprovals;
import dev.vouch.guard.ToolAction;
import dev.vouch.guard.ToolCall;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;

/**
 * Runs one Spring AI tool call through the guard and turns how it ended into the text the model reads: the tool's
 * own result, or {@link CallResult#explanation()} when the tool did not run. A refusal is a result, not a
 * {@link ToolExecutionException}: Spring AI would hand an exception to the application's
 * {@code ToolExecutionExceptionProcessor}, which aborts the chat call when {@code spring.ai.tools.throw-exception-on-error}
 * is set, and a call the policy stopped is not a tool that failed.
 *
 * <p>Calls deferred in {@link VouchProperties.StallMode#PENDING} mode keep their input here (the tool, its arguments and
 * tool context, as a {@link ToolRun}) until {@link #resume} runs them once; the guard keeps its side of the call for
 * the same time. Thread-safe.
 */
final class GuardedCalls {
    /** Runs the tool as Spring AI would have: the delegate's {@code call}, or the rest of the proxy's chain. */
    @FunctionalInterface
    interface ToolRun {
        String run() throws Throwable;
    }

    /** How many refused or timed-out deferred calls {@link #resume} still answers for. */
    static final int REMEMBERED_REFUSALS = 1024;

    private final Guard guard;
    private final boolean deferApproval;
    private final ToolCallIds ids;
    private final boolean hideAlwaysBlocked;
    private final Map<Long, ToolRun> deferred = new ConcurrentHashMap<>();
    /**
     * How recent deferred calls ended without running (refused, timed out), so that resuming one again says so
     * rather than that it is unknown. Bounded: the oldest of more than {@value #REMEMBERED_REFUSALS} is forgotten.
     */
    private final Map<Long, CallResult<String>> refused = Collections.synchronizedMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CallResult<String>> eldest) {
            return size() > REMEMBERED_REFUSALS;
        }
    });

    GuardedCalls(Guard guard, VouchProperties.StallMode stallMode, ToolCallIds ids, boolean hideAlwaysBlocked) {
        this.guard = guard;
        this.deferApproval = stallMode == VouchProperties.StallMode.PENDING;
        this.ids = ids;
        this.hideAlwaysBlocked = hideAlwaysBlocked;
    }

    /**
     * The tool definitions the model is offered: all of them, or (with {@code vouch.hide-blocked-tools}) those the
     * policy in force does not block whatever their arguments. A hidden tool the model calls anyway is judged,
     * blocked and recorded as any other.
     */
    List<ToolDefinition> offered(List<ToolDefinition> definitions) {
        if (!hideAlwaysBlocked || definitions == null) {
            return definitions;
        }
        List<ToolDefinition> offered = new ArrayList<>(definitions.size());
        for (ToolDefinition d : definitions) {
            if (!guard.alwaysBlocks(d.name())) {
                offered.add(d);
            }
        }
        return offered;
    }

    Guard guard() {
        return guard;
    }

    /**
     * Judges, records and (if allowed) runs one call.
     *
     * @param tool  the tool's name as the model knows it ({@code ToolDefinition.name()})
     * @param input the arguments the model gave, JSON
     * @return what the model reads: the tool's result, or why it did not run
     * @throws ToolExecutionException as the tool threw it, after it was recorded as TOOL_ERROR
     */
    String call(String tool, String input, ToolContext context, ToolRun run) {
        ToolCall call = ToolCall.of(tool, input)
                .id(ids.current(tool))
                .principal(Principals.of(context))
                .deferApproval(deferApproval);
        if (deferApproval) {
            OptionalLong waiting = guard.pendingApprovals().repeatOf(call);
            if (waiting.isPresent() && deferred.containsKey(waiting.getAsLong())) {
                return repeated(waiting.getAsLong(), tool);
            }
            if (waiting.isPresent()) {
                // A deferred call not kept here: taken back from the journal after a restart (recoverPending). This
                // repeat asks for the same arguments, so it runs it (an outside trial's model looped on "awaiting
                // approval" while each repeat became a new call).
                String resumed = resumedForRepeat(waiting.getAsLong(), run);
                if (resumed != null) {
                    return resumed;
                }
            }
            // An approved call running now for another repeat: judged as a new call, this one would wait for a
            // second approval of the same operation (an outside trial's racing repeats).
            OptionalLong running = guard.pendingApprovals().runningAs(call);
            if (running.isPresent()) {
                return PendingApprovals.sameCallRuns(running.getAsLong(), tool);
            }
        }
        CallResult<String> result = guarded(run, action -> guard.attempt(call, action));
        if (result instanceof CallResult.Completed<String> completed) {
            return completed.value();
        }
        if (result instanceof CallResult.Pending<String> pending) {
            deferred.put(result.callSequence(), run);
            // The same call deferred at the same time by another thread (tools of one turn run in parallel): the
            // guard names the first it held for both, and this one is refused as its duplicate, so that one approval
            // runs the call once.
            long first = guard.pendingApprovals().repeatOf(call).orElse(pending.callSequence());
            if (first != pending.callSequence()) {
                CallResult<String> merged = guard.mergeDuplicate(pending, first, "vouch.spring-ai");
                if (merged != pending) {
                    deferred.remove(pending.callSequence());
                }
                return told(merged);
            }
        }
        return told(result);
    }

    /** What the model reads of a call: the tool's result if it ran, else the guard's words for why not. */
    private static String told(CallResult<String> result) {
        if (result instanceof CallResult.Completed<String> completed) {
            return completed.value();
        }
        return result instanceof CallResult.Pending<String> pending ? PendingApprovals.awaitingApproval(pending)
                : result.explanation();
    }

    /**
     * Runs the deferred call {@code callSequence}, not kept here, with this repeat's input: what the model reads, or
     * null if another repeat or resume took it first (the repeat is then judged as a new call).
     */
    private String resumedForRepeat(long callSequence, ToolRun run) {
        boolean[] started = new boolean[1];
        ToolRun counted = () -> {
            started[0] = true;
            return run.run();
        };
        CallResult<String> result;
        try {
            result = guarded(counted, action -> guard.resume(callSequence, action));
        } catch (IllegalStateException e) {
            if (started[0]) {
                throw e; // the tool's own
            }
            return null;
        }
        if (result instanceof CallResult.Pending<String>) {
            deferred.put(callSequence, run); // from now on resumed like the others
        } else if (result instanceof CallResult.Refused) {
            refused.put(callSequence, result);
        }
        return told(result);
    }

    /**
     * The model asked again for a call that awaits approval (the same tool, principal and arguments as JSON values):
     * it is that call, not a new one, so that one approval runs it once. The model reads "awaiting approval" again
     * while nobody answered, the refusal once refused, and once approved the tool runs for this repeat, with the
     * input it was first made with (a later {@link #resume} of it throws, as for any call that ran).
     */
    private String repeated(long callSequence, String tool) {
        boolean[] started = new boolean[1];
        CallResult<String> result;
        try {
            result = resume(callSequence, started);
        } catch (IllegalStateException e) {
            if (started[0]) {
                throw e; // the tool's own
            }
            // Another repeat or resume claimed it first (tools of one turn run in parallel): it runs once.
            return PendingApprovals.sameCallRuns(callSequence, tool);
        }
        return told(result);
    }

    /**
     * Whether a deferred call with this TOOL_CALL sequence number waits here to be resumed, or recently ended here
     * without running.
     */
    boolean keeps(long callSequence) {
        return deferred.containsKey(callSequence) || refused.containsKey(callSequence);
    }

    /**
     * Runs a deferred call with the input it was made with, if it was approved; forgets it unless it is still
     * pending. A call that ended without running (refused, timed out) gives that {@link CallResult.Refused} again.
     *
     * @throws IllegalStateException if no deferred call with this number is kept here
     */
    CallResult<String> resume(long callSequence) {
        return resume(callSequence, new boolean[1]);
    }

    /** As {@link #resume(long)}; sets {@code started[0]} once the tool starts. */
    private CallResult<String> resume(long callSequence, boolean[] started) {
        ToolRun kept = deferred.get(callSequence);
        if (kept == null) {
            CallResult<String> ended = refused.get(callSequence);
            if (ended != null) {
                return ended;
            }
            throw new IllegalStateException("no deferred Spring AI tool call with sequence number " + callSequence
                    + " is kept here: " + (deferApproval
                            ? "it was not stalled, it already ran, or it was deferred before this application started"
                            : "vouch.stall-mode is wait, so stalled calls wait in their chat call (answer them with"
                                    + " approve or refuse)"));
        }
        ToolRun run = () -> {
            started[0] = true;
            return kept.run();
        };
        boolean stillPending = false;
        try {
            CallResult<String> result = guarded(run, action -> guard.resume(callSequence, action));
            stillPending = result instanceof CallResult.Pending;
            if (result instanceof CallResult.Refused) {
                refused.put(callSequence, result);
            }
            return result;
        } finally {
            if (!stillPending) {
                deferred.remove(callSequence, kept);
            }
        }
    }

    @FunctionalInterface
    private interface GuardStep {
        CallResult<String> apply(ToolAction<String, Exception> action) throws Exception;
    }

    /**
     * Runs {@code step} with an action that runs the tool. Spring AI's callbacks wrap what the tool threw in a
     * {@link ToolExecutionException}; the action unwraps it so that the TOOL_ERROR record names what really failed,
     * and the original wrapper is rethrown here for Spring AI's exception processor.
     */
    private static CallResult<String> guarded(ToolRun run, GuardStep step) {
        ToolExecutionException[] wrapper = new ToolExecutionException[1];
        ToolAction<String, Exception> action = () -> {
            try {
                return run.run();
            } catch (ToolExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    wrapper[0] = e;
                    throw cause;
                }
                if (e.getCause() instanceof Error cause) { // an AssertionError, a StackOverflowError: recorded as such
                    wrapper[0] = e;
                    throw cause;
                }
                throw e;
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new UndeclaredThrowableException(t);
            }
        };
        try {
            return step.apply(action);
        } catch (Error e) {
            if (wrapper[0] != null && e == wrapper[0].getCause()) {
                throw wrapper[0];
            }
            throw e;
        } catch (Exception e) {
            if (wrapper[0] != null && e == wrapper[0].getCause()) {
                throw wrapper[0];
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UndeclaredThrowableException(e);
        }
    }
}
