package dev.vouch.merkle;

/**
 * Random access to the leaf hashes of a log, the input of proof generation in {@link MerkleProofs}. An
 * implementation may read a journal, a memory-mapped file or an array; it is called O(n) times per proof,
 * from the calling thread only, and must be deterministic.
 */
@FunctionalInterface
public interface LeafHashes {

    /**
     * Writes the 32-byte RFC 6962 leaf hash of leaf {@code index} to {@code out[off, off + 32)}.
     * {@code index} is always in {@code [0, size)} for the size the caller asked about. May throw an
     * unchecked exception (for example {@link java.io.UncheckedIOException}), which reaches the caller of
     * the proof method unchanged.
     */
    void leafHash(long index, byte[] out, int off);
}
