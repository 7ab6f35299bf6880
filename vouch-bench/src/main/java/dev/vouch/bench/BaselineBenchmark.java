package dev.vouch.bench;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import dev.vouch.Event;
import dev.vouch.crypto.SigningKey;
import dev.vouch.internal.format.EventEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
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
 * The parts Vouch is built from, each alone, on the very record bytes {@link RecordThroughputBenchmark}
 * journals for the same payload (a 256-byte payload makes a record of about 300 bytes): what the pipeline is
 * measured against, in the same JMH run. {@code chronicleAppend} runs as long as the pipeline's sustained
 * benchmark (10 s warm-up, 30 s measured), so both reach the disk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BaselineBenchmark {

    /** The exact bytes the ledger journals for the benchmarks' tool call with this payload, before stamping. */
    static byte[] encodedRecord(int payloadBytes) {
        Event event = BenchEvents.toolCall(new Event(), BenchEvents.payload(payloadBytes));
        byte[] buf = new byte[(int) EventEncoder.maxEncodedLength(event)];
        int length = EventEncoder.encode(event, System.currentTimeMillis() * 1_000_000L, buf);
        return Arrays.copyOf(buf, length);
    }

    /** One record of the pipeline's size; only the benchmarks that take it are repeated per payload. */
    @State(Scope.Benchmark)
    public static class Record {
        @Param({"64", "256", "4096"})
        int payloadBytes;

        byte[] bytes;
        private Path dir;
        ChronicleQueue queue;
        ExcerptAppender appender;

        @Setup(Level.Trial)
        public void setUp() throws IOException, NoSuchAlgorithmException {
            bytes = encodedRecord(payloadBytes);
            dir = Files.createTempDirectory("vouch-baseline");
            queue = SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(LargeRollCycles.LARGE_DAILY).build();
            appender = queue.createAppender();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            appender.close();
            queue.close();
            BenchEvents.deleteTree(dir);
        }
    }

    /**
     * A digest per benchmark thread, so that {@code sha256} also runs with {@code -t 2}: whether the two processors
     * hash at twice the rate of one (they do here; parallel verification's shortfall is not a shared SHA unit).
     */
    @State(Scope.Thread)
    public static class Hasher {
        final byte[] digest = new byte[32];
        MessageDigest sha256;

        @Setup(Level.Trial)
        public void setUp() throws NoSuchAlgorithmException {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
    }

    @State(Scope.Benchmark)
    public static class Signer {
        final SigningKey key = SigningKey.generate(new SecureRandom());
        final byte[] note = BenchEvents.payload(180);
        final byte[] signature = new byte[SigningKey.SIGNATURE_SIZE];
    }

    @State(Scope.Benchmark)
    public static class Ring {
        Disruptor<long[]> disruptor;
        RingBuffer<long[]> ring;

        @Setup(Level.Trial)
        public void start() {
            disruptor = new Disruptor<>(() -> new long[1], 16384, DaemonThreadFactory.INSTANCE, ProducerType.SINGLE,
                    new BusySpinWaitStrategy());
            disruptor.handleEventsWith((event, sequence, endOfBatch) -> { });
            ring = disruptor.start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            disruptor.shutdown();
        }
    }

    /**
     * The journal's physical limit as issue 11 defines it: one Chronicle document per record. (Since vouch-java 0.2 the
     * ledger writes several records per document, which costs less per record than this.)
     */
    @Benchmark
    @Warmup(iterations = 1, time = 10)
    @Measurement(iterations = 3, time = 10)
    public void chronicleAppend(Record r) {
        try (DocumentContext dc = r.appender.writingDocument()) {
            dc.wire().bytes().write(r.bytes, 0, r.bytes.length);
        }
    }

    /** The leaf hash every record costs (JDK SHA-256, SHA-NI intrinsic where the CPU has it). */
    @Benchmark
    public byte[] sha256(Record r, Hasher h) throws DigestException {
        h.sha256.update(r.bytes, 0, r.bytes.length);
        h.sha256.digest(h.digest, 0, h.digest.length);
        return h.digest;
    }

    /** What a signed checkpoint costs: Bouncy Castle Ed25519 over a note of a checkpoint's size (~180 bytes). */
    @Benchmark
    public byte[] ed25519Sign(Signer s) {
        s.key.sign(s.note, 0, s.note.length, s.signature, 0);
        return s.signature;
    }

    /** The ring alone: publish to a no-op consumer. */
    @Benchmark
    public void disruptorHandoff(Ring r) {
        long seq = r.ring.next();
        r.ring.get(seq)[0] = seq;
        r.ring.publish(seq);
    }
}
