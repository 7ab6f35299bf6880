package dev.vouch.policy;

import static dev.vouch.policy.Decisions.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the JSON parameters are read: only where a condition needs them, and never guessed at. */
class ParameterReadingTest {
    private static final Policy POLICY = Policy.parse("""
            policies:
              - id: big-refund
                match_methods: ["payments.refund"]
                action: block
                conditions: [{key: order.amount, operator: gt, value: 1000}]
              - id: notes
                match_methods: ["notes.*"]
                redact: [body]
            """, "reading.yaml");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated         | {\"order\":{\"amount\":5000}                      | not valid JSON (stopped at line 1, column 25)",
        "not JSON          | amount=5000                                     | not valid JSON (stopped at line 1, column 7)",
        "array             | [{\"order\":{\"amount\":5000}}]                   | a JSON array, not a JSON object",
        "string            | \"refund\"                                      | a JSON string, not a JSON object",
        "trailing content  | {\"order\":{\"amount\":1}} {\"order\":{\"amount\":5000}} | not a single JSON value (more follows the parameters object)",
        "duplicate leaf    | {\"order\":{\"amount\":1,\"amount\":5000}}        | ambiguous: the key \"amount\" occurs twice in one object, and a condition reads it",
        "duplicate parent  | {\"order\":{\"amount\":1},\"order\":5000}         | ambiguous: the key \"order\" occurs twice in one object, and a condition reads it",
    })
    void shouldBlockWhenAConditionCannotReadTheParameters(String name, String params, String problem) {
        PolicyDecision d = POLICY.evaluate("payments.refund", params);
        assertEquals("BLOCK default", summary(d));
        assertTrue(d.reason().startsWith("the parameters are " + problem), d.reason());
        assertTrue(d.reason().endsWith("; rule 'big-refund' has conditions on them, so the call is blocked"), d.reason());
        assertEquals(summary(d), summary(POLICY.evaluate("payments.refund", params.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void shouldSayWhereTheJsonBroke() {
        assertEquals("the parameters are not valid JSON (stopped at line 1, column 25); rule 'big-refund' has"
                + " conditions on them, so the call is blocked",
                POLICY.evaluate("payments.refund", "{\"order\":{\"amount\":5000}").reason());
    }

    @Test
    void shouldNeverQuoteTheParametersInTheReasonSinceItIsRecordedInTheClear() {
        String reason = POLICY.evaluate("payments.refund", "{\"order\":{\"amount\": secret1234}}").reason();
        assertTrue(reason.startsWith("the parameters are not valid JSON (stopped at line 1"), reason);
        assertTrue(!reason.contains("secret1234"), reason);
    }

    @Test
    void shouldIgnoreDuplicatesAndGarbageNoConditionLooksAt() {
        assertEquals("ALLOW default", summary(POLICY.evaluate("payments.refund",
                "{\"note\":1,\"note\":2,\"order\":{\"amount\":10,\"items\":[[[{\"deep\":[1,2,{\"x\":null}]}]]]}}")));
        assertEquals("ALLOW notes redact=body", summary(POLICY.evaluate("notes.add", "not json at all")),
                "no condition needs them, so the parameters are not read");
    }

    @Test
    void shouldKeepOnlyADigestOfUnreadableParametersWhereThePolicyWouldRedact() {
        Policy policy = Policy.parse("""
                policies:
                  - id: cards
                    match_methods: ["pay"]
                    conditions: [{key: amount, operator: gt, value: 1}]
                  - id: hide
                    match_methods: ["pay"]
                    redact: [card]
                """, "digest.yaml");
        assertEquals("BLOCK default redact=card metadata_only", summary(policy.evaluate("pay", "{\"card\":\"4242\"")),
                "the redact list stays, so the guard stores a keyed commitment, not a guessable plain digest");
    }

    @Test
    void shouldReadPartOfABuffer() {
        byte[] buffer = "xx{\"order\":{\"amount\":5000}}yy".getBytes(StandardCharsets.UTF_8);
        assertEquals("BLOCK big-refund", summary(POLICY.evaluate("payments.refund", buffer, 2, buffer.length - 4)));
        assertThrows(IndexOutOfBoundsException.class, () -> POLICY.evaluate("payments.refund", buffer, 2, buffer.length));
    }

    @Test
    void shouldTreatMissingParametersAsAnEmptyObject() {
        assertEquals("ALLOW default", summary(POLICY.evaluate("payments.refund", (byte[]) null)));
        assertEquals("ALLOW default", summary(POLICY.evaluate("payments.refund", (String) null)));
        assertEquals("ALLOW default", summary(POLICY.evaluate("payments.refund", " null ")));
        assertEquals("BLOCK default", summary(POLICY.evaluate("payments.refund", "null null")));
    }

    @Test
    void shouldRefuseANullMethod() {
        assertThrows(NullPointerException.class, () -> POLICY.evaluate(null, "{}"));
    }

    /**
     * An outside trial: {@code 1e2147483648} made evaluate throw (no BigDecimal holds the exponent), and as a string it
     * read as no number, so {@code gt 1000 -> block} allowed it. Such a number is beyond every literal, with its sign.
     */
    @Test
    void shouldCompareNumbersWhoseExponentIsBeyondAnInt() {
        for (String amount : List.of("1e2147483648", "\"1e2147483648\"", "2E+99999999999", "\"7e99999999999\"")) {
            assertEquals("BLOCK big-refund", summary(POLICY.evaluate("payments.refund",
                    "{\"order\":{\"amount\":" + amount + "}}")), amount);
        }
        for (String amount : List.of("-1e2147483648", "1e-2147483649", "\"1e-2147483649\"", "0e99999999999",
                "-5E-99999999999")) {
            assertEquals("ALLOW default", summary(POLICY.evaluate("payments.refund",
                    "{\"order\":{\"amount\":" + amount + "}}")), amount);
        }
        Policy eq = Policy.parse("policies:\n  - id: zero\n    match_methods: [\"t\"]\n    action: block\n"
                + "    conditions: [{key: n, operator: eq, value: 0}]\n", "eq.yaml");
        assertEquals("BLOCK zero", summary(eq.evaluate("t", "{\"n\":0e99999999999}")), "zero whatever its exponent");
        assertEquals("ALLOW default", summary(eq.evaluate("t", "{\"n\":1e-99999999999}")), "near zero is not zero");
    }

    @Test
    void shouldNotReadHugeNumericStringsAsNumbers() {
        String digits = "9".repeat(Texts.MAX_NUMBER_LENGTH + 1);
        assertEquals("ALLOW default", summary(POLICY.evaluate("payments.refund",
                "{\"order\":{\"amount\":\"" + digits + "\"}}")));
        assertEquals("BLOCK big-refund", summary(POLICY.evaluate("payments.refund",
                "{\"order\":{\"amount\":\"" + digits.substring(1) + "\"}}")));
    }
}
