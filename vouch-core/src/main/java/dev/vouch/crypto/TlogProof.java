package dev.vouch.crypto;

import java.util.List;

/**
 * A C2SP transparency-log proof (https://c2sp.org/tlog-proof, {@code c2sp.org/tlog-proof@v1}): that the entry at
 * {@code index} is in the tree a signed checkpoint signs, checkable offline. Its text:
 *
 * <pre>
 * c2sp.org/tlog-proof@v1
 * extra &lt;base64&gt;            optional, unauthenticated; Vouch puts the {@link KeyHistory} here
 * index &lt;decimal&gt;
 * &lt;base64 hash&gt;              the RFC 6962 inclusion proof, from the leaf's sibling upwards, one per line
 * ...
 *                             an empty line
 * &lt;checkpoint note&gt;          verbatim, as the log signed it
 * </pre>
 *
 * The proof does not hold the entry itself: for Vouch, the record's exact bytes travel beside it. Parsing checks
 * the layout only; {@link dev.vouch.verify.ProofCheck#inclusion} checks what it claims. Immutable and thread-safe;
 * accessors return copies.
 */
public final class TlogProof {
    /** The first line of every proof. */
    public static final String HEADER = "c2sp.org/tlog-proof@v1";

    private final ProofText text;

    private TlogProof(ProofText text) {
        this.text = text;
    }

    /**
     * A proof from its parts.
     *
     * @param hashes the inclusion proof, 32-byte hashes, at most 63
     * @param checkpointNote the signed checkpoint note, verbatim
     * @param extra opaque extra data, or null for none
     * @throws dev.vouch.FormatException if a part is malformed: a negative index, a hash that is not 32 bytes, a
     *     note that does not parse as a signed checkpoint
     */
    public static TlogProof of(long index, List<byte[]> hashes, String checkpointNote, byte[] extra) {
        return new TlogProof(ProofText.of("index", index, hashes, checkpointNote, extra));
    }

    /**
     * Parses a proof strictly (line endings LF only, canonical base64, no leading zeros).
     *
     * @throws dev.vouch.FormatException naming the line that is wrong
     */
    public static TlogProof parse(String text) {
        return new TlogProof(ProofText.parse(text, HEADER, "index", "tlog-proof"));
    }

    /** The proof's text, ending with the checkpoint note. */
    public String text() {
        return text.format(HEADER, "index");
    }

    /** The zero-based index of the entry: for a Vouch journal, the record's sequence number. */
    public long index() {
        return text.number;
    }

    /** The inclusion proof's hashes, copies, from the leaf's sibling upwards. */
    public List<byte[]> hashes() {
        return text.hashesCopy();
    }

    /** The signed checkpoint note, verbatim. */
    public String checkpointNote() {
        return text.checkpointNote;
    }

    /** The checkpoint the note signs (its signature is not checked here). */
    public Checkpoint checkpoint() {
        return text.checkpoint;
    }

    /** A copy of the extra data, or null if the proof has no extra line. */
    public byte[] extra() {
        return text.extra == null ? null : text.extra.clone();
    }

    @Override
    public String toString() {
        return "tlog-proof of index " + text.number + " in " + text.checkpoint.origin() + " at tree size "
                + text.checkpoint.size();
    }
}
