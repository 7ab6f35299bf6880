package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.JournalReader;
import dev.vouch.verify.Failure;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.VerificationListener;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vouch verify}: the streaming verifier over a journal opened read-only (or an evidence bundle), mapped to exit
 * codes; with several journals, or a directory of them, {@link ManyJournals} verifies them in parallel.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Verifies a journal: record format, dense sequence numbers, the hash chain, the genesis key against the"
                    + " trusted public key, the Merkle root and signature of every checkpoint, key rotations, gap,"
                    + " seal and recovery accounting, and the final seal.",
            "The trusted key comes only from --pubkey, never from the journal or files beside it. Reads the journal"
                    + " and changes nothing in its directory. Every failure is printed as it is found, then a"
                    + " summary.",
            "JOURNAL may also be an evidence bundle (a .zip from 'vouch export --format bundle'): it is checked against"
                    + " its manifest and verified in place, read-only, without extracting anything. Or an export file"
                    + " (JSON Lines from 'vouch export'): its records are verified, and each line against its record.",
            "With several journals (one per agent host or process), or --all DIR (every journal directly inside DIR),"
                    + " or a directory whose subdirectories are journals, they are verified in parallel: one line"
                    + " each, then a total. Journals that claim the same origin are flagged and fail the run.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:intact: every record verifies and the journal is sealed (with several: all of them, no origin twice)",
            "1:tampered, unreadable storage, or incomplete (not sealed: a crash or a running writer), or --checkpoint"
                    + " does not match, or a bundle that does not match its manifest, or an export line that does not"
                    + " say what its record says; with several: any of these, or"
                    + " two journals claiming one origin",
            "2:usage error, missing or unreadable journal, public key or checkpoint file (with several: any)",
        })
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "JOURNAL",
            description = "A journal directory, an evidence bundle (.zip) or an export (.jsonl); several for several"
                    + " journals.")
    List<Path> journals;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE",
            description = "The trusted public key: an Ed25519 PUBLIC KEY PEM (as 'vouch pubkey' or 'openssl pkey"
                    + " -pubout' writes it) or a C2SP note verifier key line (name+keyid+base64). Repeat it for"
                    + " journals with different keys: each journal is verified with the one that is its genesis key.")
    List<Path> pubkeys;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "A checkpoint note saved earlier with 'vouch checkpoint': the journal must extend it"
                    + " (same origin, same records up to its tree size). Exposes a journal rewritten or cut off since."
                    + " One journal only.")
    Path savedCheckpoint;

    @Option(names = "--all", description = "Each JOURNAL is a directory of journals: verify every journal directly"
            + " inside it.")
    boolean all;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads to verify with: with more than 1, each reads and hashes its share of the journal"
                    + " by stripes while the chain, tree and signatures are checked in order (several journals: that"
                    + " many at once); the report is the same. Default: the machine's processors, at most 4.")
    Integer threads;

    @ArgGroup(exclusive = true)
    OutputMode mode = new OutputMode();

    static final class OutputMode {
        @Option(names = "--json", description = "Print one JSON object with every report field and every failure"
                + " (docs/CLI.md, \"verify --json\"); with several journals, one object holding an array of them.")
        boolean json;

        @Option(names = {"-q", "--quiet"}, description = "Print nothing; the exit code is the answer.")
        boolean quiet;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        int n = threads != null ? threads : Math.min(4, Runtime.getRuntime().availableProcessors());
        if (n < 1 || n > 64) {
            throw new CliException("--threads must be from 1 to 64, was " + n);
        }
        List<Path> targets = targets(err);
        List<VerifyingKey> anchors = new ArrayList<>();
        for (Path p : pubkeys) {
            anchors.add(Inputs.trustAnchor(p, targets.get(0), err));
            for (Path t : targets.subList(1, targets.size())) {
                if (Inputs.isInside(p, t)) {
                    err.println("warning: the public key " + p + " is inside the journal directory " + t + "; a trust"
                            + " anchor must come from somewhere the journal's writer cannot change");
                }
            }
        }
        boolean many = all || targets.size() > 1 || !targets.get(0).equals(journals.get(0));
        if (many && savedCheckpoint != null) {
            throw new ParameterException(spec.commandLine(), "--checkpoint belongs to one journal; it cannot be used"
                    + " with several");
        }
        if (many) {
            return new ManyJournals(targets, anchors, n, spec.commandLine().getOut(), err).run(mode.json, mode.quiet);
        }
        String saved = null;
        if (savedCheckpoint != null) {
            saved = Inputs.savedCheckpoint(savedCheckpoint);
        }
        try (JournalCheck check = JournalCheck.open(targets.get(0), err)) {
            JournalVerifier verifier = JournalVerifier.trusting(check.anchor(anchors)).threads(n);
            if (saved != null) {
                try {
                    verifier = verifier.extending(saved);
                } catch (FormatException e) {
                    throw new CliException(savedCheckpoint + ": not a usable saved checkpoint: " + e.getMessage(), e);
                }
            }
            return mode.json ? verifyJson(check, verifier, n) : verifyText(check, verifier, n);
        }
    }

    /**
     * Where the journal was not started by the trusted key, whether it verifies whole under the key its genesis
     * names: then the likely mistake is the key file given, and the output says so (a new user who passed another
     * run's key read nine failures and "TAMPERED" with no word of it). It stays TAMPERED: someone who rewrote a
     * journal under a key of their own leaves the same, and only a trust anchor from elsewhere tells the two apart.
     */
    private static String ownKeyHint(JournalCheck check, Outcome outcome, int threads) throws IOException {
        if (!outcome.notStartedByAnchor()) {
            return "";
        }
        VerifyingKey own = check.isBundle() ? null : check.genesisKey(); // a bundle checks its manifest once only
        if (own == null) {
            return "";
        }
        Outcome underOwn = check.verify(JournalVerifier.trusting(own).threads(threads), p -> { });
        if (underOwn.failureCount() > 0) {
            return "";
        }
        List<VerifyingKey> keys = underOwn.report().keys();
        VerifyingKey given = outcome.report().keys().isEmpty() ? null : outcome.report().keys().get(0);
        int rotatedTo = given == null ? -1 : keys.indexOf(given);
        if (rotatedTo > 0) {
            // After a rekey, vouch pubkey --key prints the current key: an auditor's anchor is the first one.
            return "--pubkey is key " + (rotatedTo + 1) + " of the " + keys.size() + " this journal was signed with: one it"
                    + " rotated to, not the one it started with. An auditor trusts the first key (sha256:"
                    + own.fingerprint() + "), the one handed out when the journal was created, and follows the"
                    + " rotations from there; under it the journal verifies without a failure.";
        }
        return "Under the key its own genesis record names (sha256:" + own.fingerprint() + ") the journal verifies"
                + " without a failure: all of it was signed by that key, not by the one given with --pubkey. Either"
                + " --pubkey is another journal's key (vouch pubkey --key <this agent's key file> prints the right"
                + " one if the journal was never rotated), or someone rewrote the whole journal under a key of their"
                + " own; only a trust anchor kept apart from the journal tells which.";
    }

    /**
     * The journals to verify: the arguments, or with --all the journals directly inside each; a single directory
     * that is not a journal but holds journals is taken as --all.
     */
    private List<Path> targets(PrintWriter err) {
        if (!all) {
            Path only = journals.get(0);
            if (journals.size() == 1 && Files.isDirectory(only) && notAJournal(only)) {
                List<Path> inside = journalsIn(only);
                if (!inside.isEmpty()) {
                    err.println("note: " + only + " is not a journal; verifying the " + inside.size()
                            + " journal(s) in it (--all)");
                    return inside;
                }
            }
            return journals;
        }
        List<Path> out = new ArrayList<>();
        for (Path parent : journals) {
            if (!Files.isDirectory(parent)) {
                throw new CliException(parent + ": " + (Files.exists(parent) ? "not a directory" : "no such directory")
                        + "; --all takes directories that hold journals");
            }
            List<Path> inside = journalsIn(parent);
            if (inside.isEmpty()) {
                throw new CliException(parent + ": no journal directory in it (--all verifies the journals directly"
                        + " inside each directory given)");
            }
            out.addAll(inside);
        }
        return out;
    }

    private static boolean holdsJournalFiles(Path dir) {
        try {
            return JournalReader.holdsJournalFiles(dir);
        } catch (IOException e) {
            return true; // unreadable: let verifying it say why
        }
    }

    private static boolean notAJournal(Path dir) {
        try {
            return JournalReader.notAJournal(dir) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The subdirectories of {@code parent} that hold journal files ({@link JournalReader#holdsJournalFiles}), and the
     * bundles in it, in name order. Such a subdirectory counts even when it does not read as a Vouch journal: damage
     * can make a journal look like another kind of Chronicle queue, or remove all its day files (an outside trial's
     * wiped journal dropped out of a run that then said ALL INTACT), and it must then fail the run.
     */
    static List<Path> journalsIn(Path parent) {
        try (Stream<Path> files = Files.list(parent)) {
            return files.filter(p -> (Files.isDirectory(p) && holdsJournalFiles(p))
                    || (p.getFileName().toString().endsWith(".zip") && BundleInput.looksLikeBundle(p))
                    || (p.getFileName().toString().endsWith(".jsonl") && ExportInput.looksLikeExport(p)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new CliException(parent + ": " + Errors.describe(e), e);
        }
    }

    private int verifyText(JournalCheck check, JournalVerifier verifier, int threads) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar progress = mode.quiet ? new ProgressBar(err, false, "") : ProgressBar.forTerminal(err, "verifying");
        if (!mode.quiet) {
            for (BundleInput.Problem p : check.inputProblems()) {
                out.println(JournalCheck.problemLine(p));
            }
        }
        VerificationListener listener = mode.quiet ? VerificationListener.NONE : new VerificationListener() {
            @Override
            public void onFailure(Failure failure) {
                progress.clear();
                out.println(JournalCheck.failureLine(failure));
                out.flush();
            }

            @Override
            public void onProgress(long recordsRead, long estimatedTotal) {
                progress.update(recordsRead, estimatedTotal);
            }
        };
        Outcome outcome;
        try {
            outcome = check.verify(verifier.listener(listener), p -> {
                if (!mode.quiet) {
                    out.println(JournalCheck.problemLine(p));
                }
            });
        } finally {
            progress.clear();
        }
        if (!mode.quiet) {
            printSummary(out, check, outcome);
            String hint = ownKeyHint(check, outcome, threads);
            if (!hint.isEmpty()) {
                out.println();
                out.println(Text.safe(hint));
                out.flush();
            }
        }
        return outcome.exitCode();
    }

    private void printSummary(PrintWriter out, JournalCheck check, Outcome outcome) {
        VerificationReport r = outcome.report();
        if (outcome.failureCount() > 0) {
            out.println();
        }
        out.println(Text.safe(outcome.headline()));
        String explanation = outcome.explanation();
        if (!explanation.isEmpty()) {
            out.println("  " + Text.safe(explanation));
        }
        out.println();
        row(out, "journal", check.display());
        if (check.isBundle()) {
            BundleInput b = check.bundle();
            Object created = b.manifest().get("created");
            Object source = b.manifest().get("source");
            row(out, "bundle", "made " + Text.safe(String.valueOf(created)) + " from " + Text.safe(String.valueOf(source))
                    + "; " + (b.problems().isEmpty() ? "all " + b.manifestFiles() + " files match the manifest"
                            + " and it is complete up to its checkpoint"
                            : b.problems().size() + " problem(s), each printed above"));
        }
        row(out, "origin", r.origin() == null ? "(no genesis record read)" : Text.safe(r.origin()));
        row(out, "records", Long.toString(r.records()));
        row(out, "events", Long.toString(r.events()));
        row(out, "checkpoints", Long.toString(r.checkpoints()));
        // A re-trial passed a key the journal rotated to: "1 (no rotation)" read as a fact about the journal.
        row(out, "signing keys", outcome.notStartedByAnchor() ? "none followed: the trusted key did not start the journal"
                : r.keys().size() + (r.keys().size() == 1 ? " (no rotation)" : " (rotated " + (r.keys().size() - 1)
                        + " time(s))"));
        List<VerifyingKey> keys = r.keys();
        for (int i = 0; i < keys.size(); i++) {
            VerifyingKey k = keys.get(i);
            out.println("    " + (i + 1) + ". " + k + (i == 0 ? "  (trust anchor, --pubkey)" : ""));
            out.println("       fingerprint  sha256:" + k.fingerprint());
            String noteKey = outcome.noteKey(k);
            if (noteKey != null) {
                out.println("       note key     " + Text.safe(noteKey));
            }
        }
        // A u64 the records state, unsigned as the export writes it: a forged total above 2^63 - 1 is not negative.
        row(out, "gaps", r.gaps() + " (" + Long.toUnsignedString(r.droppedTotal())
                + " event(s) dropped by backpressure)");
        row(out, "recoveries", r.recoveries() + (r.recoveries() > 0 ? " (crash(es) survived)" : ""));
        row(out, "first record", r.records() == 0 ? "-" : Text.iso(r.firstTimestamp()));
        row(out, "last record", r.records() == 0 ? "-" : Text.iso(r.lastTimestamp()));
        row(out, "sealed", r.sealed() ? "yes" : "no");
        row(out, "last checkpoint", outcome.lastCheckpoint() == null ? "none valid"
                : "tree size " + outcome.lastCheckpoint().size() + ", root "
                        + Base64.getEncoder().encodeToString(outcome.lastCheckpoint().rootHash()));
        row(out, "uncovered", r.uncoveredRecords() + " record(s) after the last valid checkpoint");
        row(out, "saved checkpoint", r.savedCheckpointMatched() == null ? "not given (--checkpoint)"
                : r.savedCheckpointMatched() ? "matches: the journal extends it" : "DOES NOT MATCH");
        row(out, "failures", outcome.failureCount() == 0 ? "none" : outcome.failureCount() + " (each printed above)");
        if (r.storageDamage() > 0) {
            row(out, "damaged storage", r.storageDamage() + " place(s) in the journal's files (failures above)");
        }
        out.flush();
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf(Locale.ROOT, "%-18s %s%n", name + ":", value);
    }

    private int verifyJson(JournalCheck check, JournalVerifier verifier, int threads) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ProgressBar progress = ProgressBar.forTerminal(spec.commandLine().getErr(), "verifying");
        JsonGenerator g = Json.generator(out);
        try {
            return writeJson(g, check, verifier, progress, threads).exitCode();
        } finally {
            g.flush();
            out.println();
            out.flush();
        }
    }

    /**
     * Writes the JSON object of one verification (docs/CLI.md, "verify --json"): failures first, streamed as found,
     * then the summary. When verification cannot finish, the object is completed with a status and rethrows.
     */
    static Outcome writeJson(JsonGenerator g, JournalCheck check, JournalVerifier verifier, ProgressBar progress,
            int threads) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("failures");
        for (BundleInput.Problem p : check.inputProblems()) {
            JournalCheck.writeProblem(g, p);
        }
        Outcome outcome;
        try {
            outcome = check.verify(verifier.listener(JournalCheck.jsonFailures(g, progress)), p -> {
                try {
                    JournalCheck.writeProblem(g, p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (VerificationStopped e) {
            endEarly(g, check, "stopped", VouchCli.EXIT_FAILED, e.getMessage());
            throw e;
        } catch (CliException e) {
            // Reading failed partway: failures may already be out, so close the object rather than leave it open.
            endEarly(g, check, "error", VouchCli.EXIT_USAGE, e.getMessage());
            throw e;
        } catch (IOException | java.io.UncheckedIOException e) {
            // The same from the parallel reader (--threads 2, the default on two cores), which an outside trial's
            // script got as {"failures":[ and nothing more. If it was the output that failed, this fails again.
            IOException cause = e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause();
            try {
                endEarly(g, check, "error", VouchCli.EXIT_USAGE, check.display() + ": " + Errors.describe(cause));
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        } finally {
            progress.clear();
        }
        g.writeEndArray();
        check.writeSummary(g, outcome);
        String hint = ownKeyHint(check, outcome, threads);
        Json.stringOrNull(g, "hint", hint.isEmpty() ? null : hint);
        g.writeEndObject();
        return outcome;
    }

    /** Completes the JSON object when verification could not finish, so that a script reads a status, not garbage. */
    private static void endEarly(JsonGenerator g, JournalCheck check, String status, int exitCode, String reason)
            throws IOException {
        g.writeEndArray();
        g.writeNullField("verdict");
        g.writeStringField("status", status);
        g.writeStringField("reason", reason);
        g.writeNumberField("exit_code", exitCode);
        g.writeStringField("journal", check.display());
        g.writeEndObject();
    }

    static String failureLine(Failure f) {
        return JournalCheck.failureLine(f);
    }
}
