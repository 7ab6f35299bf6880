package dev.vouch.merkle;

import static dev.vouch.merkle.TreeVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Rfc6962Test {

    /** Vectors from transparency-dev/merkle, rfc6962/rfc6962_test.go, TestRFC6962Hasher. */
    @Test
    void shouldMatchTransparencyDevHasherVectors() {
        // echo -n | sha256sum
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(Rfc6962.emptyRoot()));
        // echo -n 00 | xxd -r -p | sha256sum: differs from the empty root.
        assertEquals(
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                hex(Rfc6962.leafHash(new byte[0])));
        // echo -n 004C313233343536 | xxd -r -p | sha256sum
        assertEquals(
                "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
                hex(Rfc6962.leafHash("L123456".getBytes(StandardCharsets.US_ASCII))));
        // echo -n 014E3132334E343536 | xxd -r -p | sha256sum
        assertEquals(
                "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb",
                hex(Rfc6962.nodeHash(
                        "N123".getBytes(StandardCharsets.US_ASCII), "N456".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void shouldMatchPublishedLeafAndNodeHashesOfTheEightLeafTree() {
        for (int i = 0; i < TreeVectors.LEAVES.length; i++) {
            assertArrayEquals(TreeVectors.NODES[0][i], Rfc6962.leafHash(TreeVectors.LEAVES[i]), "leaf " + i);
        }
        for (int level = 1; level < TreeVectors.NODES.length; level++) {
            for (int i = 0; i < TreeVectors.NODES[level].length; i++) {
                byte[] l = TreeVectors.NODES[level - 1][2 * i];
                byte[] r = TreeVectors.NODES[level - 1][2 * i + 1];
                assertArrayEquals(TreeVectors.NODES[level][i], Rfc6962.nodeHash(l, r), "node " + level + "," + i);
            }
        }
    }

    @Test
    void shouldHashSlicesIntoOffsetsWithoutTouchingNeighbours() {
        MessageDigest md = Rfc6962.newSha256();
        byte[] data = "xxL123456yy".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[40];
        Arrays.fill(out, (byte) 0x55);

        Rfc6962.leafHash(md, data, 2, 7, out, 4);

        assertArrayEquals(Rfc6962.leafHash("L123456".getBytes(StandardCharsets.US_ASCII)), Arrays.copyOfRange(out, 4, 36));
        for (int i : new int[] {0, 1, 2, 3, 36, 37, 38, 39}) {
            assertEquals((byte) 0x55, out[i], "byte " + i);
        }

        byte[] both = new byte[64 + 32];
        System.arraycopy(TreeVectors.NODES[0][0], 0, both, 0, 32);
        System.arraycopy(TreeVectors.NODES[0][1], 0, both, 32, 32);
        Rfc6962.nodeHash(md, both, 0, both, 32, both, 64);
        assertArrayEquals(TreeVectors.NODES[1][0], Arrays.copyOfRange(both, 64, 96));
    }

    @Test
    void shouldAllowOutputToAliasEitherChild() {
        MessageDigest md = Rfc6962.newSha256();
        byte[] left = TreeVectors.NODES[0][0].clone();
        byte[] right = TreeVectors.NODES[0][1].clone();
        Rfc6962.nodeHash(md, left, 0, right, 0, left, 0);
        assertArrayEquals(TreeVectors.NODES[1][0], left);

        left = TreeVectors.NODES[0][0].clone();
        Rfc6962.nodeHash(md, left, 0, right, 0, right, 0);
        assertArrayEquals(TreeVectors.NODES[1][0], right);
    }

    /** After transparency-dev/merkle, rfc6962/rfc6962_test.go, TestRFC6962HasherCollisions. */
    @Test
    void shouldKeepLeavesNodesAndChildOrderApart() {
        byte[] hello = Rfc6962.leafHash("Hello".getBytes(StandardCharsets.US_ASCII));
        byte[] world = Rfc6962.leafHash("World".getBytes(StandardCharsets.US_ASCII));
        assertFalse(Arrays.equals(hello, world));

        byte[] node = Rfc6962.nodeHash(hello, world);
        byte[] concatenated = new byte[64];
        System.arraycopy(hello, 0, concatenated, 0, 32);
        System.arraycopy(world, 0, concatenated, 32, 32);
        assertFalse(Arrays.equals(node, Rfc6962.leafHash(concatenated)), "a leaf must never pass for a node");
        assertFalse(Arrays.equals(node, Rfc6962.nodeHash(world, hello)), "children must be ordered");
    }

    @Test
    void shouldHandOutFreshCopiesOfTheEmptyRoot() {
        byte[] a = Rfc6962.emptyRoot();
        a[0] ^= 1;
        byte[] b = Rfc6962.emptyRoot();
        assertNotSame(a, b);
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(b));
    }

    @Test
    void shouldRejectRangesOutsideTheArraysBeforeWriting() {
        MessageDigest md = Rfc6962.newSha256();
        byte[] out = new byte[40];
        assertThrows(IndexOutOfBoundsException.class, () -> Rfc6962.leafHash(md, new byte[4], 2, 3, out, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Rfc6962.leafHash(md, new byte[4], 0, 4, out, 9));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Rfc6962.nodeHash(md, new byte[32], 1, new byte[32], 0, out, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Rfc6962.nodeHash(md, new byte[32], 0, new byte[32], 0, out, 9));
        assertArrayEquals(new byte[40], out);

        // The digest is still usable: a failed call left nothing half-fed in it.
        byte[] good = new byte[32];
        Rfc6962.leafHash(md, new byte[0], 0, 0, good, 0);
        assertArrayEquals(TreeVectors.NODES[0][0], good);
    }

    @Test
    void shouldHashALeafThroughTheScratchBufferAsInPlace() {
        MessageDigest md = Rfc6962.newSha256();
        java.util.Random random = new java.util.Random(6962);
        byte[] data = new byte[10_010];
        random.nextBytes(data);
        byte[] expected = new byte[32];
        byte[] out = new byte[40];
        int[] lengths = {0, 1, 54, 55, 56, 62, 63, 64, 65, 119, 120, 127, 128, 366, 4094, 4095, 4096, 4097, 10_000};
        for (int scratchSize : new int[] {1, 64, 65, Rfc6962.LEAF_SCRATCH_SIZE}) {
            byte[] scratch = new byte[scratchSize];
            for (int len : lengths) {
                random.nextBytes(scratch); // what a previous leaf left there must not matter
                Rfc6962.leafHash(md, data, 7, len, expected, 0);
                Arrays.fill(out, (byte) 0x55);
                Rfc6962.leafHash(md, scratch, data, 7, len, out, 5);
                assertArrayEquals(expected, Arrays.copyOfRange(out, 5, 37), "scratch " + scratchSize + ", length " + len);
                assertEquals(0x55, out[4] & 0xFF);
                assertEquals(0x55, out[37] & 0xFF);
            }
        }
        assertArrayEquals(Rfc6962.leafHash("L123456".getBytes(StandardCharsets.US_ASCII)), leafThroughScratch("L123456"));
    }

    @Test
    void shouldRejectRangesOutsideTheArraysBeforeWritingThroughTheScratchBuffer() {
        MessageDigest md = Rfc6962.newSha256();
        byte[] scratch = new byte[Rfc6962.LEAF_SCRATCH_SIZE];
        byte[] out = new byte[40];
        assertThrows(IndexOutOfBoundsException.class, () -> Rfc6962.leafHash(md, scratch, new byte[4], 2, 3, out, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Rfc6962.leafHash(md, scratch, new byte[4], 0, 4, out, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> Rfc6962.leafHash(md, scratch, new byte[4], -1, 2, out, 0));
        assertArrayEquals(new byte[40], out);
        assertArrayEquals(new byte[Rfc6962.LEAF_SCRATCH_SIZE], scratch);
        Rfc6962.leafHash(md, scratch, new byte[0], 0, 0, out, 0);
        assertArrayEquals(TreeVectors.NODES[0][0], Arrays.copyOf(out, 32));
    }

    @Test
    void shouldHashANodeThroughTheScratchBufferAsWithThreeUpdates() {
        MessageDigest md = Rfc6962.newSha256();
        byte[] scratch = new byte[65];
        for (int level = 1; level < TreeVectors.NODES.length; level++) {
            for (int i = 0; i < TreeVectors.NODES[level].length; i++) {
                byte[] l = TreeVectors.NODES[level - 1][2 * i].clone();
                byte[] r = TreeVectors.NODES[level - 1][2 * i + 1].clone();
                byte[] out = new byte[32];
                Rfc6962.nodeHash(md, scratch, l, 0, r, 0, out, 0);
                assertArrayEquals(TreeVectors.NODES[level][i], out, "node " + level + "," + i);
                Rfc6962.nodeHash(md, scratch, l, 0, r, 0, r, 0); // out aliasing the right child
                assertArrayEquals(TreeVectors.NODES[level][i], r, "aliased node " + level + "," + i);
            }
        }
        byte[] out = new byte[32];
        assertThrows(IndexOutOfBoundsException.class,
                () -> Rfc6962.nodeHash(md, new byte[64], new byte[32], 0, new byte[32], 0, out, 0));
        assertArrayEquals(new byte[32], out);
    }

    private static byte[] leafThroughScratch(String leaf) {
        byte[] out = new byte[32];
        byte[] bytes = leaf.getBytes(StandardCharsets.US_ASCII);
        Rfc6962.leafHash(Rfc6962.newSha256(), new byte[Rfc6962.LEAF_SCRATCH_SIZE], bytes, 0, bytes.length, out, 0);
        return out;
    }

    @Test
    void shouldRecoverFromADigestLeftMidUpdate() {
        MessageDigest md = Rfc6962.newSha256();
        md.update(new byte[] {1, 2, 3});
        byte[] out = new byte[32];
        Rfc6962.leafHash(md, new byte[0], 0, 0, out, 0);
        assertArrayEquals(TreeVectors.NODES[0][0], out);
    }
}
