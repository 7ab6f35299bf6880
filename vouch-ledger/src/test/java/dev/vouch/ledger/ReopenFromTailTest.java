package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.vouch.testsupport.StderrCapture;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.JournalCorruptException;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.internal.JournalTail;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.verify.ResumePoint;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default open reads only the tail: from the last format 1.1 checkpoint on. Its resume point must be exactly
 * the one a full verification gives, for a journal cut after any record; anything it cannot use sends the ledger
 * to a full verification, and a damaged or tampered tail is refused.
 */
class ReopenFromTailTest {
    @TempDir
    static Path shared;
    static Path journal;
    static Path keyFile;
    static VerifyingKey anchor;
    static List<byte[]> records;

    @TempDir
    Path tmp;

    private static void record(Ledger ledger, int from, int to) {
        Event e = new Event();
        for (int i = from; i < to; i++) {
            ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("tail").params("{\"i\":" + i + "}"));
        }
    }

    /** Two sessions, two rotations (one the last thing before a close), a recovery, light and heavy batches. */
    @BeforeAll
    static void writeJournal() throws IOException {
        journal = shared.resolve("journal");
        keyFile = shared.resolve(".vouch_key");
        try (Ledger ledger = Ledger.builder(journal).keyFile(keyFile).checkpointMaxEvents(16).shutdownHook(false).open()) {
            anchor = ledger.verifyingKey();
            record(ledger, 0, 60);
            ledger.rotateKey();
            record(ledger, 60, 90);
        }
        try (Ledger ledger = Ledger.builder(journal).keyFile(keyFile).shutdownHook(false).open()) {
            for (int i = 90; i < 120; i++) {
                ledger.recordDurably(new Event().kind(EventKind.TOOL_RESULT).name("tail").result("{\"i\":" + i + "}"));
            }
            ledger.rotateKey();
        }
        records = RawJournal.read(journal);
        assertEquals(Verdict.INTACT, Journals.verify(journal, anchor).verdict());
    }

    private static void assertSameResume(ResumePoint full, ResumePoint tail, String context) {
        assertEquals(full.nextSequence(), tail.nextSequence(), context);
        assertArrayEquals(full.lastLeafHash(), tail.lastLeafHash(), context);
        assertArrayEquals(full.tree().root(), tail.tree().root(), context);
        assertEquals(full.tree().size(), tail.tree().size(), context);
        assertEquals(full.origin(), tail.origin(), context);
        assertEquals(full.currentKey(), tail.currentKey(), context);
        assertEquals(full.pendingKey(), tail.pendingKey(), context);
        assertEquals(full.lastCheckpoint(), tail.lastCheckpoint(), context);
        assertEquals(full.lastTimestamp(), tail.lastTimestamp(), context);
        assertEquals(full.droppedTotal(), tail.droppedTotal(), context);
        assertEquals(full.lastGapOrStart(), tail.lastGapOrStart(), context);
        assertEquals(full.events(), tail.events(), context);
        assertEquals(full.sealed(), tail.sealed(), context);
    }

    @Test
    void shouldResumeExactlyAsAFullVerificationDoesAfterAnyRecord() throws IOException {
        int fromTail = 0;
        for (int cut = 2; cut <= records.size(); cut++) {
            Path dir = tmp.resolve("cut-" + cut);
            RawJournal.write(dir, records.subList(0, cut));
            VerificationReport full = Journals.verify(dir, anchor);
            JournalTail.Result tail = JournalTail.resume(dir);
            String context = "journal cut after " + cut + " records: " + tail.whyNot();
            if (tail.resume() != null) {
                fromTail++;
                assertEquals(0, full.failureCount(), context);
                assertSameResume(full.resumePoint(), tail.resume(), context);
            }
        }
        assertTrue(fromTail > records.size() * 9 / 10, "the tail serves nearly every cut: " + fromTail);
    }

    @Test
    void shouldReopenFromTheTailAndSaySo() throws IOException {
        Path dir = JournalFiles.copy(journal, tmp.resolve("reopen"));
        String log;
        try (StderrCapture err = new StderrCapture();
             Ledger ledger = Ledger.builder(dir).keyFile(JournalFiles.copy(keyFile.getParent(), tmp.resolve("keys"))
                     .resolve(keyFile.getFileName())).shutdownHook(false).open()) {
            log = err.text();
            record(ledger, 120, 130);
        }
        assertTrue(log.contains("tail verified from its checkpoint at sequence " + (records.size() - 1)), log);
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(130, r.events());
    }

    @Test
    void shouldRefuseATamperedTailWithoutAFullVerification() throws IOException {
        Path dir = tmp.resolve("tampered-tail");
        // A crashed journal: a checkpoint, then two events no checkpoint covers; the first is altered.
        int c = -1;
        for (int i = 0; i + 2 < records.size() && c < 0; i++) {
            if (Forger.type(records.get(i)) == RecordType.CHECKPOINT && Forger.type(records.get(i + 1)).isEvent()
                    && Forger.type(records.get(i + 2)).isEvent()) {
                c = i;
            }
        }
        assertTrue(c > 0, "no checkpoint followed by two events");
        List<byte[]> forged = Forger.copy(records.subList(0, c + 3));
        byte[] victim = forged.get(c + 1);
        victim[victim.length - 3] ^= 1;
        RawJournal.write(dir, forged);
        Path keys = JournalFiles.copy(keyFile.getParent(), tmp.resolve("keys-tampered"));

        try (StderrCapture err = new StderrCapture()) {
            JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> Ledger.builder(dir)
                    .keyFile(keys.resolve(keyFile.getFileName())).shutdownHook(false).open().close());
            assertTrue(e.getMessage().contains("tail"), e.getMessage());
            assertTrue(err.text().contains("[CRITICAL]"), err.text());
        }
    }

    /**
     * A journal Vouch 0.1 wrote (format 1.0: no resume state) is verified in full on open, continued with 1.1
     * records, and from then on reopened from its tail; the mixed journal verifies.
     */
    @Test
    void shouldContinueAFormat10JournalAndResumeItsTailOnceItHasOne() throws IOException {
        Path keys = Files.createDirectories(tmp.resolve("old-keys"));
        Path oldKeyFile = keys.resolve("key");
        SigningKey key = KeyFile.create(oldKeyFile, new java.security.SecureRandom());
        Path fresh = tmp.resolve("fresh");
        try (Ledger ledger = Ledger.builder(fresh).keyFile(oldKeyFile).origin("example.com/old").shutdownHook(false)
                .open()) {
            record(ledger, 0, 40);
        }
        List<byte[]> asOld = new ArrayList<>();
        for (byte[] r : RawJournal.read(fresh)) {
            byte[] copy = r.clone();
            copy[RecordDescriptor.MINOR_OFFSET] = 0;
            asOld.add(Forger.type(r) == RecordType.CHECKPOINT
                    ? Forger.checkpointRecord(Forger.sequence(r), Forger.timestamp(r), Forger.view(r).prev(),
                    Forger.view(r).note(), null) : copy);
        }
        Path old = tmp.resolve("format-1.0");
        RawJournal.write(old, Forger.rebuild(asOld, i -> key));
        assertEquals(Verdict.INTACT, Journals.verify(old, key.verifyingKey()).verdict());
        JournalTail.Result none = JournalTail.resume(old);
        assertNull(none.resume(), "no 1.1 checkpoint to resume from");

        for (int session = 0; session < 2; session++) {
            String log;
            try (StderrCapture err = new StderrCapture();
                 Ledger ledger = Ledger.builder(old).keyFile(oldKeyFile).shutdownHook(false).open()) {
                log = err.text();
                record(ledger, 100 * session, 100 * session + 10);
            }
            assertTrue(log.contains(session == 0 ? "verifying all of it" : "tail verified from its checkpoint"), log);
        }
        VerificationReport r = Journals.verify(old, key.verifyingKey());
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(60, r.events());
        assertNotNull(JournalTail.resume(old).resume());
    }
}
