package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.RecorderStats;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.ledger.internal.SlotFaults;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A producer that fails between claiming ring slots and filling them (the heap full as it grows a slot's buffer for a
 * large event): the caller gets the error, nothing of the event is recorded, and the ledger goes on. An outside
 * trial's gateway ran out of heap there while recording a guarded call's group: the group's claimed slots were never
 * published, the consumer spun at them for ever, and the exit waited for it until the process was killed.
 */
class ProducerFailureTest {
    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    @AfterEach
    void reset() {
        SlotFaults.reset();
    }

    @ParameterizedTest(name = "{0} consumer thread(s)")
    @ValueSource(ints = {1, 2})
    // Without the fix the ledger's close waits for the stuck consumer for ever: fail instead of hanging the build.
    @org.junit.jupiter.api.Timeout(value = 90, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldGoOnAfterAProducerFailedToFillItsSlots(int consumerThreads) throws Exception {
        String big = "{\"pad\":\"" + "x".repeat(200_000) + "\"}";
        Path dir = tmp.resolve("journal");
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).consumerThreads(consumerThreads)
                .shutdownHook(false).open()) {
            ledger.recordDurably(new Event().kind(EventKind.NOTE).name("before"), Durability.JOURNALED);
            SlotFaults.failGrowthOver(100_000, 2);
            Event[] group = {new Event().kind(EventKind.TOOL_CALL).name("big").params(big),
                new Event().kind(EventKind.POLICY_DECISION).name("big").parentInGroup(0)};
            assertThrows(OutOfMemoryError.class, () -> ledger.recordDurably(group, Durability.JOURNALED));
            assertThrows(OutOfMemoryError.class, () -> ledger.record(new Event().kind(EventKind.TOOL_CALL).name("big")
                    .params(big)));
            // The consumer is not stuck at the slots claimed for them: the next calls are journaled, big ones too.
            long after = CompletableFuture.supplyAsync(() -> ledger.recordDurably(new Event().kind(EventKind.NOTE)
                    .name("after").params(big), Durability.SEALED)).get(30, TimeUnit.SECONDS);
            RecorderStats stats = ledger.stats();
            assertEquals(2, stats.accepted(), "the failed events were never accepted: " + stats);
            assertEquals(stats.accepted(), stats.journaled(), stats::toString);
            assertEquals(0, stats.lost() + stats.dropped(), stats::toString);
            RecordView v = new RecordView();
            byte[] last = RawJournal.read(dir).get((int) after);
            v.wrap(last, last.length);
            assertEquals("after", v.name());
        }
        VerificationReport report = Journals.verify(dir, dev.vouch.crypto.KeyFile.load(tmp.resolve(".vouch_key"))
                .verifyingKey());
        assertEquals(Verdict.INTACT, report.verdict(), Journals.describe(report));
        List<String> names = new java.util.ArrayList<>();
        RecordView v = new RecordView();
        for (byte[] r : RawJournal.read(dir)) {
            v.wrap(r, r.length);
            if (v.type() == dev.vouch.internal.format.RecordType.TOOL_CALL
                    || v.type() == dev.vouch.internal.format.RecordType.POLICY_DECISION
                    || v.type() == dev.vouch.internal.format.RecordType.NOTE) {
                names.add(v.name());
            }
        }
        assertEquals(List.of("before", "after"), names, "nothing of the failed events is on record");
    }
}
