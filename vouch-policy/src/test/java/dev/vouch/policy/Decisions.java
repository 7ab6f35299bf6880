package dev.vouch.policy;

import dev.vouch.Risk;

/** A decision as one short line, so test tables read like the docs' worked examples. */
final class Decisions {
    private Decisions() {
    }

    /**
     * {@code ACTION rule} and then only what differs from the plain case: {@code risk=HIGH},
     * {@code redact=a,b}, {@code metadata_only}. The default decision shows as rule {@code default}.
     */
    static String summary(PolicyDecision d) {
        StringBuilder b = new StringBuilder(d.action().name()).append(' ')
                .append(d.ruleId() == null ? "default" : d.ruleId());
        if (d.risk() != Risk.NONE) {
            b.append(" risk=").append(d.risk());
        }
        if (!d.redactedFields().isEmpty()) {
            b.append(" redact=").append(String.join(",", d.redactedFields()));
        }
        if (d.payloadLogging() == PayloadLogging.METADATA_ONLY) {
            b.append(" metadata_only");
        }
        return b.toString();
    }
}
