package dev.vouch.merkle;

import dev.vouch.FormatException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Inclusion and consistency proofs of RFC 9162 section 2.1.3 and 2.1.4 (the same as RFC 6962 section 2.1),
 * as pure functions. Verification follows transparency-dev/merkle's {@code proof/verify.go}; generation
 * follows the recursive {@code PATH} and {@code SUBPROOF} definitions of the RFC.
 *
 * <p>Sizes and indices are non-negative {@code long}s; the RFC's are unsigned 64-bit, but no log Vouch
 * writes reaches 2^63 leaves. Every hash is 32 bytes. Proof lists are ordered as the RFC orders them,
 * from the leaf (or the older tree) upwards.
 *
 * <p>Thread-safe: no shared state. Each call allocates its own digest and working buffers, O(log n)
 * bytes beyond the returned proof; none of this is meant for the per-leaf hot path.
 *
 * <p>Two flavours of verification: {@code verify...} returns {@code false} for any proof that does not
 * prove the claim, malformed or not, and never throws for bad data; {@code rootFrom...} returns the root
 * the proof implies and throws a {@link FormatException} that says why the proof cannot be used, which a
 * command-line tool can show to a user.
 */
public final class MerkleProofs {

    private static final int H = Rfc6962.HASH_SIZE;

    /** Recursion depth bound of generation: one level per bit of a non-negative long size. */
    private static final int MAX_DEPTH = 64;

    private MerkleProofs() {
    }

    // ---------------------------------------------------------------------------------------------
    // Inclusion.

