package dev.vouch.policy;

import dev.vouch.policy.internal.RedactionPaths;
import dev.vouch.Risk;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Policy} decided for one call (docs/POLICY.md, "Evaluation").
 *
 * @param action          {@link Action#ALLOW}, {@link Action#BLOCK} or {@link Action#STALL} (wait for a
 *                        person's approval); never any other value
 * @param redactedFields  parameter paths to replace in what the journal stores (never in what the tool
 *                        receives); the union of the {@code redact} lists of every matching rule; immutable
 * @param risk            the deciding rule's {@code risk_level}, {@link Risk#NONE} when it has none or no rule
 *                        decided
 * @param ruleId          the deciding rule's {@code id}, or {@code null} when no rule decided
 * @param reason          why, for people reading the journal; {@code null} only when the deciding rule gives
 *                        none
 * @param payloadLogging  what the journal keeps of the parameters
 * @param approvalTimeout how long a stalled call waits for approval before it is refused
 */
public record PolicyDecision(
        Action action,
        List<String> redactedFields,
        Risk risk,
        String ruleId,
        String reason,
        PayloadLogging payloadLogging,
        Duration approvalTimeout) {

    public PolicyDecision {
        Objects.requireNonNull(action, "action");
        if (action == null) {
            throw new IllegalArgumentException("action must be ALLOW, BLOCK or STALL, not " + action);
        }
        // A policy's compiled paths are kept as they are (immutable, and the guard walks their tree); others copied.
        redactedFields = redactedFields instanceof RedactionPaths ? redactedFields : List.copyOf(redactedFields);
        Objects.requireNonNull(risk, "risk");
        Objects.requireNonNull(payloadLogging, "payloadLogging");
        Objects.requireNonNull(approvalTimeout, "approvalTimeout");
    }
}
