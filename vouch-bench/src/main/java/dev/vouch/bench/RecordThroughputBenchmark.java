package dev.vouch.bench;

import dev.vouch.Event;
import dev.vouch.ledger.SigningMode;
import dev.vouch.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sustained events per second through the whole pipeline: published into the ring, chained, added to the
 * Merkle tree, appended to a real Chronicle journal on disk and covered by signed checkpoints, from 1, 2 or 4
 * producer threads. The ring applies {@code BLOCK} backpressure, so producers cannot run ahead of the journal
 * by more than the ring: over an iteration the rate measured is the rate at which events are journaled. Each
 * iteration ends with a {@code checkpoint()} that waits for everything accepted to be journaled and signed.
 * The default 30 s of measurement (after 10 s of warm-up) writes several GB, far past what the page cache
 * absorbs, so the disk's write-back is part of the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class RecordThroughputBenchmark {
    @Param({"64", "256", "4096"})
    int payloadBytes;

    @Param({"CHECKPOINT", "PER_EVENT"})
    SigningMode signing;

    private Path dir;
    private Ledger ledger;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("vouch-bench");
        ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key"))
                .signingMode(signing).shutdownHook(false).open();
    }

    @TearDown(Level.Iteration)
    public void drain() {
        ledger.checkpoint();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        ledger.close();
        BenchEvents.printAndCheck(ledger.stats());
        BenchEvents.deleteTree(dir);
    }

    /** Each producer thread reuses its own event, as an agent thread would. */
    @State(Scope.Thread)
    public static class Producer {
        final Event event = new Event();
        byte[] params;

        @Setup(Level.Trial)
        public void fill(RecordThroughputBenchmark bench) {
            params = BenchEvents.payload(bench.payloadBytes);
        }
    }

    @Benchmark
    @Threads(1)
    public boolean oneProducer(Producer p) {
        return ledger.record(BenchEvents.toolCall(p.event, p.params));
    }

    @Benchmark
    @Threads(2)
    public boolean twoProducers(Producer p) {
        return ledger.record(BenchEvents.toolCall(p.event, p.params));
    }

    @Benchmark
    @Threads(4)
    public boolean fourProducers(Producer p) {
        return ledger.record(BenchEvents.toolCall(p.event, p.params));
    }
}
