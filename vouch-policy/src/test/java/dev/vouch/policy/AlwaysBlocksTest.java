package dev.vouch.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which tools a policy blocks whatever their parameters: what adapters may hide from the model. */
class AlwaysBlocksTest {
    private static final Policy POLICY = Policy.parse("""
            version: "2026.1"
            defaults:
              default_action: block
            policies:
              - id: no-deletes
                match_methods: ["fs.delete*"]
                action: block
              - id: big-refunds-blocked
                match_methods: ["payments.refund"]
                conditions:
                  - {key: amount, operator: gt, value: 5000}
                action: block
              - id: refunds-stall
                match_methods: ["payments.refund"]
                conditions:
                  - {key: amount, operator: gt, value: 500}
                action: stall
              - id: payments
                match_methods: ["payments.*"]
                action: allow
              - id: odd-writes
                match_methods: ["fs.write"]
                conditions:
                  - {key: path, operator: eq, value: "/tmp/x"}
                action: block
              - id: reads
                match_methods: ["fs.read*"]
                action: allow
            """, "always.yaml");

    @Test
    void shouldSayABlockWithoutConditionsAlwaysBlocks() {
        assertTrue(POLICY.alwaysBlocks("fs.delete_file"));
    }

    @Test
    void shouldSayTheBlockingDefaultAlwaysBlocksAToolNoRuleNames() {
        assertTrue(POLICY.alwaysBlocks("shell.exec"));
    }

    @Test
    void shouldNotHideAToolBlockedOnlyForSomeParameters() {
        assertFalse(POLICY.alwaysBlocks("payments.refund"), "small refunds are allowed");
    }

    @Test
    void shouldSayAConditionalBlockFallingThroughToTheBlockingDefaultAlwaysBlocks() {
        // Whether or not the condition holds, fs.write ends blocked: by odd-writes, or by the default.
        assertTrue(POLICY.alwaysBlocks("fs.write"));
    }

    @Test
    void shouldNotHideAnAllowedTool() {
        assertFalse(POLICY.alwaysBlocks("fs.read_file"));
        assertFalse(POLICY.alwaysBlocks("payments.charge"));
    }
}
