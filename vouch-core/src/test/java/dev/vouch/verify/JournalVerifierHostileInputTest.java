package dev.vouch.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.SigningKey;
import dev.vouch.internal.format.RecordBuilder;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.merkle.Rfc6962;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Records an attacker crafts by hand, which no Vouch writer produces: the verifier must report them as
 * failures, never throw.
 */
class JournalVerifierHostileInputTest {
    private final SigningKey key = SigningKey.generate(new SecureRandom());

    @Test
    void anOriginThatCannotNameAKeyIsAFailureNotAnException() throws IOException {
        Journal j = new Journal();
        j.add(j.builder(RecordType.GENESIS).str16("a b").raw(key.verifyingKey().bytes(), 0, 32)
                .str16("test").bytes32("signing=CHECKPOINT\n"));
        j.add(j.builder(RecordType.CHECKPOINT).bytes32("a b\n1\n" + "A".repeat(43) + "=\n\n\u2014 a b AAAAAAA=\n"));

        VerificationReport report = JournalVerifier.trusting(key.verifyingKey()).verify(j.source());

        assertEquals(Verdict.TAMPERED, report.verdict());
        assertTrue(report.failures().stream().anyMatch(f -> f.sequence() == 0 && f.kind() == Failure.Kind.GENESIS),
                report.failures().toString());
    }

    @Test
    void aNoteThatIsNotUtf8IsMalformed() throws IOException {
        Journal j = new Journal();
        j.add(j.builder(RecordType.GENESIS).str16("example.com/x").raw(key.verifyingKey().bytes(), 0, 32)
                .str16("test").bytes32("signing=CHECKPOINT\n"));
        byte[] note = "example.com/x\n1\nxx\n\n".getBytes(StandardCharsets.UTF_8);
        note[note.length - 3] = (byte) 0xC0;
        j.add(j.builder(RecordType.CHECKPOINT).bytes32(note, 0, note.length));

        VerificationReport report = JournalVerifier.trusting(key.verifyingKey()).verify(j.source());

        assertEquals(Verdict.TAMPERED, report.verdict());
        assertTrue(report.failures().stream().anyMatch(f -> f.sequence() == 1 && f.kind() == Failure.Kind.MALFORMED),
                report.failures().toString());
    }

    @Test
    void aTextFieldThatIsNotUtf8IsMalformed() throws IOException {
        Journal j = new Journal();
        RecordBuilder genesis = j.builder(RecordType.GENESIS).str16("example.com/x");
        int originFirstByte = RecordDescriptor.HEADER_LENGTH + 2;
        genesis.raw(key.verifyingKey().bytes(), 0, 32).str16("test").bytes32("signing=CHECKPOINT\n");
        genesis.buffer()[originFirstByte] = (byte) 0xFF;
        j.add(genesis);

        VerificationReport report = JournalVerifier.trusting(key.verifyingKey()).verify(j.source());

        assertEquals(Verdict.TAMPERED, report.verdict());
        assertEquals(Failure.Kind.MALFORMED, report.failures().get(0).kind(), report.failures().toString());
    }

    /** Chains records the way a writer would, so that only the crafted content is wrong. */
    private static final class Journal {
        private final List<byte[]> records = new ArrayList<>();
        private final MessageDigest sha = Rfc6962.newSha256();
        private final byte[] prev = new byte[32];

        RecordBuilder builder(RecordType type) {
            return new RecordBuilder(256).begin(type, records.size(), System.currentTimeMillis() * 1_000_000L, prev);
        }

        void add(RecordBuilder b) {
            int n = b.finish();
            byte[] record = Arrays.copyOf(b.buffer(), n);
            records.add(record);
            Rfc6962.leafHash(sha, record, 0, n, prev, 0);
        }

        RecordSource source() {
            return new RecordSource() {
                private int next;

                @Override
                public boolean next(RecordBuffer into) {
                    if (next == records.size()) {
                        return false;
                    }
                    byte[] r = records.get(next++);
                    System.arraycopy(r, 0, into.ensureCapacity(r.length), 0, r.length);
                    into.length(r.length);
                    return true;
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
