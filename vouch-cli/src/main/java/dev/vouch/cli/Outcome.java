package dev.vouch.cli;

import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.Failure;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * What a {@link VerificationReport} means for an auditor, in the words both outputs of {@code vouch verify} use.
 * The verifier's INCOMPLETE covers situations told apart here: a journal whose storage holds entries that could
 * not be read, an empty journal, a torn tail (records after the last signed checkpoint, as a crash leaves them)
 * and a journal that ends on a checkpoint but was never sealed.
 */
final class Outcome {
    /** The auditor's view of the verdict; {@link #label()} is what {@code --json} writes as {@code status}. */
    enum Status {
        INTACT,
        TAMPERED,
        /** Part of the storage cannot be read (a file cut short, an overwritten header): damage, not a crash. */
        UNREADABLE,
        TORN_TAIL,
        UNSEALED,
        /**
         * Every record verifies and the journal is sealed, but its last cycle file ends with Chronicle's end-of-cycle
         * marker: the writer went on to a later file that is not there. The ledger refuses to open such a journal.
         */
        LATER_FILE_MISSING,
        EMPTY;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final VerificationReport report;
    private final long storageBytes;
    private final Status status;
    private final Checkpoint lastCheckpoint;
    /** Failures found outside the verifier: an evidence bundle that does not match its manifest. */
    private final int extraFailures;
    /**
     * The journal's last cycle file if it ends with Chronicle's end-of-cycle marker (a later file existed and is not
     * there), else null. Not signed, so it proves nothing, but a sealed journal with it is not called intact (an
     * outside auditor read INTACT, exit 0, for a journal whose last file was deleted and which the ledger itself
     * refuses to open), and it changes what an unsealed end suggests.
     */
    private final String laterFileMissingAfter;
    /** What the records say of the trusted key, when it did not start the journal; else null. */
    private final WrongAnchor wrongAnchor;

    /**
     * The trusted key ({@code given}) did not start the journal, whose genesis record names {@code first}; the journal's
     * records hand over to {@code given} in the KEY_ROTATION at {@code rotatedAt}, or -1 when they never name it. Read
     * from the records without trusting them: it explains the failures, it does not excuse them.
     */
    record WrongAnchor(VerifyingKey given, VerifyingKey first, long rotatedAt) {
    }

    Outcome(VerificationReport report, long storageBytes) {
        this(report, storageBytes, 0, null, null);
    }

    private Outcome(VerificationReport report, long storageBytes, int extraFailures, String laterFileMissingAfter,
            WrongAnchor wrongAnchor) {
        this.report = report;
        this.storageBytes = storageBytes;
        this.extraFailures = extraFailures;
        this.laterFileMissingAfter = laterFileMissingAfter;
        this.wrongAnchor = wrongAnchor;
        this.lastCheckpoint = parse(report.lastCheckpointNote());
        if (report.storageDamage() > 0) {
            // The verdict is TAMPERED; what an auditor needs to hear first is that files are damaged.
            status = Status.UNREADABLE;
        } else if (report.verdict() == Verdict.TAMPERED || report.failureCount() > 0 || extraFailures > 0) {
            status = Status.TAMPERED;
        } else if (report.verdict() == Verdict.INTACT) {
            status = laterFileMissingAfter == null ? Status.INTACT : Status.LATER_FILE_MISSING;
        } else if (report.records() == 0) {
            status = Status.EMPTY;
        } else if (report.uncoveredRecords() > 0) {
            status = Status.TORN_TAIL;
        } else {
            status = Status.UNSEALED;
        }
    }

    /** Runs {@code verifier} over {@code source} and judges the result. */
    static Outcome verify(JournalVerifier verifier, JournalInput source) throws IOException {
        Outcome o = verify(verifier, source, source, source.storageBytes());
        String rolled = source.lastFileRolledOver();
        return rolled == null ? o : new Outcome(o.report, o.storageBytes, o.extraFailures, rolled, o.wrongAnchor);
    }

    /**
     * Runs {@code verifier} over {@code through}, which reads {@code source} (and may look at each record on the
     * way), and judges the result; {@code source} may be any record source (an evidence bundle's records).
     */
    static Outcome verify(JournalVerifier verifier, RecordSource source, RecordSource through, long storageBytes)
            throws IOException {
        VerificationReport report;
        try {
            report = verifier.verify(through);
        } catch (CliException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new VerificationStopped(source.position(), e);
        }
        return new Outcome(report, storageBytes);
    }

