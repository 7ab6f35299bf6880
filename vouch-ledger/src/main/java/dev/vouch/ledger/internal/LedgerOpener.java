package dev.vouch.ledger.internal;

import dev.vouch.FormatException;
import dev.vouch.JournalCorruptException;
import dev.vouch.KeyFileException;
import dev.vouch.VouchException;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.PlatformNames;
import dev.vouch.internal.VouchVersion;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JvmFlags;
import dev.vouch.verify.Failure;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.ResumePoint;
import dev.vouch.verify.StorageDamageException;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a journal for writing: prepares the directory, loads or creates the key, verifies existing content
 * (its tail from the last resumable checkpoint, or all of it), finishes an interrupted key rotation, seals a
 * crashed tail, and writes the genesis or resume records. Nothing is written until every check has passed.
 */
final class LedgerOpener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");

    record Opened(LedgerCounters counters, ChainStage chain, ChronicleJournal journal, String origin, Path directory) {
    }

    private LedgerOpener() {
    }

    static Opened open(LedgerConfig config, LedgerCounters counters, FailureLatch failure) {
        // Before Chronicle is touched: a missing flag is a sentence naming it, not an IllegalAccessException.
        JvmFlags.check();
        checkNamesResolve(config);
        try {
            return openOrFresh(config, counters, failure);
        } catch (VouchException | IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            // Chronicle's own exceptions and I/O failures: an outside trial's open under a file size limit threw
            // "IORuntimeException: Failed to acquireByteStore start: 0x0", the reason two causes down. Chronicle also
            // throws checked exceptions undeclared (a cycle file the writer may not write: FileNotFoundException), so
            // every clean-up in this class catches Exception, not RuntimeException: another outside trial's refused
            // open kept the journal and its writer lock, and the gateway waiting for it hung for a minute.
            throw new VouchException("cannot write the journal " + config.journal() + ": " + rootCause(e), e);
        } catch (InternalError e) {
            // A write to the memory-mapped journal faulted (SIGBUS): an outside trial's restart on a full disk
            // without fallocate died here with a 34-line trace and exit 1, where a refusal is one line (exit 2).
            throw new VouchException("cannot write the journal " + config.journal() + ": " + JournalFaults.describe(e),
                    e);
        }
    }

    /**
     * Relative paths resolve against the working directory's name as the JVM read it: in a C locale, a directory
     * named {@code ...-é} reads as {@code ...-\ufffd\ufffd}, and an outside trial's ledger created its key and journal
     * in a look-alike sibling named {@code ...-??} (then failed inside Chronicle). Refused before anything is created.
     */
    private static void checkNamesResolve(LedgerConfig config) {
        boolean relative = !config.journal().isAbsolute() || !config.keyFile().isAbsolute()
                || config.freshJournalIfCorrupt() != null && !config.freshJournalIfCorrupt().isAbsolute();
        String problem = PlatformNames.workingDirectoryProblem();
        if (problem != null && relative) {
            throw new VouchException("cannot open the journal " + config.journal() + " by a relative path: " + problem);
        }
        if (problem != null && !PlatformNames.workingDirectoryRepresentable()) {
            // JDK 17 in a C locale: Chronicle's start fails on the working directory's name, after the key and the
            // journal directory were created (a re-trial).
            throw new VouchException("cannot open the journal " + config.journal() + ": " + problem);
        }
    }

    /**
     * What went wrong, in words: the message of an I/O failure Vouch described itself (no space left, with the file
     * and offset) and its system cause; else the innermost cause's message, Chronicle's own wording above it being
     * about its internals. With a hint where the system's words need one.
     */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (e instanceof java.io.UncheckedIOException && e.getMessage() != null && root != e) {
            message = e.getMessage().contains(message) ? e.getMessage() : e.getMessage() + " (" + message + ")";
        }
        if (message.contains("File too large")) {
            message += " (Chronicle creates each cycle file at 80 MiB, sparse: a file size limit below that, such as"
                    + " ulimit -f, stops the journal)";
        }
        return message;
    }

    private static Opened openOrFresh(LedgerConfig config, LedgerCounters counters, FailureLatch failure) {
        try {
            return openAt(config, config.journal(), config.settingsText(), counters, failure);
        } catch (JournalCorruptException e) {
            if (config.freshJournalIfCorrupt() == null) {
                throw e;
            }
            Path fresh = config.freshJournalIfCorrupt();
            if (Files.isDirectory(fresh) && hasJournalFiles(fresh)) {
                throw new VouchException("the journal " + config.journal() + " failed verification and the fresh journal"
                        + " directory " + fresh + " already holds a journal; refusing both", e);
            }
            LOG.error("[CRITICAL] Starting a fresh journal at {} as configured; {} is left untouched as evidence ({})",
                    fresh, config.journal(), e.getMessage());
            // The fresh journal's genesis names what it replaces, so an auditor finds the failed one.
            String settingsText = withSetting(config.settingsText(), "replaces", config.journal().toAbsolutePath()
                    + " (failed verification at sequence " + e.sequence() + ")");
            return openAt(config, fresh, settingsText, counters, failure);
        }
    }

    private static Opened openAt(LedgerConfig config, Path dir, String settingsText, LedgerCounters counters,
                                 FailureLatch failure) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new VouchException("journal path " + dir + " exists and is not a directory");
        }
        if (Files.isDirectory(config.keyFile())) {
            throw new KeyFileException(config.keyFile(), "is a directory" + (config.keyFile().toAbsolutePath().normalize()
                    .equals(dir.toAbsolutePath().normalize()) ? ", the journal directory itself" : "")
                    + "; give the key file's path (for example " + dir.resolve(".vouch_key") + ")");
        }
        SigningKey loaded = null;
        if (!(Files.isDirectory(dir) && hasJournalFiles(dir))) {
            if (Files.exists(KeyRotation.staged(config.keyFile()))) {
                throw new KeyFileException(KeyRotation.staged(config.keyFile()),
                        "a staged key rotation exists but the journal " + dir + " is new: remove the stale file");
            }
            // Check an existing key, or where a new one goes, before creating the directory: a refused open leaves
            // no empty journal behind.
            loaded = Files.exists(config.keyFile()) ? KeyFile.load(config.keyFile()) : null;
            Path keyDir = config.keyFile().toAbsolutePath().normalize().getParent();
            // A key in the journal directory, or in a directory above it, is fine: creating the journal creates it.
            if (loaded == null && keyDir != null && !Files.isDirectory(keyDir)
                    && !dir.toAbsolutePath().normalize().startsWith(keyDir)) {
                throw new KeyFileException(config.keyFile(), "cannot write the key file: directory " + keyDir
                        + " does not exist");
            }
            // Refused before the journal directory exists (an outside trial's refused open left it, with its lock).
            if (loaded == null && keyDir != null && Files.isDirectory(keyDir) && !Files.isWritable(keyDir)) {
                throw new KeyFileException(config.keyFile(), "cannot write the key file: directory " + keyDir
                        + " is not writable");
            }
        }
        WriterLock lock;
        try {
            prepareDirectory(dir);
            lock = WriterLock.acquire(dir);
        } catch (Exception e) {
            destroy(loaded);
            throw e;
        }
        // Decided again under the lock: another writer may have created the journal in the meantime.
        boolean existing;
        try {
            existing = hasJournalFiles(dir);
        } catch (Exception e) {
            lock.close();
            destroy(loaded);
            throw e;
        }
        boolean leftovers;
        try {
            leftovers = !existing && CycleFiles.hasTableStore(dir);
        } catch (IOException e) {
            lock.close();
            destroy(loaded);
            throw new VouchException("cannot list the journal directory " + dir + ": " + e, e);
        }
        String unopenable;
        java.time.LocalDate missing;
        try {
            CycleFiles.Listing listing = CycleFiles.list(dir);
            unopenable = existing ? CycleFiles.whyWriterCannotOpen(listing) : null;
            missing = existing || leftovers ? CycleFiles.missingNewestCycle(dir, listing) : null;
        } catch (IOException e) {
            lock.close();
            destroy(loaded);
            throw new VouchException("cannot read the journal directory " + dir + ": " + e, e);
        }
        if (unopenable != null) {
            // Chronicle Queue would refuse the directory with "Unable to parse <name> using format ...", after
            // touching its table store; say what to do instead, and touch nothing.
            lock.close();
            destroy(loaded);
            throw new VouchException("the journal directory " + dir + " " + unopenable);
        }
        if (missing != null) {
            // Found by an outside trial: with every cycle file deleted, the directory looked like a start that died
            // early, and a new journal began with a genesis that said so, signed: a false statement, and the loss
            // unnoticed. Deleting only the newest files would let a reopen append after them.
            lock.close();
            destroy(loaded);
            // An outside trial's backup, copied while the gateway ran, took the day files before a day roll and the
            // table store after it: the same shape, and the same refusal, so it says what to do in that case too.
            // But only when the last file does not say a later one followed: a re-trial deleted the newest day file,
            // followed that advice, and the deletion was hidden (the writer appended, INCOMPLETE became INTACT).
            String why = "is missing its newest cycle file(s): Chronicle's table store (metadata.cq4t) records a cycle"
                    + " file for " + missing + " (" + java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(missing)
                    + "*.cq4), but the directory holds " + (existing ? "only older ones" : "none");
            Path rolledOver = rolledOver(dir);
            if (rolledOver != null) {
                throw refuse(dir, -1, why + ", and " + rolledOver.getFileName() + " ends with Chronicle's"
                        + " end-of-cycle marker: its writer went on to a later file, which was deleted or moved",
                        "Restore it; if it is lost, keep this directory as evidence and open a new journal in another"
                        + " directory");
            }
            if (!existing) {
                throw refuse(dir, -1, why + "; were they deleted or moved", "Restore them");
            }
            throw refuse(dir, -1, why + " (deleted or moved, or a backup copied while its writer ran)", "Restore"
                    + " them; in a backup copied while its writer ran, the table store may be newer than the cycle"
                    + " files: move metadata.cq4t out of it (no record depends on it) and open again"
                    + " (docs/OPERATIONS.md, \"Backups\")");
        }
        Path ended = existing ? rolledOver(dir) : null;
        if (ended != null && !java.time.LocalDate.now(java.time.ZoneOffset.UTC).isAfter(dayOf(ended))) {
            // Records would go on into that file until the clock passes its day (docs/OPERATIONS.md, "Clocks"), and
            // Chronicle cannot append after its marker: a re-trial got its bare "You should not be able to write at
            // EOF" for a journal whose newest file was deleted, with the table store moved out and the clock behind.
            lock.close();
            destroy(loaded);
            throw refuse(dir, -1, "ends with " + ended.getFileName() + ", whose data ends with Chronicle's end-of-cycle"
                    + " marker (its writer went on to a later day file, which is not here), and this machine's clock is"
                    + " not past that file's day, so nothing can be appended to it", "Restore the later day file; if it"
                    + " is lost, keep this directory as evidence and open a new journal in another directory");
        }
        if (existing || leftovers) {
            destroy(loaded);
            String abandoned;
            try {
                abandoned = abandonedStart(dir);
            } catch (Exception e) {
                lock.close();
                throw e;
            }
            if (abandoned == null) {
                if (!existing) {
                    lock.close();
                    throw refuse(dir, -1, "holds Chronicle files but no journal cycle file, and not only what a"
                            + " start that died early leaves");
                }
                return reopen(config, dir, lock, settingsText, counters, failure);
            }
            settingsText = withSetting(settingsText, "abandoned-start", abandoned
                    + " (files of an earlier start that never wrote a record)");
            try {
                loaded = Files.exists(config.keyFile()) ? KeyFile.load(config.keyFile()) : null;
            } catch (Exception e) {
                lock.close();
                throw e;
            }
        }
        return create(config, dir, lock, loaded, settingsText, counters, failure);
    }

    private static Opened create(LedgerConfig config, Path dir, WriterLock lock, SigningKey loaded, String settingsText,
                                 LedgerCounters counters, FailureLatch failure) {
        SigningKey key;
        try {
            key = loaded != null ? loaded : KeyFile.create(config.keyFile(), config.random());
        } catch (Exception e) {
            lock.close();
            throw e;
        }
        String origin = config.origin() != null ? config.origin() : "vouch/" + HexFormat.of().formatHex(randomBytes(config.random(), 16));
        ChronicleJournal journal = new ChronicleJournal(dir, lock);
        try {
            ChainStage writer = new ChainStage(journal, key, origin, null, config, counters, failure);
            writer.writeGenesis(key.verifyingKey(), VouchVersion.LIBRARY, settingsText);
            writer.checkpoint();
            // On the device before anyone is told the journal exists: a power loss before the first force left an
            // all-zero file, which the next open took for an abandoned start (an outside crash trial). One flush.
            journal.sync();
            // The whole public key, in a form `vouch verify --pubkey` takes: where the key file cannot be read later
            // (a container's volume, owned by its user), this line is how an operator gets the trust anchor.
            // Whether the key was already in its file: an outside trial started two journals on one key file unawares,
            // and a rotation of one then left the other without its key (docs/OPERATIONS.md: one key file per
            // journal). A key provisioned beforehand, as a mounted secret is, is the usual case, so no warning.
            LOG.info("Vouch journal created at {} (origin {}, key {}{}); its public key, for auditors: {}", dir, origin,
                    key.verifyingKey(), loaded != null ? ", from the existing key file " + config.keyFile()
                            + ", which should serve this journal only" : ", new in " + config.keyFile(),
                    dev.vouch.crypto.NoteKeys.verifierKey(origin, key.verifyingKey()));
            return new Opened(counters, writer, journal, origin, dir);
        } catch (Exception | Error e) {
            journal.close();
            throw e;
        }
    }

    private static Opened reopen(LedgerConfig config, Path dir, WriterLock lock, String settingsText,
                                 LedgerCounters counters, FailureLatch failure) {
        ResumePoint resume;
        KeyChoice keys = null;
        TornTail.Plan setAside = null;
        SigningKey current = null;
        Path unfinished = null;
        try {
            unfinished = unfinishedLastFile(dir);
            if (Files.exists(config.keyFile())) {
                // A key file anyone may read, or one that is not a key, is refused before the journal is read: a new
                // user's 0644 key got a log line saying the journal resumed, then the refusal.
                current = KeyFile.load(config.keyFile());
            }
            Resumed resumed = resume(config, dir);
            resume = resumed.point();
            setAside = resumed.setAside();
            if (config.origin() != null && !config.origin().equals(resume.origin())) {
                // A VouchException, as every other refusal of what is on disk (wrong key, second writer): an outside
                // trial's catch of VouchException around open() missed the IllegalArgumentException this was.
                throw new VouchException("origin '" + config.origin() + "' does not match the journal's origin '"
                        + resume.origin() + "' in " + dir);
            }
            keys = chooseKey(config.keyFile(), current, resume, dir);
            int abandoned = dev.vouch.internal.SecretFiles.deleteAbandonedCopies(config.keyFile());
            if (abandoned > 0) {
                // A writer killed while it wrote a key (a rotation's staged key, usually) left them.
                LOG.info("Deleted {} abandoned temporary cop(ies) of key file {}", abandoned, config.keyFile());
            }
        } catch (Exception e) {
            if (keys == null) {
                destroy(current);
            }
            if (setAside != null) {
                // Refused after all (a wrong key file, say): leave the journal as it was, so that the open that
                // succeeds sets the tail aside again and records it (an outside trial found it set aside unrecorded).
                restore(setAside, dir);
                LOG.warn("Journal {}: put back what was set aside as a torn tail, since the open was refused", dir);
            }
            putBack(unfinished, dir);
            lock.close();
            throw e;
        }
        ChronicleJournal journal = new ChronicleJournal(dir, lock);
        try {
            ChainStage writer = new ChainStage(journal, keys.signing, resume.origin(), resume, config, counters, failure);
            String tornText = joined(setAside == null ? null : setAside.description(), unfinished == null ? null
                    : "set aside " + unfinished.getFileName() + ", a cycle file the previous writer had begun to create"
                    + " and never wrote a record to, into " + dir.relativize(unfinished.getParent()));
            if (!resume.sealed()) {
                writer.writeRecovery("previous writer stopped without sealing the journal"
                        + unsignedTail(resume) + (tornText == null ? "" : "; " + tornText));
                writer.checkpoint();
                // FORMAT.md: the writer forces the journal after a recovery (it did not: an outside crash trial).
                journal.sync();
                // Said once it is true: on a full disk the recovery record cannot be written, and the open fails.
                LOG.warn("Journal {} was not sealed (the previous writer stopped without close()); {} record(s) after "
                        + "the last checkpoint verified and are now sealed with a recovery record", dir, resume.uncoveredRecords());
            }
            if (tornText != null) {
                // After a sealed end a recovery record is out of place (FORMAT.md, life_cycle): the resume record's
                // settings carry it in every case.
                settingsText = withSetting(settingsText, "torn-tail", tornText);
            }
            if (keys.promoteAfterCheckpoint) {
                journal.sync(); // the journal names the new key on disk before the key file does
                KeyRotation.promote(config.keyFile());
                writer.useKey(keys.staged);
                LOG.info("Finished an interrupted key rotation: now signing with {}", keys.staged.verifyingKey());
            }
            writer.writeResume(VouchVersion.LIBRARY, settingsText);
            writer.checkpoint();
            journal.sync(); // the resume record, and with it the start of this session, survives a power loss
            return new Opened(counters, writer, journal, resume.origin(), dir);
        } catch (IOException e) {
            journal.close();
            putBack(setAside, dir);
            putBack(unfinished, dir);
            throw new VouchException("cannot finish the key rotation for " + config.keyFile() + ": " + e.getMessage(), e);
        } catch (Exception | Error e) {
            journal.close();
            putBack(setAside, dir);
            putBack(unfinished, dir);
            throw e;
        }
    }

    /**
     * A last cycle file that never held a record, moved aside ({@link AbandonedStart#moveAsideUnfinishedLastFile}),
     * or null: Chronicle would wait on its unfinished header, and the reader takes it for damage.
     */
    private static Path unfinishedLastFile(Path dir) {
        try {
            Path aside = AbandonedStart.moveAsideUnfinishedLastFile(dir);
            if (aside != null) {
                LOG.warn("Journal {}: its last cycle file {} was begun by a writer that stopped before writing a record"
                        + " to it (killed as it created the next day's file); moved to {}, and recorded", dir,
                        aside.getFileName(), aside.getParent());
            }
            return aside;
        } catch (IOException e) {
            throw new VouchException("cannot set aside the unfinished last cycle file of the journal " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Puts a cycle file {@link #unfinishedLastFile} moved aside back, when the open fails after all. */
    private static void putBack(Path unfinished, Path dir) {
        if (unfinished == null) {
            return;
        }
        try {
            Files.move(unfinished, dir.resolve(unfinished.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(unfinished.getParent());
        } catch (IOException e) {
            LOG.warn("Journal {}: could not put back {} after a failed open: {}", dir, unfinished, e.toString());
        }
    }

    private static String joined(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }

    /**
     * If {@code dir} holds only the files of a start that died before its genesis record, moves them aside and
     * returns where to (a subdirectory's name); otherwise null.
     */
    private static String abandonedStart(Path dir) {
        try {
            if (!AbandonedStart.isAbandoned(dir)) {
                return null;
            }
            String aside = AbandonedStart.moveAside(dir);
            // Not only a writer killed while creating the journal: a creation refused on a full disk leaves the same
            // files, and so does a power loss before the first force (an outside crash trial was told of a death).
            LOG.warn("Journal {} holds only the files of a start that never wrote a record (a writer stopped or"
                    + " refused while creating it, or its first records never reached the disk); they are kept in {}"
                    + " and the journal starts afresh", dir, dir.resolve(aside));
            return aside;
        } catch (IOException e) {
            throw new VouchException("cannot inspect or set aside the unfinished journal files in " + dir + ": " + e, e);
        }
    }

    /**
     * Which records this recovery signs that no writer signed: a crash leaves them, but so would anyone who can
     * write the files and appends records shaped like a writer's (an outside auditor appended a RESUME after a sealed
     * end). Nothing tells the two apart, so the signed record says which they are.
     */
    private static String unsignedTail(ResumePoint resume) {
        long n = resume.uncoveredRecords();
        if (n == 0) {
            return "";
        }
        long first = resume.lastCheckpoint() + 1;
        return "; " + (n == 1 ? "record " + first : n + " records, " + first + " to " + (resume.nextSequence() - 1))
                + ", after the last checkpoint, signed by no writer before this recovery";
    }

    /** {@code settings} (sorted key=value lines) with one more line. */
    private static String withSetting(String settings, String key, String value) {
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(settings.split("\n")));
        lines.add(key + "=" + value);
        java.util.Collections.sort(lines);
        return String.join("\n", lines) + "\n";
    }

    private static void destroy(SigningKey key) {
        if (key != null) {
            key.destroy();
        }
    }

    private record KeyChoice(SigningKey signing, SigningKey staged, boolean promoteAfterCheckpoint) {
    }

    /**
     * A rotation stages the next key in {@code <key>.next} before the journal names it and renames it over the
     * key file after the covering checkpoint; a crash can stop it at any point, and this picks up from there.
     */
    private static KeyChoice chooseKey(Path keyFile, SigningKey current, ResumePoint resume, Path dir) {
        Path stagedFile = KeyRotation.staged(keyFile);
        if (current == null) {
            throw new KeyFileException(keyFile, "no key file, but the journal " + dir + " exists and is signed by "
                    + resume.currentKey() + ": restore the key file (Vouch never creates a key for an existing journal;"
                    + " if the key is lost, start a new journal: docs/OPERATIONS.md, \"When a key leaks or is lost\")");
        }
        SigningKey staged = Files.exists(stagedFile) ? KeyFile.load(stagedFile) : null;
        VerifyingKey expected = resume.currentKey();
        if (current.verifyingKey().equals(expected)) {
            if (staged != null && staged.verifyingKey().equals(resume.pendingKey())) {
                return new KeyChoice(current, staged, true);
            }
            if (staged != null) {
                LOG.warn("Removing {}: a key rotation was staged but never recorded in the journal", stagedFile);
                deleteQuietly(stagedFile);
                staged.destroy();
            }
            if (resume.pendingKey() != null) {
                throw new KeyFileException(stagedFile, "the journal names a next key " + resume.pendingKey()
                        + " whose private key file is missing; cannot finish the interrupted key rotation");
            }
            return new KeyChoice(current, null, false);
        }
        if (staged != null && staged.verifyingKey().equals(expected)) {
            try {
                KeyRotation.promote(keyFile);
            } catch (IOException e) {
                throw new KeyFileException(keyFile, "cannot finish the interrupted key rotation: " + e.getMessage(), e);
            }
            current.destroy();
            LOG.info("Finished an interrupted key rotation: now signing with {}", expected);
            return new KeyChoice(staged, null, false);
        }
        destroy(staged);
        throw new KeyFileException(keyFile, "holds key " + current.verifyingKey() + " but the journal " + dir
                + " is signed by " + expected + " at present: wrong key file for this journal (a journal restored from"
                + " a backup taken before a key rotation needs the key file of that time)");
    }

    /** A journal's resume point, or, if it failed verification, the first failure's sequence number and what failed. */
    private record Checked(ResumePoint resume, long failedAt, String failed) {
        static Checked failed(VerificationReport report, String what) {
            Failure first = report.failures().get(0);
            return new Checked(null, first.sequence(), what + " (" + report.failureCount() + " failure(s), first: "
                    + first + ")");
        }
    }

    /** Where to resume, and the torn tail set aside to get there, if any. */
    private record Resumed(ResumePoint point, TornTail.Plan setAside) {
    }

    private static Checked check(LedgerConfig config, Path dir) {
        return config.fullVerificationOnOpen() ? verifyExisting(dir) : resumeFromTail(dir);
    }

    /**
     * The journal's resume point. Where it failed verification only because of a tail a power loss tore
     * ({@link TornTail}), that tail is set aside first, once the journal verifies without it; otherwise a journal that
     * fails is refused, untouched.
     */
    private static Resumed resume(LedgerConfig config, Path dir) {
        Checked failed = check(config, dir);
        if (failed.resume() != null) {
            return failed.resume().sealed() ? new Resumed(failed.resume(), null) : tornLast(config, dir, failed);
        }
        TornTail.Found found;
        try {
            found = TornTail.find(dir);
        } catch (IOException e) {
            throw new VouchException("cannot read the journal " + dir + ": " + e.getMessage(), e);
        }
        TornTail.Plan torn = found.plan();
        if (torn == null) {
            throw refuse(dir, failed.failedAt(), failed.failed() + (found.hint() == null ? "" : "; " + found.hint()));
        }
        ResumePoint again = setAside(config, dir, torn);
        if (again == null) {
            throw refuse(dir, failed.failedAt(), failed.failed());
        }
        return new Resumed(again, torn);
    }

    /**
     * Sets {@code torn} aside and verifies the journal again: the resume point then, or null once everything is put
     * back because the journal still fails.
     */
    private static ResumePoint setAside(LedgerConfig config, Path dir, TornTail.Plan torn) {
        try {
            torn.setAside();
        } catch (IOException e) {
            restore(torn, dir);
            throw new VouchException("cannot set aside the torn tail of the journal " + dir + " (" + torn.description()
                    + "): " + e.getMessage(), e);
        }
        Checked again;
        try {
            again = check(config, dir);
        } catch (Exception | Error e) {
            restore(torn, dir);
            throw e;
        }
        if (again.resume() == null) {
            restore(torn, dir);
            return null;
        }
        LOG.warn("Journal {}: the end of its last session did not read back as whole, chained records, as a power loss"
                + " leaves a journal whose last writes never reached the disk; nobody had signed them. {}. The rest of the"
                + " journal verifies; the bytes stay in place for inspection, and the journal's next records say so.",
                dir, torn.description().substring(0, 1).toUpperCase(java.util.Locale.ROOT) + torn.description().substring(1));
        return again.resume();
    }

    /**
     * A journal that verifies, unsealed, may still end in a document a power loss tore where nothing links to it
     * ({@link TornTail#tornLastDocument}): set that aside too, so the recovery does not sign bytes never written.
     */
    private static Resumed tornLast(LedgerConfig config, Path dir, Checked verified) {
        TornTail.Plan torn;
        try {
            torn = TornTail.tornLastDocument(dir).plan();
        } catch (IOException e) {
            throw new VouchException("cannot read the journal " + dir + ": " + e.getMessage(), e);
        }
        if (torn == null) {
            return new Resumed(verified.resume(), null);
        }
        ResumePoint again = setAside(config, dir, torn);
        // If it fails without that document, it is put back: the journal verified as it was, so go on from there.
        return again == null ? new Resumed(verified.resume(), null) : new Resumed(again, torn);
    }

    /**
     * A start that set a torn tail aside and then failed before its recovery record reached the journal (an outside
     * trial's restart on a full disk without fallocate faulted writing it) puts the tail back, so that the start that
     * succeeds sets it aside again and records it: otherwise the bytes stayed set aside, recorded nowhere, and the
     * journal verified INTACT without the two calls they held.
     */
    private static void putBack(TornTail.Plan setAside, Path dir) {
        if (setAside != null) {
            restore(setAside, dir);
            LOG.warn("Journal {}: put back what was set aside as a torn tail, since the start failed before recording"
                    + " it", dir);
        }
    }

    private static void restore(TornTail.Plan torn, Path dir) {
        try {
            torn.restore();
        } catch (IOException | RuntimeException e) {
            LOG.error("[CRITICAL] Journal {}: could not put back what was set aside as a torn tail ({}): {}. Keep the"
                    + " directory as evidence", dir, torn.description(), e.toString());
        }
    }

    private static Checked verifyExisting(Path dir) {
        VerifyingKey genesisKey = readGenesisKey(dir);
        VerificationReport report;
        long started = System.nanoTime();
        try (StorageRecordSource source = StorageRecordSource.open(dir)) {
            report = JournalVerifier.trusting(genesisKey).verify(source);
        } catch (IOException e) {
            throw new VouchException("cannot read the journal " + dir + ": " + e.getMessage(), e);
        }
        if (report.failureCount() > 0) {
            return Checked.failed(report, "failed verification");
        }
        LOG.info("Journal {} verified in full before appending: {} records in {} ms", dir, report.records(),
                (System.nanoTime() - started) / 1_000_000);
        return new Checked(report.resumePoint(), -1, null);
    }

    /** The resume point from the journal's tail ({@link JournalTail}), or from a full verification where there is none. */
    private static Checked resumeFromTail(Path dir) {
        long started = System.nanoTime();
        JournalTail.Result tail;
        try {
            tail = JournalTail.resume(dir);
        } catch (IOException e) {
            throw new VouchException("cannot read the journal " + dir + ": " + e.getMessage(), e);
        }
        if (tail.tail() != null && tail.tail().failureCount() > 0) {
            return Checked.failed(tail.tail(), "failed verification of its tail");
        }
        if (tail.resume() == null) {
            LOG.info("Journal {}: cannot resume from its tail ({}); verifying all of it", dir, tail.whyNot());
            return verifyExisting(dir);
        }
        ResumePoint resume = tail.resume();
        LOG.info("Journal {}: tail verified from its checkpoint at sequence {}: {} record(s) after it in {} ms"
                        + " (the records before it are not re-read; see LedgerBuilder.fullVerificationOnOpen)", dir,
                resume.nextSequence() - tail.tail().records() - 1,
                tail.tail().records(), (System.nanoTime() - started) / 1_000_000);
        return new Checked(resume, -1, null);
    }

    private static VerifyingKey readGenesisKey(Path dir) {
        try (StorageRecordSource source = StorageRecordSource.open(dir)) {
            RecordBuffer buffer = new RecordBuffer(1024);
            if (!source.next(buffer)) {
                throw refuse(dir, 0, "has journal files but no records");
            }
            RecordView view = new RecordView().wrap(buffer.data(), buffer.length());
            if (view.sequence() > 0) {
                // An outside trial archived its oldest day files and removed them to free disk: the advice to open a
                // new journal threw the journal's continuity away where putting the files back restores it.
                throw refuse(dir, view.sequence(), "does not begin with a genesis record: its first record is"
                        + " sequence " + view.sequence() + ", in " + firstCycleFile(dir) + ", so the cycle files"
                        + " before that one were removed or moved", "Put them back: a journal is appended to and"
                        + " verified only whole, and cycle files are never removed from it (docs/OPERATIONS.md,"
                        + " \"Archiving\"). If they are lost, keep this directory as evidence and open a new journal in"
                        + " another directory");
            }
            if (view.type() != RecordType.GENESIS) {
                throw refuse(dir, view.sequence(), "does not begin with a genesis record");
            }
            return VerifyingKey.of(view.publicKey());
        } catch (FormatException e) {
            throw refuse(dir, 0, "its first record is malformed: " + e.getMessage());
        } catch (StorageDamageException e) {
            throw refuse(dir, 0, "its storage is damaged before the genesis record: " + e.getMessage());
        } catch (IOException e) {
            throw new VouchException("cannot read the journal " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Logs the [CRITICAL] line and builds the exception for a journal the ledger will not append to. */
    private static JournalCorruptException refuse(Path dir, long sequence, String why) {
        LOG.error("[CRITICAL] Journal {} {}; refusing to append to it. Keep it as evidence and open a new journal in"
                + " another directory (or set freshJournalIfCorrupt).", dir, why);
        return new JournalCorruptException(dir, sequence, why + ", refusing to append"
                + " (keep it as evidence; open a new journal in another directory)");
    }

    /** As above, for a journal whose files can be put right: {@code advice} says how. */
    private static JournalCorruptException refuse(Path dir, long sequence, String why, String advice) {
        LOG.error("[CRITICAL] Journal {} {}; refusing to append to it. {}.", dir, why, advice);
        return new JournalCorruptException(dir, sequence, why + ", refusing to append (" + advice + ")");
    }

    /** The UTC day a cycle file ({@code yyyyMMdd[L].cq4}) holds. */
    private static java.time.LocalDate dayOf(Path cycleFile) {
        return java.time.LocalDate.parse(cycleFile.getFileName().toString().substring(0, 8),
                java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
    }

    /** The last cycle file in {@code dir} if it ends with Chronicle's end-of-cycle marker, else null. */
    private static Path rolledOver(Path dir) {
        try {
            return CycleFiles.lastRolledOver(dir);
        } catch (IOException e) {
            return null;
        }
    }

    /** The name of the oldest cycle file in {@code dir}, for a message. */
    private static String firstCycleFile(Path dir) {
        try {
            java.util.List<Path> cycles = CycleFiles.list(dir).cycles();
            return cycles.isEmpty() ? "?" : cycles.get(0).getFileName().toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void prepareDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new VouchException("journal path " + dir + " exists and is not a directory");
        }
        try {
            if (!Files.isDirectory(dir)) {
                JournalModes.createDirectories(dir); // 0750: the journal holds every call's parameters
            }
        } catch (IOException e) {
            throw new VouchException("cannot create the journal directory " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new VouchException("the journal directory " + dir + " is not writable");
        }
    }

    private static boolean hasJournalFiles(Path dir) {
        try {
            return CycleFiles.any(dir);
        } catch (IOException e) {
            throw new VouchException("cannot list the journal directory " + dir + ": " + e, e);
        }
    }

    private static byte[] randomBytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", p, e.toString());
        }
    }
}
