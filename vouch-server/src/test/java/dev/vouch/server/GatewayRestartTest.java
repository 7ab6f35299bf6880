package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A call waiting for approval when the gateway stops is still waiting when it starts again, and can run then. */
class GatewayRestartTest {
    private static final String CARD = "{\"tool\":\"payments.refund\",\"params\":{\"amount\":800,\"card\":\"4111\"},"
            + "\"call_id\":\"c-card\"}";

    @TempDir
    Path tmp;

    /**
     * An outside trial refused calls taken back at a restart: recorded right, but each logged a WARN that the call
     * "is no longer deferred ... it was already resumed" (the operator's answer and the approval handler both moved it
     * on, and the second did not see that the first had ended it).
     */
    @Test
    void shouldRefuseACallTakenBackAtARestartWithoutAWarning() throws Exception {
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve(".vouch_key");
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        String agent = AccessTokens.newToken();
        String operator = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agent);
        AccessTokens.append(tokens, AccessTokens.Role.OPERATOR, "alice", operator);
        List<Long> seqs = new java.util.ArrayList<>();
        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open();
             Gateway g = Gateway.builder(ledger).policy(policy).tokens(tokens).port(0).adminPort(-1).start()) {
            Http http = new Http(g.uri());
            for (int i = 0; i < 10; i++) {
                seqs.add(http.post("/v1/calls", agent, "{\"tool\":\"payments.refund\",\"params\":{\"amount\":"
                        + (600 + i) + "}}").seq());
            }
        }

        String log;
        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open();
             Gateway g = Gateway.builder(ledger).policy(policy).tokens(tokens).port(0).adminPort(-1).start();
             dev.vouch.testsupport.StderrCapture err = new dev.vouch.testsupport.StderrCapture()) {
            Http http = new Http(g.uri());
            for (long seq : seqs) {
                Http.Reply r = http.post("/v1/approvals/" + seq, operator, "{\"decision\":\"refuse\"}");
                assertEquals(200, r.status(), r::toString);
                assertEquals("refused", http.get("/v1/calls/" + seq, agent).get("status"));
            }
            Thread.sleep(200); // the approval handler's own settling, on the gateway's worker
            log = err.text();
        }

        assertFalse(log.contains("WARN"), log);
        for (long seq : seqs) {
            assertEquals(List.of("POLICY_DECISION:STALL", "APPROVAL:REFUSED"), ServerJournal.children(dir, seq));
        }
    }

    @Test
    void shouldTakeBackPendingApprovalsAfterARestartAndLetTheApprovedCallRun() throws Exception {
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve(".vouch_key");
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY.replace(
                "    reason: refunds over 500 need a person\n",
                "    reason: refunds over 500 need a person\n    redact: [card]\n"));
        Path tokens = tmp.resolve("tokens");
        String agent = AccessTokens.newToken();
        String operator = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agent);
        AccessTokens.append(tokens, AccessTokens.Role.OPERATOR, "alice", operator);

        long seq;
        VerifyingKey anchor;
        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open();
             Gateway g = Gateway.builder(ledger).policy(policy).tokens(tokens).port(0).adminPort(-1).start()) {
            anchor = ledger.verifyingKey();
            Http http = new Http(g.uri());
            seq = http.post("/v1/calls", agent,
                    "{\"tool\":\"payments.refund\",\"params\":{\"amount\":700},\"call_id\":\"c-700\"}").seq();
            http.post("/v1/calls", agent, CARD);
        }

        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open();
             Gateway g = Gateway.builder(ledger).policy(policy).tokens(tokens).port(0).adminPort(-1).start()) {
            Http http = new Http(g.uri());
            List<Map<String, Object>> waiting = http.get("/v1/approvals", operator).list("approvals");
            assertEquals(2, waiting.size(), waiting::toString);
            assertEquals(seq, waiting.get(0).get("seq"));
            // Its parameters are on record only redacted: a resubmission cannot be told from another call.
            Http.Reply card = http.post("/v1/calls", agent, CARD);
            assertEquals(409, card.status(), card::toString);
            assertTrue(card.errorMessage().contains("only redacted"), card::toString);
            Http.Reply other = http.post("/v1/calls", agent,
                    "{\"tool\":\"payments.refund\",\"params\":{\"amount\":90000},\"call_id\":\"c-700\"}");
            assertEquals(409, other.status(), "other parameters under a taken-back call id: " + other);
            assertEquals("pending", http.get("/v1/calls/" + seq, agent).get("status"));
            // The client resubmits the same call after the restart: it finds the call it made, not a new one.
            assertEquals(seq, http.post("/v1/calls", agent,
                    "{\"tool\":\"payments.refund\",\"params\":{\"amount\":700},\"call_id\":\"c-700\"}").seq());

            assertEquals(200, http.post("/v1/approvals/" + seq, operator, "{\"decision\":\"approve\"}").status());
            assertEquals("allowed", http.get("/v1/calls/" + seq, agent).get("status"));
            assertEquals(200, http.post("/v1/calls/" + seq + "/result", agent, "{\"result\":\"refunded\"}").status());
        }

        assertEquals(List.of("POLICY_DECISION:STALL", "APPROVAL:APPROVED", "TOOL_RESULT:NONE"),
                ServerJournal.children(dir, seq), "the answer and the result name the call made before the restart");
        try (RecordSource source = JournalReader.open(dir)) {
            VerificationReport r = JournalVerifier.trusting(anchor).verify(source);
            assertEquals(Verdict.INTACT, r.verdict(), r::toString);
        }
    }
}
