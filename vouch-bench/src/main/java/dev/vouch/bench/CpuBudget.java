package dev.vouch.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.vouch.Event;
import dev.vouch.RecorderStats;
import dev.vouch.ledger.Ledger;
import dev.vouch.merkle.Rfc6962;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The CPU the whole pipeline spends per event, against the sum of its unavoidable parts, measured in one run: a
 * raw Chronicle append of the record's bytes (one document per record, as {@code BaselineBenchmark.chronicleAppend}),
 * its leaf hash, and one Merkle node hash (a tree of n leaves has n - 1 inner nodes). CPU time is the whole
 * process's ({@code OperatingSystemMXBean.getProcessCpuTime}: every thread, the kernel's work for it included), so
 * what the ring, the two stages, waking and waiting cost is in the pipeline's figure. Unlike throughput, this ratio
 * does not depend on how many cores there are to run the three threads at once, so it is the figure that carries
 * over to bigger machines. A JMH benchmark cannot report it (JMH measures time, not CPU), hence a harness:
 *
 * <pre>
 * java $(unzip -p vouch-bench/target/benchmarks.jar dev/vouch/bench/jvm-flags.txt) \
 *     -cp vouch-bench/target/benchmarks.jar dev.vouch.bench.CpuBudget [events] [rounds]
 * </pre>
 *
 * Prints one line per part, producer count and consumer-thread count (mean ± standard deviation of the rounds, after
 * {@value #WARMUPS} warm-up rounds: the first two rounds of a fresh JVM still spend seconds compiling, which would
 * be counted as the pipeline's CPU) and the ratio pipeline / (append + leaf hash + node hash) for 1, 2 and 4
 * producers, with the ledger's stages on one thread and on two ({@code LedgerBuilder.consumerThreads}).
 *
 * <p>Each pipeline case also prints what the ledger's threads allocated per event over its measured rounds, as the
 * JVM counts it per thread ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}), with the checkpoints
 * signed in that time: under a sustained load almost all of it is the signatures (Bouncy Castle allocates ~2.2 KB
 * per signature), so this is the exact figure behind issue 11's "signing allocates under 0.1 B per event", which
 * JMH's {@code -prof gc} (a heap-wide count per iteration) measures with an interval wider than the target. What
 * the producer threads allocated is printed beside it: {@code record()} should allocate nothing.
 */
public final class CpuBudget {
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final int WARMUPS = 3;

    /** Over the measured rounds of one pipeline case: what the ledger's threads allocated, events, checkpoints. */
    private static long ledgerAllocated;
    private static long producerAllocated;
    private static long allocationEvents;
    private static long checkpointsSigned;
    private static boolean measuring;

