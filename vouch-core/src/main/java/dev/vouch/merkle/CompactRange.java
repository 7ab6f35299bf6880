package dev.vouch.merkle;

import dev.vouch.FormatException;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The O(log n) state needed to append leaves to an RFC 6962 tree that starts at leaf 0: the compact range
 * {@code [0, n)}, that is the roots of the perfect subtrees given by the one bits of {@code n}, largest
 * (leftmost) first. For {@code n = 6 = 0b110} these are the roots over leaves {@code [0, 4)} and
 * {@code [4, 6)}. This is all a writer keeps in memory, and all it must save to resume after a crash
 * without re-reading its log ({@link #hashes()} and {@link #of(long, byte[][])}).
 *
 * <p>Memory: a fixed 64 x 32-byte frontier, a 65-byte scratch buffer and one SHA-256 digest, allocated by
 * the constructor.
 * {@link #append}, {@link #root(byte[], int)} and {@link #copyFrom} never allocate, so a ledger can append
 * millions of leaves per second without garbage. Each append costs on average one node hash.
 *
 * <p>Not thread-safe: an instance, including its digest, belongs to one thread at a time. To publish a
 * state to another thread, hand over a {@link #copy()} or {@link #copyFrom} into an instance that thread
 * owns, with the usual happens-before edge.
 *
 * <p>Follows transparency-dev/merkle's {@code compact.Range} for ranges that begin at 0.
 */
public final class CompactRange {

    /** One slot per possible one bit of a non-negative long size; 63 would do, 64 keeps it round. */
    private static final int MAX_HASHES = 64;

    private static final int H = Rfc6962.HASH_SIZE;

    /** Number of leaves appended so far. */
    private long size;

    /** Number of frontier hashes in use; always {@code Long.bitCount(size)}. */
    private int count;

    /** Frontier hash {@code i} occupies {@code [i * 32, i * 32 + 32)}; slot 0 is the largest subtree. */
    private final byte[] frontier = new byte[MAX_HASHES * H];

    private final MessageDigest md = Rfc6962.newSha256();

    /** Where a node hash's 65-byte preimage is gathered, so that the digest gets a single update. */
    private final byte[] scratch = new byte[1 + 2 * H];

    /** Creates the range of the empty tree. */
    public CompactRange() {
    }

    /** Number of leaves in the tree, which is also the index the next leaf gets. */
    public long size() {
        return size;
    }

    /**
     * Appends the leaf whose 32-byte RFC 6962 leaf hash is at {@code leafHash[off]}. Merges the new leaf
     * with every subtree of equal size, as a binary counter carries. Does not allocate.
     *
     * @throws IndexOutOfBoundsException if the hash is not inside the array; the range is unchanged then
     * @throws IllegalStateException if the tree already holds {@code Long.MAX_VALUE} leaves
     */
    public void append(byte[] leafHash, int off) {
        // Check before touching the frontier, so that a failed call leaves the range as it was.
        Objects.checkFromIndexSize(off, H, leafHash.length);
        if (size == Long.MAX_VALUE) {
            throw new IllegalStateException("tree is full at " + Long.MAX_VALUE + " leaves");
        }
        int last = count;
        System.arraycopy(leafHash, off, frontier, last * H, H);
        // Each trailing one bit of the old size is a subtree the same size as the one being carried up.
        for (long carry = size; (carry & 1) != 0; carry >>>= 1) {
            last--;
            Rfc6962.nodeHash(md, scratch, frontier, last * H, frontier, (last + 1) * H, frontier, last * H);
        }
        size++;
        count = last + 1;
    }

    /**
     * Appends a perfect subtree of {@code 2^height} leaves at once, given its root hash at {@code rootHash[off]}: the
     * same range as appending its leaves one by one, for one node hash per carry instead of {@code 2^height - 1}
     * more. The tree's size must be a multiple of {@code 2^height}, as RFC 6962 subtrees are aligned. Does not
     * allocate.
     *
     * @throws IndexOutOfBoundsException if the hash is not inside the array; the range is unchanged then
     * @throws IllegalArgumentException if {@code height} is not from 0 to 62 or the size is not a multiple of
     *     {@code 2^height}; the range is unchanged then
     * @throws IllegalStateException if the tree would exceed {@code Long.MAX_VALUE} leaves
     */
    public void appendSubtree(byte[] rootHash, int off, int height) {
        Objects.checkFromIndexSize(off, H, rootHash.length);
        if (height < 0 || height > 62) {
            throw new IllegalArgumentException("subtree height must be from 0 to 62, was " + height);
        }
        long leaves = 1L << height;
        if ((size & (leaves - 1)) != 0) {
            throw new IllegalArgumentException("a subtree of " + leaves + " leaves cannot start at leaf " + size);
        }
        if (size > Long.MAX_VALUE - leaves) {
            throw new IllegalStateException("tree would exceed " + Long.MAX_VALUE + " leaves");
        }
        int last = count;
        System.arraycopy(rootHash, off, frontier, last * H, H);
        // As append, one level up: the subtree merges with every subtree of its own size and larger that ends here.
        for (long carry = size >>> height; (carry & 1) != 0; carry >>>= 1) {
            last--;
            Rfc6962.nodeHash(md, scratch, frontier, last * H, frontier, (last + 1) * H, frontier, last * H);
        }
        size += leaves;
        count = last + 1;
    }

    /** Makes this the range of the empty tree again, to be reused. Does not allocate. */
    public void clear() {
        size = 0;
        count = 0;
    }

    /**
     * Writes the RFC 6962 tree head of the current size, {@code MTH(D[0:n])}, to
     * {@code out[outOff, outOff + 32)}; for the empty tree that is {@code SHA-256("")}. Costs
     * {@code bitCount(n) - 1} node hashes. Does not allocate and does not change the range.
     *
     * @throws IndexOutOfBoundsException if the output does not fit; nothing is written then
     */
    public void root(byte[] out, int outOff) {
        Objects.checkFromIndexSize(outOff, H, out.length);
        if (count == 0) {
            System.arraycopy(Rfc6962.EMPTY_ROOT, 0, out, outOff, H);
            return;
        }
        // Fold right to left: the smallest subtree is the right child of the next larger one's parent.
        // The caller's buffer serves as the accumulator, which nodeHash allows to alias its inputs; it was
        // checked above, so a too-short buffer fails before anything is written.
        System.arraycopy(frontier, (count - 1) * H, out, outOff, H);
        for (int i = count - 2; i >= 0; i--) {
            Rfc6962.nodeHash(md, scratch, frontier, i * H, out, outOff, out, outOff);
        }
    }

    /** Returns the tree head of the current size in a new array. Allocates the result only. */
    public byte[] root() {
        byte[] out = new byte[H];
        root(out, 0);
        return out;
    }

    /** Returns an independent copy with its own digest. Allocates. */
    public CompactRange copy() {
        CompactRange c = new CompactRange();
        c.copyFrom(this);
        return c;
    }

    /** Makes this range equal to {@code other}, which is not changed. Does not allocate. */
    public void copyFrom(CompactRange other) {
        if (other == this) {
            return;
        }
        System.arraycopy(other.frontier, 0, frontier, 0, other.count * H);
        size = other.size;
        count = other.count;
    }

    /** How many frontier hashes there are: {@code Long.bitCount(size())}. */
    public int hashCount() {
        return count;
    }

    /** Copies the frontier hashes, left to right, to {@code dst[off]} ({@link #hashCount()} x 32 bytes). */
    public void writeHashes(byte[] dst, int off) {
        System.arraycopy(frontier, 0, dst, off, count * H);
    }

    /** Whether {@code n} hashes at {@code src[off]} are exactly this range's frontier, left to right. */
    public boolean hashesEqual(byte[] src, int off, int n) {
        return n == count && java.util.Arrays.equals(frontier, 0, count * H, src, off, off + count * H);
    }

    /**
     * Returns copies of the frontier hashes, left to right (largest subtree first); there are
     * {@code Long.bitCount(size())} of them. Together with {@link #size()} this is what a writer saves to
     * resume with {@link #of(long, byte[][])}. Allocates.
     */
    public byte[][] hashes() {
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            out[i] = new byte[H];
            System.arraycopy(frontier, i * H, out[i], 0, H);
        }
        return out;
    }

    /**
     * Rebuilds the range of a tree of {@code size} leaves from its saved frontier, as returned by
     * {@link #hashes()}. The hashes are copied. Appending to the result gives the same roots as appending
     * to the range that was saved. Nothing here can check that the hashes belong to the log: the caller
     * must take them from a trusted, for example signed, record.
     *
     * @throws FormatException if {@code size} is negative, the number of hashes is not
     *     {@code Long.bitCount(size)}, or a hash is not 32 bytes
     * @throws NullPointerException if {@code hashes} or one of its elements is null
     */
    public static CompactRange of(long size, byte[][] hashes) {
        Objects.requireNonNull(hashes, "hashes");
        if (size < 0) {
            throw new FormatException("compact range size is negative: " + size);
        }
        int want = Long.bitCount(size);
        if (hashes.length != want) {
            throw new FormatException(
                    "compact range of size " + size + " needs " + want + " hashes, got " + hashes.length);
        }
        CompactRange r = new CompactRange();
        for (int i = 0; i < want; i++) {
            byte[] h = Objects.requireNonNull(hashes[i], "hashes[" + i + "]");
            if (h.length != H) {
                throw new FormatException("compact range hash " + i + " has " + h.length + " bytes, want " + H);
            }
            System.arraycopy(h, 0, r.frontier, i * H, H);
        }
        r.size = size;
        r.count = want;
        return r;
    }

    @Override
    public String toString() {
        return "CompactRange[size=" + size + ", hashes=" + count + "]";
    }
}
