package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vouch check-policy}: a policy tried without an agent (a new user had no way but starting one). */
class CheckPolicyCommandTest {
    private static final String POLICY = """
            version: "2026.1"
            policies:
              - {id: big-refunds, match_methods: [payments.refund], action: stall, approval_timeout: 90s,
                 risk_level: high, conditions: [{key: amount, operator: gt, value: 500}], reason: "large refund"}
              - {id: refunds, match_methods: [payments.refund], action: allow, redact: [card]}
            """;

    @TempDir
    Path tmp;

    @Test
    void shouldSayWhatAValidPolicyHoldsAndWhatItDecidesForACall() {
        Path file = tmp.resolve("vouch-policy.yaml");
        TestJournals.writeString(file, POLICY);

        Cli.Result plain = Cli.run("check-policy", file.toString());
        Cli.Result stall = Cli.run("check-policy", file.toString(), "--tool", "payments.refund", "--params",
                "{\"amount\":900,\"card\":\"4111\"}");
        Cli.Result allow = Cli.run("check-policy", file.toString(), "--tool", "payments.refund", "--params",
                "{\"amount\":9}");
        Cli.Result none = Cli.run("check-policy", file.toString(), "--tool", "fs.delete");

        assertEquals(0, plain.exit(), plain::toString);
        assertTrue(plain.out().startsWith("VALID: " + file + ", sha256 "), plain::toString);
        assertTrue(plain.out().contains("rules             2, in order: big-refunds, refunds"), plain::toString);
        assertTrue(plain.out().contains("approval timeout  10m"), plain::toString);
        assertEquals(0, stall.exit(), stall::toString);
        assertTrue(stall.out().contains("payments.refund {\"amount\":900,\"card\":\"4111\"} -> stall by rule big-refunds,"
                + " risk high"), stall::toString);
        assertTrue(stall.out().contains("redacts           card"), stall::toString);
        assertTrue(stall.out().contains("waits for a person up to 1m30s"), stall::toString);
        assertTrue(allow.out().contains("-> allow by rule refunds"), allow::toString);
        assertTrue(none.out().contains("fs.delete {} -> allow (no rule matched: the default)"), none::toString);
    }

    @Test
    void shouldNameTheLineOfAnInvalidPolicyAndRefuseBadInput() {
        Path bad = tmp.resolve("bad.yaml");
        TestJournals.writeString(bad, "policies:\n  - {id: a, match_method: [x], action: allow}\n");
        Path good = tmp.resolve("good.yaml");
        TestJournals.writeString(good, POLICY);

        Cli.Result invalid = Cli.run("check-policy", bad.toString());
        Cli.Result missing = Cli.run("check-policy", tmp.resolve("none.yaml").toString());
        Cli.Result notJson = Cli.run("check-policy", good.toString(), "--tool", "t", "--params", "{\"a\":");
        Cli.Result array = Cli.run("check-policy", good.toString(), "--tool", "t", "--params", "[1]");
        Cli.Result noTool = Cli.run("check-policy", good.toString(), "--params", "{}");
        Cli.Result emptyTool = Cli.run("check-policy", good.toString(), "--tool", "");
        Cli.Result twice = Cli.run("check-policy", good.toString(), "--tool", "payments.refund", "--params",
                "{\"amount\":100,\"amount\":900}");

        assertEquals(1, invalid.exit(), invalid::toString);
        assertTrue(invalid.out().startsWith("INVALID: " + bad + ":2:13: found unknown key 'match_method'"), invalid::toString);
        assertEquals(2, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("no such file"), missing::toString);
        assertEquals(2, notJson.exit(), notJson::toString);
        assertTrue(notJson.err().contains("--params is not JSON"), notJson::toString);
        assertEquals("", notJson.out(), "nothing is judged on bad input");
        assertEquals(2, array.exit(), array::toString);
        assertEquals(2, noTool.exit(), noTool::toString);
        assertTrue(noTool.err().contains("--params needs --tool"), noTool::toString);
        // Refused as the gateway refuses them (a re-trial got a decision for calls no front end lets through).
        assertEquals(2, emptyTool.exit(), emptyTool::toString);
        assertEquals(2, twice.exit(), twice::toString);
        assertTrue(twice.err().contains("Duplicate field 'amount'"), twice::toString);
    }
}
