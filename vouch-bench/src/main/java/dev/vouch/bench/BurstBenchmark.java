package dev.vouch.bench;

import dev.vouch.Event;
import dev.vouch.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bursts that fit in memory: one producer records {@value #BURST} events into a fresh journal, and the burst
 * ends only when all of them are journaled and covered by a signed checkpoint (the final {@code checkpoint()}
 * is inside the measured operation). A burst of 256-byte events is about 300 MB, which the page cache
 * absorbs, so this is the rate before the disk's write-back matters. {@code chronicleAppend} is the same burst
 * of the same records straight into a fresh Chronicle queue, the physical limit. Scores are events/s.
 * {@code consumerThreads} 1 runs the ledger's two stages on one thread (the default on 2 processors), 2 on two.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BurstBenchmark {
    static final int BURST = 1_000_000;

    /** A fresh ledger for every burst. */
    @State(Scope.Benchmark)
    public static class LedgerBurst {
        @Param({"256"})
        int payloadBytes;

        @Param({"1", "2"})
        int consumerThreads;

        final Event event = new Event();
        byte[] params;
        Path dir;
        Ledger ledger;

        @Setup(Level.Trial)
        public void prepare() {
            params = BenchEvents.payload(payloadBytes);
        }

        @Setup(Level.Invocation)
        public void freshJournal() throws IOException {
            dir = Files.createTempDirectory("vouch-burst");
            ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key")).shutdownHook(false)
                    .consumerThreads(consumerThreads).open();
        }

        @TearDown(Level.Invocation)
        public void discardJournal() throws IOException {
            ledger.close();
            BenchEvents.printAndCheck(ledger.stats());
            BenchEvents.deleteTree(dir);
        }
    }

    /** A fresh raw Chronicle queue for every burst. */
    @State(Scope.Benchmark)
    public static class QueueBurst {
        @Param({"256"})
        int payloadBytes;

        byte[] record;
        Path dir;
        ChronicleQueue queue;
        ExcerptAppender appender;

        @Setup(Level.Trial)
        public void prepare() {
            record = BaselineBenchmark.encodedRecord(payloadBytes);
        }

        @Setup(Level.Invocation)
        public void freshQueue() throws IOException {
            dir = Files.createTempDirectory("vouch-burst-raw");
            queue = SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(LargeRollCycles.LARGE_DAILY).build();
            appender = queue.createAppender();
        }

        @TearDown(Level.Invocation)
        public void discardQueue() throws IOException {
            appender.close();
            queue.close();
            BenchEvents.deleteTree(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long record(LedgerBurst b) {
        for (int i = 0; i < BURST; i++) {
            b.ledger.record(BenchEvents.toolCall(b.event, b.params));
        }
        return b.ledger.checkpoint();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void chronicleAppend(QueueBurst q) {
        for (int i = 0; i < BURST; i++) {
            try (DocumentContext dc = q.appender.writingDocument()) {
                dc.wire().bytes().write(q.record, 0, q.record.length);
            }
        }
    }
}
