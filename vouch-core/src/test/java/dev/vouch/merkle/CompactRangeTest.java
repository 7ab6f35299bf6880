package dev.vouch.merkle;

import static dev.vouch.merkle.TreeVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.FormatException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CompactRangeTest {

    private static final int MAX_SIZE = 300;
    private static final byte[][] LEAF_HASHES = TreeVectors.syntheticLeafHashes(MAX_SIZE + 64);

    /** Roots from transparency-dev/merkle, testonly/constants.go, RootHashes(). */
    @Test
    void shouldMatchRfc6962VectorsForEightLeaves() {
        CompactRange range = new CompactRange();
        assertEquals(hex(TreeVectors.ROOTS[0]), hex(range.root()), "size 0");
        byte[][] leafHashes = TreeVectors.publishedLeafHashes();
        for (int size = 1; size <= 8; size++) {
            range.append(leafHashes[size - 1], 0);
            assertEquals(size, range.size());
            assertEquals(hex(TreeVectors.ROOTS[size]), hex(range.root()), "size " + size);
        }
    }

    /** Frontiers from transparency-dev/merkle, testonly/constants.go, CompactTrees(). */
    @Test
    void shouldKeepThePublishedFrontierHashes() {
        byte[][][] nh = TreeVectors.NODES;
        byte[][][] want = {
            {},
            {nh[0][0]},
            {nh[1][0]},
            {nh[1][0], nh[0][2]},
            {nh[2][0]},
            {nh[2][0], nh[0][4]},
            {nh[2][0], nh[1][2]},
            {nh[2][0], nh[1][2], nh[0][6]},
            {nh[3][0]},
        };
        CompactRange range = new CompactRange();
        byte[][] leafHashes = TreeVectors.publishedLeafHashes();
        for (int size = 0; size <= 8; size++) {
            if (size > 0) {
                range.append(leafHashes[size - 1], 0);
            }
            assertTrue(Arrays.deepEquals(want[size], range.hashes()), "size " + size);
        }
    }

    @Test
    void shouldEqualTheReferenceRootForEverySizeUpTo300() {
        LeafHashes source = TreeVectors.source(LEAF_HASHES);
        CompactRange range = new CompactRange();
        byte[] out = new byte[40];
        for (int size = 0; size <= MAX_SIZE; size++) {
            if (size > 0) {
                range.append(LEAF_HASHES[size - 1], 0);
            }
            byte[] want = MerkleProofs.rootOf(source, size);
            assertArrayEquals(want, range.root(), "size " + size);
            range.root(out, 8);
            assertArrayEquals(want, Arrays.copyOfRange(out, 8, 40), "size " + size + " at an offset");
            assertEquals(Long.bitCount(size), range.hashes().length);
        }
    }

    @Test
    void shouldContinueWithTheSameRootsAfterRestoringSavedHashes() {
        byte[][] roots = new byte[MAX_SIZE + 1][];
        CompactRange original = new CompactRange();
        roots[0] = original.root();
        for (int size = 1; size <= MAX_SIZE; size++) {
            original.append(LEAF_HASHES[size - 1], 0);
            roots[size] = original.root();
        }

        CompactRange writer = new CompactRange();
        for (int size = 0; size <= 200; size++) {
            if (size > 0) {
                writer.append(LEAF_HASHES[size - 1], 0);
            }
            // What a writer saves and later reads back after a crash.
            CompactRange restored = CompactRange.of(writer.size(), writer.hashes());
            assertEquals(size, restored.size());
            assertArrayEquals(roots[size], restored.root());
            for (int next = size + 1; next <= Math.min(size + 100, MAX_SIZE); next++) {
                restored.append(LEAF_HASHES[next - 1], 0);
                assertArrayEquals(roots[next], restored.root(), "restored at " + size + ", grown to " + next);
            }
        }
    }

    @Test
    void shouldRejectSavedHashesThatDoNotFitTheSize() {
        byte[] h = new byte[32];
        FormatException tooFew = assertThrows(FormatException.class, () -> CompactRange.of(7, new byte[][] {h, h}));
        assertTrue(tooFew.getMessage().contains("needs 3 hashes, got 2"), tooFew.getMessage());
        assertThrows(FormatException.class, () -> CompactRange.of(0, new byte[][] {h}));
        assertThrows(FormatException.class, () -> CompactRange.of(4, new byte[][] {h, h}));
        assertThrows(FormatException.class, () -> CompactRange.of(-1, new byte[64][32]));
        FormatException shortHash = assertThrows(FormatException.class,
                () -> CompactRange.of(3, new byte[][] {h, new byte[31]}));
        assertTrue(shortHash.getMessage().contains("31 bytes"), shortHash.getMessage());
        assertThrows(NullPointerException.class, () -> CompactRange.of(1, new byte[][] {null}));

        assertEquals(0, CompactRange.of(0, new byte[0][]).size());
        assertEquals(Long.MAX_VALUE, CompactRange.of(Long.MAX_VALUE, new byte[63][32]).size());
    }

    @Test
    void shouldCopySavedHashesInAndOut() {
        byte[][] saved = {LEAF_HASHES[0].clone()};
        CompactRange range = CompactRange.of(1, saved);
        saved[0][0] ^= 1;
        assertArrayEquals(LEAF_HASHES[0], range.root(), "of() must copy its input");

        range.hashes()[0][0] ^= 1;
        assertArrayEquals(LEAF_HASHES[0], range.hashes()[0], "hashes() must return copies");
    }

    @Test
    void shouldCopyIntoIndependentRanges() {
        CompactRange a = new CompactRange();
        for (int i = 0; i < 13; i++) {
            a.append(LEAF_HASHES[i], 0);
        }
        CompactRange b = a.copy();
        CompactRange c = new CompactRange();
        for (int i = 0; i < 40; i++) {
            c.append(LEAF_HASHES[i], 0);
        }
        c.copyFrom(a);
        assertEquals(13, b.size());
        assertEquals(13, c.size());
        assertArrayEquals(a.root(), b.root());
        assertArrayEquals(a.root(), c.root());
        assertTrue(Arrays.deepEquals(a.hashes(), c.hashes()));

        a.append(LEAF_HASHES[13], 0);
        assertEquals(13, b.size());
        assertArrayEquals(c.root(), b.root());
        b.append(LEAF_HASHES[13], 0);
        c.append(LEAF_HASHES[13], 0);
        assertArrayEquals(a.root(), b.root());
        assertArrayEquals(a.root(), c.root());

        c.copyFrom(c);
        assertArrayEquals(a.root(), c.root());
        c.copyFrom(new CompactRange());
        assertEquals(0, c.size());
        assertArrayEquals(Rfc6962.emptyRoot(), c.root());
    }

    @Test
    void shouldReadLeafHashesAtAnOffset() {
        byte[] packed = new byte[5 + 3 * 32];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(LEAF_HASHES[i], 0, packed, 5 + 32 * i, 32);
        }
        CompactRange range = new CompactRange();
        for (int i = 0; i < 3; i++) {
            range.append(packed, 5 + 32 * i);
        }
        assertArrayEquals(MerkleProofs.rootOf(TreeVectors.source(LEAF_HASHES), 3), range.root());
    }

    @Test
    void shouldStayUnchangedWhenAnAppendOrRootIsOutOfBounds() {
        CompactRange range = new CompactRange();
        range.append(LEAF_HASHES[0], 0);
        byte[] before = range.root();

        assertThrows(IndexOutOfBoundsException.class, () -> range.append(new byte[31], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> range.append(new byte[40], 9));
        assertThrows(IndexOutOfBoundsException.class, () -> range.append(new byte[40], -1));
        assertThrows(IndexOutOfBoundsException.class, () -> range.root(new byte[32], 1));

        assertEquals(1, range.size());
        assertArrayEquals(before, range.root());
    }

    @Test
    void shouldRefuseToGrowPastTheLargestSize() {
        CompactRange full = CompactRange.of(Long.MAX_VALUE, new byte[63][32]);
        assertThrows(IllegalStateException.class, () -> full.append(new byte[32], 0));
        assertEquals(Long.MAX_VALUE, full.size());
    }

    @Test
    void shouldAbsorbAFullCarryAcrossSixtyTwoLevels() {
        // 2^62 - 1 leaves: 62 subtrees; one more leaf must merge all of them into a single root.
        byte[][] hashes = new byte[62][];
        for (int i = 0; i < 62; i++) {
            hashes[i] = LEAF_HASHES[i];
        }
        CompactRange range = CompactRange.of((1L << 62) - 1, hashes);
        byte[] expected = LEAF_HASHES[62];
        for (int i = 61; i >= 0; i--) {
            expected = Rfc6962.nodeHash(hashes[i], expected);
        }
        range.append(LEAF_HASHES[62], 0);
        assertEquals(1L << 62, range.size());
        assertEquals(1, range.hashes().length);
        assertArrayEquals(expected, range.root());
    }

    /** Appending a subtree's root must give the range of appending its leaves, for every aligned start and height. */
    @Test
    void shouldAppendAnAlignedSubtreeAsItsLeavesWould() {
        LeafHashes source = TreeVectors.source(LEAF_HASHES);
        for (int height = 0; height <= 5; height++) {
            int n = 1 << height;
            for (int start = 0; start + n <= MAX_SIZE; start += n) {
                CompactRange byLeaf = new CompactRange();
                for (int i = 0; i < start; i++) {
                    byLeaf.append(LEAF_HASHES[i], 0);
                }
                CompactRange bySubtree = byLeaf.copy();
                CompactRange subtree = new CompactRange();
                for (int i = start; i < start + n; i++) {
                    byLeaf.append(LEAF_HASHES[i], 0);
                    subtree.append(LEAF_HASHES[i], 0);
                }
                byte[] at = new byte[40];
                subtree.root(at, 8);
                bySubtree.appendSubtree(at, 8, height);
                String where = n + " leaves at " + start;
                assertEquals(byLeaf.size(), bySubtree.size(), where);
                assertTrue(Arrays.deepEquals(byLeaf.hashes(), bySubtree.hashes()), where);
                assertArrayEquals(MerkleProofs.rootOf(source, start + n), bySubtree.root(), where);
            }
        }
    }

    @Test
    void shouldRefuseAMisalignedSubtreeAndStayUnchanged() {
        CompactRange range = new CompactRange();
        for (int i = 0; i < 6; i++) {
            range.append(LEAF_HASHES[i], 0);
        }
        byte[][] before = range.hashes();
        byte[] root = LEAF_HASHES[7];
        assertThrows(IllegalArgumentException.class, () -> range.appendSubtree(root, 0, 2)); // 6 is not a multiple of 4
        assertThrows(IllegalArgumentException.class, () -> range.appendSubtree(root, 0, 63));
        assertThrows(IllegalArgumentException.class, () -> range.appendSubtree(root, 0, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> range.appendSubtree(root, 1, 1));
        assertEquals(6, range.size());
        assertTrue(Arrays.deepEquals(before, range.hashes()));
        range.appendSubtree(root, 0, 1);
        assertEquals(8, range.size());
    }

    @Test
    void shouldStartAgainFromTheEmptyTreeWhenCleared() {
        CompactRange range = new CompactRange();
        for (int i = 0; i < 5; i++) {
            range.append(LEAF_HASHES[i], 0);
        }
        range.clear();
        assertEquals(0, range.size());
        assertArrayEquals(Rfc6962.emptyRoot(), range.root());
        range.append(LEAF_HASHES[0], 0);
        assertArrayEquals(LEAF_HASHES[0], range.root());
    }
}
