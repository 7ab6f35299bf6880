package dev.vouch.guard;

import java.time.Instant;
import java.util.Objects;

/**
 * How a guarded call ended, for callers that turn refusals into something a model or a user reads rather than
 * an exception ({@link Guard#attempt}, {@link Guard#resume}). The tool ran ({@link Completed}), did not run and
 * will not ({@link Refused}: blocked by the policy, refused or timed out by the approver), or waits for a person
 * ({@link Pending}: only for a call that {@linkplain ToolCall#deferApproval defers} its approval). Every form
 * names the sequence number of the call's TOOL_CALL record, where the journal has the rest.
 *
 * @param <T> the tool's result
 */
public sealed interface CallResult<T> permits CallResult.Completed, CallResult.Refused, CallResult.Pending {

    /** The sequence number of the call's TOOL_CALL record. */
    long callSequence();

    /** The tool's result, or the refusal or pending state as the exception {@link Guard#call} would throw. */
    T valueOrThrow();

    /**
     * One sentence for the model or the user when the tool did not run: who stopped it, why, under which rule
     * and call sequence number; {@code null} for a completed call. Never contains the parameters.
     */
    String explanation();

    /** The tool ran and returned {@code value} (its outcome record is TOOL_RESULT). */
    record Completed<T>(long callSequence, T value) implements CallResult<T> {
        @Override
        public T valueOrThrow() {
            return value;
        }

        @Override
        public String explanation() {
            return null;
        }
    }

    /**
     * The tool did not run: {@code reason} is a {@link ToolBlockedException} (the policy blocked it) or an
     * {@link ApprovalRefusedException} (refused, or {@link ApprovalTimedOutException} timed out).
     */
    record Refused<T>(GuardException reason) implements CallResult<T> {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public long callSequence() {
            return reason.callSequence();
        }

        @Override
        public T valueOrThrow() {
            throw reason;
        }

        @Override
        public String explanation() {
            return "Vouch did not run this call: " + reason.getMessage()
                    + ". Do not retry it unchanged.";
        }

        /** Whether the policy blocked the call (rather than an approver refusing it). */
        public boolean blocked() {
            return reason instanceof ToolBlockedException;
        }

        /**
         * Why it did not run, as adapters label it for programs (MCP {@code _meta}, span attributes): {@code blocked}
         * (the policy), {@code timed_out} (nobody answered in time) or {@code refused} (an approver said no, or the
         * approval handler failed).
         */
        public String outcome() {
            if (blocked()) {
                return "blocked";
            }
            return reason instanceof ApprovalRefusedException a && a.timedOut() ? "timed_out" : "refused";
        }
    }

    /**
     * The call waits for a person: the TOOL_CALL and its STALL decision are in the journal; the tool runs through
     * {@link Guard#resume} once the call is approved, and never after {@code request.deadline()}.
     */
    record Pending<T>(ApprovalRequest request) implements CallResult<T> {
        public Pending {
            Objects.requireNonNull(request, "request");
        }

        @Override
        public long callSequence() {
            return request.callSequence();
        }

        /** The deadline after which the call is refused as timed out. */
        public Instant deadline() {
            return request.deadline();
        }

        @Override
        public T valueOrThrow() {
            throw new ApprovalPendingException(request);
        }

        @Override
        public String explanation() {
            return ApprovalPendingException.describe(request);
        }
    }
}
