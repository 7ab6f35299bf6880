package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.internal.TestClock;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing and reopening continues one chain; write-ahead calls return only once their promise holds. */
class ReopenContinuityTest {
    @TempDir
    Path tmp;

    @Test
    void shouldContinueTheSequenceAcrossCloseAndReopen() {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        VerifyingKey anchor = null;
        long events = 0;
        for (int session = 0; session < 3; session++) {
            int before = session == 0 ? 0 : RawJournal.read(dir).size();
            long first;
            try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
                if (anchor == null) {
                    anchor = ledger.verifyingKey();
                }
                first = ledger.recordDurably(new Event().name("first of session " + session));
                for (int i = 0; i < 500; i++) {
                    ledger.record(new Event().kind(EventKind.TOOL_CALL).name("s" + session).params("{\"i\":" + i + "}"));
                }
                events += 501;
            }
            List<byte[]> records = RawJournal.read(dir);
            if (session == 0) {
                assertEquals(RecordType.GENESIS, Forger.type(records.get(0)));
                assertEquals(2, first, "genesis and its checkpoint come first");
            } else {
                // The previous session ended with seal + checkpoint; this one starts with resume + checkpoint.
                assertEquals(RecordType.SEAL, Forger.type(records.get(before - 2)));
                assertEquals(RecordType.RESUME, Forger.type(records.get(before)));
                assertEquals(RecordType.CHECKPOINT, Forger.type(records.get(before + 1)));
                assertEquals(before + 2, first, "session " + session + " continues the sequence");
            }
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i, Forger.sequence(records.get(i)));
            }
            VerificationReport r = Journals.verify(dir, anchor);
            assertEquals(Verdict.INTACT, r.verdict(), "session " + session + ": " + Journals.describe(r));
            assertEquals(events, r.events());
            assertEquals(records.size(), r.records());
        }
    }

    @Test
    void shouldReturnFromASealedWriteOnlyOnceACheckpointCoversIt() throws Exception {
        Path dir = tmp.resolve("journal");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> error = new AtomicReference<>();
        int rounds = 100;
        long[] sealedSeq = new long[rounds];
        long[] returnedAt = new long[rounds];
        long[] journaledSeq = new long[rounds];
        VerifyingKey anchor;
        // Checkpoints neither by count nor by time: only at the end of a consumer batch. A flooding producer
        // keeps batches long, so a sealed write that returned early would return well before its checkpoint.
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key"))
                .checkpointMaxEvents(1 << 20).checkpointMaxDelay(Duration.ofMinutes(10))
                .shutdownHook(false).open()) {
            anchor = ledger.verifyingKey();
            Thread background = new Thread(() -> {
                Event e = new Event();
                try {
                    for (long i = 0; !stop.get() && i < 300_000; i++) {
                        ledger.record(e.reset().name("background").params("{\"i\":" + i + "}"));
                    }
                } catch (Throwable t) {
                    error.set(t);
                }
            });
            background.start();
            try {
                Event e = new Event();
                for (int i = 0; i < rounds; i++) {
                    journaledSeq[i] = ledger.recordDurably(e.reset().name("journaled").params("{\"j\":" + i + "}"), Durability.JOURNALED);
                    sealedSeq[i] = ledger.recordDurably(e.reset().name("sealed").params("{\"s\":" + i + "}"), Durability.SEALED);
                    returnedAt[i] = TestClock.nowNanos(); // the clock the writer stamps records with
                }
                // The live journal already holds what the calls returned, and verifies (unsealed) as it stands. The
                // producer stops first, and one more write-ahead call waits until the journal holds everything it
                // accepted before, so that every verification (on 1, 2 and 3 threads) reads the same records: without
                // it the consumer may still be appending what the ring held, between one verification and the next.
                stop.set(true);
                background.join();
                ledger.recordDurably(e.reset().name("drained"), Durability.JOURNALED);
                List<byte[]> live = RawJournal.read(dir);
                assertTrue(live.size() > sealedSeq[rounds - 1]);
                VerificationReport r = Journals.verify(dir, anchor);
                assertEquals(0, r.failureCount(), Journals.describe(r));
                long covered = Checkpoint.parse(SignedNote.parse(r.lastCheckpointNote()).text()).size();
                assertTrue(covered > sealedSeq[rounds - 1], "last covered " + covered + ", sealed " + sealedSeq[rounds - 1]);
            } finally {
                stop.set(true);
                background.join();
            }
            if (error.get() != null) {
                throw new AssertionError("background producer failed", error.get());
            }
        }
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));

        List<byte[]> records = RawJournal.read(dir);
        for (int i = 0; i < rounds; i++) {
            assertEquals("journaled", Forger.view(records.get((int) journaledSeq[i])).name());
            assertEquals("sealed", Forger.view(records.get((int) sealedSeq[i])).name());
            int cp = (int) sealedSeq[i] + 1;
            while (Forger.type(records.get(cp)) != RecordType.CHECKPOINT) {
                cp++;
            }
            long checkpointWrittenAt = Forger.timestamp(records.get(cp));
            assertTrue(checkpointWrittenAt <= returnedAt[i], "round " + i + ": recordDurably(SEALED) returned seq "
                    + sealedSeq[i] + " " + (checkpointWrittenAt - returnedAt[i]) / 1000
                    + " us before the checkpoint covering it (seq " + cp + ") was written");
        }
    }
}
