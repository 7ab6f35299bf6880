package dev.vouch.bench;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.RecorderStats;
import dev.vouch.ledger.Ledger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code recordDurably(SYNCED)}: the record, a checkpoint over it, and both forced to the device before the call
 * returns ({@code fdatasync} of the cycle file, {@code fsync} of the journal directory). One caller after another,
 * and four callers at once on the same ledger, who share a force when they wait together (the journal stage forces
 * once per released checkpoint, for every SYNCED waiter it covers). Beside them, in the same run and on the same file
 * system, the part no design avoids: {@code fdatasync} of one 256-byte write into a pre-allocated file. Needs a real
 * file system under {@code java.io.tmpdir} (on tmpfs a force is free and the numbers mean nothing).
 *
 * <pre>
 * java -jar vouch-bench/target/benchmarks.jar SyncedBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class SyncedBenchmark {
    /** Where {@link #fdatasync} writes: a pre-allocated file, so that a force writes data, not a new size. */
    private static final int RAW_FILE_BYTES = 64 << 20;
    private static final int PAYLOAD = 256;

    private Path dir;
    private Ledger ledger;
    private FileChannel raw;
    private final ByteBuffer block = ByteBuffer.wrap(BenchEvents.payload(PAYLOAD));
    private long rawPosition;

    /** Each caller thread's own event (an Event is not shared between threads). */
    @State(Scope.Thread)
    public static class Caller {
        final Event event = new Event();
        final byte[] params = BenchEvents.payload(PAYLOAD);
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("vouch-synced");
        ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key")).shutdownHook(false).open();
        raw = FileChannel.open(dir.resolve("raw.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        for (long at = 0; at < RAW_FILE_BYTES; at += zeros.capacity()) {
            raw.write(zeros.clear(), at);
        }
        raw.force(true);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        raw.close();
        ledger.close();
        RecorderStats stats = ledger.stats();
        System.out.printf(Locale.ROOT, "%n  synced run: %,d events, %,d checkpoints (%.2f events per checkpoint)%n",
                stats.journaled(), stats.checkpoints(), (double) stats.journaled() / Math.max(1, stats.checkpoints()));
        BenchEvents.printAndCheck(stats);
        BenchEvents.deleteTree(dir);
    }

    @Benchmark
    @Threads(1)
    public long syncedOneCaller(Caller c) {
        return ledger.recordDurably(BenchEvents.toolCall(c.event, c.params), Durability.SYNCED);
    }

    @Benchmark
    @Threads(4)
    public long syncedFourCallers(Caller c) {
        return ledger.recordDurably(BenchEvents.toolCall(c.event, c.params), Durability.SYNCED);
    }

    @Benchmark
    @Threads(1)
    public long fdatasync() throws IOException {
        raw.write(block.clear(), rawPosition);
        raw.force(false);
        rawPosition = (rawPosition + PAYLOAD) % RAW_FILE_BYTES;
        return rawPosition;
    }
}