    /** This outcome with {@code n} more failures found outside the verifier (TAMPERED if there are any). */
    Outcome withExtraFailures(int n) {
        return n == 0 ? this : new Outcome(report, storageBytes, extraFailures + n, laterFileMissingAfter, wrongAnchor);
    }

    /** This outcome, with what the records say of a trusted key that did not start the journal (for the headline). */
    Outcome withWrongAnchor(WrongAnchor w) {
        return new Outcome(report, storageBytes, extraFailures, laterFileMissingAfter, w);
    }

    /** Whether the first failure is a genesis record that the trusted key did not sign: no key was followed then. */
    boolean notStartedByAnchor() {
        List<Failure> failures = report.failures();
        return status == Status.TAMPERED && !failures.isEmpty() && failures.get(0).sequence() == 0
                && failures.get(0).kind() == Failure.Kind.GENESIS
                && failures.get(0).message().contains("not started by the trusted key");
    }

    /** The verifier's failures and those found outside it. */
    long failureCount() {
        return report.failureCount() + extraFailures;
    }

    private static Checkpoint parse(String note) {
        if (note == null) {
            return null;
        }
        try {
            return Checkpoint.parse(SignedNote.parse(note).text());
        } catch (FormatException e) {
            return null;
        }
    }

    Status status() {
        return status;
    }

    VerificationReport report() {
        return report;
    }


    int exitCode() {
        return status == Status.INTACT ? VouchCli.EXIT_OK : VouchCli.EXIT_FAILED;
    }

    /** The last validly signed checkpoint, or null. */
    Checkpoint lastCheckpoint() {
        return lastCheckpoint;
    }

    /** The tree size the last valid checkpoint signs, or -1. */
    long signedTreeSize() {
        return lastCheckpoint == null ? -1 : lastCheckpoint.size();
    }

    /** The key's C2SP note verifier key under the journal's origin, or null if the origin is not a valid key name. */
    String noteKey(VerifyingKey key) {
        String origin = report.origin();
        if (origin == null) {
            return null;
        }
        try {
            return NoteKeys.verifierKey(origin, key);
        } catch (FormatException e) {
            return null;
        }
    }

    /** One line: the verdict and why. */
    String headline() {
        VerificationReport r = report;
        return switch (status) {
            case INTACT -> "INTACT: all " + r.records() + " records verify, every checkpoint is validly signed,"
                    + " and the journal is sealed";
            case TAMPERED -> wrongAnchor != null ? wrongAnchorHeadline()
                    : onlySavedCheckpoint()
                    ? "TAMPERED: " + failureCount() + " failure(s), all about the saved checkpoint (--checkpoint): the"
                            + " journal does not extend it, or the saved checkpoint itself is not valid"
                    : "TAMPERED: " + failureCount() + " failure(s); the journal was altered, records were"
                            + " removed, inserted or reordered, or it was not written by the trusted key";
            case UNREADABLE -> "UNREADABLE: the journal's files are damaged in " + r.storageDamage() + " place(s);"
                    + " the records beyond the damage cannot be read (" + r.records() + " could be)";
            case TORN_TAIL -> "INCOMPLETE (torn tail, " + sign() + "): the journal was not sealed and its last "
                    + r.uncoveredRecords() + " record(s) come after the last signed checkpoint";
            case UNSEALED -> "INCOMPLETE (not sealed, " + sign() + "): the journal ends with a valid signed"
                    + " checkpoint but no seal";
            case LATER_FILE_MISSING -> "INCOMPLETE (" + sign() + "): all " + r.records() + " records verify and the"
                    + " journal is sealed, but its last cycle file says a later one followed";
            case EMPTY -> storageBytes > 0
                    ? "INCOMPLETE: no record could be read from " + storageBytes + " bytes of journal files"
                    : "INCOMPLETE: the journal holds no records";
        };
    }

    /**
     * A key mix-up, said first in plain words (an outside trial: a typo in a --pubkey path read "TAMPERED: 9
     * failure(s)", an attack's words, and the reason came only in the first failure or a hint at the end). Still
     * TAMPERED, exit 1: a journal rewritten under someone else's key reads the same, and only the trust anchor
     * tells them apart.
     */
    private String wrongAnchorHeadline() {
        WrongAnchor w = wrongAnchor;
        String start = "TAMPERED: --pubkey is not this journal's first key (" + failureCount() + " failure(s)): ";
        if (w.rotatedAt() >= 0) {
            return start + "it is " + w.given() + ", the key the journal rotated to at seq " + w.rotatedAt()
                    + "; the trust anchor is its first key, " + w.first() + ", which its genesis record names";
        }
        return start + "its genesis record names " + w.first() + ", and --pubkey, " + w.given() + ", is no key the"
                + " journal names: a wrong --pubkey file, or a journal rewritten under another key";
    }

