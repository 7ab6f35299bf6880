package dev.vouch.bench;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.RecorderStats;
import dev.vouch.SigningMode;
import dev.vouch.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Events per second through the whole pipeline: published into the ring, chained, added to the Merkle tree,
 * appended to a real Chronicle journal on disk and covered by signed checkpoints. The ring applies
 * {@code BLOCK} backpressure, so producers cannot outrun the consumer for longer than the ring's 16 K slots:
 * over an iteration the rate measured is the rate at which events are journaled. Each iteration ends with a
 * {@code checkpoint()} that waits for everything accepted to be journaled and signed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordThroughputBenchmark {
    @Param({"256"})
    int payloadBytes;

    @Param({"CHECKPOINT"})
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
        RecorderStats stats = ledger.stats();
        System.out.printf("%n  journaled %,d events, %,d checkpoints (%.0f events per signature), ring found full %,d times,"
                        + " mean accepted->journaled %.1f us%n", stats.journaled(), stats.checkpoints(),
                (double) stats.journaled() / Math.max(1, stats.checkpoints()), stats.ringFull(),
                stats.appendLatencyNanosTotal() / 1e3 / Math.max(1, stats.journaled()));
        if (stats.journaled() != stats.accepted() || stats.lost() != 0 || stats.dropped() != 0) {
            throw new IllegalStateException("events went missing: " + stats);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @State(Scope.Thread)
    public static class Producer {
        final Event event = new Event();
        byte[] params;

        @Setup(Level.Trial)
        public void fill(RecordThroughputBenchmark bench) {
            params = new byte[bench.payloadBytes];
            Arrays.fill(params, (byte) 'x');
        }
    }

    @Benchmark
    public boolean record(Producer p) {
        return ledger.record(p.event.reset().kind(EventKind.TOOL_CALL).agent("bench-agent").task("bench-task")
                .name("fs.read").params(p.params));
    }
}
