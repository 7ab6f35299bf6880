package dev.vouch.bench;

import dev.vouch.merkle.Rfc6962;
import java.security.MessageDigest;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two ways {@link Rfc6962} computes a record's leaf hash, {@code SHA-256(0x00 || record)}, side by side on the
 * record bytes the pipeline journals: {@code inPlace} feeds the prefix byte and then the record, so the digest
 * finishes the first block from its own buffer before it runs over the rest; {@code gathered} copies the record
 * behind the prefix into a reused scratch buffer and feeds it in one update, which the chain stage and the verifier
 * use. A record of {@link Rfc6962#LEAF_SCRATCH_SIZE} bytes or more is hashed in place either way (4096-byte payload).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class LeafHashBenchmark {
    @Param({"256", "4096"})
    int payloadBytes;

    private final MessageDigest sha256 = Rfc6962.newSha256();
    private final byte[] scratch = new byte[Rfc6962.LEAF_SCRATCH_SIZE];
    private final byte[] leaf = new byte[Rfc6962.HASH_SIZE];
    private byte[] record;

    @Setup(Level.Trial)
    public void setUp() {
        record = BaselineBenchmark.encodedRecord(payloadBytes);
    }

    @Benchmark
    public byte[] inPlace() {
        Rfc6962.leafHash(sha256, record, 0, record.length, leaf, 0);
        return leaf;
    }

    @Benchmark
    public byte[] gathered() {
        Rfc6962.leafHash(sha256, scratch, record, 0, record.length, leaf, 0);
        return leaf;
    }
}
