package dev.vouch.merkle;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The hashing of an RFC 6962 / RFC 9162 Merkle tree with SHA-256:
 *
 * <pre>
 *   leaf hash       = SHA-256(0x00 || leaf bytes)
 *   node hash       = SHA-256(0x01 || left child hash || right child hash)
 *   empty tree root = SHA-256("")
 * </pre>
 *
 * <p>The distinct prefixes keep a leaf from ever being taken for an interior node (second-preimage
 * resistance). The helpers that take a {@link MessageDigest} neither allocate nor keep the digest, so a
 * caller on a hot path owns one digest per thread and reuses it; a {@code MessageDigest} is not
 * thread-safe, so it must not be shared between threads. The digest must be SHA-256, for example from
 * {@link #newSha256()}; it is reset before use and left reset after a successful call.
 *
 * <p>The convenience methods that return a {@code byte[]} allocate a digest and the result on each call and
 * are meant for tests, tools and cold paths. All methods are thread-safe in the sense that they keep no
 * shared mutable state.
 */
public final class Rfc6962 {

    /** Size in bytes of every hash in the tree (SHA-256). */
    public static final int HASH_SIZE = 32;

    /**
     * A size for the scratch buffer of {@link #leafHash(MessageDigest, byte[], byte[], int, int, byte[], int)} that
     * takes the records of ordinary events (a few hundred bytes; a record of 4 KiB or more is hashed in place).
     */
    public static final int LEAF_SCRATCH_SIZE = 4096;

    /** Too small for any leaf: {@code leafHash} without a scratch buffer hashes in place. */
    private static final byte[] NO_SCRATCH = new byte[0];
    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    /**
     * SHA-256 of the empty string, the root of the tree with no leaves. Package-private so that
     * {@link CompactRange} can copy it without allocating; never handed out, never modified.
     */
    static final byte[] EMPTY_ROOT = newSha256().digest();

    private Rfc6962() {
    }

    /**
     * Returns a new SHA-256 digest. On HotSpot x86-64 and AArch64 the JDK's implementation uses the CPU's
     * SHA instructions (SHA-NI) through an intrinsic, which is why Vouch needs no native or third-party
     * hashing.
     *
     * @throws IllegalStateException if the JDK lacks SHA-256, which every Java SE implementation must have
     */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java SE specification", e);
        }
    }

    /**
     * Writes the leaf hash of {@code data[off, off + len)} to {@code out[outOff, outOff + 32)}. Does not
     * allocate.
     *
     * @param md a SHA-256 digest the caller owns; reset before use
     * @throws IndexOutOfBoundsException if either range is outside its array; nothing is written then
     */
    public static void leafHash(MessageDigest md, byte[] data, int off, int len, byte[] out, int outOff) {
        leafHash(md, NO_SCRATCH, data, off, len, out, outOff);
    }

    /**
     * As {@link #leafHash(MessageDigest, byte[], int, int, byte[], int)}, for hot paths: a leaf shorter than
     * {@code scratch} is first copied behind its prefix into {@code scratch} (a buffer the caller owns and reuses,
     * of {@link #LEAF_SCRATCH_SIZE} bytes, say), so that the digest sees one update and runs over every whole block
     * in one call instead of finishing the block the prefix began on its own; a longer leaf is hashed in place. For a
     * record of a few hundred bytes that saves about a tenth of the leaf hash, the copy included
     * ({@code LeafHashBenchmark} in vouch-bench). Does not allocate; the result is the same either way.
     *
     * @param md      a SHA-256 digest the caller owns; reset before use
     * @param scratch the caller's buffer; its contents are overwritten
     * @throws IndexOutOfBoundsException if either range is outside its array; nothing is written then
     */
    public static void leafHash(
            MessageDigest md, byte[] scratch, byte[] data, int off, int len, byte[] out, int outOff) {
        Objects.checkFromIndexSize(off, len, data.length);
        Objects.checkFromIndexSize(outOff, HASH_SIZE, out.length);
        md.reset();
        if (len < scratch.length) {
            scratch[0] = LEAF_PREFIX;
            System.arraycopy(data, off, scratch, 1, len);
            md.update(scratch, 0, 1 + len);
        } else {
            md.update(LEAF_PREFIX);
            md.update(data, off, len);
        }
        finish(md, out, outOff);
    }

    /**
     * Writes the hash of the interior node whose children have the 32-byte hashes at
     * {@code left[leftOff]} and {@code right[rightOff]} to {@code out[outOff, outOff + 32)}. Does not
     * allocate. {@code out} may overlap either child: both are read into the digest before the result is
     * written, which lets callers fold a path into one buffer.
     *
     * @param md a SHA-256 digest the caller owns; reset before use
     * @throws IndexOutOfBoundsException if any 32-byte range is outside its array; nothing is written then
     */
    public static void nodeHash(
            MessageDigest md, byte[] left, int leftOff, byte[] right, int rightOff, byte[] out, int outOff) {
        Objects.checkFromIndexSize(leftOff, HASH_SIZE, left.length);
        Objects.checkFromIndexSize(rightOff, HASH_SIZE, right.length);
        Objects.checkFromIndexSize(outOff, HASH_SIZE, out.length);
        md.reset();
        md.update(NODE_PREFIX);
        md.update(left, leftOff, HASH_SIZE);
        md.update(right, rightOff, HASH_SIZE);
        finish(md, out, outOff);
    }

    /**
     * As {@link #nodeHash(MessageDigest, byte[], int, byte[], int, byte[], int)}, but first gathers the
     * 65-byte preimage into {@code scratch} (at least 65 bytes, owned by the caller) so that the digest
     * sees one update instead of three; that saves about a sixth of the cost of a node hash, which is what
     * {@link CompactRange} spends on every append. Does not allocate.
     *
     * @param md      a SHA-256 digest the caller owns; reset before use
     * @param scratch the caller's buffer of at least 65 bytes; its contents are overwritten
     * @throws IndexOutOfBoundsException if a 32-byte range is outside its array or {@code scratch} is too short;
     *     {@code out} is not written then
     */
    public static void nodeHash(
            MessageDigest md, byte[] scratch, byte[] left, int leftOff, byte[] right, int rightOff, byte[] out,
            int outOff) {
        Objects.checkFromIndexSize(outOff, HASH_SIZE, out.length);
        // The copies check the input ranges, and happen before out is written, so out may alias an input.
        System.arraycopy(left, leftOff, scratch, 1, HASH_SIZE);
        System.arraycopy(right, rightOff, scratch, 1 + HASH_SIZE, HASH_SIZE);
        scratch[0] = NODE_PREFIX;
        md.reset();
        md.update(scratch, 0, 1 + 2 * HASH_SIZE);
        finish(md, out, outOff);
    }

    /** Returns the leaf hash of all of {@code data}. Allocates; for cold paths and tests. */
    public static byte[] leafHash(byte[] data) {
        byte[] out = new byte[HASH_SIZE];
        leafHash(newSha256(), data, 0, data.length, out, 0);
        return out;
    }

    /**
     * Returns {@code SHA-256(0x01 || l || r)} over the whole of both arrays. In a tree both are 32-byte
     * hashes; other lengths are accepted, as by transparency-dev's {@code HashChildren}, so that its
     * published vector can be checked. Allocates; for cold paths and tests.
     */
    public static byte[] nodeHash(byte[] l, byte[] r) {
        MessageDigest md = newSha256();
        md.update(NODE_PREFIX);
        md.update(l);
        md.update(r);
        return md.digest();
    }

    /** Returns a new copy of the root of the empty tree, {@code SHA-256("")}. */
    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    private static void finish(MessageDigest md, byte[] out, int outOff) {
        try {
            // digest(byte[], int, int) writes in place; digest() would allocate a new array per hash.
            md.digest(out, outOff, HASH_SIZE);
        } catch (DigestException e) {
            // Only possible if md's digest is longer than 32 bytes, so not SHA-256: a caller bug.
            throw new IllegalArgumentException("md must be SHA-256, got " + md.getAlgorithm(), e);
        }
    }
}
