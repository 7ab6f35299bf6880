package dev.vouch.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.ConsistencyProof;
import dev.vouch.crypto.KeyHistory;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.TlogProof;
import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.KeyRotationStatement;
import dev.vouch.internal.format.RecordBuilder;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.merkle.LeafHashes;
import dev.vouch.merkle.MerkleProofs;
import dev.vouch.merkle.Rfc6962;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Offline proof checks over an in-memory tree of record-shaped leaves, and what each kind of tampering does. */
class ProofCheckTest {
    private static final String ORIGIN = "example.com/check";
    private static final SigningKey K0 = SigningKey.generate(new SecureRandom());
    private static final SigningKey K1 = SigningKey.generate(new SecureRandom());
    private static final int N = 37;
    private static final List<byte[]> RECORDS = new ArrayList<>();

    static {
        for (int i = 0; i < N; i++) {
            byte[] r = new byte[56 + 8];
            r[0] = 1;
            BigEndian.putLong(r, 4, i);
            BigEndian.putLong(r, 56, i * 31L);
            RECORDS.add(r);
        }
    }

    private static final LeafHashes LEAVES = (index, out, off) -> System.arraycopy(
            Rfc6962.leafHash(RECORDS.get((int) index)), 0, out, off, 32);

    static String checkpoint(long size, SigningKey key) {
        return SignedNote.sign(Checkpoint.of(ORIGIN, size, MerkleProofs.rootOf(LEAVES, size), List.of()).body(), ORIGIN,
                key);
    }

    static TlogProof proof(long index, long size, SigningKey key, byte[] extra) {
        return TlogProof.of(index, MerkleProofs.inclusionProof(LEAVES, index, size), checkpoint(size, key), extra);
    }

    @Test
    void shouldProveEveryRecordOfEveryTreeSize() {
        for (int size = 1; size <= N; size += 6) {
            for (int i = 0; i < size; i++) {
                ProofCheck.Result r = ProofCheck.inclusion(RECORDS.get(i), proof(i, size, K0, null), K0.verifyingKey());
                assertTrue(r.valid(), r.problem());
                assertEquals(K0.verifyingKey(), r.signer());
            }
        }
    }

    @Test
    void shouldFailAfterTamperingWithTheRecordTheProofTheCheckpointOrTheKey() {
        TlogProof good = proof(9, 30, K0, null);
        byte[] record = RECORDS.get(9).clone();
        record[60] ^= 1;
        assertInvalid(ProofCheck.inclusion(record, good, K0.verifyingKey()), "another root");

        List<byte[]> hashes = good.hashes();
        hashes.get(2)[0] ^= 1;
        TlogProof badPath = TlogProof.of(9, hashes, good.checkpointNote(), null);
        assertInvalid(ProofCheck.inclusion(RECORDS.get(9), badPath, K0.verifyingKey()), "another root");

        String note = good.checkpointNote().replace("\n30\n", "\n31\n");
        assertInvalid(ProofCheck.inclusion(RECORDS.get(9), TlogProof.of(9, good.hashes(), note, null), K0.verifyingKey()),
                "not signed by the trusted key");

        assertInvalid(ProofCheck.inclusion(RECORDS.get(9), good, K1.verifyingKey()), "not signed by the trusted key");
        assertInvalid(ProofCheck.inclusion(RECORDS.get(8), good, K0.verifyingKey()), "proves another record");
        TlogProof shifted = TlogProof.of(8, good.hashes(), good.checkpointNote(), null);
        assertInvalid(ProofCheck.inclusion(RECORDS.get(8), shifted, K0.verifyingKey()), "another root");
    }

