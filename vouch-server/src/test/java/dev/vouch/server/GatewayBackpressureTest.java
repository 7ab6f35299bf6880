package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.ledger.BackpressureMode;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.SigningMode;
import dev.vouch.testsupport.StderrCapture;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway embedded on a ledger whose backpressure is {@code FAIL}, and on one that stopped: what its clients are
 * told. An outside operator's trial got "its ledger failed ... nothing was run or recorded" for a ring full for a
 * moment, on reports of tools that had run (whose outcomes were then never recorded), and 500 {@code internal} with
 * a stack trace in the log for a task opened or ended after the ledger stopped.
 */
class GatewayBackpressureTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRecordEveryReportAndAnswerARefusedSubmitAsBusyOnAFailLedger() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        String agent = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agent);
        Path dir = tmp.resolve("journal");
        Set<Long> allowed = ConcurrentHashMap.newKeySet();
        AtomicInteger busy = new AtomicInteger();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        try (StderrCapture quiet = new StderrCapture(); // [BACKPRESSURE] lines are expected
                Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).ringSize(64)
                        .backpressure(BackpressureMode.FAIL)
                        .signingMode(SigningMode.PER_EVENT) // a slow consumer: one Ed25519 signature per event
                        .shutdownHook(false).open();
                Gateway gateway = Gateway.builder(ledger).policy(policy).tokens(tokens).port(0).adminPort(0)
                        .start()) {
            Http http = new Http(gateway.uri());
            ExecutorService clients = Executors.newFixedThreadPool(48);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 48; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        Http.Reply r = http.post("/v1/calls", agent, "{\"tool\":\"fs.read\",\"params\":{\"c\":"
                                + client + ",\"i\":" + i + "}}");
                        if (r.status() == 503 && "journal_busy".equals(r.errorCode())) {
                            busy.incrementAndGet();
                            continue;
                        }
                        if (r.status() != 200) {
                            wrong.add("submit: " + r);
                            continue;
                        }
                        allowed.add(r.seq());
                        Http.Reply reported = http.post("/v1/calls/" + r.seq() + "/result", agent,
                                "{\"result\":{\"ok\":true}}");
                        if (reported.status() != 200) {
                            wrong.add("report: " + reported); // the tool ran: its outcome must be recorded
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            clients.shutdown();
            assertTrue(wrong.isEmpty(), () -> wrong.subList(0, Math.min(5, wrong.size())).toString());
            assertTrue(busy.get() > 0, "a 64-slot FAIL ring behind per-event signing should refuse some submits");
            assertTrue(ledger.status().ready() || ledger.status().state() == dev.vouch.ledger.LedgerStatus.State.OPEN,
                    "a full ring is not a failed ledger");
        }
        Map<Long, String> outcomes = new HashMap<>();
        for (ServerJournal.Event e : ServerJournal.events(dir)) {
            if (e.type().equals("TOOL_RESULT")) {
                outcomes.put(e.parent(), e.type());
            }
        }
        for (long seq : allowed) {
            assertEquals("TOOL_RESULT", outcomes.get(seq), "call seq " + seq + " has its outcome on record");
        }
        assertEquals(Verdict.INTACT, ServerJournal.verify(dir, tmp.resolve(".vouch_key")).verdict());
    }

    @Test
    void shouldAnswerTasksOnAStoppedLedgerWithJournalUnavailable() throws Exception {
        try (StderrCapture err = new StderrCapture()) {
            GatewayFixture f = new GatewayFixture(tmp);
            try {
                assertEquals(201, f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"open-before\"}").status());
                f.journal.ledger.close(); // the ledger stops under the running gateway
                Http.Reply start = f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"after\"}");
                Http.Reply end = f.http.post("/v1/tasks/end", f.agentToken, "{\"task\":\"open-before\"}");
                for (Http.Reply r : List.of(start, end)) {
                    assertEquals(503, r.status(), r::toString);
                    assertEquals("journal_unavailable", r.errorCode(), r::toString);
                }
            } finally {
                f.close(); // and verifies the journal INTACT
            }
            assertFalse(err.text().contains("Unexpected failure") || err.text().contains("LedgerClosedException"),
                    err::text);
        }
    }
}
