package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.vouch.testsupport.StderrCapture;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.LedgerFullException;
import dev.vouch.RecorderStats;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several producers at once, in each backpressure mode: every event is accounted for exactly once. */
class ConcurrencyStressTest {
    @TempDir
    Path tmp;

    /** What the producer threads saw. */
    private record Outcome(BitSet[] accepted, long refused, long exceptions) {
    }

    private interface Attempt {
        /** Returns true if the event was accepted. */
        boolean record(Ledger ledger, Event event);
    }

    /**
     * Runs {@code threads} producers, each recording {@code perThread} events whose params are
     * {@code "<thread>:<counter>"}, released together so that they contend.
     */
    private static Outcome produce(Ledger ledger, int threads, int perThread, Attempt attempt) throws InterruptedException {
        BitSet[] accepted = new BitSet[threads];
        long[] refused = new long[threads];
        long[] exceptions = new long[threads];
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            accepted[t] = new BitSet(perThread);
            Thread p = new Thread(() -> {
                Event e = new Event();
                byte[] params = new byte[16];
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int n = encode(thread, i, params);
                        e.reset().kind(EventKind.TOOL_CALL).agent("stress").params(params, 0, n);
                        try {
                            if (attempt.record(ledger, e)) {
                                accepted[thread].set(i);
                            } else {
                                refused[thread]++;
                            }
                        } catch (LedgerFullException full) {
                            exceptions[thread]++;
                        }
                    }
                } catch (Throwable x) {
                    error.compareAndSet(null, x);
                }
            }, "producer-" + t);
            producers.add(p);
            p.start();
        }
        start.countDown();
        for (Thread p : producers) {
            p.join();
        }
        if (error.get() != null) {
            throw new AssertionError("a producer failed", error.get());
        }
        long r = 0;
        long x = 0;
        for (int t = 0; t < threads; t++) {
            r += refused[t];
            x += exceptions[t];
        }
        return new Outcome(accepted, r, x);
    }

    private static int encode(int thread, int counter, byte[] out) {
        byte[] s = (thread + ":" + counter).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, out, 0, s.length);
        return s.length;
    }

    /** What the journal holds, read back through the public reader. */
    private record Contents(BitSet[] seen, long events, long gapTotal, long records) {
    }

    /**
     * Reads every record back: sequence numbers must be dense from 0, each (thread, counter) must appear at
     * most once, and each producer's events must appear in the order it recorded them.
     */
    private static Contents readBack(Path dir, int threads, int perThread) throws IOException {
        BitSet[] seen = new BitSet[threads];
        int[] lastCounter = new int[threads];
        for (int t = 0; t < threads; t++) {
            seen[t] = new BitSet(perThread);
            lastCounter[t] = -1;
        }
        long events = 0;
        long gapTotal = 0;
        long expectedSeq = 0;
        RecordView v = new RecordView();
        RecordBuffer buf = new RecordBuffer(256);
        try (RecordSource source = JournalReader.open(dir)) {
            while (source.next(buf)) {
                v.wrap(buf.data(), buf.length());
                assertEquals(expectedSeq++, v.sequence(), "sequence numbers must be dense");
                if (v.type() == RecordType.GAP) {
                    gapTotal += v.gapDropped();
                } else if (v.type() == RecordType.TOOL_CALL) {
                    events++;
                    String p = new String(v.params(), StandardCharsets.US_ASCII);
                    int colon = p.indexOf(':');
                    int thread = Integer.parseInt(p.substring(0, colon));
                    int counter = Integer.parseInt(p.substring(colon + 1));
                    assertFalse(seen[thread].get(counter), "event " + p + " journaled twice");
                    assertTrue(counter > lastCounter[thread], "producer " + thread + "'s events out of order at " + p);
                    lastCounter[thread] = counter;
                    seen[thread].set(counter);
                }
            }
        }
        return new Contents(seen, events, gapTotal, expectedSeq);
    }

    @Test
    void shouldJournalEveryEventExactlyOnceFromFourProducersInBlockMode() throws Exception {
        int threads = 4;
        int perThread = 100_000;
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor;
        RecorderStats stats;
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).ringSize(1024)
                .backpressure(BackpressureMode.BLOCK).shutdownHook(false).open()) {
            anchor = ledger.verifyingKey();
            Outcome out = produce(ledger, threads, perThread, Ledger::record);
            assertEquals(0, out.refused() + out.exceptions());
            ledger.checkpoint();
            stats = ledger.stats();
        }
        assertEquals((long) threads * perThread, stats.accepted());
        assertEquals((long) threads * perThread, stats.journaled());
        assertEquals(0, stats.dropped());

        Contents c = readBack(dir, threads, perThread);
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, c.seen()[t].cardinality(), "producer " + t + " lost events");
        }
        assertEquals((long) threads * perThread, c.events());
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals((long) threads * perThread, r.events());
        assertEquals(c.records(), r.records());
    }

    /**
     * Producers that wait on a full ring are logged too ({@code [BACKPRESSURE]}, at most once a second): an outside
     * operator's trial found its ring full 603 times in BLOCK mode and no line, since only drops were logged.
     */
    @Test
    void shouldLogBackpressureWhenProducersWaitForAFullRingInBlockMode() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor;
        RecorderStats stats;
        String log;
        try (StderrCapture err = new StderrCapture()) {
            try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).ringSize(64)
                    .backpressure(BackpressureMode.BLOCK)
                    .signingMode(SigningMode.PER_EVENT) // a slow consumer: one Ed25519 signature per event
                    .shutdownHook(false).open()) {
                anchor = ledger.verifyingKey();
                Outcome out = produce(ledger, threads, perThread, Ledger::record);
                assertEquals(0, out.refused() + out.exceptions());
                stats = ledger.stats();
            }
            log = err.text();
        }
        assertTrue(stats.ringFull() > 0, "a 64-slot ring behind per-event signing should fill: " + stats);
        assertEquals(0, stats.dropped());
        assertTrue(log.lines().anyMatch(l -> l.contains("[BACKPRESSURE] ledger ring full (64 slots, mode BLOCK):"
                + " callers wait for a slot; 0 events dropped so far")), log);
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
    }

    @Test
    void shouldRecordEveryDropAsAGapInDropMode() throws Exception {
        int threads = 4;
        int perThread = 5_000;
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor;
        RecorderStats stats;
        Outcome out;
        String log;
        double seconds;
        try (StderrCapture err = new StderrCapture()) {
            Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).ringSize(64)
                    .backpressure(BackpressureMode.DROP)
                    .signingMode(SigningMode.PER_EVENT) // a slow consumer: one Ed25519 signature per event
                    .shutdownHook(false).open();
            try {
                anchor = ledger.verifyingKey();
                long started = System.nanoTime();
                out = produce(ledger, threads, perThread, Ledger::record);
                seconds = (System.nanoTime() - started) / 1e9;
            } finally {
                ledger.close();
            }
            stats = ledger.stats(); // after close: the gap records are written and every counter is final
            log = err.text();
        }
        assertEquals(0, out.exceptions());
        assertTrue(stats.dropped() > 0, "a 64-slot ring behind per-event signing should overflow: " + stats);
        assertEquals(out.refused(), stats.dropped(), "every false return is a counted drop");
        assertEquals(stats.dropped(), stats.gapsRecorded());
        assertEquals((long) threads * perThread, stats.accepted() + stats.dropped());
        assertTrue(log.contains("[BACKPRESSURE]"), "expected a [BACKPRESSURE] warning");
        long warnings = log.lines().filter(l -> l.contains("[BACKPRESSURE]")).count();
        assertTrue(warnings <= 1 + (long) Math.ceil(seconds), "[BACKPRESSURE] must be rate-limited to one a second, got "
                + warnings + " lines in " + seconds + " s");

        Contents c = readBack(dir, threads, perThread);
        for (int t = 0; t < threads; t++) {
            assertEquals(out.accepted()[t], c.seen()[t], "producer " + t + ": the journal must hold exactly the accepted events");
        }
        assertEquals(stats.dropped(), c.gapTotal(), "gap records must account for every drop");
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(stats.dropped(), r.droppedTotal());
        assertTrue(r.gaps() > 0);
    }

    @Test
    void shouldThrowLedgerFullAndRecordTheRefusalsInFailMode() throws Exception {
        int threads = 4;
        int perThread = 5_000;
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor;
        RecorderStats stats;
        Outcome out;
        Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).ringSize(64)
                .backpressure(BackpressureMode.FAIL)
                .signingMode(SigningMode.PER_EVENT)
                .shutdownHook(false).open();
        try {
            anchor = ledger.verifyingKey();
            out = produce(ledger, threads, perThread, Ledger::record);
        } finally {
            ledger.close();
        }
        stats = ledger.stats();
        assertEquals(0, out.refused(), "FAIL mode throws rather than returning false");
        assertTrue(out.exceptions() > 0, "a 64-slot ring behind per-event signing should overflow: " + stats);
        assertEquals(out.exceptions(), stats.dropped());
        assertEquals((long) threads * perThread, stats.accepted() + stats.dropped());

        Contents c = readBack(dir, threads, perThread);
        for (int t = 0; t < threads; t++) {
            assertEquals(out.accepted()[t], c.seen()[t], "producer " + t);
        }
        assertEquals(out.exceptions(), c.gapTotal());
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(out.exceptions(), r.droppedTotal());
    }
}