    private CpuBudget() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] record = BaselineBenchmark.encodedRecord(256);
        System.out.printf(Locale.ROOT, "CPU per event, %,d events of a %d-byte record (256 B payload), %d rounds after"
                + " %d warm-ups, %d processors%n", events, record.length, rounds, WARMUPS,
                Runtime.getRuntime().availableProcessors());
        double[] append = measure(rounds, () -> rawAppend(record, events), events);
        double[] leaf = measure(rounds, () -> leafHashes(record, events), events);
        double[] node = measure(rounds, () -> nodeHashes(events), events);
        print("raw Chronicle append", append);
        print("leaf hash", leaf);
        print("node hash", node);
        double unavoidable = append[0] + leaf[0] + node[0];
        System.out.printf(Locale.ROOT, "  %-44s %8.1f ns%n", "sum of the unavoidable parts", unavoidable);
        for (int consumers : new int[] {1, 2}) {
            for (int producers : new int[] {1, 2, 4}) {
                ledgerAllocated = producerAllocated = allocationEvents = checkpointsSigned = 0;
                double[] pipeline = measure(rounds, () -> pipeline(events, producers, consumers), events);
                print("pipeline, " + producers + " producer" + (producers > 1 ? "s" : "") + ", " + consumers
                        + " consumer thread" + (consumers > 1 ? "s" : ""), pipeline);
                System.out.printf(Locale.ROOT, "  %-44s %8.2f x  (target <= 1.3)%n",
                        "  ratio to the parts", pipeline[0] / unavoidable);
                System.out.printf(Locale.ROOT, "  %-44s %8.3f B/event (producers %.3f B/event; %,d checkpoints signed,"
                                + " one per %,.0f events; target < 0.1)%n", "  allocated by the ledger's threads",
                        ledgerAllocated / (double) allocationEvents, producerAllocated / (double) allocationEvents,
                        checkpointsSigned, allocationEvents / (double) Math.max(1, checkpointsSigned));
            }
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    /** CPU ns per event: mean and standard deviation over {@code rounds}, after {@link #WARMUPS} warm-up rounds. */
    private static double[] measure(int rounds, Work work, int events) throws Exception {
        for (int i = 0; i < WARMUPS; i++) {
            work.run();
        }
        double[] perEvent = new double[rounds];
        measuring = true;
        for (int i = 0; i < rounds; i++) {
            System.gc();
            long before = OS.getProcessCpuTime();
            work.run();
            perEvent[i] = (OS.getProcessCpuTime() - before) / (double) events;
        }
        measuring = false;
        double mean = Arrays.stream(perEvent).average().orElse(0);
        double var = Arrays.stream(perEvent).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, rounds - 1);
        return new double[] {mean, Math.sqrt(var)};
    }

    private static void print(String what, double[] m) {
        System.out.printf(Locale.ROOT, "  %-44s %8.1f ± %.1f ns%n", what, m[0], m[1]);
    }

    private static void rawAppend(byte[] record, int events) throws IOException {
        Path dir = Files.createTempDirectory("vouch-cpu-append");
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(LargeRollCycles.LARGE_DAILY).build();
             ExcerptAppender appender = queue.createAppender()) {
            for (int i = 0; i < events; i++) {
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(record, 0, record.length);
                }
            }
        } finally {
            BenchEvents.deleteTree(dir);
        }
    }

    private static void leafHashes(byte[] record, int events) {
        MessageDigest sha256 = Rfc6962.newSha256();
        byte[] scratch = new byte[Rfc6962.LEAF_SCRATCH_SIZE];
        byte[] out = new byte[32];
        for (int i = 0; i < events; i++) {
            record[20] = (byte) i; // a different record each time, as the pipeline's prev links make them
            Rfc6962.leafHash(sha256, scratch, record, 0, record.length, out, 0); // as the chain stage hashes
        }
        sink(out);
    }

    /** As CompactRange hashes a node: the 65-byte preimage gathered into a scratch buffer, then one update. */
    private static void nodeHashes(int events) {
        MessageDigest sha256 = Rfc6962.newSha256();
        byte[] scratch = new byte[1 + 2 * Rfc6962.HASH_SIZE];
        byte[] left = new byte[32];
        byte[] right = new byte[32];
        for (int i = 0; i < events; i++) {
            left[0] = (byte) i;
            Rfc6962.nodeHash(sha256, scratch, left, 0, right, 0, right, 0);
        }
        sink(right);
    }

    private static void pipeline(int events, int producers, int consumers) throws Exception {
        Path dir = Files.createTempDirectory("vouch-cpu-pipeline");
        try {
            Ledger ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key"))
                    .consumerThreads(consumers).shutdownHook(false).open();
            byte[] params = BenchEvents.payload(256);
            String ledgerThreads = "vouch-ledger-journal"; // DisruptorLedger names its threads after the directory
            long ledgerBefore = allocatedBy(ledgerThreads);
            Thread[] threads = new Thread[producers];
            long[] producerBytes = new long[producers];
            for (int p = 0; p < producers; p++) {
                int share = events / producers + (p < events % producers ? 1 : 0);
                int producer = p;
                threads[p] = new Thread(() -> {
                    Event e = new Event();
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < share; i++) {
                        ledger.record(BenchEvents.toolCall(e, params));
                    }
                    producerBytes[producer] = THREADS.getCurrentThreadAllocatedBytes() - before;
                });
                threads[p].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            // Allocation up to the last event journaled, before close: close's own work (a last checkpoint, the
            // threads' exit) is once per ledger, not per event. Allocated bytes are counted per thread by the JVM
            // (TLAB refills and outside-TLAB allocations), so this is exact, unlike a heap-usage difference.
            while (ledger.stats().journaled() < events) {
                LockSupport.parkNanos(100_000); // not a spin: this thread's CPU counts as the pipeline's
            }
            long ledgerAfter = allocatedBy(ledgerThreads);
            RecorderStats atEnd = ledger.stats();
            if (measuring) {
                ledgerAllocated += ledgerAfter - ledgerBefore;
                producerAllocated += Arrays.stream(producerBytes).sum();
                allocationEvents += events;
                checkpointsSigned += atEnd.checkpoints();
            }
            ledger.close(); // drains, seals and syncs: all of it is the pipeline's work
            RecorderStats stats = ledger.stats();
            if (stats.journaled() != events) {
                throw new IllegalStateException("events went missing: " + stats);
            }
        } finally {
            BenchEvents.deleteTree(dir);
        }
    }

    /**
     * Bytes allocated so far by the live threads whose name starts with {@code prefix}. The ledger's threads live
     * from open to close, so a difference of two calls in between is what they allocated in between.
     */
    private static long allocatedBy(String prefix) {
        long sum = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                long bytes = THREADS.getThreadAllocatedBytes(info.getThreadId());
                if (bytes > 0) {
                    sum += bytes;
                }
            }
        }
        return sum;
    }

    private static volatile byte sink;

    private static void sink(byte[] b) {
        sink ^= b[0];
    }
}