    /**
     * Returns whether {@code proof} shows that the leaf with hash {@code leafHash} is at {@code index} in
     * the tree of {@code size} leaves whose root is {@code root}. Returns {@code false}, without throwing,
     * if {@code index} is not in {@code [0, size)}, the proof has the wrong length or any hash is not 32
     * bytes.
     *
     * @throws NullPointerException if an argument or a proof element is null
     */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        Objects.requireNonNull(root, "root");
        if (inclusionProblem(index, size, leafHash, proof) != null) {
            return false;
        }
        return MessageDigest.isEqual(chainInclusion(index, size, leafHash, proof), root);
    }

    /**
     * Returns the root of the tree of {@code size} leaves implied by an inclusion proof of the leaf with
     * hash {@code leafHash} at {@code index}; the proof is valid if and only if this equals the trusted
     * root. This is {@code RootFromInclusionProof} of transparency-dev/merkle.
     *
     * @throws FormatException if {@code index} is not in {@code [0, size)}, the proof does not have the
     *     length RFC 9162 requires for {@code index} and {@code size}, or a hash is not 32 bytes
     * @throws NullPointerException if an argument or a proof element is null
     */
    public static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof) {
        String problem = inclusionProblem(index, size, leafHash, proof);
        if (problem != null) {
            throw new FormatException(problem);
        }
        return chainInclusion(index, size, leafHash, proof);
    }

    /** Returns why an inclusion proof cannot be used, or null if it is well formed. */
    private static String inclusionProblem(long index, long size, byte[] leafHash, List<byte[]> proof) {
        Objects.requireNonNull(leafHash, "leafHash");
        Objects.requireNonNull(proof, "proof");
        if (index < 0 || index >= size) {
            return "leaf index " + index + " is not in a tree of size " + size;
        }
        if (leafHash.length != H) {
            return "leaf hash has " + leafHash.length + " bytes, want " + H;
        }
        int inner = innerProofSize(index, size);
        int want = inner + Long.bitCount(index >>> inner);
        if (proof.size() != want) {
            return "inclusion proof for leaf " + index + " in a tree of size " + size + " has " + proof.size()
                    + " hashes, want " + want;
        }
        return proofHashProblem(proof);
    }

    /** The inclusion proof is {@code inner} siblings on the path, then the left border hashes above it. */
    private static byte[] chainInclusion(long index, long size, byte[] leafHash, List<byte[]> proof) {
        MessageDigest md = Rfc6962.newSha256();
        byte[] hash = leafHash.clone();
        int inner = innerProofSize(index, size);
        chainInner(md, hash, proof, 0, inner, index);
        chainBorderRight(md, hash, proof, inner, proof.size());
        return hash;
    }

    // ---------------------------------------------------------------------------------------------
    // Consistency.

    /**
     * Returns whether {@code proof} shows that the tree of {@code size2} leaves with root {@code root2}
     * extends the tree of {@code size1} leaves with root {@code root1}. As in transparency-dev/merkle:
     * <ul>
     *   <li>{@code size1 > size2}, or a negative size: {@code false};
     *   <li>{@code size1 == size2}: true if and only if the proof is empty and the roots are equal;
     *   <li>{@code size1 == 0 < size2}: true if and only if the proof is empty, whatever the roots, since
     *       every tree extends the empty tree;
     *   <li>otherwise the RFC 9162 section 2.1.4.2 check of both roots; false for a proof of the wrong
     *       length or with a hash that is not 32 bytes.
     * </ul>
     *
     * @throws NullPointerException if an argument or a proof element is null
     */
    public static boolean verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        Objects.requireNonNull(root1, "root1");
        Objects.requireNonNull(root2, "root2");
        Objects.requireNonNull(proof, "proof");
        if (size1 < 0 || size1 > size2) {
            return false;
        }
        if (size1 == size2) {
            return proof.isEmpty() && MessageDigest.isEqual(root1, root2);
        }
        if (size1 == 0) {
            return proof.isEmpty();
        }
        byte[][] roots = new byte[2][H];
        if (chainConsistency(size1, size2, root1, proof, roots) != null) {
            return false;
        }
        return MessageDigest.isEqual(roots[0], root1) && MessageDigest.isEqual(roots[1], root2);
    }

    /**
     * Returns the root of the tree of {@code size2} leaves implied by a consistency proof from the tree of
     * {@code size1} leaves with the trusted root {@code root1}; the proof is valid if and only if this
     * equals the root claimed for {@code size2}. For {@code size1 == size2} the proof must be empty and the
     * result is a copy of {@code root1}. This is {@code RootFromConsistencyProof} of transparency-dev/merkle.
     *
     * @throws FormatException if the sizes are negative or decreasing, {@code size1 == 0 < size2} (the
     *     empty proof such a pair has cannot determine the new root), the proof does not have the length RFC
     *     9162 requires for the two sizes, a hash is not 32 bytes, or the proof does not lead back to
     *     {@code root1}
     * @throws NullPointerException if an argument or a proof element is null
     */
    public static byte[] rootFromConsistencyProof(long size1, long size2, byte[] root1, List<byte[]> proof) {
        Objects.requireNonNull(root1, "root1");
        Objects.requireNonNull(proof, "proof");
        if (size1 < 0 || size1 > size2) {
            throw new FormatException("tree sizes " + size1 + " and " + size2 + " are not in order");
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new FormatException(
                        "consistency proof between equal sizes must be empty, has " + proof.size() + " hashes");
            }
            return root1.clone();
        }
        if (size1 == 0) {
            throw new FormatException("a consistency proof from the empty tree cannot determine the new root");
        }
        byte[][] roots = new byte[2][H];
        String problem = chainConsistency(size1, size2, root1, proof, roots);
        if (problem != null) {
            throw new FormatException(problem);
        }
        if (!MessageDigest.isEqual(roots[0], root1)) {
            throw new FormatException("consistency proof from size " + size1 + " to " + size2
                    + " does not lead back to the root of size " + size1);
        }
        return roots[1];
    }

    /**
     * For {@code 0 < size1 < size2}: writes to {@code roots[0]} and {@code roots[1]} the roots of sizes
     * {@code size1} and {@code size2} that the proof implies, or returns why the proof is malformed.
     *
     * <p>The proof is, after an optional first hash, the suffix of the inclusion proof of leaf
     * {@code size1 - 1} in the tree of {@code size2} above level {@code shift}, where {@code 2^shift} is
     * the size of the smallest perfect subtree of the old tree. The first hash is that subtree's root,
     * except when the old tree is itself perfect: then the verifier already knows it as {@code root1}, and
     * RFC 9162 leaves it out. Chaining the path once with every sibling gives the new root; chaining it
     * with only the siblings to the left gives the old root.
     */
    private static String chainConsistency(long size1, long size2, byte[] root1, List<byte[]> proof, byte[][] roots) {
        int inner = innerProofSize(size1 - 1, size2);
        int border = Long.bitCount((size1 - 1) >>> inner);
        int shift = Long.numberOfTrailingZeros(size1);
        inner -= shift; // shift < inner because size1 < size2.

        boolean oldTreeIsPerfect = (size1 & (size1 - 1)) == 0;
        int start = oldTreeIsPerfect ? 0 : 1;
        int want = start + inner + border;
        if (proof.size() != want) {
            return "consistency proof from size " + size1 + " to " + size2 + " has " + proof.size()
                    + " hashes, want " + want;
        }
        String problem = proofHashProblem(proof);
        if (problem != null) {
            return problem;
        }
        byte[] seed;
        if (oldTreeIsPerfect) {
            if (root1.length != H) {
                return "root1 has " + root1.length + " bytes, want " + H;
            }
            seed = root1;
        } else {
            seed = proof.get(0);
        }

        MessageDigest md = Rfc6962.newSha256();
        byte[] hash1 = roots[0];
        byte[] hash2 = roots[1];
        System.arraycopy(seed, 0, hash1, 0, H);
        System.arraycopy(seed, 0, hash2, 0, H);
        long mask = (size1 - 1) >>> shift; // The path of the seed's node, from level shift upwards.
        for (int i = 0; i < inner; i++) {
            byte[] sibling = proof.get(start + i);
            if (((mask >>> i) & 1) == 1) {
                // A left sibling is part of both trees.
                Rfc6962.nodeHash(md, sibling, 0, hash1, 0, hash1, 0);
                Rfc6962.nodeHash(md, sibling, 0, hash2, 0, hash2, 0);
            } else {
                // A right sibling holds only leaves at or after size1, so only the new tree has it.
                Rfc6962.nodeHash(md, hash2, 0, sibling, 0, hash2, 0);
            }
        }
        for (int i = start + inner; i < want; i++) {
            byte[] sibling = proof.get(i);
            Rfc6962.nodeHash(md, sibling, 0, hash1, 0, hash1, 0);
            Rfc6962.nodeHash(md, sibling, 0, hash2, 0, hash2, 0);
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------
    // Shared verification helpers, as in proof/verify.go.

    /**
     * Number of proof hashes below the point where the paths from the root to leaf {@code index} and to
     * leaf {@code size - 1} part; above it the proof holds only left-border hashes.
     */
    private static int innerProofSize(long index, long size) {
        return 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
    }

    /** Hashes {@code proof[from, to)} into {@code seed} as siblings along the path of {@code index}. */
    private static void chainInner(MessageDigest md, byte[] seed, List<byte[]> proof, int from, int to, long index) {
        for (int i = from; i < to; i++) {
            byte[] sibling = proof.get(i);
            if (((index >>> (i - from)) & 1) == 0) {
                Rfc6962.nodeHash(md, seed, 0, sibling, 0, seed, 0);
            } else {
                Rfc6962.nodeHash(md, sibling, 0, seed, 0, seed, 0);
            }
        }
    }

    /** Hashes {@code proof[from, to)} into {@code seed} as left siblings, as on the tree's right border. */
    private static void chainBorderRight(MessageDigest md, byte[] seed, List<byte[]> proof, int from, int to) {
        for (int i = from; i < to; i++) {
            Rfc6962.nodeHash(md, proof.get(i), 0, seed, 0, seed, 0);
        }
    }

    private static String proofHashProblem(List<byte[]> proof) {
        for (int i = 0; i < proof.size(); i++) {
            byte[] h = Objects.requireNonNull(proof.get(i), "proof element");
            if (h.length != H) {
                return "proof hash " + i + " has " + h.length + " bytes, want " + H;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------
    // Generation.

    /**
     * Returns the RFC 6962 tree head {@code MTH(D[0:size])} of the first {@code size} leaves, computed by
     * the recursive definition (split at the largest power of two below the size). Reads every leaf hash
     * once; O(size) time, O(log size) memory. The reference that tests hold other code to.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public static byte[] rootOf(LeafHashes leaves, long size) {
        Objects.requireNonNull(leaves, "leaves");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if (size == 0) {
            return Rfc6962.emptyRoot();
        }
        return new Builder(leaves).subtreeRoot(0, size);
    }

    /**
     * Returns the inclusion proof of leaf {@code index} in the tree of {@code size} leaves,
     * {@code PATH(index, D[0:size])} of RFC 9162 section 2.1.3.1. O(size) time, O(log size) memory
     * beyond the returned list, which is new and belongs to the caller.
     *
     * @throws IllegalArgumentException unless {@code 0 <= index < size}
     */
    public static List<byte[]> inclusionProof(LeafHashes leaves, long index, long size) {
        Objects.requireNonNull(leaves, "leaves");
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf index " + index + " is not in a tree of size " + size);
        }
        Builder b = new Builder(leaves);
        b.path(index, 0, size);
        return b.proof;
    }

    /**
     * Returns the consistency proof from the tree of {@code size1} leaves to the tree of {@code size2}
     * leaves, {@code PROOF(size1, D[0:size2])} of RFC 9162 section 2.1.4.1. The proof is empty when
     * {@code size1} is 0 or equal to {@code size2}, which {@link #verifyConsistency} accepts. O(size2)
     * time, O(log size2) memory beyond the returned list, which is new and belongs to the caller.
     *
     * @throws IllegalArgumentException unless {@code 0 <= size1 <= size2}
     */
    public static List<byte[]> consistencyProof(LeafHashes leaves, long size1, long size2) {
        Objects.requireNonNull(leaves, "leaves");
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("tree sizes " + size1 + " and " + size2 + " are not in order");
        }
        Builder b = new Builder(leaves);
        if (size1 > 0) {
            b.subproof(size1, 0, size2, true);
        }
        return b.proof;
    }

    /** Largest power of two strictly below {@code n}, for {@code n >= 2}: where RFC 6962 splits a tree. */
    private static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** The state of one generation call: a digest, a stack of 32-byte buffers and the proof so far. */
    private static final class Builder {
        private final LeafHashes leaves;
        private final MessageDigest md = Rfc6962.newSha256();
        /** Slot d holds a right child's hash while recursion depth d combines it with its left sibling. */
        private final byte[] stack = new byte[MAX_DEPTH * H];
        final List<byte[]> proof = new ArrayList<>();

        Builder(LeafHashes leaves) {
            this.leaves = leaves;
        }

        byte[] subtreeRoot(long begin, long end) {
            byte[] out = new byte[H];
            mth(begin, end, out, 0, 0);
            return out;
        }

        /** Writes MTH(D[begin:end]), end > begin, to out[off]; uses stack slots depth and deeper. */
        private void mth(long begin, long end, byte[] out, int off, int depth) {
            long n = end - begin;
            if (n == 1) {
                leaves.leafHash(begin, out, off);
                return;
            }
            long k = split(n);
            // The left half goes straight to out; slots below depth are busy higher up the recursion.
            mth(begin, begin + k, out, off, depth + 1);
            mth(begin + k, end, stack, depth * H, depth + 1);
            Rfc6962.nodeHash(md, out, off, stack, depth * H, out, off);
        }

        /** PATH(m, D[begin:end]) with m relative to begin; appends the proof bottom-up. */
        void path(long m, long begin, long end) {
            long n = end - begin;
            if (n == 1) {
                return;
            }
            long k = split(n);
            if (m < k) {
                path(m, begin, begin + k);
                proof.add(subtreeRoot(begin + k, end));
            } else {
                path(m - k, begin + k, end);
                proof.add(subtreeRoot(begin, begin + k));
            }
        }

        /** SUBPROOF(m, D[begin:end], b) with 0 < m <= end - begin; appends the proof bottom-up. */
        void subproof(long m, long begin, long end, boolean whole) {
            long n = end - begin;
            if (m == n) {
                // The verifier knows the root of the old tree itself, but not of an inner subtree of it.
                if (!whole) {
                    proof.add(subtreeRoot(begin, end));
                }
                return;
            }
            long k = split(n);
            if (m <= k) {
                subproof(m, begin, begin + k, whole);
                proof.add(subtreeRoot(begin + k, end));
            } else {
                subproof(m - k, begin + k, end, false);
                proof.add(subtreeRoot(begin, begin + k));
            }
        }
    }
}
