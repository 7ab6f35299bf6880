package dev.vouch.cli;

import dev.vouch.FormatException;
import dev.vouch.crypto.KeyHistory;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.StorageDamageException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One pass over the first {@code size} records of a journal that computes the hashes of an RFC 9162 proof in O(log n)
 * memory: every hash of an inclusion or consistency proof is the root of a leaf range known in advance (the
 * {@code PATH} and {@code SUBPROOF} recursions), grown in a compact range as its leaves go by. Also keeps one
 * record's bytes and the journal's key rotations, for the proof's key history. Run after the journal verified.
 */
final class ProofPass {
    /** A KEY_ROTATION record: its sequence number, the key it names and its signed statement. */
    record Rotation(long sequence, byte[] nextKey, String note) {
    }

    /** What the pass found: the proof's hashes in proof order, the kept record (or null), the rotations. */
    record Result(List<byte[]> hashes, byte[] record, List<Rotation> rotations) {
    }

    private ProofPass() {
    }

    /** The inclusion proof of leaf {@code index} in the tree of {@code size}, and that leaf's record. */
    static Result inclusion(Path journal, long index, long size) {
        List<long[]> ranges = new ArrayList<>();
        pathRanges(index, 0, size, ranges);
        return run(journal, size, ranges, index);
    }

    /** The consistency proof from the tree of {@code size1} leaves to that of {@code size2}. */
    static Result consistency(Path journal, long size1, long size2) {
        List<long[]> ranges = new ArrayList<>();
        if (size1 > 0 && size1 < size2) {
            subproofRanges(size1, 0, size2, true, ranges);
        }
        return run(journal, size2, ranges, -1);
    }

    /**
     * The note of the last checkpoint the key in force at record {@code seq} signed, if a later key signs the
     * checkpoint of tree size {@code size}; null if none does (that checkpoint can prove the record). A key rotated to
     * at record r vouches only for the records after r (docs/FORMAT.md, "Which keys may sign"): an outside trial
     * signed a whole other history with the newest key alone, and check-proof took it. The key before it signed last
     * the first checkpoint after the first rotation at or after {@code seq}, which covers the record.
     */
    static String handoverBefore(Path journal, long seq, long size) {
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        boolean rotated = false;
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            for (long i = 0; i < size && source.next(buffer); i++) {
                if (i < seq || buffer.length() <= RecordDescriptor.TYPE_OFFSET) {
                    continue;
                }
                byte type = buffer.data()[RecordDescriptor.TYPE_OFFSET];
                if (type == RecordType.KEY_ROTATION.code()) {
                    rotated = true;
                } else if (rotated && type == RecordType.CHECKPOINT.code()) {
                    // The checkpoint at position i signs the tree of size i: older than the one of size, and seq < i.
                    return view.wrap(buffer.data(), buffer.length()).note();
                }
            }
        } catch (StorageDamageException | FormatException e) {
            throw new CliException(journal + ": cannot read the journal again for the proof (was it changed after it"
                    + " verified?): " + e.getMessage(), e);
        }
        return null;
    }

    /** The leaf ranges whose roots make up PATH(m, D[begin:end]), bottom-up, as RFC 9162 section 2.1.3.1 orders them. */
    static void pathRanges(long m, long begin, long end, List<long[]> out) {
        long n = end - begin;
        if (n == 1) {
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m < k) {
            pathRanges(m, begin, begin + k, out);
            out.add(new long[] {begin + k, end});
        } else {
            pathRanges(m - k, begin + k, end, out);
            out.add(new long[] {begin, begin + k});
        }
    }

    /** The leaf ranges of SUBPROOF(m, D[begin:end], whole), RFC 9162 section 2.1.4.1, in proof order. */
    static void subproofRanges(long m, long begin, long end, boolean whole, List<long[]> out) {
        long n = end - begin;
        if (m == n) {
            if (!whole) {
                out.add(new long[] {begin, end});
            }
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m <= k) {
            subproofRanges(m, begin, begin + k, whole, out);
            out.add(new long[] {begin + k, end});
        } else {
            subproofRanges(m - k, begin + k, end, false, out);
            out.add(new long[] {begin, begin + k});
        }
    }

    private static Result run(Path journal, long size, List<long[]> ranges, long keep) {
        int n = ranges.size();
        CompactRange[] trees = new CompactRange[n];
        Integer[] byBegin = new Integer[n];
        for (int i = 0; i < n; i++) {
            trees[i] = new CompactRange();
            byBegin[i] = i;
        }
        // The ranges are disjoint: walk them in leaf order with one cursor.
        Arrays.sort(byBegin, Comparator.comparingLong(i -> ranges.get(i)[0]));
        int cursor = 0;
        MessageDigest sha256 = Rfc6962.newSha256();
        byte[] leafScratch = new byte[Rfc6962.LEAF_SCRATCH_SIZE];
        byte[] leaf = new byte[Rfc6962.HASH_SIZE];
        byte[] record = null;
        List<Rotation> rotations = new ArrayList<>();
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            for (long i = 0; i < size; i++) {
                if (!source.next(buffer)) {
                    throw new CliException(journal + ": the journal ended after " + i + " records while reading the "
                            + size + " the checkpoint signs; was it changed while it was read?");
                }
                if (buffer.length() > RecordDescriptor.TYPE_OFFSET
                        && buffer.data()[RecordDescriptor.TYPE_OFFSET] == RecordType.KEY_ROTATION.code()) {
                    try {
                        view.wrap(buffer.data(), buffer.length());
                        rotations.add(new Rotation(view.sequence(), view.publicKey(), view.note()));
                    } catch (FormatException e) {
                        // The journal verified, so it has none; a malformed one names no key anyway.
                    }
                }
                if (i == keep) {
                    record = Arrays.copyOf(buffer.data(), buffer.length());
                    continue;
                }
                while (cursor < n && ranges.get(byBegin[cursor])[1] <= i) {
                    cursor++;
                }
                if (cursor < n && ranges.get(byBegin[cursor])[0] <= i) {
                    Rfc6962.leafHash(sha256, leafScratch, buffer.data(), 0, buffer.length(), leaf, 0);
                    trees[byBegin[cursor]].append(leaf, 0);
                }
            }
        } catch (StorageDamageException e) {
            throw new CliException(journal + ": damaged storage while computing the proof (was the journal changed"
                    + " after it verified?): " + e.getMessage(), e);
        }
        List<byte[]> hashes = new ArrayList<>(n);
        for (CompactRange t : trees) {
            hashes.add(t.root());
        }
        return new Result(hashes, record, rotations);
    }

    /**
     * The key history a checker needs to trust {@code note} from the first of {@code keys} (the journal's keys in
     * force, in order, as the verifier found them): for each key up to the one that signs the note, the rotation
     * statement that handed over to it. Null when the first key signs the note itself.
     */
    static byte[] keyHistory(List<VerifyingKey> keys, List<Rotation> rotations, String origin, String note) {
        SignedNote signed = SignedNote.parse(note);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (signed.verifiedBy(origin, keys.get(i))) {
                return notes.isEmpty() ? null : KeyHistory.of(notes).bytes();
            }
            if (i + 1 == keys.size()) {
                break;
            }
            Rotation handover = null;
            for (Rotation r : rotations) {
                if (Arrays.equals(r.nextKey(), keys.get(i + 1).bytes())
                        && SignedNote.parse(r.note()).verifiedBy(origin, keys.get(i))) {
                    handover = r;
                }
            }
            if (handover == null) {
                break;
            }
            notes.add(handover.note());
        }
        throw new CliException("no key of the journal signs the checkpoint of tree size it was asked to prove against");
    }
}
