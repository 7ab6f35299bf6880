package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recorder.recordDurably(Event[], ...): consecutive numbers, resolved in-group parents, all or nothing. */
class RecordGroupTest {
    @TempDir
    Path tmp;

    @Test
    void shouldGiveAGroupConsecutiveSequenceNumbersAndResolveParentsUnderConcurrentLoad() throws Exception {
        Path dir = tmp.resolve("journal");
        VerifyingKey key;
        int threads = 4;
        int groups = 2_000;
        // A tiny ring, a low checkpoint bound and a short delay put gaps, checkpoints and ticks between groups.
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).shutdownHook(false).ringSize(64)
                .checkpointMaxEvents(7).checkpointMaxDelay(Duration.ofMillis(1)).open()) {
            key = ledger.verifyingKey();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done[t] = pool.submit(() -> {
                    Event[] group = {new Event(), new Event(), new Event()};
                    Event lone = new Event();
                    for (int i = 0; i < groups; i++) {
                        group[0].reset().kind(EventKind.TOOL_CALL).name("g").task(thread + "/" + i);
                        group[1].reset().kind(EventKind.POLICY_DECISION).task(thread + "/" + i).parentInGroup(0);
                        group[2].reset().kind(EventKind.APPROVAL).task(thread + "/" + i).parentInGroup(1);
                        long first = ledger.recordDurably(group, i % 5 == 0 ? Durability.SEALED : Durability.JOURNALED);
                        assertTrue(first >= 0);
                        ledger.record(lone.reset().kind(EventKind.NOTE).task(thread + "/" + i));
                    }
                    return null;
                });
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        Map<String, long[]> byTask = new HashMap<>();
        RecordView v = new RecordView();
        RecordBuffer buf = new RecordBuffer(4096);
        try (RecordSource source = JournalReader.open(dir)) {
            while (source.next(buf)) {
                v.wrap(buf.data(), buf.length());
                if (!v.type().isEvent() || v.type() == dev.vouch.internal.format.RecordType.NOTE) {
                    continue;
                }
                long[] seqs = byTask.computeIfAbsent(v.task(), k -> new long[] {-9, -9, -9});
                switch (v.type()) {
                    case TOOL_CALL -> seqs[0] = v.sequence();
                    case POLICY_DECISION -> {
                        seqs[1] = v.sequence();
                        assertEquals(seqs[0], v.parent(), "decision's parent is its call");
                    }
                    case APPROVAL -> {
                        seqs[2] = v.sequence();
                        assertEquals(seqs[1], v.parent(), "approval's parent is its decision");
                    }
                    default -> throw new AssertionError(v.type());
                }
            }
        }
        assertEquals(threads * groups, byTask.size());
        for (Map.Entry<String, long[]> e : byTask.entrySet()) {
            long[] s = e.getValue();
            assertTrue(s[1] == s[0] + 1 && s[2] == s[0] + 2, e.getKey() + ": not consecutive " + java.util.Arrays.toString(s));
        }
        assertEquals(Verdict.INTACT, Journals.verify(dir, key).verdict());
    }

    @Test
    void shouldRefuseABadGroupBeforeRecordingAnyOfIt() {
        try (Ledger ledger = Ledger.builder(tmp.resolve("journal")).keyFile(tmp.resolve(".vouch_key"))
                .shutdownHook(false).open()) {
            long before = ledger.stats().accepted();
            Event a = new Event().name("a");
            Event forward = new Event().name("b").parentInGroup(1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ledger.recordDurably(new Event[] {a, forward}, Durability.JOURNALED));
            assertTrue(e.getMessage().contains("only an earlier member"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ledger.recordDurably(new Event[0], Durability.JOURNALED));
            Event alone = new Event().name("c").parentInGroup(0);
            e = assertThrows(IllegalArgumentException.class, () -> ledger.record(alone));
            assertTrue(e.getMessage().contains("recorded alone"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ledger.recordDurably(alone));
            assertEquals(before, ledger.stats().accepted(), "nothing of a refused group was accepted");
        }
    }
}
