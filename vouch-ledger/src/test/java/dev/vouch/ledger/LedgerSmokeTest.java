package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
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
            long synced = ledger.recordDurably(e.reset().kind(EventKind.NOTE).name("synced"), Durability.SYNCED);
            assertTrue(synced > seq, "synced " + synced + " after " + seq);
            assertTrue(ledger.stats().sealed() >= 10_002, "sealed count " + ledger.stats());
        }
        VerificationReport report = Journals.verify(dir, key);
        assertEquals(Verdict.INTACT, report.verdict());
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).open()) {
            ledger.record(new Event().name("after-reopen"));
        }
        report = Journals.verify(dir, key);
        assertEquals(Verdict.INTACT, report.verdict());
    }
}
