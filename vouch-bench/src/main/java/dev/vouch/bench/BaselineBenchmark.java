package dev.vouch.bench;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import dev.vouch.crypto.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parts Vouch is built from, each alone, on the same record size as {@link RecordThroughputBenchmark}: what
 * the pipeline is measured against. A 256-byte payload makes a record of about 300 bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BaselineBenchmark {
    @Param({"300"})
    int recordBytes;

    private byte[] record;
    private MessageDigest sha256;
    private SigningKey key;
    private byte[] signature;
    private Path dir;
    private ChronicleQueue queue;
    private ExcerptAppender appender;
    private Disruptor<long[]> disruptor;
    private RingBuffer<long[]> ring;

    @Setup(Level.Trial)
    public void setUp() throws IOException, NoSuchAlgorithmException {
        record = new byte[recordBytes];
        Arrays.fill(record, (byte) 'x');
        sha256 = MessageDigest.getInstance("SHA-256");
        key = SigningKey.generate(new SecureRandom());
        signature = new byte[SigningKey.SIGNATURE_SIZE];
        dir = Files.createTempDirectory("vouch-baseline");
        queue = SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(LargeRollCycles.LARGE_DAILY).build();
        appender = queue.createAppender();
        disruptor = new Disruptor<>(() -> new long[1], 16384, DaemonThreadFactory.INSTANCE, ProducerType.SINGLE,
                new BusySpinWaitStrategy());
        disruptor.handleEventsWith((event, sequence, endOfBatch) -> { });
        ring = disruptor.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        disruptor.shutdown();
        appender.close();
        queue.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** The journal's physical limit: one Chronicle document per record, as the ledger writes them. */
    @Benchmark
    public void chronicleAppend() {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(record, 0, record.length);
        }
    }

    /** The leaf hash every record costs (JDK SHA-256, SHA-NI intrinsic where the CPU has it). */
    @Benchmark
    public byte[] sha256() {
        sha256.update(record, 0, record.length);
        return sha256.digest();
    }

    /** What a signed checkpoint costs (Bouncy Castle Ed25519 over a ~100-byte note). */
    @Benchmark
    public byte[] ed25519Sign() {
        key.sign(record, 0, 100, signature, 0);
        return signature;
    }

    /** The ring alone: publish to a no-op consumer. */
    @Benchmark
    public void disruptorHandoff() {
        long seq = ring.next();
        ring.get(seq)[0] = seq;
        ring.publish(seq);
    }
}
