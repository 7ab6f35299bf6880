package dev.vouch.guard;

import dev.vouch.Decision;
import dev.vouch.Risk;

/**
 * Watches each guarded call from outside the journal: the hook tracing (vouch-otel) plugs into. The guard calls
 * {@link #start} before it records the call, then tells the returned {@link Observation} how the call was judged
 * and how it ended. Observers see the tool name, the call's id and tags and the decision, never the parameters or
 * results (redacted values must not leak into traces). An observer that throws is logged and ignored: it never
 * changes what is recorded or whether the tool runs.
 */
@FunctionalInterface
public interface CallObserver {

    /** A call is about to be recorded. Called on the caller's thread. */
    Observation start(ToolCall call);

    /**
     * A deferred call is resumed ({@link Guard#resume}, {@link Guard#resumeAsync}): observed as a call of its own,
     * whether it then runs, is refused or still awaits its answer. {@code call} has the deferred call's tool, id and
     * tags (one rediscovered from the journal after a restart has its tool and id; tags are not recorded), and no
     * parameters; {@link Observation#judged} follows with its recorded decision. Called on the caller's thread. By
     * default, {@link #start}.
     */
    default Observation resume(ToolCall call) {
        return start(call);
    }

    /** One call, as the observer follows it. Every method has a default that does nothing. */
    interface Observation {
        /**
         * The W3C trace id (32 lower-case hex digits) to record in the TOOL_CALL, or null for none (then a trace
         * context given with {@link ToolCall#trace} is recorded).
         */
        default String traceId() {
            return null;
        }

        /** The span id (16 lower-case hex digits) recorded with {@link #traceId()}. */
        default String spanId() {
            return null;
        }

        /** The call and its decision are recorded. */
        default void judged(long callSequence, Decision decision, String policyId, Risk risk) {
        }

        /**
         * The tool is about to run on this thread: the returned scope is closed when it returned (a span made
         * current, so the tool's own spans nest under it).
         */
        default AutoCloseable running() {
            return () -> { };
        }

        /**
         * The call ended: {@code result} says how (for a call that deferred its approval, {@link CallResult.Pending}
         * ends this observation; its later resumption is observed as a call of its own), or {@code error} is the
         * tool's exception (or the journal's).
         */
        default void ended(CallResult<?> result, Throwable error) {
        }
    }
}
