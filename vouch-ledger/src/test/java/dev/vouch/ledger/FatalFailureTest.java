package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.LedgerClosedException;
import dev.vouch.RecorderStats;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fatal failure inside the running ledger (here: the chain thread cannot stage a rotated key because a
 * directory sits where the staged key file must go, which stops root as well as anyone else): the failing call
 * and every later one get {@link LedgerClosedException}, write-ahead callers already waiting are failed rather
 * than left hanging, nothing of the failing slot reaches the journal, the journal is an intact prefix that
 * verifies as unsealed, and reopening it recovers and continues.
 */
class FatalFailureTest {
    @TempDir
    Path tmp;

    @Test
    void shouldFailEveryCallerAndLeaveAVerifiablePrefixWhenTheChainThreadFails() throws Exception {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open();
        VerifyingKey key = ledger.verifyingKey();
        Event e = new Event();
        for (int i = 0; i < 1000; i++) {
            ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("before").params("{\"i\":" + i + "}"));
        }
        ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).name("sealed"), Durability.SEALED);

        Path staged = keyFile.resolveSibling(keyFile.getFileName() + ".next");
        Files.createDirectories(staged);
        Files.writeString(staged.resolve("in-the-way"), "x");

        // Write-ahead callers racing the failure: each must return or throw, never hang.
        int callers = 4;
        CountDownLatch started = new CountDownLatch(callers);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < callers; t++) {
            Thread th = new Thread(() -> {
                Event own = new Event();
                started.countDown();
                try {
                    for (int i = 0; i < 10_000; i++) {
                        ledger.recordDurably(own.reset().kind(EventKind.TOOL_CALL).name("racing"), Durability.SEALED);
                    }
                    outcomes.add(new AssertionError("10,000 write-ahead calls succeeded after the failure"));
                } catch (LedgerClosedException expected) {
                    outcomes.add(expected);
                }
            });
            th.start();
            threads.add(th);
        }
        started.await();

        assertEquals(LedgerStatus.State.OPEN, ledger.status().state());
        LedgerClosedException failed = assertThrows(LedgerClosedException.class, ledger::rotateKey);
        assertTrue(String.valueOf(failed.getMessage()).contains("failed"), failed.getMessage());
        LedgerStatus status = ledger.status();
        assertEquals(LedgerStatus.State.FAILED, status.state(), "a health check sees the failure");
        assertNotNull(status.failure());
        assertFalse(status.ready());
        for (Thread th : threads) {
            th.join(30_000);
            assertTrue(!th.isAlive(), "a write-ahead caller hung after the failure");
        }
        for (Throwable o : outcomes) {
            assertTrue(o instanceof LedgerClosedException, String.valueOf(o));
        }
        assertThrows(LedgerClosedException.class, () -> ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("after")));
        assertThrows(LedgerClosedException.class, ledger::close);
        RecorderStats stats = ledger.stats();
        assertEquals(stats.accepted(), stats.journaled() + stats.lost(), stats.toString());

        VerificationReport r = Journals.verify(dir, key);
        assertEquals(Verdict.INCOMPLETE, r.verdict(), Journals.describe(r));
        assertTrue(r.failures().isEmpty(), Journals.describe(r));
        assertEquals(stats.journaled(), r.events(), Journals.describe(r));
        assertEquals(stats.records(), r.records(), "the journal holds exactly what the ledger appended: "
                + Journals.describe(r));
        assertTrue(r.events() >= 1001, "every acknowledged event is in the journal: " + Journals.describe(r));

        Files.delete(staged.resolve("in-the-way"));
        Files.delete(staged);
        try (Ledger reopened = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            reopened.record(e.reset().kind(EventKind.TOOL_CALL).name("after-recovery"));
        }
        VerificationReport after = Journals.verify(dir, key);
        assertEquals(Verdict.INTACT, after.verdict(), Journals.describe(after));
        assertEquals(stats.journaled() + 1, after.events());
    }
}
