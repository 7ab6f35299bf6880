package dev.vouch.policy;

import static dev.vouch.policy.Decisions.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/POLICY.md and the demo's policy file say what the code does (run from the module directory). */
class PolicyDocsTest {
    private static final Path DOC = Path.of("..", "docs", "POLICY.md");
    private static final Path EXAMPLE = Path.of("..", "examples", "src", "main", "resources", "vouch-policy.yaml");

    /** The first ```yaml block after the heading. */
    private static String yamlAfter(String heading) throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int at = doc.indexOf("\n" + heading + "\n");
        assertTrue(at >= 0, "no heading " + heading);
        int start = doc.indexOf("```yaml\n", at) + "```yaml\n".length();
        return doc.substring(start, doc.indexOf("```\n", start));
    }

    @Test
    void shouldShowTheDemoPolicyVerbatim() throws IOException {
        assertEquals(Files.readString(EXAMPLE, StandardCharsets.UTF_8), yamlAfter("## Complete example"));
    }

    @Test
    void shouldDecideTheDemoPolicyAsTheDocsTable() {
        Policy policy = Policy.load(EXAMPLE);
        String secrets = "api_key,password,token";
        assertEquals("STALL large-refund risk=HIGH redact=card.number," + secrets,
                summary(policy.evaluate("payments.refund", "{\"amount\":900}")));
        assertEquals("ALLOW refund risk=MEDIUM redact=card.number," + secrets,
                summary(policy.evaluate("payments.refund", "{\"amount\":90}")));
        assertEquals("ALLOW remove-lock-file risk=LOW redact=" + secrets,
                summary(policy.evaluate("fs.delete", "{\"path\":\"/tmp/ticket-3.lock\"}")));
        assertEquals("BLOCK other-deletes risk=CRITICAL redact=" + secrets,
                summary(policy.evaluate("fs.delete", "{\"path\":\"/etc/passwd\"}")));
        assertEquals("BLOCK other-deletes risk=CRITICAL redact=" + secrets,
                summary(policy.evaluate("fs.delete", "{\"path\":\"/tmp/ticket-3.lock/../../etc\"}")));
        assertEquals("ALLOW customer-lookup risk=LOW redact=email,phone," + secrets,
                summary(policy.evaluate("crm.lookup_customer", "{\"ticket\":1}")));
        assertEquals("BLOCK never-store-secrets redact=" + secrets, summary(policy.evaluate("shell.exec", "{}")));
        assertEquals("rule 'never-store-secrets' sets no action; the default action is block",
                policy.evaluate("shell.exec", "{}").reason());

        Set<Action> actions = EnumSet.noneOf(Action.class);
        boolean redacts = false;
        for (String[] call : new String[][] {{"payments.refund", "{\"amount\":900}"}, {"orders.get", "{}"},
                {"db.drop_table", "{}"}, {"crm.lookup_customer", "{}"}}) {
            PolicyDecision d = policy.evaluate(call[0], call[1]);
            actions.add(d.action());
            redacts |= d.redactedFields().contains("email");
        }
        assertEquals(EnumSet.of(Action.ALLOW, Action.BLOCK, Action.STALL), actions);
        assertTrue(redacts, "the demo needs a redacting rule");
    }

    @Test
    void shouldDecideTheWorkedExamplesAsTheDocsTable() throws IOException {
        Policy policy = Policy.parse(yamlAfter("### Worked examples"), "worked.yaml");
        assertEquals("STALL big-refund risk=HIGH redact=card.number,customer.ssn",
                summary(policy.evaluate("payments.refund", "{\"amount\":5000,\"method\":\"card\"}")));
        assertEquals("BLOCK refund-to-card risk=CRITICAL redact=card.number,customer.ssn",
                summary(policy.evaluate("payments.refund", "{\"amount\":50,\"method\":\"card\"}")));
        assertEquals("ALLOW payments risk=LOW redact=card.number,customer.ssn",
                summary(policy.evaluate("payments.refund", "{\"amount\":50,\"method\":\"bank\"}")));
        assertEquals("ALLOW payments risk=LOW redact=card.number,customer.ssn metadata_only",
                summary(policy.evaluate("payments.charge", "{\"amount\":5,\"note\":\"vip\"}")));
        assertEquals("BLOCK hide-ssn redact=customer.ssn", summary(policy.evaluate("crm.lookup", "{}")));
        PolicyDecision broken = policy.evaluate("payments.refund", "{\"amount\":");
        assertEquals("BLOCK default redact=card.number,customer.ssn metadata_only", summary(broken));
        assertTrue(broken.reason().startsWith("the parameters are not valid JSON"), broken.reason());

        String moved = yamlAfter("### Worked examples").replace("""
                  - id: payments
                    match_methods: ["payments.*"]
                    action: allow
                    risk_level: low
                    redact: [card.number]
                """, "").replace("policies:\n", """
                policies:
                  - id: payments
                    match_methods: ["payments.*"]
                    action: allow
                    risk_level: low
                    redact: [card.number]
                """);
        PolicyException e = assertThrows(PolicyException.class, () -> Policy.parse(moved, "moved.yaml"));
        assertTrue(e.detail().startsWith("found rule 'big-refund' after rule 'payments'"), e.getMessage());
    }
}
