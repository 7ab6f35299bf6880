package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.LedgerFullException;
import dev.vouch.RecorderStats;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.VerificationReport;
import dev.vouch.testsupport.StderrCapture;
import dev.vouch.verify.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every combination of the settings that change how events travel: backpressure × signing × wait mode × ring size
 * × how producers record (fire-and-forget, JOURNALED, SEALED, and groups). Each case writes from three concurrent
 * producers plus a group writer, closes, and verifies the journal INTACT with every accepted event journaled and
 * every refusal or drop counted and written as a gap.
 */
class ConfigurationMatrixTest {
    /** How the producers record. */
    enum Writes { RECORD, JOURNALED, SEALED }

    private static final int PRODUCERS = 3;

    @TempDir
    Path tmp;

    static Stream<Arguments> settings() {
        List<Arguments> all = new ArrayList<>();
        for (BackpressureMode backpressure : BackpressureMode.values()) {
            for (SigningMode signing : SigningMode.values()) {
                for (WaitMode wait : WaitMode.values()) {
                    for (int ring : new int[] {64, 4096}) {
                        for (Writes writes : Writes.values()) {
                            for (int consumers = 1; consumers <= 2; consumers++) {
                                all.add(Arguments.of(backpressure, signing, wait, ring, writes, consumers));
                            }
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} ring {3} {4} consumer threads {5}")
    @MethodSource("settings")
    void shouldJournalEveryAcceptedEventAndCountEveryRefusal(BackpressureMode backpressure, SigningMode signing,
            WaitMode wait, int ringSize, Writes writes, int consumerThreads) throws Exception {
        // PER_EVENT signs ~20 k events/s here: fewer events keep the 144 cases within seconds.
        int perProducer = signing == SigningMode.PER_EVENT ? 150 : 1_500;
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor;
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        RecorderStats stats;
        try (StderrCapture quiet = new StderrCapture()) { // [BACKPRESSURE] lines are expected in DROP and FAIL
            Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).shutdownHook(false)
                    .backpressure(backpressure).signingMode(signing).waitMode(wait).ringSize(ringSize)
                    .consumerThreads(consumerThreads)
                    .checkpointMaxEvents(97).checkpointMaxDelay(Duration.ofMillis(5)).open();
            try {
                anchor = ledger.verifyingKey();
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int p = 0; p <= PRODUCERS; p++) {
                    boolean groups = p == PRODUCERS;
                    int producer = p;
                    Thread t = new Thread(() -> {
                        Event e = new Event();
                        Event[] pair = {new Event(), new Event()};
                        awaitQuietly(start);
                        for (int i = 0; i < perProducer; i++) {
                            try {
                                if (groups) {
                                    pair[0].reset().kind(EventKind.TOOL_CALL).name("g").task("p" + producer);
                                    pair[1].reset().kind(EventKind.POLICY_DECISION).parentInGroup(0).task("p" + producer);
                                    ledger.recordDurably(pair, writes == Writes.SEALED ? Durability.SEALED : Durability.JOURNALED);
                                    accepted.addAndGet(2);
                                    continue;
                                }
                                e.reset().kind(EventKind.TOOL_CALL).name("e").task("p" + producer).params("{\"i\":" + i + "}");
                                boolean ok = switch (writes) {
                                    case RECORD -> ledger.record(e);
                                    case JOURNALED -> ledger.recordDurably(e, Durability.JOURNALED) >= 0;
                                    case SEALED -> ledger.recordDurably(e, Durability.SEALED) >= 0;
                                };
                                (ok ? accepted : refused).incrementAndGet();
                            } catch (LedgerFullException full) {
                                refused.addAndGet(groups ? 2 : 1);
                            }
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                start.countDown();
                for (Thread t : threads) {
                    t.join(120_000);
                    assertTrue(!t.isAlive(), "a producer did not finish");
                }
            } finally {
                ledger.close();
            }
            stats = ledger.stats();
        }
        long total = (long) (PRODUCERS + 2) * perProducer;
        assertEquals(total, accepted.get() + refused.get());
        assertEquals(accepted.get(), stats.accepted(), stats.toString());
        assertEquals(stats.accepted(), stats.journaled(), "every accepted event is journaled: " + stats);
        assertEquals(refused.get(), stats.dropped(), "every refusal and drop is counted: " + stats);
        assertEquals(0, stats.lost(), stats.toString());
        if (backpressure == BackpressureMode.BLOCK) {
            assertEquals(0, refused.get(), "BLOCK never refuses");
        }
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(stats.journaled(), r.events());
        assertEquals(refused.get(), r.droppedTotal(), "every drop is written into the chain as a gap");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
