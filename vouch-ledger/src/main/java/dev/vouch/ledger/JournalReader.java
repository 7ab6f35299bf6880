package dev.vouch.ledger;

import dev.vouch.FormatException;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.CycleFiles;
import dev.vouch.ledger.internal.JournalFollower;
import dev.vouch.ledger.internal.StorageRecordSource;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.StorageDamageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens journals for reading. Reading never writes, locks, creates, renames or maps anything in the journal
 * directory, and never loads Chronicle Queue: it reads the cycle files with plain file reads, so a damaged file
 * is reported (as {@link StorageDamageException} from {@link RecordSource#next}), never a crash.
 */
public final class JournalReader {
    /** Data documents looked at to tell a Vouch journal from some other Chronicle queue. */
    private static final int SNIFF_DOCUMENTS = 64;

    private JournalReader() {
    }

    /**
     * Opens the journal in {@code directory} read-only, for {@link dev.vouch.verify.JournalVerifier} or an export.
     *
     * @throws IOException if the directory is missing, not a directory, or holds no journal files
     */
    public static RecordSource open(Path directory) throws IOException {
        return StorageRecordSource.open(directory);
    }

    /**
     * Opens the journal in {@code directory} read-only to follow it while a writer appends (as {@code tail -f}
     * does): {@link RecordSource#next} returning false means only that nothing more has been written yet, and a
     * later call returns the records appended since, across the writer's daily file changes. Like {@link #open} it
     * never writes, locks, creates or maps anything, so the writer is not held up. Each record is returned once;
     * damaged storage is reported once, as {@link StorageDamageException}, and reading goes on with the next file.
     *
     * @throws IOException if the directory is missing, not a directory, or holds no journal files
     */
    public static RecordSource follow(Path directory) throws IOException {
        return JournalFollower.open(directory);
    }

    /**
     * Why {@code directory} is not a Vouch journal, or null if it may be one (it may still be damaged). It is not
     * one when it holds no journal cycle file, or when it is a Chronicle queue whose first documents are readable
     * but none of them is a Vouch record.
     */
    public static String notAJournal(Path directory) throws IOException {
        CycleFiles.Listing listing = CycleFiles.list(directory);
        if (listing.cycles().isEmpty()) {
            List<String> traces = CycleFiles.writerTraces(directory);
            String left = traces.isEmpty() ? "" : ", though it holds " + String.join(" and ", traces) + ", which a"
                    + " journal's writer leaves beside them: the journal's day files were removed or moved";
            return (listing.strays().isEmpty() ? "no .cq4 journal files in it"
                    : "no journal cycle files (yyyyMMddL.cq4) in it, only other .cq4 files or ones that are not regular"
                    + " files") + left;
        }
        RecordBuffer buffer = new RecordBuffer(1024);
        RecordView view = new RecordView();
        int documents = 0;
        try (StorageRecordSource source = StorageRecordSource.open(directory)) {
            while (documents < SNIFF_DOCUMENTS) {
                try {
                    if (!source.next(buffer)) {
                        break;
                    }
                } catch (StorageDamageException e) {
                    return null; // damaged storage is the verifier's finding, not a reason to look away
                }
                documents++;
                try {
                    view.wrap(buffer.data(), buffer.length());
                    return null;
                } catch (FormatException e) {
                    // not a Vouch record: look at the next one
                }
            }
        }
        return documents == 0 ? null : "a Chronicle queue, but none of its first " + documents
                + " document(s) is a Vouch record";
    }

    /**
     * The journal's last cycle file if it ends with Chronicle's end-of-cycle marker, else null. Chronicle writes the
     * marker when its writer moves on to a later cycle file, so such a last file means a later one was removed, or
     * the writer was killed as it started one. The marker is not signed: its absence proves nothing.
     */
    public static Path lastFileRolledOver(Path directory) throws IOException {
        return CycleFiles.lastRolledOver(directory);
    }

    /**
     * The day Chronicle's table store ({@code metadata.cq4t}) records a cycle file for when the directory holds no
     * cycle file of that day or later, else null. A writer refuses such a journal (its newest day files were deleted
     * or moved, or it is a backup that took the table store after a day roll and the day files before it).
     */
    public static java.time.LocalDate tableStoreAhead(Path directory) throws IOException {
        return CycleFiles.missingNewestCycle(directory, CycleFiles.list(directory));
    }

    /** The journal cycle files ({@code yyyyMMdd[L].cq4}) in {@code directory}, in day order. */
    public static java.util.List<Path> cycleFiles(Path directory) throws IOException {
        return CycleFiles.list(directory).cycles();
    }

    /**
     * Why the cycle files in {@code directory} cannot all be one journal's, or null: they are of more than one roll
     * cycle (a day file copied under the other naming), which one journal never has; read together, every copied
     * record would count twice.
     */
    public static String mixedRollCycles(Path directory) throws IOException {
        return CycleFiles.mixedRollCycles(CycleFiles.list(directory));
    }

    /** {@code .cq4} files in {@code directory} that are not journal cycle files, and so are not read. */
    public static java.util.List<Path> ignoredFiles(Path directory) throws IOException {
        return CycleFiles.list(directory).strays();
    }

    /**
     * Whether {@code directory} holds journal files: cycle files, other {@code .cq4} files, or what a journal's writer
     * leaves beside them (Chronicle's {@code metadata.cq4t}, Vouch's {@code .vouch-writer.lock}). A directory of
     * journals verified together counts each such subdirectory: one whose day files were all removed must fail the
     * run, not drop out of it.
     */
    public static boolean holdsJournalFiles(Path directory) throws IOException {
        return CycleFiles.any(directory) || !CycleFiles.writerTraces(directory).isEmpty();
    }

    /** Bytes in the journal's cycle files, or -1 if they cannot be listed. */
    public static long storageBytes(Path directory) {
        return CycleFiles.size(directory);
    }
}
