package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.RecorderStats;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** When the chain stage signs: at its bounds, for a waiting sealer, when idle past the delay; never per batch. */
class CheckpointCadenceTest {
    @TempDir
    Path tmp;

    @Test
    void shouldNotSignOncePerEventUnderSequentialWriteAheadLoad() {
        Path dir = tmp.resolve("journal");
        VerifyingKey key;
        int events = 5_000;
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).shutdownHook(false)
                .checkpointMaxDelay(Duration.ofSeconds(10)).open()) {
            key = ledger.verifyingKey();
            Event e = new Event();
            for (int i = 0; i < events; i++) {
                ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).name("t").params("{\"i\":" + i + "}"));
            }
        }
        List<RecordType> types = types(dir);
        long checkpoints = types.stream().filter(t -> t == RecordType.CHECKPOINT).count();
        // Genesis' checkpoint, one per 4,096 records, the seal's: a handful, where signing per batch gave 5,000.
        assertTrue(checkpoints <= 4, checkpoints + " checkpoints for " + events + " sequential events");
        assertTrue(types.size() <= events * 1.05, types.size() + " records for " + events + " events");
        assertEquals(Verdict.INTACT, Journals.verify(dir, key).verdict());
    }

    @ParameterizedTest
    @EnumSource(WaitMode.class)
    void shouldSealAQuietTailWithinTheDelayWithoutAnotherEvent(WaitMode waitMode) throws Exception {
        Path dir = tmp.resolve("journal");
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).shutdownHook(false)
                .waitMode(waitMode).checkpointMaxDelay(Duration.ofMillis(20)).open()) {
            long seq = ledger.recordDurably(new Event().kind(EventKind.NOTE).name("lonely"));
            RecorderStats before = ledger.stats();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (ledger.stats().sealed() < before.journaled() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(before.journaled(), ledger.stats().sealed(), "the idle ledger sealed its tail: " + ledger.stats());
            // Read while open (reading never writes): the last record is a checkpoint covering the event.
            List<RecordType> types = types(dir);
            assertEquals(RecordType.CHECKPOINT, types.get(types.size() - 1), types.toString());
            assertTrue(types.size() > seq + 1);
        }
    }

    @Test
    void shouldSignAtOnceForASealedCallerAndOnlyAtTheBoundOtherwise() {
        Path dir = tmp.resolve("journal");
        VerifyingKey key;
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).shutdownHook(false)
                .checkpointMaxDelay(Duration.ofHours(1)).checkpointMaxEvents(100).open()) {
            key = ledger.verifyingKey();
            Event e = new Event().kind(EventKind.NOTE);
            long checkpointsAtStart = ledger.stats().checkpoints();
            for (int i = 0; i < 50; i++) {
                ledger.recordDurably(e.name("j" + i));
            }
            assertEquals(checkpointsAtStart, ledger.stats().checkpoints(), "JOURNALED callers cause no signature");
            ledger.recordDurably(e.name("sealed"), Durability.SEALED);
            assertEquals(checkpointsAtStart + 1, ledger.stats().checkpoints(), "a SEALED caller causes one");
            for (int i = 0; i < 250; i++) {
                ledger.recordDurably(e.name("k" + i));
            }
            long atBound = ledger.stats().checkpoints() - checkpointsAtStart - 1;
            assertTrue(atBound >= 2 && atBound <= 3, atBound + " checkpoints for 250 records at a bound of 100");
        }
        assertEquals(Verdict.INTACT, Journals.verify(dir, key).verdict());
    }

    static List<RecordType> types(Path dir) {
        List<RecordType> out = new ArrayList<>();
        RecordView v = new RecordView();
        RecordBuffer buf = new RecordBuffer(4096);
        try (RecordSource source = JournalReader.open(dir)) {
            while (source.next(buf)) {
                out.add(v.wrap(buf.data(), buf.length()).type());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
