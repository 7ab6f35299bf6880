package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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

    /**
     * An outside trial: the error for a tab came out with its backslashes doubled, since the policy library escapes
     * what it quotes and the CLI escaped the backslashes again. Now once; a control character in the file's name and
     * a bidirectional override in the file are still escaped.
     */
    @Test
    void shouldPrintAPolicyErrorEscapedOnce() throws IOException {
        Path tab = tmp.resolve("tab.yaml");
        TestJournals.writeString(tab, "version: \"1\"\ndefaults:\n\tdefault_action: block\n");
        Path override = tmp.resolve("override\u0007.yaml");
        TestJournals.writeString(override, "policies:\n  - {id: a, match_methods: [x], action: \"al\\\\ow\u202e\"}\n");

        Cli.Result r = Cli.run("check-policy", tab.toString());
        Cli.Result o = Cli.run("check-policy", override.toString());

        assertEquals(1, r.exit(), r::toString);
        assertEquals("INVALID: " + tab + ":3:1: YAML syntax error: found character '\\t(TAB)' that cannot start any token."
                + " (Do not use \\t(TAB) for indentation)\n", r.out());
        assertEquals(1, o.exit(), o::toString);
        assertEquals("INVALID: " + tmp.resolve("override\\u0007.yaml") + ":2:41: found action \"al\\\\ow\\u202e\";"
                + " expected allow, block, stall or redact\n", o.out());
        // A start of the gateway with that policy says it the same way.
        Path tokens = tmp.resolve("tokens");
        TestJournals.writeString(tokens, "");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        Cli.Result serve = Cli.run("serve", "--journal", tmp.resolve("j").toString(), "--policy", tab.toString(),
                "--tokens", tokens.toString(), "--port", "0", "--admin-port", "-1");
        assertTrue(serve.err().contains("found character '\\t(TAB)'"), serve::toString);
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
        assertEquals(2, noTool.exit(), noTool::toString);
        assertTrue(noTool.err().contains("--params needs --tool"), noTool::toString);
        assertEquals(2, emptyTool.exit(), emptyTool::toString);
        // Parameters the gateway and the proxy refuse: said so (a re-trial got a bare decision for calls no front end
        // lets through), and then what a guard in the agent's JVM decides (an outside trial got exit 2, while the
        // guard blocks such a call when a rule has conditions on it).
        for (Cli.Result r : List.of(notJson, array, twice)) {
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("note: --params ") && r.out().contains("The gateway (400) and the MCP proxy"
                    + " (a JSON-RPC error) refuse such a call before the policy sees it"), r::toString);
        }
        assertTrue(notJson.out().contains("--params is not JSON ("), notJson::toString);
        assertTrue(array.out().contains("--params is not a JSON object"), array::toString);
        assertTrue(twice.out().contains("Duplicate field 'amount'"), twice::toString);
        assertTrue(twice.out().contains("-> block (by no rule: see the reason)"), twice::toString);
        assertTrue(twice.out().contains("ambiguous: the key \"amount\" occurs twice"), twice::toString);
    }

    /** A policy rendered from a template into a pipe ({@code <(envsubst < policy.tmpl)}) is checked as a file. */
    @Test
    void shouldReadAPolicyFromAPipe() throws Exception {
        Path fifo = tmp.resolve("rendered.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "no mkfifo");
        Thread writer = new Thread(() -> TestJournals.writeString(fifo, POLICY));
        writer.setDaemon(true); // blocked for good at the FIFO's open if nothing reads it
        writer.start();
        Cli.Result r = Cli.run("check-policy", fifo.toString(), "--tool", "payments.refund", "--params",
                "{\"amount\":900}");
        writer.join(10_000);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("VALID: " + fifo), r::toString);
        Cli.Result directory = Cli.run("check-policy", tmp.toString());
        assertEquals(2, directory.exit(), directory::toString);
        assertTrue(directory.err().contains("a directory, not a policy file"), directory::toString);
    }

    @Test
    void shouldSayWhenTheJournalKeepsOnlyADigest() {
        Path file = tmp.resolve("digest.yaml");
        TestJournals.writeString(file, "policies:\n  - {id: hr, match_methods: [hr.salary], action: allow,"
                + " log_level: metadata_only}\n");
        Cli.Result r = Cli.run("check-policy", file.toString(), "--tool", "hr.salary", "--params", "{\"who\":\"ann\"}");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("journal keeps     the parameters and the result only as keyed commitments with a"
                + " redaction key, else as plain digests (metadata_only)"), r::toString);
        assertFalse(Cli.run("check-policy", file.toString(), "--tool", "other").out().contains("journal keeps"));
    }
}
