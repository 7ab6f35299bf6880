package dev.vouch.guard;

import java.time.Instant;
import java.util.Objects;

/**
 * An approver's answer to an {@link ApprovalRequest}, recorded as the call's APPROVAL record.
 *
 * @param approved  whether the call may run
 * @param approver  who decided (a person's name, a service account); never blank
 * @param reason    why; empty if none was given
 * @param decidedAt when
 */
public record Approval(boolean approved, String approver, String reason, Instant decidedAt) {
    public Approval {
        Objects.requireNonNull(approver, "approver");
        if (approver.isBlank()) {
            throw new IllegalArgumentException("an approval must name its approver; found a blank name");
        }
        reason = reason == null ? "" : reason;
        Objects.requireNonNull(decidedAt, "decidedAt");
    }

    /** The call may run: approved now by {@code approver}. */
    public static Approval granted(String approver, String reason) {
        return new Approval(true, approver, reason, Instant.now());
    }

    /** The call must not run: refused now by {@code approver}. */
    public static Approval refused(String approver, String reason) {
        return new Approval(false, approver, reason, Instant.now());
    }
}
