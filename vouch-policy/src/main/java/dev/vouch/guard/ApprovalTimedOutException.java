package dev.vouch.guard;

import java.time.Duration;

/** Nobody approved a stalled call within its approval timeout; the tool did not run. Recorded as TIMED_OUT. */
public final class ApprovalTimedOutException extends ApprovalRefusedException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    ApprovalTimedOutException(String message, String tool, String policyId, String reason, long callSequence,
            long approvalSequence, Duration timeout) {
        super(message, tool, policyId, null, reason, callSequence, approvalSequence, null);
        this.timeout = timeout;
    }

    /** The approval timeout that passed. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public boolean timedOut() {
        return true;
    }
}
