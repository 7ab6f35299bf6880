package dev.vouch.bench;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an agent's restart costs: {@code Ledger.open()} on a journal that already holds many records, with the
 * default tail verification (from the last format 1.1 checkpoint on) and with {@code fullVerificationOnOpen(true)}
 * side by side. Each trial works on a fresh copy of a cached, sealed journal ({@link CachedJournal}); every
 * invocation opens it and the tear-down closes it (which appends a resume, a seal and their checkpoints, so the
 * next open has a slightly longer, still sealed journal). Single shots, in the page cache after the first.
 *
 * <pre>
 * java -jar vouch-bench/target/benchmarks.jar ReopenBenchmark
 * java -jar vouch-bench/target/benchmarks.jar ReopenBenchmark -p records=1000000,20000000
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(1)
public class ReopenBenchmark {
    /** Tool-call events already in the journal. */
    @Param({"1000000"})
    long records;

    /** {@code TAIL}: the default open; {@code FULL}: {@code fullVerificationOnOpen(true)}. */
    @Param({"TAIL", "FULL"})
    String verification;

    private Path dir;
    private Ledger ledger;

    @Setup(Level.Trial)
    public void copy() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("vouch-reopen");
        try {
            CachedJournal.of(records).copyTo(dir);
        } catch (IOException | InterruptedException | RuntimeException e) {
            BenchEvents.deleteTree(dir);
            throw e;
        }
    }

    @Benchmark
    public Ledger open() {
        ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key")).shutdownHook(false)
                .fullVerificationOnOpen(verification.equals("FULL")).open();
        return ledger;
    }

    @TearDown(Level.Invocation)
    public void close() {
        if (ledger != null) {
            ledger.close();
            ledger = null;
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        BenchEvents.deleteTree(dir);
    }
}
