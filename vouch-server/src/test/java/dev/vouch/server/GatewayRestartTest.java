package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ToolCall;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.Policy;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

    /**
     * An outside trial's call taken back at a restart was ended "no result reported within 15s" after it had run
     * 45.9 s: the deadline counts from the restart, and the message now says so.
     */
    @Test
    void shouldSayThatTheReportDeadlineOfACallTakenBackCountsFromTheRestart() throws Exception {
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve(".vouch_key");
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", AccessTokens.newToken());
        long seq;
        // What a kill leaves: the call allowed and on record, its result not (the guard waits on it as the gateway's
        // call does, and the ledger closes under it).
        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open()) {
            Guard g = Guard.builder(ledger).agent("refund-bot").policy(Policy.load(policy)).build();
            long[] running = new long[1];
            g.attemptAsync(ToolCall.of("fs.read", "{}"), () -> {
                running[0] = g.context().parent();
                return new CompletableFuture<Object>();
            });
            seq = running[0];
        }

        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open();
             Gateway g = Gateway.builder(ledger).policy(policy).tokens(tokens).port(0).adminPort(-1)
                     .resultTimeout(Duration.ofSeconds(1)).start()) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ServerJournal.children(dir, seq).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        ServerJournal.Event end = ServerJournal.events(dir).stream()
                .filter(e -> e.parent() == seq && e.type().equals("TOOL_ERROR")).findFirst().orElseThrow();
        assertTrue(end.result().contains("no result reported within 1s after the gateway's restart (the call was"
                + " allowed before it)"), end::toString);
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
