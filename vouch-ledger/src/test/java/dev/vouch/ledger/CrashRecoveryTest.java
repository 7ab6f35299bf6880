package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed with SIGKILL under load, three times over: what it reported as journaled or sealed survives,
 * the verifier calls the unsealed journal INCOMPLETE without touching it, and reopening seals the tail with a
 * recovery record and continues the chain.
 */
class CrashRecoveryTest {
    private static final int KILLS = 3;

    @TempDir
    Path tmp;

    @Test
    void shouldSurviveSigkillUnderLoadAndRecoverOnReopen() throws Exception {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        Path work = Files.createDirectories(tmp.resolve("work"));
        VerifyingKey anchor = null;

        for (int round = 1; round <= KILLS; round++) {
            List<Long> durable;
            List<Long> sealed;
            try (ChildJvm child = ChildJvm.start(work, "load", dir.toString(), keyFile.toString(), "r" + round)) {
                child.awaitLine("READY", 60, TimeUnit.SECONDS);
                Thread.sleep(ThreadLocalRandom.current().nextInt(20, 200)); // land the kill anywhere in the load
                int exit = child.kill();
                assertEquals(137, exit, "expected death by SIGKILL; stderr:\n" + child.stderrText());
                durable = child.numbers("DURABLE ");
                sealed = child.numbers("SEALED ");
            }
            if (anchor == null) {
                anchor = VerifyingKey.of(Forger.view(RawJournal.read(dir).get(0)).publicKey());
                assertEquals(KeyFile.load(keyFile).verifyingKey(), anchor);
            }
            assertFalse(durable.isEmpty(), "round " + round + ": the child reported no durable event");

            // Verify before reopening: INCOMPLETE, never TAMPERED, and not a byte changed.
            Map<String, String> before = JournalFiles.snapshot(dir);
            VerificationReport crashed = Journals.verify(dir, anchor);
            assertEquals(Verdict.INCOMPLETE, crashed.verdict(), "round " + round + ": " + Journals.describe(crashed));
            assertEquals(0, crashed.failureCount());
            assertEquals(before, JournalFiles.snapshot(dir), "verification must not write");

            List<byte[]> survived = RawJournal.read(dir);
            int n = survived.size();
            assertEquals(n, crashed.records());
            for (long seq : durable) {
                assertTrue(seq < n, "round " + round + ": durable seq " + seq + " lost; journal has " + n + " records");
                RecordView v = Forger.view(survived.get((int) seq));
                assertEquals(seq, v.sequence());
                assertEquals("durable", v.name(), "seq " + seq);
            }
            long lastSealed = sealed.stream().mapToLong(Long::longValue).max().orElse(-1);
            long coveredSize = Checkpoint.parse(SignedNote.parse(crashed.lastCheckpointNote()).text()).size();
            assertTrue(lastSealed < coveredSize, "round " + round + ": SEALED seq " + lastSealed
                    + " is not covered by the last valid checkpoint (size " + coveredSize + ")");

            // Reopen: the tail is sealed with a recovery record and the chain continues.
            long lastCheckpoint = -1;
            for (int i = 0; i < n; i++) {
                if (Forger.type(survived.get(i)) == RecordType.CHECKPOINT) {
                    lastCheckpoint = i;
                }
            }
            long next;
            try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
                next = ledger.recordDurably(new Event().kind(EventKind.NOTE).name("after-crash").params("r" + round));
            }
            List<byte[]> after = RawJournal.read(dir);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(survived.get(i), after.get(i), "round " + round + ": record " + i + " changed on reopen");
            }
            RecordView recovery = Forger.view(after.get(n));
            assertEquals(RecordType.RECOVERY, recovery.type(), "round " + round);
            assertEquals(n, recovery.sequence());
            assertEquals(lastCheckpoint, recovery.recoveryLastCheckpoint());
            assertEquals(n - lastCheckpoint - 1, recovery.recoveryUncovered());
            assertEquals(RecordType.CHECKPOINT, Forger.type(after.get(n + 1)));
            assertEquals(RecordType.RESUME, Forger.type(after.get(n + 2)));
            assertEquals(RecordType.CHECKPOINT, Forger.type(after.get(n + 3)));
            assertEquals(n + 4, next, "the first new event continues the sequence");

            VerificationReport reopened = Journals.verify(dir, anchor);
            assertEquals(Verdict.INTACT, reopened.verdict(), "round " + round + ": " + Journals.describe(reopened));
            assertEquals(round, reopened.recoveries());
        }
    }
}
