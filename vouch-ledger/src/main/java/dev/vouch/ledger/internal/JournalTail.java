package dev.vouch.ledger.internal;

import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.ResumePoint;
import dev.vouch.verify.StorageDamageException;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Resumes a journal from its tail: finds the last checkpoint that carries a resume state (format 1.1) and is
 * signed by the key it names as next, checks that its compact range hashes to the root it signs, and verifies
 * every record after it from that state. Reopening then costs reading the tail, not the whole journal.
 *
 * <p>What this checks: the genesis record begins the journal; the checkpoint is signed (by a key the caller then
 * matches against its key file); everything after it chains, counts and signs correctly. What only a full
 * verification checks: the records before that checkpoint (they are covered by its signature, but not re-hashed).
 * Chronicle's own index is used only to find where to start reading near the end; whatever it points at is
 * verified like any other record, and anything unexpected makes {@link #resume} return null, so the caller
 * verifies the whole journal instead.
 */
public final class JournalTail {
    /** Records read backwards through the index looking for a resumable checkpoint before giving up. */
    private static final long MAX_RECORDS_SEARCHED = 1L << 20;

    /** The resume point, or null with why the tail could not be used. */
    public record Result(ResumePoint resume, VerificationReport tail, String whyNot) {
    }

    /** A checkpoint record: its document's offset in {@code file}, and where in that document it starts. */
    private record Found(Path file, long offset, int inDocument, byte[] checkpoint, boolean sealed) {
    }

    private JournalTail() {
    }

    /**
     * Finds and verifies the tail of the journal in {@code dir}. A result without a resume point means the journal
     * must be verified in full: no format 1.1 checkpoint, no usable index, or a storage layout this reader does not
     * expect. A tail report with failures means the tail is damaged or tampered with.
     */
    public static Result resume(Path dir) throws IOException {
        CycleFiles.Listing listing = CycleFiles.list(dir);
        List<Path> cycles = listing.cycles();
        if (cycles.isEmpty()) {
            return new Result(null, null, "no cycle files");
        }
        String origin = genesisOrigin(dir);
        if (origin == null) {
            return new Result(null, null, "no readable genesis record");
        }
        Found found = null;
        long searched = 0;
        for (int f = cycles.size() - 1; f >= 0 && found == null && searched < MAX_RECORDS_SEARCHED; f--) {
            try (CycleFileReader reader = CycleFileReader.open(cycles.get(f))) {
                long[] index = reader.indexedPositions();
                if (index == null) {
                    return new Result(null, null, "Chronicle's index of " + cycles.get(f).getFileName() + " is unreadable");
                }
                // Nothing beyond the last document the file's header records: after a power loss, a page of
                // Chronicle's index and one of a later checkpoint can be on disk while the pages between them are not
                // (an outside trial), and a checkpoint there is not where a reader of the journal gets to.
                long end = reader.writePosition() >= 0 ? reader.writePosition() : Long.MAX_VALUE;
                for (int k = index.length - 1; k >= -1 && found == null && searched < MAX_RECORDS_SEARCHED; k--) {
                    long start = k >= 0 ? index[k] : reader.firstDocumentOffset();
                    if (start > end) {
                        continue;
                    }
                    Scan scan = scan(reader, start, end, origin, cycles.get(f));
                    searched += scan.records;
                    found = scan.found;
                    // The earlier segment reads up to this one's first record too, to know what came before it.
                    end = Math.min(end, scan.firstRecordAt >= 0 ? scan.firstRecordAt : start);
                    if (k < 0) {
                        break;
                    }
                }
            } catch (StorageDamageException e) {
                return new Result(null, null, "damaged storage: " + e.getMessage());
            }
        }
        if (found == null) {
            // Not the count of records read: segments overlap by a record or so, and an outside trial read "in the
            // last 448601 records" of a journal of 445,123.
            return new Result(null, null, searched < MAX_RECORDS_SEARCHED
                    ? "no format 1.1 checkpoint signed by its own next key in it (a journal written before format 1.1"
                            + " has none)"
                    : "no format 1.1 checkpoint signed by its own next key among its last " + MAX_RECORDS_SEARCHED
                            + " or so records");
        }
        ResumePoint after = stateAfter(found, origin);
        if (after == null) {
            return new Result(null, null, "the last resumable checkpoint's range does not hash to its signed root");
        }
        VerificationReport tail;
        try (StorageRecordSource source = StorageRecordSource.openFrom(dir, found.file(), found.offset(),
                found.inDocument())) {
            RecordBuffer skip = new RecordBuffer(found.checkpoint().length);
            if (!source.next(skip) || !Arrays.equals(Arrays.copyOf(skip.data(), skip.length()), found.checkpoint())) {
                return new Result(null, null, "the checkpoint moved while the tail was read");
            }
            tail = JournalVerifier.trusting(after.currentKey()).verifyFrom(after, source);
        }
        return new Result(tail.failureCount() == 0 ? tail.resumePoint() : null, tail, null);
    }

    private record Scan(Found found, long records, long firstRecordAt) {
    }

    /**
     * Reads the data documents from {@code start} up to and including the one at {@code end} and returns the last resumable
     * checkpoint among them whose preceding record was read too (to know whether a seal came right before it).
     */
    private static Scan scan(CycleFileReader reader, long start, long end, String origin, Path file) throws IOException {
        reader.seek(start);
        RecordBuffer buffer = new RecordBuffer(4096);
        RecordView view = new RecordView();
        Found found = null;
        long records = 0;
        long first = -1;
        RecordType previous = null;
        while (reader.next(buffer)) {
            long at = reader.lastRecordOffset();
            if (at > end) {
                break;
            }
            if (first < 0) {
                first = at;
            }
            records++;
            RecordType type;
            try {
                view.wrap(buffer.data(), buffer.length());
                type = view.type();
            } catch (FormatException e) {
                type = null;
            }
            if (type == RecordType.CHECKPOINT && previous != null && view.hasCheckpointState()
                    && signedByItsNextKey(view, origin)) {
                found = new Found(file, at, reader.lastRecordInDocument(), Arrays.copyOf(buffer.data(), buffer.length()), previous == RecordType.SEAL);
            }
            previous = type;
        }
        return new Scan(found, records, first);
    }

    private static boolean signedByItsNextKey(RecordView view, String origin) {
        try {
            return SignedNote.parse(view.note()).verifiedBy(origin, VerifyingKey.of(view.stateNextKey()));
        } catch (FormatException e) {
            return false;
        }
    }

    /** The state right after the checkpoint, or null if its range is not the tree its note signs. */
    private static ResumePoint stateAfter(Found found, String origin) {
        RecordView view = new RecordView().wrap(found.checkpoint(), found.checkpoint().length);
        Checkpoint cp = Checkpoint.parse(SignedNote.parse(view.note()).text());
        long seq = view.sequence();
        if (!cp.origin().equals(origin) || cp.size() != seq) {
            return null;
        }
        byte[][] hashes = new byte[view.stateRangeCount()][];
        for (int i = 0; i < hashes.length; i++) {
            int at = view.stateRangeOffset() + i * RecordDescriptor.HASH_LENGTH;
            hashes[i] = Arrays.copyOfRange(view.buffer(), at, at + RecordDescriptor.HASH_LENGTH);
        }
        CompactRange tree;
        try {
            tree = CompactRange.of(seq, hashes);
        } catch (FormatException e) {
            return null;
        }
        if (!Arrays.equals(tree.root(), cp.rootHash())) {
            return null;
        }
        byte[] leaf = Rfc6962.leafHash(found.checkpoint());
        tree.append(leaf, 0);
        return new ResumePoint(seq + 1, leaf, tree, origin, VerifyingKey.of(view.stateNextKey()), null, seq,
                view.timestamp(), view.stateDroppedTotal(), view.stateLastGapOrStart(), view.stateEvents(),
                found.sealed());
    }

    private static String genesisOrigin(Path dir) throws IOException {
        try (StorageRecordSource source = StorageRecordSource.open(dir)) {
            RecordBuffer buffer = new RecordBuffer(1024);
            if (!source.next(buffer)) {
                return null;
            }
            RecordView view = new RecordView().wrap(buffer.data(), buffer.length());
            return view.type() == RecordType.GENESIS && view.sequence() == 0 ? view.origin() : null;
        } catch (FormatException | StorageDamageException e) {
            return null;
        }
    }
}
