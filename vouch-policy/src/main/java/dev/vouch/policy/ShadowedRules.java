package dev.vouch.policy;

import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The shadowed-rule analysis: a policy where a rule can never decide (an earlier unconditional rule matches every
 * method it matches) is refused at load time, naming both rules and their lines.
 */
final class ShadowedRules {
    private ShadowedRules() {
    }

    /** Facts about a rule that only the shadowing check needs. */
    static final class RuleFacts {
        final Node idNode;
        final boolean unconditional;
        final List<String> decidingSettings;

        RuleFacts(Node idNode, boolean unconditional, List<String> decidingSettings) {
            this.idNode = idNode;
            this.unconditional = unconditional;
            this.decidingSettings = decidingSettings;
        }
    }

    /**
     * A rule all of whose patterns an earlier unconditional rule covers never wins (the first match decides).
     * If it says how to decide, that setting would be silently ignored, which the format never allows (this is
     * also how an older-generation file with "allow everything" above a stall rule is caught). A rule that
     * only adds redactions may sit anywhere: redactions apply whether or not the rule wins.
     */
    static void refuse(PolicyYaml yaml, List<Rule> rules, List<RuleFacts> facts) {
        for (int j = 1; j < rules.size(); j++) {
            Rule later = rules.get(j);
            Rule coveredBy = null;
            boolean allCovered = true;
            for (MethodPattern p : later.patterns) {
                Rule cover = null;
                for (int i = 0; i < j && cover == null; i++) {
                    if (!facts.get(i).unconditional) {
                        continue;
                    }
                    for (MethodPattern q : rules.get(i).patterns) {
                        if (q.covers(p)) {
                            cover = rules.get(i);
                            break;
                        }
                    }
                }
                if (cover == null) {
                    allCovered = false;
                    break;
                }
                if (coveredBy == null) {
                    coveredBy = cover;
                }
            }
            if (!allCovered) {
                continue;
            }
            RuleFacts f = facts.get(j);
            if (!f.decidingSettings.isEmpty() || !later.protectsData()) {
                int coverLine = PolicyYaml.line(facts.get(rules.indexOf(coveredBy)).idNode);
                String what = f.decidingSettings.isEmpty() ? "it would never apply"
                        : "its " + String.join(", ", f.decidingSettings) + " would never apply";
                throw yaml.at(f.idNode, "found rule '" + later.id + "' after rule '" + coveredBy.id + "' (line "
                        + coverLine + "), which has no conditions and matches every method '" + later.id
                        + "' matches, so " + what + "; expected '" + later.id + "' above '" + coveredBy.id
                        + "' (the first matching rule decides)");
            }
        }
    }
}
