package dev.vouch.bench;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.JournalReader;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Offline verification throughput, and proof that the verifier's memory does not grow with the journal. One
 * invocation verifies a whole journal exactly as {@code vouch verify} does: {@link JournalReader} opens it read-only,
 * {@link JournalVerifier#trusting} the journal's public key read from a PEM file. A verdict other than
 * {@code INTACT}, or a record count other than the journal's, fails the run.
 *
 * <p><b>Read the {@code verify:records} line</b>: records verified per second. JMH's
 * {@code @OperationsPerInvocation} must be a compile-time constant, but records per invocation is a parameter, so
 * the records are counted by an {@link AuxCounters} counter that JMH divides by the iteration's time; the primary
 * {@code verify} line is whole verifications per second. The hash chain and the Merkle tree are one sequential
 * pass; with {@code threads} 2, a reader thread reads ahead and shares the hashing and parsing, 16 records at a time
 * (see {@code JournalVerifier.threads}).
 *
 * <p>Memory: the fork runs with a fixed 64 MB heap, smaller than any per-record state of 10 M records could be (10 M
 * leaf hashes alone are 320 MB), and each iteration, started from a collected heap, prints the peak heap used during
 * one verification (the heap pools' peaks, reset just before each verification): in total, and outside eden, where
 * only what survives a collection goes. The latter should be the same for 1 M and 10 M records; the total includes
 * garbage not yet collected, so it is bounded by the heap's sizing rather than by the journal. (JMH's counters for
 * values that are not rates are summed over iterations, so the peak is printed rather than reported as a result.)
 *
 * <p>The journal ({@code records} 256-byte tool calls, plus genesis, seal and a signed checkpoint every few thousand
 * events) is written once and cached, see {@link CachedJournal}; the first run prints how long that took.
 *
 * <pre>
 * java -jar vouch-bench/target/benchmarks.jar VerifyBenchmark
 * java -jar vouch-bench/target/benchmarks.jar VerifyBenchmark -p records=1000000,10000000   # peak heap: same?
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms64m", "-Xmx64m"})
public class VerifyBenchmark {
    /** Tool-call events in the journal; it holds slightly more records (genesis, checkpoints, seal). */
    @Param({"10000000"})
    long records;

    /** 1: everything on one thread; 2: records read and hashed ahead on other threads (JournalVerifier.threads). */
    @Param({"1", "2"})
    int threads;

    private CachedJournal journal;
    private JournalVerifier verifier;
    private List<MemoryPoolMXBean> heapPools;
    private long[] iterationPeaks;

    /** Records verified; JMH divides this by the iteration's time, so its line reads records/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Verified {
        public long records;

        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        journal = CachedJournal.of(records);
        verifier = JournalVerifier.trusting(VerifyingKey.read(journal.publicKey())).threads(threads);
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).collect(Collectors.toList());
    }

    /**
     * Starts each iteration from a collected heap (outside the measured time): otherwise whatever building the
     * cache left in the old generation would count as the verifier's.
     */
    @Setup(Level.Iteration)
    public void resetPeaks() {
        System.gc();
        iterationPeaks = new long[heapPools.size()];
    }

    /**
     * Prints the peaks twice: all heap pools, and only the pools an object reaches by surviving a collection.
     * Eden's peak mostly shows how much garbage piles up before a young collection (it grows with the time between
     * collections, up to eden's size); what the verifier keeps shows in the survivor and old pools.
     */
    @TearDown(Level.Iteration)
    public void printPeaks() {
        long total = 0;
        long survived = 0;
        StringBuilder pools = new StringBuilder();
        for (int i = 0; i < heapPools.size(); i++) {
            String name = heapPools.get(i).getName();
            total += iterationPeaks[i];
            survived += name.contains("Eden") ? 0 : iterationPeaks[i];
            pools.append(i == 0 ? "" : ", ").append(name).append(' ').append(mb(iterationPeaks[i]));
        }
        System.out.printf(Locale.ROOT,
                "%n  peak heap during one verification of %,d records: %s MB used, %s MB outside eden (%s;"
                + " max heap %s MB)%n", journal.records(), mb(total), mb(survived), pools,
                mb(Runtime.getRuntime().maxMemory()));
    }

    @Benchmark
    public VerificationReport verify(Verified verified) throws IOException {
        for (MemoryPoolMXBean pool : heapPools) {
            pool.resetPeakUsage();
        }
        VerificationReport report;
        try (RecordSource source = JournalReader.open(journal.journal())) {
            report = verifier.verify(source);
        }
        // The largest peak of any verification in the iteration, per pool.
        for (int i = 0; i < heapPools.size(); i++) {
            iterationPeaks[i] = Math.max(iterationPeaks[i], heapPools.get(i).getPeakUsage().getUsed());
        }
        if (report.verdict() != Verdict.INTACT || report.records() != journal.records()
                || report.events() != journal.events()) {
            throw new IllegalStateException("expected INTACT with " + journal.records() + " records and "
                    + journal.events() + " events, got " + report.verdict() + " with " + report.records()
                    + " records and " + report.events() + " events: " + report.verdictReason());
        }
        verified.records += report.records();
        return report;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
