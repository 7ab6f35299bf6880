package dev.vouch.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.policy.internal.RedactionPaths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redaction paths are compiled with the policy: every decision a rule gives hands the guard the same tree, so a
 * guarded call builds none; a union with a later rule's paths is compiled once for that call; lists from other
 * evaluators still work and are compiled when used.
 */
class RedactionPathsTest {
    private static final Policy POLICY = Policy.parse("""
            policies:
              - id: pay
                match_methods: ["pay.*"]
                action: allow
                redact: [card.number, items.0.sku]
              - id: also-pay
                match_methods: ["pay.refund"]
                conditions:
                  - {key: amount, operator: gt, value: 100}
                redact: [iban]
            """, "redaction-paths.yaml");

    @Test
    void shouldHandOverTheTreeCompiledAtLoad() {
        PolicyDecision a = POLICY.evaluate("pay.charge", "{\"card\":{\"number\":\"4111\"}}");
        PolicyDecision b = POLICY.evaluate("pay.charge", "{\"other\":1}");
        assertInstanceOf(RedactionPaths.class, a.redactedFields());
        assertSame(a.redactedFields(), b.redactedFields(), "one tree per rule, built once");
        assertEquals(List.of("card.number", "items.0.sku"), a.redactedFields());
        RedactionPaths tree = (RedactionPaths) a.redactedFields();
        assertTrue(tree.root().field("card").field("number").terminal());
        assertEquals("items.0.sku", tree.root().field("items").index(0).field("sku").path());
    }

    @Test
    void shouldCompileTheUnionWithALaterRulesPaths() {
        PolicyDecision d = POLICY.evaluate("pay.refund", "{\"amount\":500,\"iban\":\"DE00\"}");
        assertEquals(List.of("card.number", "items.0.sku", "iban"), d.redactedFields());
        RedactionPaths tree = assertInstanceOf(RedactionPaths.class, d.redactedFields());
        assertTrue(tree.root().field("iban").terminal());
        assertSame(tree, RedactionPaths.of(tree));
    }

    @Test
    void shouldCompileAnotherEvaluatorsListAndRefuseEmptySegments() {
        PolicyDecision custom = new PolicyDecision(Action.ALLOW, List.of("a.b"), dev.vouch.Risk.NONE, "custom", null,
                PayloadLogging.FULL_PAYLOAD, java.time.Duration.ZERO);
        assertEquals(List.of("a.b"), custom.redactedFields());
        assertTrue(RedactionPaths.of(custom.redactedFields()).root().field("a").field("b").terminal());
        assertThrows(IllegalArgumentException.class, () -> RedactionPaths.of(List.of("a..b")));
    }
}
