package dev.vouch.bench;

import dev.vouch.Event;
import dev.vouch.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether ingest slows down as the journal grows: {@code record()} throughput through the whole pipeline, measured
 * as {@link RecordThroughputBenchmark} measures it ({@code BLOCK} backpressure, a {@code checkpoint()} ending each
 * iteration), on an empty journal and on one that already holds 20 M records. The original Go Vouch fell from 485
 * to 10 events/s as its ledger grew; the two scores here should stay within 10 % of each other.
 *
 * <p>The pre-filled journal is built once and cached ({@link CachedJournal}); since ingest appends to it, each trial
 * works on a fresh copy ({@code cp --reflink=auto}, then fsync, so no write-back of the copy runs during the
 * measurement), reopened with {@code Ledger.builder(...).open()}, which verifies the whole journal first. The copy
 * and open times are printed; the copy is deleted at the end of the trial, the cache kept. Copying is faster than
 * rebuilding: the copy runs at disk speed, a rebuild at the ledger's rate.
 *
 * <pre>
 * java -jar vouch-bench/target/benchmarks.jar IngestGrowthBenchmark
 * java -jar vouch-bench/target/benchmarks.jar IngestGrowthBenchmark -p preexistingRecords=0,20000000 -f 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class IngestGrowthBenchmark {
    /** Tool-call events already in the journal when the trial starts. */
    @Param({"0", "20000000"})
    long preexistingRecords;

    private Path dir;
    private Ledger ledger;

    @Setup(Level.Trial)
    public void open() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("vouch-ingest");
        try {
            if (preexistingRecords > 0) {
                CachedJournal cached = CachedJournal.of(preexistingRecords);
                long start = System.nanoTime();
                cached.copyTo(dir);
                System.out.printf(Locale.ROOT, "%n  copied the %,d-record journal in %.1f s%n", cached.records(),
                        (System.nanoTime() - start) / 1e9);
            }
            long start = System.nanoTime();
            ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key")).shutdownHook(false)
                    .open();
            System.out.printf(Locale.ROOT,
                    "%n  opened the journal (%,d events already in it, its tail verified) in %.1f s%n",
                    preexistingRecords, (System.nanoTime() - start) / 1e9);
        } catch (IOException | InterruptedException | RuntimeException e) {
            BenchEvents.deleteTree(dir); // JMH skips the trial's tear-down when set-up fails; a copy is gigabytes
            throw e;
        }
    }

    @TearDown(Level.Iteration)
    public void drain() {
        ledger.checkpoint();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            ledger.close();
        } finally {
            BenchEvents.deleteTree(dir);
        }
        System.out.printf(Locale.ROOT, "%n  on top of %,d events already in the journal:", preexistingRecords);
        BenchEvents.printAndCheck(ledger.stats());
    }

    @State(Scope.Thread)
    public static class Producer {
        final Event event = new Event();
        final byte[] params = BenchEvents.payload(CachedJournal.PAYLOAD_BYTES);
    }

    @Benchmark
    public boolean record(Producer p) {
        return ledger.record(BenchEvents.toolCall(p.event, p.params));
    }
}