    /** Whether every failure concerns the saved checkpoint, which may be the damaged side (the explanation says). */
    private boolean onlySavedCheckpoint() {
        return extraFailures == 0 && report.failureCount() == report.failures().size() && !report.failures().isEmpty()
                && report.failures().stream().allMatch(f -> f.kind() == dev.vouch.verify.Failure.Kind.SAVED_CHECKPOINT);
    }

    private String sign() {
        return laterFileMissingAfter == null ? "no sign of tampering" : "a later cycle file is missing";
    }

    private String laterFile() {
        return laterFileMissingAfter == null ? "" : laterFileMissingAfter + ", the last cycle file, ends with Chronicle's"
                + " end-of-cycle marker: the writer went on to a later file that is not here (removed, or the writer"
                + " was killed as it created it). ";
    }

    /**
     * Where every failure is a record after the last valid checkpoint that does not read or link (and nothing
     * else), says so: that is what a power loss leaves (FORMAT.md, "Torn tail"), and no signed record is affected.
     */
    private String unsignedTailOnly() {
        VerificationReport r = report;
        if (lastCheckpoint == null || r.storageDamage() > 0 || r.failureCount() != r.failures().size()) {
            return "";
        }
        for (dev.vouch.verify.Failure f : r.failures()) {
            boolean readOrLink = f.kind() == dev.vouch.verify.Failure.Kind.MALFORMED
                    || f.kind() == dev.vouch.verify.Failure.Kind.CHAIN || f.kind() == dev.vouch.verify.Failure.Kind.SEQUENCE;
            if (!readOrLink || f.sequence() <= lastCheckpoint.size()) {
                return "";
            }
        }
        return ". Every failure is in the records after the last valid checkpoint (tree size " + lastCheckpoint.size()
                + "), which nobody signed; everything it covers verifies. A power loss leaves the end of a journal"
                + " like this when its last writes never reached the disk (docs/FORMAT.md, \"Torn tail\"), and so"
                + " would someone who altered those unsigned records. Opening the journal with the ledger sets them"
                + " aside and records that in its recovery record.";
    }

    /** Where reading stopped at a missing document header, says that a power loss leaves that too. */
    private String lostHeader() {
        boolean missingHeader = report.failures().stream().anyMatch(f -> f.message().contains("no document header at"
                + " offset"));
        return !missingHeader ? "" : " A power loss leaves a missing header too, where the page holding it never"
                + " reached the disk and the file's header did; if the bytes from there on are zeros at the end of the"
                + " last cycle file, opening the journal with the ledger sets them aside, unless a signed checkpoint"
                + " is among them (docs/FORMAT.md, \"Torn tail\").";
    }

    /** What the auditor should make of it, for the human output. */
    String explanation() {
        VerificationReport r = report;
        String signed = lastCheckpoint == null
                ? "No record is covered by a signed checkpoint."
                : "Everything up to tree size " + lastCheckpoint.size() + " is signed and verifies.";
        return switch (status) {
            case INTACT -> "";
            case TAMPERED -> r.failures().isEmpty() ? "See the failures above."
                    : "The first failure: " + r.failures().get(0) + unsignedTailOnly();
            case UNREADABLE -> "A file cut short or a document header overwritten is not what a crashed writer leaves;"
                    + " the failures above name each file and offset. " + signed + lostHeader();
            case TORN_TAIL -> laterFile() + "This is what a crash (or a writer that is still running) leaves: those "
                    + r.uncoveredRecords() + " record(s) chain correctly, but no signature covers them yet, so they"
                    + " prove nothing; a cut-off or appended tail would look the same. " + signed
                    + " Opening the journal with the ledger seals it with a recovery record.";
            case UNSEALED -> laterFile() + "The writer is still running, stopped right after a checkpoint, or the sealed"
                    + " end was cut off. " + signed;
            case LATER_FILE_MISSING -> laterFile() + "A later session's records may have been removed with the files"
                    + " that held them; the seal proves nothing about what came after it. " + signed + " Only a"
                    + " checkpoint saved earlier (--checkpoint) or a witness shows how far the journal went.";
            case EMPTY -> storageBytes > 0
                    ? "Every journal begins with a genesis record, so its files are damaged or not a Vouch journal."
                    : "";
        };
    }
}
