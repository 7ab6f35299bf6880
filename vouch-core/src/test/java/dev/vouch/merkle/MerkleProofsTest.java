package dev.vouch.merkle;

import static dev.vouch.merkle.TreeVectors.deepCopy;
import static dev.vouch.merkle.TreeVectors.flipped;
import static dev.vouch.merkle.TreeVectors.hex;
import static dev.vouch.merkle.TreeVectors.hexes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vouch.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleProofsTest {

    // Vectors from transparency-dev/merkle, log_verifier_test.go (inclusionProofs, consistencyProofs,
    // sha256SomeHash, sha256EmptyTreeHash). Leaf numbers there are 1-based; here they are 0-based indices.
    private static final byte[] SOME_HASH = hex("abacaba000000000000000000000000000000000000000000060061e00123456");
    private static final byte[] EMPTY_TREE_HASH = hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    private record InclusionVector(long index, long size, byte[][] proof) {
    }

    private record ConsistencyVector(long size1, long size2, byte[][] proof) {
    }

    private static final List<InclusionVector> INCLUSION_VECTORS = List.of(
            new InclusionVector(0, 8, hexes(
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new InclusionVector(5, 8, hexes(
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new InclusionVector(2, 3, hexes(
                    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
            new InclusionVector(1, 5, hexes(
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));

    private static final List<ConsistencyVector> CONSISTENCY_VECTORS = List.of(
            new ConsistencyVector(1, 1, new byte[0][]),
            new ConsistencyVector(1, 8, hexes(
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new ConsistencyVector(6, 8, hexes(
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new ConsistencyVector(2, 5, hexes(
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
            new ConsistencyVector(6, 7, hexes(
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

    private static final byte[][] PUBLISHED = TreeVectors.publishedLeafHashes();
    private static final LeafHashes PUBLISHED_SOURCE = TreeVectors.source(PUBLISHED);

    private static final int MAX_PROPERTY_SIZE = 64;
    private static final byte[][] SYNTHETIC = TreeVectors.syntheticLeafHashes(MAX_PROPERTY_SIZE);
    private static final LeafHashes SYNTHETIC_SOURCE = TreeVectors.source(SYNTHETIC);

    // ---------------------------------------------------------------------------------------------
    // Published vectors.

    @Test
    void shouldVerifyPublishedInclusionProofsAndRejectTheirCorruptions() {
        for (InclusionVector v : INCLUSION_VECTORS) {
            List<byte[]> proof = Arrays.asList(v.proof());
            byte[] leaf = PUBLISHED[(int) v.index()];
            byte[] root = TreeVectors.ROOTS[(int) v.size()];
            String name = "inclusion " + v.index() + "/" + v.size();

            assertArrayEquals(root, MerkleProofs.rootFromInclusionProof(v.index(), v.size(), leaf, proof), name);
            assertTrue(MerkleProofs.verifyInclusion(v.index(), v.size(), leaf, proof, root), name);
            for (InclusionProbe p : corruptInclusion(v.index(), v.size(), proof, root, leaf)) {
                assertFalse(MerkleProofs.verifyInclusion(p.index, p.size, p.leaf, p.proof, p.root),
                        name + " accepted: " + p.desc);
            }
        }
    }

    @Test
    void shouldGenerateThePublishedInclusionProofs() {
        for (InclusionVector v : INCLUSION_VECTORS) {
            List<byte[]> got = MerkleProofs.inclusionProof(PUBLISHED_SOURCE, v.index(), v.size());
            assertProofEquals(v.proof(), got, "inclusion " + v.index() + "/" + v.size());
        }
    }

    @Test
    void shouldVerifyPublishedConsistencyProofsAndRejectTheirCorruptions() {
        for (ConsistencyVector v : CONSISTENCY_VECTORS) {
            List<byte[]> proof = Arrays.asList(v.proof());
            byte[] root1 = TreeVectors.ROOTS[(int) v.size1()];
            byte[] root2 = TreeVectors.ROOTS[(int) v.size2()];
            String name = "consistency " + v.size1() + "->" + v.size2();

            assertTrue(MerkleProofs.verifyConsistency(v.size1(), v.size2(), root1, root2, proof), name);
            assertArrayEquals(root2, MerkleProofs.rootFromConsistencyProof(v.size1(), v.size2(), root1, proof), name);
            if (proof.isEmpty()) {
                continue; // As in the Go test, only non-trivial proofs are corrupted.
            }
            for (ConsistencyProbe p : corruptConsistency(v.size1(), v.size2(), root1, root2, proof)) {
                assertFalse(MerkleProofs.verifyConsistency(p.size1, p.size2, p.root1, p.root2, p.proof),
                        name + " accepted: " + p.desc);
            }
        }
    }

    @Test
    void shouldGenerateThePublishedConsistencyProofs() {
        for (ConsistencyVector v : CONSISTENCY_VECTORS) {
            List<byte[]> got = MerkleProofs.consistencyProof(PUBLISHED_SOURCE, v.size1(), v.size2());
            assertProofEquals(v.proof(), got, "consistency " + v.size1() + "->" + v.size2());
        }
    }

    /**
     * Node-level expectations for the seven-leaf tree of RFC 6962, from transparency-dev/merkle,
     * proof/proof_test.go (TestInclusion, TestConsistency), with hashes from testonly/constants.go. Where
     * that test "rehashes" nodes i and j, the proof holds their parent, node(i, j).
     */
    @Test
    void shouldGenerateProofsOfTheSevenLeafTreeNodeByNode() {
        byte[][][] nh = TreeVectors.NODES;
        byte[] a = nh[0][0], b = nh[0][1], c = nh[0][2], d = nh[0][3], e = nh[0][4], f = nh[0][5], j = nh[0][6];
        byte[] g = nh[1][0], h = nh[1][1], i = nh[1][2], k = nh[2][0];
        byte[] ij = Rfc6962.nodeHash(i, j);

        assertProofEquals(new byte[][] {b, h, ij}, MerkleProofs.inclusionProof(PUBLISHED_SOURCE, 0, 7), "incl 0/7");
        assertProofEquals(new byte[][] {d, g, ij}, MerkleProofs.inclusionProof(PUBLISHED_SOURCE, 2, 7), "incl 2/7");
        assertProofEquals(new byte[][] {f, j, k}, MerkleProofs.inclusionProof(PUBLISHED_SOURCE, 4, 7), "incl 4/7");
        assertProofEquals(new byte[][] {i, k}, MerkleProofs.inclusionProof(PUBLISHED_SOURCE, 6, 7), "incl 6/7");
        assertProofEquals(new byte[][] {c, g, e}, MerkleProofs.inclusionProof(PUBLISHED_SOURCE, 3, 5), "incl 3/5");
        assertProofEquals(new byte[][] {}, MerkleProofs.inclusionProof(PUBLISHED_SOURCE, 0, 1), "incl 0/1");

        assertProofEquals(new byte[][] {e, f, j, k}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 5, 7), "5->7");
        assertProofEquals(new byte[][] {i, j, k}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 6, 7), "6->7");
        assertProofEquals(new byte[][] {c, d, g, ij}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 3, 7), "3->7");
        assertProofEquals(new byte[][] {ij}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 4, 7), "4->7");
        assertProofEquals(new byte[][] {b, h, ij}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 1, 7), "1->7");
        assertProofEquals(new byte[][] {j, nh[0][7], i, k}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 7, 8),
                "7->8");
        assertProofEquals(new byte[][] {h, nh[2][1]}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 2, 8), "2->8");
        assertProofEquals(new byte[][] {}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 4, 4), "4->4");
        assertProofEquals(new byte[][] {}, MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 0, 4), "0->4");
        assertArrayEquals(a, MerkleProofs.rootOf(PUBLISHED_SOURCE, 1));
    }

    @Test
    void shouldMatchThePublishedRootsForEverySize() {
        for (int size = 0; size <= 8; size++) {
            assertArrayEquals(TreeVectors.ROOTS[size], MerkleProofs.rootOf(PUBLISHED_SOURCE, size), "size " + size);
        }
    }

    /** From transparency-dev/merkle, log_verifier_test.go, TestVerifyConsistency. */
    @Test
    void shouldTreatEqualAndEmptyTreesAsTransparencyDevDoes() {
        byte[] root1 = "don't care 1".getBytes(StandardCharsets.US_ASCII);
        byte[] root2 = "don't care 2".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> none = List.of();
        List<byte[]> one = List.of(EMPTY_TREE_HASH);

        assertFalse(MerkleProofs.verifyConsistency(0, 0, root1, root2, none));
        assertFalse(MerkleProofs.verifyConsistency(1, 1, root1, root2, none));
        // Sizes that are always consistent.
        assertTrue(MerkleProofs.verifyConsistency(0, 0, root1, root1, none));
        assertTrue(MerkleProofs.verifyConsistency(0, 1, root1, root2, none));
        assertTrue(MerkleProofs.verifyConsistency(1, 1, root2, root2, none));
        // Time travel to the past.
        assertFalse(MerkleProofs.verifyConsistency(1, 0, root1, root2, none));
        assertFalse(MerkleProofs.verifyConsistency(2, 1, root1, root2, none));
        // Empty proof.
        assertFalse(MerkleProofs.verifyConsistency(1, 2, root1, root2, none));
        // Roots don't match.
        assertFalse(MerkleProofs.verifyConsistency(0, 0, EMPTY_TREE_HASH, root2, none));
        assertFalse(MerkleProofs.verifyConsistency(1, 1, EMPTY_TREE_HASH, root2, none));
        // Roots match but the proof is not empty.
        assertFalse(MerkleProofs.verifyConsistency(0, 0, EMPTY_TREE_HASH, EMPTY_TREE_HASH, one));
        assertFalse(MerkleProofs.verifyConsistency(0, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, one));
        assertFalse(MerkleProofs.verifyConsistency(1, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, one));
        // Negative sizes are out of range, not huge unsigned numbers.
        assertFalse(MerkleProofs.verifyConsistency(-1, 1, root1, root2, none));
    }

    /** From transparency-dev/merkle, log_verifier_test.go, TestVerifyInclusionSingleEntry and TestVerifyInclusion. */
    @Test
    void shouldRejectDegenerateInclusionClaims() {
        byte[] hash = Rfc6962.leafHash("data".getBytes(StandardCharsets.US_ASCII));
        byte[] empty = new byte[0];
        List<byte[]> none = List.of();
        assertTrue(MerkleProofs.verifyInclusion(0, 1, hash, none, hash));
        assertFalse(MerkleProofs.verifyInclusion(0, 1, empty, none, hash));
        assertFalse(MerkleProofs.verifyInclusion(0, 1, hash, none, empty));
        assertFalse(MerkleProofs.verifyInclusion(0, 1, empty, none, empty));

        long[][] probes = {{0, 0}, {0, 1}, {1, 0}, {2, 1}, {-1, 1}};
        for (long[] p : probes) {
            String name = "index " + p[0] + " size " + p[1];
            assertFalse(MerkleProofs.verifyInclusion(p[0], p[1], SOME_HASH, none, empty), name);
            assertFalse(MerkleProofs.verifyInclusion(p[0], p[1], empty, none, EMPTY_TREE_HASH), name);
            assertFalse(MerkleProofs.verifyInclusion(p[0], p[1], SOME_HASH, none, EMPTY_TREE_HASH), name);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Properties over every small tree.

    @Test
    void shouldVerifyEveryInclusionProofUpTo64LeavesAndRejectEveryTampering() {
        for (int size = 1; size <= MAX_PROPERTY_SIZE; size++) {
            byte[] root = MerkleProofs.rootOf(SYNTHETIC_SOURCE, size);
            for (int index = 0; index < size; index++) {
                String name = "leaf " + index + " of " + size;
                byte[] leaf = SYNTHETIC[index];
                List<byte[]> proof = MerkleProofs.inclusionProof(SYNTHETIC_SOURCE, index, size);

                assertTrue(MerkleProofs.verifyInclusion(index, size, leaf, proof, root), name);
                assertArrayEquals(root, MerkleProofs.rootFromInclusionProof(index, size, leaf, proof), name);

                for (int e = 0; e < proof.size(); e++) {
                    for (int pos : new int[] {0, 31}) {
                        List<byte[]> bad = deepCopy(proof);
                        bad.get(e)[pos] ^= 0x40;
                        assertFalse(MerkleProofs.verifyInclusion(index, size, leaf, bad, root),
                                name + " with proof[" + e + "][" + pos + "] flipped");
                    }
                }
                assertFalse(MerkleProofs.verifyInclusion(index, size, flipped(leaf, 0), proof, root), name + " leaf");
                assertFalse(MerkleProofs.verifyInclusion(index, size, leaf, proof, flipped(root, 7)), name + " root");
                assertFalse(MerkleProofs.verifyInclusion(index - 1, size, leaf, proof, root), name + " index-1");
                assertFalse(MerkleProofs.verifyInclusion(index + 1, size, leaf, proof, root), name + " index+1");
                if (size > 1) {
                    // The neighbour's leaf must not verify with this leaf's proof either.
                    int other = index ^ 1;
                    if (other < size) {
                        assertFalse(MerkleProofs.verifyInclusion(index, size, SYNTHETIC[other], proof, root),
                                name + " neighbour leaf");
                    }
                }
                if (!proof.isEmpty()) {
                    List<byte[]> shorter = proof.subList(0, proof.size() - 1);
                    assertFalse(MerkleProofs.verifyInclusion(index, size, leaf, shorter, root), name + " truncated");
                }
                List<byte[]> longer = new ArrayList<>(proof);
                longer.add(root);
                assertFalse(MerkleProofs.verifyInclusion(index, size, leaf, longer, root), name + " extended");
            }
        }
    }

    @Test
    void shouldVerifyEveryConsistencyProofUpTo64LeavesAndRejectEveryTampering() {
        byte[][] roots = new byte[MAX_PROPERTY_SIZE + 1][];
        for (int size = 0; size <= MAX_PROPERTY_SIZE; size++) {
            roots[size] = MerkleProofs.rootOf(SYNTHETIC_SOURCE, size);
        }
        for (int size2 = 1; size2 <= MAX_PROPERTY_SIZE; size2++) {
            for (int size1 = 1; size1 <= size2; size1++) {
                String name = "consistency " + size1 + "->" + size2;
                byte[] root1 = roots[size1];
                byte[] root2 = roots[size2];
                List<byte[]> proof = MerkleProofs.consistencyProof(SYNTHETIC_SOURCE, size1, size2);

                assertTrue(MerkleProofs.verifyConsistency(size1, size2, root1, root2, proof), name);
                assertArrayEquals(root2, MerkleProofs.rootFromConsistencyProof(size1, size2, root1, proof), name);
                assertEquals(size1 == size2, proof.isEmpty(), name + " proof is empty exactly for equal sizes");

                assertFalse(MerkleProofs.verifyConsistency(size1, size2, root1, flipped(root2, 2), proof),
                        name + " root2");
                if (size1 == size2) {
                    continue; // An empty proof has nothing else to tamper with.
                }
                assertFalse(MerkleProofs.verifyConsistency(size1, size2, flipped(root1, 2), root2, proof),
                        name + " root1");
                for (int e = 0; e < proof.size(); e++) {
                    List<byte[]> bad = deepCopy(proof);
                    bad.get(e)[17] ^= 0x10;
                    assertFalse(MerkleProofs.verifyConsistency(size1, size2, root1, root2, bad),
                            name + " with proof[" + e + "] flipped");
                }
                assertFalse(MerkleProofs.verifyConsistency(size1 - 1, size2, roots[size1 - 1], root2, proof),
                        name + " size1-1");
                assertFalse(MerkleProofs.verifyConsistency(size1 + 1, size2, roots[size1 + 1], root2, proof),
                        name + " size1+1");
                assertFalse(MerkleProofs.verifyConsistency(size1, size2 - 1, root1, roots[size2 - 1], proof),
                        name + " size2-1");
                assertFalse(MerkleProofs.verifyConsistency(size1, size2, root1, root2,
                        proof.subList(0, proof.size() - 1)), name + " truncated");
                List<byte[]> longer = new ArrayList<>(proof);
                longer.add(0, root1);
                assertFalse(MerkleProofs.verifyConsistency(size1, size2, root1, root2, longer), name + " prefixed");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Explanations and argument checks.

    @Test
    void shouldExplainWhyAnInclusionProofIsMalformed() {
        byte[] leaf = PUBLISHED[0];
        List<byte[]> proof = Arrays.asList(INCLUSION_VECTORS.get(0).proof());

        assertMessage("has 2 hashes, want 3",
                () -> MerkleProofs.rootFromInclusionProof(0, 8, leaf, proof.subList(0, 2)));
        assertMessage("leaf index 8 is not in a tree of size 8",
                () -> MerkleProofs.rootFromInclusionProof(8, 8, leaf, proof));
        assertMessage("leaf hash has 31 bytes",
                () -> MerkleProofs.rootFromInclusionProof(0, 8, new byte[31], proof));
        List<byte[]> shortElement = new ArrayList<>(proof);
        shortElement.set(1, new byte[0]);
        assertMessage("proof hash 1 has 0 bytes",
                () -> MerkleProofs.rootFromInclusionProof(0, 8, leaf, shortElement));
        assertThrows(NullPointerException.class, () -> MerkleProofs.verifyInclusion(0, 8, leaf, proof, null));
    }

    @Test
    void shouldExplainWhyAConsistencyProofCannotBeUsed() {
        ConsistencyVector v = CONSISTENCY_VECTORS.get(2); // 6 -> 8
        List<byte[]> proof = Arrays.asList(v.proof());
        byte[] root6 = TreeVectors.ROOTS[6];

        assertMessage("has 2 hashes, want 3",
                () -> MerkleProofs.rootFromConsistencyProof(6, 8, root6, proof.subList(0, 2)));
        assertMessage("does not lead back to the root of size 6",
                () -> MerkleProofs.rootFromConsistencyProof(6, 8, TreeVectors.ROOTS[5], proof));
        assertMessage("not in order", () -> MerkleProofs.rootFromConsistencyProof(8, 6, root6, proof));
        assertMessage("must be empty", () -> MerkleProofs.rootFromConsistencyProof(6, 6, root6, proof));
        assertMessage("empty tree", () -> MerkleProofs.rootFromConsistencyProof(0, 6, root6, List.of()));
        assertArrayEquals(root6, MerkleProofs.rootFromConsistencyProof(6, 6, root6, List.of()));
    }

    @Test
    void shouldRejectImpossibleGenerationRequests() {
        assertThrows(IllegalArgumentException.class, () -> MerkleProofs.inclusionProof(PUBLISHED_SOURCE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> MerkleProofs.inclusionProof(PUBLISHED_SOURCE, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> MerkleProofs.inclusionProof(PUBLISHED_SOURCE, -1, 8));
        assertThrows(IllegalArgumentException.class, () -> MerkleProofs.consistencyProof(PUBLISHED_SOURCE, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> MerkleProofs.consistencyProof(PUBLISHED_SOURCE, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> MerkleProofs.rootOf(PUBLISHED_SOURCE, -1));
    }

    @Test
    void shouldPassLeafSourceFailuresThrough() {
        LeafHashes broken = (index, out, off) -> {
            throw new IllegalStateException("journal unreadable at " + index);
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MerkleProofs.inclusionProof(broken, 3, 8));
        assertTrue(e.getMessage().startsWith("journal unreadable"));
    }

    @Test
    void shouldReadOnlyLeavesBelowTheRequestedSize() {
        long[] highest = {-1};
        LeafHashes watched = (index, out, off) -> {
            highest[0] = Math.max(highest[0], index);
            System.arraycopy(SYNTHETIC[(int) index], 0, out, off, 32);
        };
        MerkleProofs.inclusionProof(watched, 3, 37);
        MerkleProofs.consistencyProof(watched, 20, 37);
        MerkleProofs.rootOf(watched, 37);
        assertEquals(36, highest[0]);
    }

    // ---------------------------------------------------------------------------------------------
    // Corruptions, after corruptInclusionProof and corruptConsistencyProof in transparency-dev/merkle,
    // log_verifier_test.go.

    private record InclusionProbe(long index, long size, byte[] root, byte[] leaf, List<byte[]> proof, String desc) {
    }

    private record ConsistencyProbe(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof,
            String desc) {
    }

    private static List<InclusionProbe> corruptInclusion(
            long index, long size, List<byte[]> proof, byte[] root, byte[] leaf) {
        List<InclusionProbe> ret = new ArrayList<>(List.of(
                new InclusionProbe(index - 1, size, root, leaf, proof, "index - 1"),
                new InclusionProbe(index + 1, size, root, leaf, proof, "index + 1"),
                new InclusionProbe(index ^ 2, size, root, leaf, proof, "index ^ 2"),
                new InclusionProbe(index, size * 2, root, leaf, proof, "size * 2"),
                new InclusionProbe(index, size / 2, root, leaf, proof, "size / 2"),
                new InclusionProbe(index, size, root, "WrongLeaf".getBytes(StandardCharsets.US_ASCII), proof,
                        "wrong leaf"),
                new InclusionProbe(index, size, EMPTY_TREE_HASH, leaf, proof, "empty root"),
                new InclusionProbe(index, size, SOME_HASH, leaf, proof, "random root"),
                new InclusionProbe(index, size, root, leaf, extend(proof, new byte[0]), "trailing garbage"),
                new InclusionProbe(index, size, root, leaf, extend(proof, root), "trailing root"),
                new InclusionProbe(index, size, root, leaf, prepend(proof, new byte[0]), "preceding garbage"),
                new InclusionProbe(index, size, root, leaf, prepend(proof, root), "preceding root")));
        for (int i = 0; i < proof.size(); i++) {
            List<byte[]> wrong = new ArrayList<>(proof);
            wrong.set(i, flipped(proof.get(i), 3));
            ret.add(new InclusionProbe(index, size, root, leaf, wrong, "modified proof[" + i + "] bit 3"));
        }
        if (!proof.isEmpty()) {
            ret.add(new InclusionProbe(index, size, root, leaf, proof.subList(0, proof.size() - 1),
                    "removed component"));
        }
        if (proof.size() > 1) {
            List<byte[]> wrong = new ArrayList<>();
            wrong.add(proof.get(0));
            wrong.add(SOME_HASH);
            wrong.addAll(proof.subList(1, proof.size()));
            ret.add(new InclusionProbe(index, size, root, leaf, wrong, "inserted component"));
        }
        return ret;
    }

    private static List<ConsistencyProbe> corruptConsistency(
            long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        byte[] wrongRoot = "WrongRoot".getBytes(StandardCharsets.US_ASCII);
        List<ConsistencyProbe> ret = new ArrayList<>(List.of(
                new ConsistencyProbe(size1 - 1, size2, root1, root2, proof, "size1 - 1"),
                new ConsistencyProbe(size1 + 1, size2, root1, root2, proof, "size1 + 1"),
                new ConsistencyProbe(size1 ^ 2, size2, root1, root2, proof, "size1 ^ 2"),
                new ConsistencyProbe(size1, size2 * 2, root1, root2, proof, "size2 * 2"),
                new ConsistencyProbe(size1, size2 / 2, root1, root2, proof, "size2 / 2"),
                new ConsistencyProbe(size1, size2, wrongRoot, root2, proof, "wrong root1"),
                new ConsistencyProbe(size1, size2, root1, wrongRoot, proof, "wrong root2"),
                new ConsistencyProbe(size1, size2, root2, root1, proof, "swapped roots"),
                new ConsistencyProbe(size1, size2, root1, root2, List.of(), "empty proof"),
                new ConsistencyProbe(size1, size2, root1, root2, extend(proof, new byte[0]), "trailing garbage"),
                new ConsistencyProbe(size1, size2, root1, root2, extend(proof, root1), "trailing root1"),
                new ConsistencyProbe(size1, size2, root1, root2, extend(proof, root2), "trailing root2"),
                new ConsistencyProbe(size1, size2, root1, root2, prepend(proof, new byte[0]), "preceding garbage"),
                new ConsistencyProbe(size1, size2, root1, root2, prepend(proof, root1), "preceding root1"),
                new ConsistencyProbe(size1, size2, root1, root2, prepend(proof, root2), "preceding root2"),
                new ConsistencyProbe(size1, size2, root1, root2, prepend(proof, proof.get(0)), "preceding proof[0]"),
                new ConsistencyProbe(size1, size2, root1, root2, proof.subList(0, proof.size() - 1),
                        "truncated proof")));
        for (int i = 0; i < proof.size(); i++) {
            List<byte[]> wrong = new ArrayList<>(proof);
            wrong.set(i, flipped(proof.get(i), 4));
            ret.add(new ConsistencyProbe(size1, size2, root1, root2, wrong, "modified proof[" + i + "] bit 4"));
        }
        return ret;
    }

    private static List<byte[]> extend(List<byte[]> proof, byte[] hash) {
        List<byte[]> out = new ArrayList<>(proof);
        out.add(hash);
        return out;
    }

    private static List<byte[]> prepend(List<byte[]> proof, byte[] hash) {
        List<byte[]> out = new ArrayList<>(proof);
        out.add(0, hash);
        return out;
    }

    private static void assertProofEquals(byte[][] want, List<byte[]> got, String name) {
        List<String> w = new ArrayList<>();
        for (byte[] h : want) {
            w.add(hex(h));
        }
        List<String> g = new ArrayList<>();
        for (byte[] h : got) {
            g.add(hex(h));
        }
        assertEquals(w, g, name);
    }

    private static void assertMessage(String fragment, Runnable call) {
        try {
            call.run();
        } catch (FormatException e) {
            assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
            return;
        }
        fail("expected a FormatException containing '" + fragment + "'");
    }
}
