package dev.vouch.cli;

import dev.vouch.FormatException;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.StorageDamageException;
import dev.vouch.verify.StripeReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal opened read-only through {@link JournalReader}, with the errors a user sees made plain: a missing
 * directory and a directory that holds no journal become a {@link CliException} naming the directory (exit code 2).
 *
 * <p>Damaged storage (a file cut short, an overwritten document header) is a finding, not an error: for
 * verification it goes through to the verifier, which reports it as a failure; for the other commands, which show
 * what can be read, it is kept and reported afterwards ({@link #reportDamage}), and reading goes on with the next
 * file. Not thread-safe.
 */
final class JournalInput implements RecordSource {
    private final Path directory;
    private final RecordSource source;
    private final boolean forVerifier;
    private final List<StorageDamageException> damage = new ArrayList<>();
    private boolean damaged;
    /** The records' own numbering as read: a first or middle day file removed shows as a break in it. */
    private final Numbering numbering = new Numbering();

    private JournalInput(Path directory, RecordSource source, boolean forVerifier) {
        this.directory = directory;
        this.source = source;
        this.forVerifier = forVerifier;
    }

    /** Bytes in the journal's cycle files, for messages about a journal from which nothing could be read. */
    long storageBytes() {
        return JournalReader.storageBytes(directory);
    }

    /** The name of the last cycle file if it ends with Chronicle's end-of-cycle marker, else null. */
    String lastFileRolledOver() {
        try {
            Path rolled = JournalReader.lastFileRolledOver(directory);
            return rolled == null ? null : Text.safe(rolled.getFileName().toString());
        } catch (IOException e) {
            return null;
        }
    }

    /** Opens the journal for a command that shows what it can read; damage is kept for {@link #reportDamage}. */
    static JournalInput open(Path directory) {
        return open(directory, false);
    }

    /**
     * Opens the journal to follow it as a writer appends ({@code tail -f}): {@link #nextRecord} returning false
     * means nothing more has been written yet. Damage is kept for {@link #reportDamage}, as with {@link #open}.
     */
    static JournalInput follow(Path directory) {
        check(directory);
        try {
            return new JournalInput(directory, JournalReader.follow(directory), false);
        } catch (IOException e) {
            throw new CliException(Errors.describe(e), e);
        }
    }

    /** Opens the journal for the verifier, which turns damaged storage into failures. */
    static JournalInput forVerifier(Path directory) {
        return open(directory, true);
    }

    private static JournalInput open(Path directory, boolean forVerifier) {
        check(directory);
        try {
            return new JournalInput(directory, JournalReader.open(directory), forVerifier);
        } catch (IOException e) {
            throw new CliException(Errors.describe(e), e);
        }
    }

    /**
     * Prints one line per damaged place read past since the last call, and whether there was any so far: the output
     * then lacks the records beyond each, and the command exits 1.
     */
    boolean reportDamage(PrintWriter err, String command) {
        return reportDamage(err, command, true);
    }

    /**
     * As {@link #reportDamage(PrintWriter, String)}; with {@code numberingToo}, records missing from the journal's own
     * numbering count as damage and are said once (an outside trial's backup script exported a journal whose first or
     * a middle day file had been removed, exit 0, nothing said). {@code vouch status} says it in its own words.
     */
    boolean reportDamage(PrintWriter err, String command, boolean numberingToo) {
        for (StorageDamageException e : damage) {
            err.println(command + ": damaged storage, the records beyond it are missing from this output (run"
                    + " 'vouch verify'): " + Text.safe(e.getMessage()));
            damaged = true;
        }
        damage.clear();
        if (numberingToo && numbering.sayOnce(err, command)) {
            damaged = true;
        }
        err.flush();
        return damaged;
    }

    /**
     * Breaks in the sequence numbers of the records read, in the order read: a first record other than 0 (the
     * journal's beginning is missing) and the first jump. Only the first break is named; {@code vouch verify} and
     * {@code vouch status} say the rest.
     */
    private static final class Numbering {
        private final RecordView view = new RecordView();
        private long first = -1;
        private long last = -1;
        /** Malformed records read since the last good one: each took a number, which its bytes may not say. */
        private long skipped;
        private long breakAfter = -1;
        private long breakAt = -1;
        private boolean said;

        void see(byte[] record, int length) {
            long sequence = ExportLineCheck.sequenceIn(record, length);
            if (sequence != last + 1 + skipped) {
                // Rare: decoded only here. A malformed record's number is not taken at its word (damage the verifier
                // names; an export shows it as a malformed line).
                try {
                    view.wrap(record, length);
                } catch (FormatException e) {
                    skipped++;
                    return;
                }
                if (sequence < 0) {
                    skipped++; // 2^63 or more: no journal gets there
                    return;
                }
                if (first < 0 && sequence > skipped) {
                    first = sequence - skipped;
                } else if (first >= 0 && breakAfter < 0) {
                    breakAfter = last;
                    breakAt = sequence;
                }
            }
            if (first < 0) {
                first = 0;
            }
            last = sequence;
            skipped = 0;
        }

        /** Says on {@code err}, once, what is missing; returns whether anything is. */
        boolean sayOnce(PrintWriter err, String command) {
            boolean missing = first > 0 || breakAfter >= 0;
            if (missing && !said) {
                said = true;
                if (first > 0) {
                    err.println(command + ": warning: the journal's beginning is missing: its first record is sequence "
                            + first + ", so the day files before it were removed or moved; this output lacks records 0"
                            + " to " + (first - 1));
                }
                if (breakAfter >= 0) {
                    err.println(command + ": warning: records are missing: the sequence numbers jump from " + breakAfter
                            + " to " + breakAt + " (a day file removed or moved, or damage); this output lacks what lay"
                            + " between");
                }
            }
            return missing;
        }
    }

    /**
     * The origin line of the journal's genesis record (its first), unverified: a name to print, not a trust
     * decision.
     */
    static String genesisOrigin(Path directory) {
        check(directory);
        try (JournalInput source = open(directory)) {
            RecordBuffer buffer = new RecordBuffer(1024);
            if (!source.nextRecord(buffer) || !source.damage.isEmpty()) {
                throw new CliException(directory + ": no genesis record could be read to take the origin from"
                        + (source.damage.isEmpty() ? "" : " (" + source.damage.get(0).getMessage() + ")")
                        + "; pass --origin");
            }
            RecordView view = new RecordView();
            try {
                view.wrap(buffer.data(), buffer.length());
            } catch (FormatException e) {
                throw new CliException(directory + ": the first record is malformed (" + e.getMessage() + ")", e);
            }
            if (view.type() != RecordType.GENESIS) {
                throw new CliException(directory + ": the first record is " + view.type().label()
                        + ", not genesis; pass --origin");
            }
            return view.origin();
        }
    }

    /**
     * {@link #check(Path)}, then one warning line on {@code err} for {@code .cq4} files in the directory that are
     * not journal cycle files (they are not read).
     */
    static void check(Path directory, PrintWriter err) {
        check(directory);
        try {
            for (Path ignored : JournalReader.ignoredFiles(directory)) {
                err.println("warning: ignoring " + Text.safe(ignored.getFileName().toString()) + ": "
                        + (Files.isRegularFile(ignored) ? "not a journal cycle file (yyyyMMddL.cq4)"
                        : "not a regular file (a directory, FIFO, device or broken link)")
                        + ", so not part of the journal");
            }
            Path rolled = JournalReader.lastFileRolledOver(directory);
            if (rolled != null) {
                err.println("warning: " + Text.safe(rolled.getFileName().toString()) + ", the journal's last cycle file,"
                        + " ends with Chronicle's end-of-cycle marker: its writer went on to a later cycle file that is"
                        + " not here (removed, or the writer was killed as it started it); records in a removed file"
                        + " are missing, which only a saved checkpoint (--checkpoint) or a witness can show");
            }
        } catch (IOException e) {
            throw new CliException(Errors.describe(e), e);
        }
        err.flush();
    }

    /** Checks {@code directory} is an existing, readable journal directory; names what is wrong otherwise. */
    static void check(Path directory) {
        if (!Files.exists(directory)) {
            throw new CliException(directory + ": no such journal directory");
        }
        if (!Files.isDirectory(directory)) {
            throw new CliException(directory + ": not a directory; pass the journal's directory");
        }
        if (!Files.isReadable(directory)) {
            throw new CliException(directory + ": permission denied");
        }
        String notAJournal;
        try {
            notAJournal = JournalReader.notAJournal(directory);
        } catch (IOException e) {
            throw new CliException(Errors.describe(e), e);
        }
        if (notAJournal != null) {
            throw new CliException(directory + ": not a Vouch journal (" + notAJournal + ")");
        }
        String mixed;
        try {
            mixed = JournalReader.mixedRollCycles(directory);
        } catch (IOException e) {
            throw new CliException(Errors.describe(e), e);
        }
        if (mixed != null) {
            // As the ledger refuses to open it: read together, a copied day file's records counted twice (TAMPERED).
            throw new CliException(directory + ": " + Text.safe(mixed));
        }
    }

    /** {@link #next} for an input not opened {@link #forVerifier}, which keeps damage rather than throwing it. */
    boolean nextRecord(RecordBuffer into) {
        if (forVerifier) {
            throw new IllegalStateException("opened for the verifier");
        }
        try {
            boolean read = next(into);
            if (read) {
                numbering.see(into.data(), into.length());
            }
            return read;
        } catch (StorageDamageException e) {
            throw new IllegalStateException("unreachable: damage is kept", e);
        }
    }

    /** @throws StorageDamageException only when opened {@link #forVerifier} */
    @Override
    public boolean next(RecordBuffer into) throws StorageDamageException {
        while (true) {
            try {
                return source.next(into);
            } catch (StorageDamageException e) {
                if (forVerifier) {
                    throw e;
                }
                damage.add(e);
            } catch (IOException e) {
                throw new CliException(directory + ": " + Errors.describe(e), e);
            }
        }
    }

    @Override
    public String position() {
        return source.position();
    }

    @Override
    public long positionToken() {
        return source.positionToken();
    }

    @Override
    public String position(long token) {
        return source.position(token);
    }

    /**
     * Readers by stripes for the verifier only: it turns damage into failures, while the other commands keep it
     * ({@link #reportDamage}) and read alone.
     */
    @Override
    public StripeReader[] stripes(int readers) throws IOException {
        return forVerifier ? source.stripes(readers) : null;
    }

    @Override
    public long estimatedRecords() {
        return source.estimatedRecords();
    }

    @Override
    public void close() {
        try {
            source.close();
        } catch (IOException | RuntimeException e) {
            // Read-only: nothing to lose by ignoring a failure to close.
        }
    }
}
