package dev.vouch.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Decided in issue 10: policy {@code regex} conditions run on RE2/J, so a hostile parameter cannot stall the guard
 * with catastrophic backtracking. {@code ^(a+)+$} against 50,000 'a's and a '!' takes java.util.regex longer than
 * the age of the universe; here it is one linear pass. (A liveness bound, not a performance target.)
 */
class RegexLinearTimeTest {
    @Test
    void shouldJudgeAHostileParameterAgainstABacktrackingPatternInLinearTime() {
        Policy policy = Policy.parse("""
                policies:
                  - id: only-a
                    match_methods: ["fs.write"]
                    action: allow
                    conditions:
                      - {key: path, operator: regex, value: "^(a+)+$"}
                """, "redos.yaml");
        String hostile = "a".repeat(64) + "!";

        PolicyDecision d = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> policy.evaluate("fs.write", "{\"path\":\"" + hostile + "\"}"));

        assertEquals(null, d.ruleId(), "judged, and not by the rule: " + d);
        assertEquals("no rule matched; the default action is allow", d.reason());
        assertEquals("only-a", policy.evaluate("fs.write", "{\"path\":\"aaaa\"}").ruleId());
    }
}