    @Test
    void shouldAcceptACheckpointOfARotatedKeyThroughTheKeyHistoryOnly() {
        String rotation = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 12, K1.verifyingKey().bytes()), ORIGIN, K0);
        byte[] history = KeyHistory.of(List.of(rotation)).bytes();

        ProofCheck.Result withHistory = ProofCheck.inclusion(RECORDS.get(20), proof(20, 30, K1, history), K0.verifyingKey());
        assertTrue(withHistory.valid(), withHistory.problem());
        assertEquals(K1.verifyingKey(), withHistory.signer());
        assertEquals(List.of(K0.verifyingKey(), K1.verifyingKey()), withHistory.keys());

        assertInvalid(ProofCheck.inclusion(RECORDS.get(20), proof(20, 30, K1, null), K0.verifyingKey()), "not signed");
        // The rotation at 12 is covered by the checkpoint at 13 (the old key's); the new key signs from size 14.
        assertInvalid(ProofCheck.inclusion(RECORDS.get(2), proof(2, 13, K1, history), K0.verifyingKey()), "not signed");
        String forged = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 12, K1.verifyingKey().bytes()), ORIGIN, K1);
        ProofCheck.Result r = ProofCheck.inclusion(RECORDS.get(20),
                proof(20, 30, K1, KeyHistory.of(List.of(forged)).bytes()), K0.verifyingKey());
        assertInvalid(r, "key history does not verify");
    }

    /**
     * A key rotated to at record r vouches only for the records after r. An outside trial held only the newest key,
     * signed a checkpoint of a whole other tree (record 10, before the rotation, altered), reused the real rotation
     * statement, and check-proof said VERIFIED.
     */
    @Test
    void shouldNotLetARotatedToKeyVouchForARecordBeforeItsRotation() {
        String rotation = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 12, K1.verifyingKey().bytes()), ORIGIN, K0);
        byte[] history = KeyHistory.of(List.of(rotation)).bytes();
        for (int index : new int[] {0, 10, 12, 13}) {
            assertInvalid(ProofCheck.inclusion(RECORDS.get(index), proof(index, 30, K1, history), K0.verifyingKey()),
                    "rotated to at record 12, which vouches only for the records after the checkpoint that covers its"
                            + " rotation (record 13), not for record " + index);
        }
        ProofCheck.Result after = ProofCheck.inclusion(RECORDS.get(14), proof(14, 30, K1, history), K0.verifyingKey());
        assertTrue(after.valid(), after.problem());
        // The checkpoint the old key signed last covers the record and proves it.
        ProofCheck.Result before = ProofCheck.inclusion(RECORDS.get(10), proof(10, 13, K0, history), K0.verifyingKey());
        assertTrue(before.valid(), before.problem());
    }

    /**
     * Record r + 1 of a key rotated to at r is vouched for only when it is the checkpoint that covers the rotation
     * (FORMAT.md, "Checking an inclusion proof", step 2): a CHECKPOINT record that decodes, whose note the key before
     * signs under the origin, a checkpoint of this origin and of r + 1 records. An outside trial forged it with a
     * spoiled old-key signature (refused); a note of another origin line under the same key name is refused too.
     */
    @Test
    void shouldVouchForRecordRPlusOneOnlyWhenItIsTheCoveringCheckpoint() {
        String rotation = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 12, K1.verifyingKey().bytes()), ORIGIN, K0);
        byte[] history = KeyHistory.of(List.of(rotation)).bytes();
        byte[] someRoot = MerkleProofs.rootOf(LEAVES, 13);
        String covering = SignedNote.sign(Checkpoint.of(ORIGIN, 13, someRoot, List.of()).body(), ORIGIN, K0);
        assertTrue(inclusionOfRecord13(covering, history).valid(), inclusionOfRecord13(covering, history).problem());

        String spoiled = covering.substring(0, covering.length() - 6) + (covering.charAt(covering.length() - 6) == 'A'
                ? "B" : "A") + covering.substring(covering.length() - 5);
        String otherOrigin = SignedNote.sign(Checkpoint.of("other.example/log", 13, someRoot, List.of()).body(), ORIGIN,
                K0);
        for (String note : List.of(spoiled, otherOrigin,
                SignedNote.sign(Checkpoint.of(ORIGIN, 12, someRoot, List.of()).body(), ORIGIN, K0),
                SignedNote.sign(Checkpoint.of(ORIGIN, 13, someRoot, List.of()).body(), ORIGIN, K1))) {
            assertInvalid(inclusionOfRecord13(note, history), "not for record 13");
        }
    }

    /** The proof, signed by K1 (rotated to at 12), of record 13 as a CHECKPOINT record holding {@code note}. */
    private static ProofCheck.Result inclusionOfRecord13(String note, byte[] history) {
        byte[] text = note.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        RecordBuilder b = new RecordBuilder(512);
        b.begin(RecordType.CHECKPOINT, 13, 1L, Rfc6962.leafHash(RECORDS.get(12))).bytes32(text, 0, text.length);
        b.buffer()[RecordDescriptor.MINOR_OFFSET] = 0; // format 1.0: no resume state to build
        byte[] record = java.util.Arrays.copyOf(b.buffer(), b.finish());
        List<byte[]> records = new ArrayList<>(RECORDS);
        records.set(13, record);
        LeafHashes leaves = (index, out, off) -> System.arraycopy(Rfc6962.leafHash(records.get((int) index)), 0, out,
                off, 32);
        String cp = SignedNote.sign(Checkpoint.of(ORIGIN, 30, MerkleProofs.rootOf(leaves, 30), List.of()).body(), ORIGIN,
                K1);
        return ProofCheck.inclusion(record, TlogProof.of(13, MerkleProofs.inclusionProof(leaves, 13, 30), cp, history),
                K0.verifyingKey());
    }

    /**
     * The same for a consistency proof: an outside re-trial kept the first records of a real checkpoint, changed a
     * record before the newest key's rotation, signed the tree with that key alone, and the check said the log grew.
     */
    @Test
    void shouldNotLetARotatedToKeyVouchForTheRecordsBetweenAnOlderCheckpointAndItsRotation() {
        String rotation = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 12, K1.verifyingKey().bytes()), ORIGIN, K0);
        byte[] history = KeyHistory.of(List.of(rotation)).bytes();
        for (int oldSize : new int[] {6, 12}) {
            ConsistencyProof p = ConsistencyProof.of(oldSize, MerkleProofs.consistencyProof(LEAVES, oldSize, 30),
                    checkpoint(30, K1), history);
            assertInvalid(ProofCheck.consistency(checkpoint(oldSize, K0), p, K0.verifyingKey()),
                    "does not vouch for the records from " + oldSize);
        }
        // From the checkpoint that covers the rotation (13 records, the old key's) on, the new key vouches.
        ConsistencyProof step = ConsistencyProof.of(13, MerkleProofs.consistencyProof(LEAVES, 13, 30),
                checkpoint(30, K1), history);
        ProofCheck.Result r = ProofCheck.consistency(checkpoint(13, K0), step, K0.verifyingKey());
        assertTrue(r.valid(), r.problem());
    }

    @Test
    void shouldProveThatANewerCheckpointExtendsAnOlderOne() {
        for (int oldSize = 1; oldSize <= N; oldSize += 5) {
            for (int newSize = oldSize; newSize <= N; newSize += 4) {
                ConsistencyProof p = ConsistencyProof.of(oldSize, MerkleProofs.consistencyProof(LEAVES, oldSize, newSize),
                        checkpoint(newSize, K0), null);
                ProofCheck.Result r = ProofCheck.consistency(checkpoint(oldSize, K0), p, K0.verifyingKey());
                assertTrue(r.valid(), oldSize + " -> " + newSize + ": " + r.problem());
            }
        }
    }

    @Test
    void shouldRejectAConsistencyProofFromARewrittenLog() {
        ConsistencyProof good = ConsistencyProof.of(10, MerkleProofs.consistencyProof(LEAVES, 10, 30),
                checkpoint(30, K0), null);
        byte[] otherRoot = MerkleProofs.rootOf(LEAVES, 11);
        String rewritten = SignedNote.sign(Checkpoint.of(ORIGIN, 10, otherRoot, List.of()).body(), ORIGIN, K0);
        assertInvalid(ProofCheck.consistency(rewritten, good, K0.verifyingKey()), "does not fit");
        assertInvalid(ProofCheck.consistency(checkpoint(11, K0), good, K0.verifyingKey()), "starts from tree size 10");
        assertInvalid(ProofCheck.consistency(checkpoint(10, K1), good, K0.verifyingKey()), "older checkpoint");
        List<byte[]> hashes = good.hashes();
        hashes.get(hashes.size() - 1)[5] ^= 1;
        assertInvalid(ProofCheck.consistency(checkpoint(10, K0),
                ConsistencyProof.of(10, hashes, good.checkpointNote(), null), K0.verifyingKey()), "another root");
        String otherLog = SignedNote.sign(Checkpoint.of("other.example/x", 10, MerkleProofs.rootOf(LEAVES, 10), List.of())
                .body(), "other.example/x", K0);
        assertInvalid(ProofCheck.consistency(otherLog, good, K0.verifyingKey()), "different logs");
        assertFalse(ProofCheck.consistency(checkpoint(10, K0), good, K1.verifyingKey()).valid());
    }

    private static void assertInvalid(ProofCheck.Result r, String words) {
        assertFalse(r.valid(), "expected a failure containing: " + words);
        assertTrue(r.problem().contains(words), r.problem());
    }
}
