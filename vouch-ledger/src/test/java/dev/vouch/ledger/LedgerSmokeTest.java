package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerSmokeTest {
    @TempDir
    Path tmp;

    @Test
    void shouldWriteAJournalThatVerifiesIntact() {
        VerifyingKey key;
        Path dir = tmp.resolve("journal");
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).open()) {
            key = ledger.verifyingKey();
            Event e = new Event();
            for (int i = 0; i < 10_000; i++) {
                e.reset().kind(EventKind.TOOL_CALL).agent("agent-1").task("t1").name("fs.read").params("{\"i\":" + i + "}");
                ledger.record(e);
            }
            long seq = ledger.recordDurably(e.reset().kind(EventKind.NOTE).name("durable"));
            System.out.println("durable seq " + seq + " stats " + ledger.stats());
        }
        VerificationReport report = Journals.verify(dir, key);
        System.out.println(report.verdict() + " " + report.verdictReason() + " records=" + report.records()
                + " checkpoints=" + report.checkpoints() + " failures=" + report.failures());
        assertEquals(Verdict.INTACT, report.verdict());
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).open()) {
            ledger.record(new Event().name("after-reopen"));
        }
        report = Journals.verify(dir, key);
        System.out.println(report.verdict() + " " + report.verdictReason() + " records=" + report.records());
        assertEquals(Verdict.INTACT, report.verdict());
    }
}
