package dev.vouch.verify;

import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.ConsistencyProof;
import dev.vouch.crypto.KeyHistory;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.TlogProof;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.MerkleProofs;
import dev.vouch.merkle.Rfc6962;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks the proofs a journal hands out, without the journal: that one record is in the tree a signed checkpoint
 * signs ({@link #inclusion}), and that a newer signed checkpoint extends an older one ({@link #consistency}).
 * docs/FORMAT.md, "Proofs", specifies every check. Pure functions; thread-safe.
 *
 * <p>Who signed: the checkpoint must be signed, under its own origin as key name, by the trust anchor or by a key
 * the anchor handed over to through the {@link KeyHistory} in the proof's extra data, named by a rotation at a
 * record before the checkpoint's covering checkpoint (sequence number + 2 at most the tree size). A key rotated to
 * at record r vouches only for the records after the checkpoint that covers its rotation (r + 1), and for that
 * checkpoint record itself: an inclusion proof of an earlier record, or a consistency proof from an older checkpoint
 * of r records or fewer, needs a checkpoint the key before signed.
 */
public final class ProofCheck {
    private ProofCheck() {
    }

    /**
     * What a check found.
     *
     * @param valid whether the proof proves its claim
     * @param problem why not, in one sentence naming what failed; null when valid
     * @param checkpoint the (newer) checkpoint the proof is against
     * @param signer the key whose signature on that checkpoint verified; null if none did
     * @param keys the trust anchor, then each key the key history rotated to (as far as it could be followed)
     */
    public record Result(boolean valid, String problem, Checkpoint checkpoint, VerifyingKey signer,
            List<VerifyingKey> keys) {
        public Result {
            keys = List.copyOf(keys);
        }
    }

    /**
     * Checks that {@code record}, a journal record's exact bytes, is the entry {@link TlogProof#index()} of the tree
     * that the proof's checkpoint signs, and that a key trusted through {@code trustAnchor} signs that checkpoint.
     * The record's own sequence number must equal the index.
     */
    public static Result inclusion(byte[] record, TlogProof proof, VerifyingKey trustAnchor) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(trustAnchor, "trustAnchor");
        Checkpoint cp = proof.checkpoint();
        Signed signed = signedBy(proof.checkpointNote(), cp, proof.extra(), trustAnchor);
        if (signed.problem != null) {
            return new Result(false, signed.problem, cp, null, signed.keys);
        }
        long index = proof.index();
        // A key rotated to at record r vouches for the records after the checkpoint that covers the rotation (r + 1)
        // only: an outside trial signed a whole other tree with the newest key alone, reused the real rotation
        // statements, and this check took it; a re-trial then forged record r + 1 itself. That record is vouched
        // for when it is the covering checkpoint, whose note the key before signed.
        if (signed.since >= 0 && index <= signed.since + 1
                && !(index == signed.since + 1 && isCoveringCheckpoint(record, index, cp.origin(), signed.previous))) {
            return invalid("the checkpoint is signed by the key the journal rotated to at record " + signed.since
                    + ", which vouches only for the records after the checkpoint that covers its rotation (record "
                    + (signed.since + 1) + "), not for record " + index + ": prove the record against a checkpoint"
                    + " the key before signed (vouch prove picks one)", cp, signed);
        }
        if (record.length < RecordDescriptor.HEADER_LENGTH) {
            return invalid("the record is " + record.length + " bytes, shorter than a record header ("
                    + RecordDescriptor.HEADER_LENGTH + ")", cp, signed);
        }
        long seq = BigEndian.getLong(record, RecordDescriptor.SEQUENCE_OFFSET);
        if (seq != index) {
            return invalid("the record's sequence number is " + Long.toUnsignedString(seq) + ", but the proof is for"
                    + " index " + index + ": it proves another record", cp, signed);
        }
        byte[] leaf = Rfc6962.leafHash(record);
        byte[] root;
        try {
            root = MerkleProofs.rootFromInclusionProof(index, cp.size(), leaf, proof.hashes());
        } catch (FormatException e) {
            return invalid("the inclusion proof cannot be used: " + e.getMessage(), cp, signed);
        }
        if (!MessageDigest.isEqual(root, cp.rootHash())) {
            return invalid("the record and the inclusion proof lead to another root than the one the checkpoint signs"
                    + " (tree size " + cp.size() + "): the record, the proof or the checkpoint was altered", cp, signed);
        }
        return new Result(true, null, cp, signed.signer, signed.keys);
    }

    /**
     * Checks that the proof's checkpoint, signed by a key trusted through {@code trustAnchor}, extends
     * {@code oldCheckpointNote}: same origin, the older tree size is {@link ConsistencyProof#oldSize()}, and the RFC
     * 9162 consistency proof leads from the older root to the newer one. The older note must be validly signed too
     * (by the anchor or a key of the history named before its own covering checkpoint).
     *
     * @throws FormatException if {@code oldCheckpointNote} is not a signed checkpoint note
     */
    public static Result consistency(String oldCheckpointNote, ConsistencyProof proof, VerifyingKey trustAnchor) {
        Objects.requireNonNull(oldCheckpointNote, "oldCheckpointNote");
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(trustAnchor, "trustAnchor");
        Checkpoint old = Checkpoint.parse(SignedNote.parse(oldCheckpointNote).text());
        Checkpoint cp = proof.checkpoint();
        Signed signed = signedBy(proof.checkpointNote(), cp, proof.extra(), trustAnchor);
        if (signed.problem != null) {
            return new Result(false, signed.problem, cp, null, signed.keys);
        }
        if (!old.origin().equals(cp.origin())) {
            return invalid("the older checkpoint is of origin " + quote(old.origin()) + ", the proof of origin "
                    + quote(cp.origin()) + ": they are different logs", cp, signed);
        }
        Signed oldSigned = signedBy(oldCheckpointNote, old, proof.extra(), trustAnchor);
        if (oldSigned.problem != null) {
            return invalid("the older checkpoint: " + oldSigned.problem, cp, signed);
        }
        if (signed.since >= old.size()) {
            // As for an inclusion proof: the newer key does not vouch for the records between the older checkpoint
            // and its rotation. An outside re-trial kept the first records of a real checkpoint, changed one before the
            // newest key's rotation, signed the tree with that key alone, and this check said the log only grew.
            return invalid("the newer checkpoint is signed by the key the journal rotated to at record " + signed.since
                    + ", which does not vouch for the records from " + old.size() + " (the older checkpoint's tree"
                    + " size) to its rotation: prove consistency first to the checkpoint that covers that rotation,"
                    + " signed by the key before (vouch consistency makes each step)", cp, signed);
        }
        if (proof.oldSize() != old.size()) {
            return invalid("the proof starts from tree size " + proof.oldSize() + ", but the older checkpoint is of tree"
                    + " size " + old.size(), cp, signed);
        }
        if (old.size() > cp.size()) {
            return invalid("the older checkpoint (tree size " + old.size() + ") is larger than the newer one ("
                    + cp.size() + "): the log shrank", cp, signed);
        }
        if (old.size() == 0) {
            return invalid("the older checkpoint signs the empty tree, which every tree extends; nothing to prove",
                    cp, signed);
        }
        byte[] root;
        try {
            root = MerkleProofs.rootFromConsistencyProof(old.size(), cp.size(), old.rootHash(), proof.hashes());
        } catch (FormatException e) {
            return invalid("the consistency proof does not fit the older checkpoint: " + e.getMessage(), cp, signed);
        }
        if (!MessageDigest.isEqual(root, cp.rootHash())) {
            return invalid("the consistency proof leads from the older root to another root than the one the newer"
                    + " checkpoint signs: the log was rewritten, or the proof or a checkpoint was altered", cp, signed);
        }
        return new Result(true, null, cp, signed.signer, signed.keys);
    }

    private static Result invalid(String problem, Checkpoint cp, Signed signed) {
        return new Result(false, problem, cp, signed.signer, signed.keys);
    }

    /**
     * The signer, if any, the record it was rotated to at ({@code since}; -1 for the trust anchor) and the key it
     * was rotated from ({@code previous}; null for the anchor).
     */
    private record Signed(String problem, VerifyingKey signer, long since, VerifyingKey previous,
            List<VerifyingKey> keys) {
        Signed(String problem, List<VerifyingKey> keys) {
            this(problem, null, -1, null, keys);
        }
    }

    /**
     * Whether {@code record} is the checkpoint that covers a rotation, at {@code index}: a CHECKPOINT record (that
     * decodes) whose note {@code previous}, the key rotated from, signs under {@code origin}, a checkpoint of that
     * origin and of the tree of {@code index} records (docs/FORMAT.md, "Checking an inclusion proof", step 2). Its
     * root is not compared: what the key before signed there is its own word, and the proof is of the record.
     */
    private static boolean isCoveringCheckpoint(byte[] record, long index, String origin, VerifyingKey previous) {
        try {
            RecordView view = new RecordView().wrap(record, record.length);
            if (view.type() != RecordType.CHECKPOINT) {
                return false;
            }
            SignedNote note = SignedNote.parse(view.note());
            Checkpoint covering = Checkpoint.parse(note.text());
            // The origin line too, as the journal's verifier holds every checkpoint to the journal's origin: a note of
            // another log's under the same key name is no checkpoint of this journal.
            return note.verifiedBy(origin, previous) && covering.size() == index && covering.origin().equals(origin);
        } catch (FormatException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Which trusted key signs {@code note} (a checkpoint of {@code cp.size()}), following the key history. */
    private static Signed signedBy(String note, Checkpoint cp, byte[] extra, VerifyingKey anchor) {
        List<VerifyingKey> keys = new ArrayList<>();
        keys.add(anchor);
        List<VerifyingKey> usable = new ArrayList<>();
        List<Long> since = new ArrayList<>();
        List<VerifyingKey> previous = new ArrayList<>();
        usable.add(anchor);
        since.add(-1L);
        previous.add(null);
        String historyProblem = null;
        if (extra != null) {
            try {
                for (KeyHistory.Rotation r : KeyHistory.parse(extra).follow(anchor, cp.origin())) {
                    keys.add(r.to());
                    // Rotation at r: the checkpoint at r + 1 is still the old key's; the new key signs sizes >= r + 2.
                    if (r.sequence() <= cp.size() - 2) {
                        usable.add(r.to());
                        since.add(r.sequence());
                        previous.add(r.from());
                    }
                }
            } catch (FormatException e) {
                historyProblem = e.getMessage();
            }
        }
        SignedNote signed;
        try {
            signed = SignedNote.parse(note);
        } catch (FormatException e) {
            return new Signed("the checkpoint is not a signed note: " + e.getMessage(), keys);
        }
        try {
            for (int i = 0; i < usable.size(); i++) {
                if (signed.verifiedBy(cp.origin(), usable.get(i))) {
                    return new Signed(null, usable.get(i), since.get(i), previous.get(i), keys);
                }
            }
        } catch (FormatException e) {
            return new Signed("the checkpoint's origin " + quote(cp.origin()) + " is not a valid key name", keys);
        }
        String why = "the checkpoint (origin " + quote(cp.origin()) + ", tree size " + cp.size() + ") is not signed by"
                + " the trusted key " + anchor;
        if (keys.size() > 1) {
            why += " or a key it rotated to before that checkpoint (" + (keys.size() - 1) + " in the key history)";
        }
        if (historyProblem != null) {
            why += "; the proof's key history does not verify: " + historyProblem;
        }
        return new Signed(why + ": a wrong key, a proof for another log, or an altered checkpoint", keys);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < Math.min(s.length(), 100); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT
                    ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append(s.length() > 100 ? "...\"" : "\"").toString();
    }
}
