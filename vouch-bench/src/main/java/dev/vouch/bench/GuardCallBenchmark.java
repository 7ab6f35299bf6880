package dev.vouch.bench;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.RecorderStats;
import dev.vouch.guard.Guard;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.WaitMode;
import dev.vouch.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * The path real agents take: one {@code guard.call} after another on one thread, as an agent's tool loop makes
 * them, each an allowed call of a no-op tool judged by a two-rule policy, sampled per call (p50...max). Beside
 * it, in the same trial and on the same ledger, the lone write-ahead calls it is built from:
 * {@code recordJournaled} and {@code recordSealed}, one after another. {@code writeAheadOutcomes} false is the
 * guard's default (the outcome is accepted without a wait); true makes the guard wait for the outcome too.
 * {@code consumerThreads} 1 runs the ledger's two stages on one thread (the default on 2 processors), 2 on two.
 *
 * <pre>
 * java -jar vouch-bench/target/benchmarks.jar 'GuardCallBenchmark|RecordLatencyBenchmark'
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class GuardCallBenchmark {
    static final String POLICY = String.join("\n",
            "version: \"2026.1\"",
            "defaults:",
            "  default_action: block",
            "policies:",
            "  - id: no-deletes",
            "    match_methods: [\"fs.delete\"]",
            "    action: block",
            "  - id: reads",
            "    match_methods: [\"fs.*\"]",
            "    action: allow",
            "");
    static final byte[] PARAMS = "{\"path\":\"/srv/data/report.csv\",\"limit\":100}".getBytes(StandardCharsets.UTF_8);

    @Param({"BLOCKING", "YIELDING"})
    WaitMode waitMode;

    @Param({"false"})
    boolean writeAheadOutcomes;

    @Param({"1", "2"})
    int consumerThreads;

    private final Event event = new Event();
    private byte[] params;
    private Path dir;
    private Ledger ledger;
    private Guard guard;

    @Setup(Level.Trial)
    public void open() throws IOException {
        params = BenchEvents.payload(256);
        dir = Files.createTempDirectory("vouch-guard-call");
        ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key")).waitMode(waitMode)
                .consumerThreads(consumerThreads).shutdownHook(false).open();
        guard = Guard.builder(ledger).agent("bench-agent").policy(Policy.parse(POLICY, "bench-policy.yaml"))
                .writeAheadOutcomes(writeAheadOutcomes).build();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        ledger.close();
        RecorderStats stats = ledger.stats();
        System.out.printf(Locale.ROOT,
                "%n  guard run: %,d events in %,d records (%.3f records per event), %,d checkpoints%n",
                stats.journaled(), stats.records(), (double) stats.records() / stats.journaled(), stats.checkpoints());
        BenchEvents.printAndCheck(stats);
        BenchEvents.deleteTree(dir);
    }

    @Benchmark
    public String guardCall() {
        return guard.call("fs.read", PARAMS, () -> "ok");
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
