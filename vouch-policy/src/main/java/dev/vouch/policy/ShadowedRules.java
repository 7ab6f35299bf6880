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
            // Each of its patterns may be covered by another earlier rule: all of them are named (an outside trial
            // read "rule 'a' matches every method 'b' matches" where a covered one pattern and a2 the other).
            java.util.Set<Rule> coveredBy = new java.util.LinkedHashSet<>();
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
                coveredBy.add(cover);
            }
            if (!allCovered) {
                continue;
            }
            RuleFacts f = facts.get(j);
            if (!f.decidingSettings.isEmpty() || !later.protectsData()) {
                String what = f.decidingSettings.isEmpty() ? "it would never apply"
                        : "its " + String.join(", ", f.decidingSettings) + " would never apply";
                List<String> named = new java.util.ArrayList<>();
                for (Rule r : coveredBy) {
                    named.add("'" + r.id + "' (line " + PolicyYaml.line(facts.get(rules.indexOf(r)).idNode) + ")");
                }
                String earlier = coveredBy.size() == 1 ? "rule " + named.get(0) + ", which has no conditions and matches"
                        : "rules " + String.join(" and ", named) + ", which have no conditions and together match";
                String above = coveredBy.size() == 1 ? "'" + coveredBy.iterator().next().id + "'" : "them";
                throw yaml.at(f.idNode, "found rule '" + later.id + "' after " + earlier + " every method '"
                        + later.id + "' matches, so " + what + "; expected '" + later.id + "' above " + above
                        + " (the first matching rule decides)");
            }
        }
    }
}
