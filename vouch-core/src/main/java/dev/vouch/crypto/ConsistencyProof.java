package dev.vouch.crypto;

import java.util.List;

/**
 * An offline-checkable RFC 9162 consistency proof between two checkpoints of one log: the tree of {@code oldSize}
 * leaves that an earlier checkpoint signed is a prefix of the tree a newer signed checkpoint signs. Its text
 * (docs/FORMAT.md, "Consistency proofs"):
 *
 * <pre>
 * vouch.consistency-proof.v1
 * extra &lt;base64&gt;            optional, unauthenticated; Vouch puts the {@link KeyHistory} here
 * old &lt;decimal&gt;              the older checkpoint's tree size
 * &lt;base64 hash&gt;              the RFC 9162 section 2.1.4 consistency proof, one per line
 * ...
 *                             an empty line
 * &lt;checkpoint note&gt;          the newer checkpoint, verbatim
 * </pre>
 *
 * From its {@code old} line on, the text is exactly the body of a C2SP tlog-witness {@code add-checkpoint} request
 * (https://c2sp.org/tlog-witness). The older checkpoint itself is not in the proof: whoever checks it holds that
 * one already. Parsing checks the layout only; {@link dev.vouch.verify.ProofCheck#consistency} checks the claim.
 * Immutable and thread-safe; accessors return copies.
 */
public final class ConsistencyProof {
    /** The first line of every consistency proof. */
    public static final String HEADER = "vouch.consistency-proof.v1";

    private final ProofText text;

    private ConsistencyProof(ProofText text) {
        this.text = text;
    }

    /**
     * A proof from its parts.
     *
     * @param hashes the consistency proof, 32-byte hashes, at most 63
     * @param checkpointNote the newer signed checkpoint note, verbatim
     * @param extra opaque extra data, or null for none
     * @throws dev.vouch.FormatException if a part is malformed
     */
    public static ConsistencyProof of(long oldSize, List<byte[]> hashes, String checkpointNote, byte[] extra) {
        return new ConsistencyProof(ProofText.of("old", oldSize, hashes, checkpointNote, extra));
    }

    /**
     * Parses a proof strictly.
     *
     * @throws dev.vouch.FormatException naming the line that is wrong
     */
    public static ConsistencyProof parse(String text) {
        return new ConsistencyProof(ProofText.parse(text, HEADER, "old", "consistency proof"));
    }

    /** The proof's text, ending with the newer checkpoint note. */
    public String text() {
        return text.format(HEADER, "old");
    }

    /** The text from the {@code old} line on: a C2SP tlog-witness {@code add-checkpoint} request body. */
    public String witnessRequestBody() {
        return ProofText.of("old", text.number, text.hashes, text.checkpointNote, null).format("", "old")
                .substring(1);
    }

    /** The tree size of the older checkpoint. */
    public long oldSize() {
        return text.number;
    }

    /** The consistency proof's hashes, copies, in RFC 9162 order. */
    public List<byte[]> hashes() {
        return text.hashesCopy();
    }

    /** The newer signed checkpoint note, verbatim. */
    public String checkpointNote() {
        return text.checkpointNote;
    }

    /** The newer checkpoint (its signature is not checked here). */
    public Checkpoint checkpoint() {
        return text.checkpoint;
    }

    /** A copy of the extra data, or null if the proof has no extra line. */
    public byte[] extra() {
        return text.extra == null ? null : text.extra.clone();
    }

    @Override
    public String toString() {
        return "consistency proof of " + text.checkpoint.origin() + " from tree size " + text.number + " to "
                + text.checkpoint.size();
    }
}
