package dev.vouch.policy;

import static dev.vouch.policy.Decisions.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Files written for the original Go Vouch, both generations, load unchanged and decide as their authors
 * meant (docs/POLICY.md, "Files from the original Vouch").
 */
class GoPolicyFilesTest {

    private static Policy load(String name) throws URISyntaxException {
        return Policy.load(Path.of(GoPolicyFilesTest.class.getResource("/go/" + name).toURI()));
    }

    @Test
    void shouldStallWhatTheOlderGenerationStalledAndAllowTheRest() throws Exception {
        Policy policy = load("older-generation.yaml");
        assertEquals("2026.1", policy.version());
        assertEquals(OptionalInt.of(365), policy.retentionDays());
        assertEquals(Action.ALLOW, policy.defaultAction());
        assertEquals(Duration.ofMinutes(10), policy.approvalTimeout(), "the original waited up to 10 minutes");
        assertEquals(PayloadLogging.FULL_PAYLOAD, policy.payloadLogging());
        assertEquals(List.of("cloud-teardown", "large-payments", "customer-records", "search"), policy.ruleIds());

        assertEquals("STALL cloud-teardown risk=CRITICAL", summary(policy.evaluate("aws:ec2:terminate", "{}")));
        assertEquals("STALL cloud-teardown risk=CRITICAL", summary(policy.evaluate("aws:rds:delete_cluster", "{}")));
        assertEquals("STALL cloud-teardown risk=CRITICAL", summary(policy.evaluate("gcp:compute:stop", "{}")));
        assertEquals("ALLOW default", summary(policy.evaluate("aws:s3:list", "{}")));

        // amount_gt: 500, as the original read it: above 500 waits, and so does a call that gives no amount.
        assertEquals("STALL large-payments risk=HIGH", summary(policy.evaluate("stripe:charge", "{\"amount\":900.5}")));
        assertEquals("ALLOW default", summary(policy.evaluate("stripe:charge", "{\"amount\":500}")));
        assertEquals("STALL large-payments risk=HIGH", summary(policy.evaluate("stripe:charge", "{\"currency\":\"EUR\"}")));
        assertEquals("ALLOW default", summary(policy.evaluate("plaid:transfer_money", "{\"amount\":20}")));

        // action: redact with its list: allowed, the listed fields kept out of the journal.
        assertEquals("ALLOW customer-records risk=MEDIUM redact=email,phone",
                summary(policy.evaluate("crm:export_contacts", "{\"email\":\"a@b.c\"}")));
        assertEquals("ALLOW search risk=LOW", summary(policy.evaluate("slack:search", "{\"q\":\"refund\"}")));
        assertEquals(Duration.ofMinutes(10), policy.evaluate("gcp:x", "{}").approvalTimeout());
    }

    @Test
    void shouldTagTheNewerGenerationsCallsWithoutHoldingAnyBack() throws Exception {
        Policy policy = load("newer-generation.yaml");
        assertEquals(OptionalInt.of(90), policy.retentionDays());
        assertEquals(PayloadLogging.METADATA_ONLY, policy.payloadLogging());

        assertEquals("ALLOW infrastructure risk=HIGH metadata_only", summary(policy.evaluate("aws:ec2:run", "{}")));
        assertEquals("ALLOW money-movement risk=CRITICAL redact=card_number",
                summary(policy.evaluate("stripe:charge", "{\"amount\":1500,\"currency\":\"USD\",\"card_number\":\"4242\"}")));
        // The original compared numbers given as strings as numbers, and so does Vouch.
        assertEquals("ALLOW money-movement risk=CRITICAL redact=card_number",
                summary(policy.evaluate("stripe:charge", "{\"amount\":\"1500\",\"currency\":\"USD\"}")));
        assertEquals("ALLOW default metadata_only",
                summary(policy.evaluate("stripe:charge", "{\"amount\":1500,\"currency\":\"EUR\"}")));
        assertEquals("ALLOW default metadata_only", summary(policy.evaluate("stripe:charge", "{\"amount\":999}")));

        PolicyDecision drop = policy.evaluate("database:delete", "{\"name\":\"prod-users\"}");
        assertEquals("ALLOW database-drop risk=CRITICAL metadata_only", summary(drop));
        assertEquals("Someone is deleting the production user table", drop.reason(),
                "with no reason, the description explains the decision");
        assertEquals("ALLOW default metadata_only", summary(policy.evaluate("database:delete", "{\"name\":\"staging\"}")));

        // "conditions:" and "redact:" with nothing under them mean none.
        assertEquals("ALLOW knowledge risk=LOW", summary(policy.evaluate("google_search:web", "{}")));

        for (String method : List.of("aws:x", "stripe:charge", "database:delete", "slack:search", "other")) {
            assertEquals(Action.ALLOW, policy.evaluate(method, "{\"amount\":5000,\"currency\":\"USD\"}").action());
        }
    }

    @Test
    void shouldHashTheExactFileBytes() throws Exception {
        Policy policy = load("older-generation.yaml");
        byte[] bytes;
        try (InputStream in = GoPolicyFilesTest.class.getResourceAsStream("/go/older-generation.yaml")) {
            bytes = in.readAllBytes();
        }
        assertEquals(Policy.sha256Hex(bytes), policy.sha256Hex());
        assertEquals(64, policy.sha256Hex().length());
        byte[] copy = policy.sourceBytes();
        copy[0] ^= 1;
        assertNotEquals(copy[0], policy.sourceBytes()[0], "sourceBytes() hands out a copy");
    }

    @Test
    void shouldReadTheOlderGenerationsYesNoBooleans() throws IOException {
        Policy policy = Policy.parse("""
                defaults:
                  signing_enabled: yes
                policies:
                  - id: a
                    match_methods: ["x"]
                    action: STALL
                    risk_level: High
                    proof_of_refusal: on
                """, "yes.yaml");
        assertEquals("STALL a risk=HIGH", summary(policy.evaluate("x", "{}")));
    }
}
