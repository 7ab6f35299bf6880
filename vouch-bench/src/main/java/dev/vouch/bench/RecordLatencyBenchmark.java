package dev.vouch.bench;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.RecorderStats;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.WaitMode;
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
 * How long the agent's thread spends in a call, sampled per call (p50, p99, p99.9, max), while the ledger's
 * consumers are busy journaling but the ring is not full: one producer paced at {@code eventsPerSecond}, a
 * steady load below the journal's capacity (the pacing spin runs in a per-invocation setup, outside the timed
 * call). {@code record} is the fire-and-forget call; {@code recordJournaled} is the write-ahead call, which
 * returns when the event is in the journal; {@code recordSealed} returns when a signed checkpoint covers it.
 * Each trial prints how often the ring was found full: for {@code record} that must be 0, or the premise of
 * the measurement does not hold.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class RecordLatencyBenchmark {
    @Param({"256"})
    int payloadBytes;

    @Param({"100000"})
    int eventsPerSecond;

    @Param({"BLOCKING", "YIELDING"})
    WaitMode waitMode;

    private final Event event = new Event();
    private byte[] params;
    private Path dir;
    private Ledger ledger;
    private long intervalNanos;
    private long next;

    @Setup(Level.Trial)
    public void open() throws IOException {
        params = BenchEvents.payload(payloadBytes);
        intervalNanos = 1_000_000_000L / eventsPerSecond;
        dir = Files.createTempDirectory("vouch-latency");
        ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key")).waitMode(waitMode)
                .shutdownHook(false).open();
        next = System.nanoTime();
    }

    /** Holds the producer to a steady rate; JMH does not time this part. */
    @Setup(Level.Invocation)
    public void pace() {
        next += intervalNanos;
        long now;
        while ((now = System.nanoTime()) < next) {
            Thread.onSpinWait();
        }
        if (now - next > 1_000_000) {
            next = now; // fell behind (a pause or the call itself): do not fire a catch-up burst
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        ledger.close();
        RecorderStats stats = ledger.stats();
        System.out.printf(Locale.ROOT,
                "%n  latency run: %,d events, ring found full %,d times (must be 0 for the 'ring not full' "
                + "premise), max accepted->journaled %.1f us%n", stats.journaled(), stats.ringFull(),
                stats.appendLatencyNanosMax() / 1e3);
        BenchEvents.printAndCheck(stats);
        BenchEvents.deleteTree(dir);
    }

    @Benchmark
    public boolean record() {
        return ledger.record(BenchEvents.toolCall(event, params));
    }

    @Benchmark
    public long recordJournaled() {
        return ledger.recordDurably(BenchEvents.toolCall(event, params), Durability.JOURNALED);
    }

    @Benchmark
    public long recordSealed() {
        return ledger.recordDurably(BenchEvents.toolCall(event, params), Durability.SEALED);
    }
}
