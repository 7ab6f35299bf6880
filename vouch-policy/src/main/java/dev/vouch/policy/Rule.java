package dev.vouch.policy;

import dev.vouch.policy.internal.RedactionPaths;
import java.util.List;

/** One compiled entry of {@code policies}. Immutable. */
final class Rule {
    final String id;
    final MethodPattern[] patterns;
    final Condition[] conditions;
    /** The decision this rule gives when it wins and no later rule adds redactions; built once at load. */
    final PolicyDecision decision;
    /** The rule's own {@code redact} paths, which apply whenever it matches, winning or not. */
    final List<String> redact;
    /** Whether the rule asks for {@code metadata_only}, which also applies whenever it matches. */
    final boolean metadataOnly;

    Rule(String id, MethodPattern[] patterns, Condition[] conditions, PolicyDecision decision, List<String> redact,
            boolean metadataOnly) {
        this.id = id;
        this.patterns = patterns;
        this.conditions = conditions;
        this.decision = decision;
        this.redact = RedactionPaths.of(redact);
        this.metadataOnly = metadataOnly;
    }

    boolean matchesMethod(String method) {
        for (MethodPattern p : patterns) {
            if (p.matches(method)) {
                return true;
            }
        }
        return false;
    }

    boolean hasConditions() {
        return conditions.length > 0;
    }

    /** All conditions hold (they are ANDed); the values must be readable. */
    boolean conditionsHold(ParamValues values) {
        for (Condition c : conditions) {
            if (!c.holds(values)) {
                return false;
            }
        }
        return true;
    }

    /** Whether matching this rule protects data even when another rule decides. */
    boolean protectsData() {
        return !redact.isEmpty() || metadataOnly;
    }
}
