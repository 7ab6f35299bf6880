package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.Failure;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.VerificationListener;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch verify}: the streaming verifier over a journal opened read-only, mapped to exit codes. */
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
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:intact: every record verifies and the journal is sealed",
            "1:tampered, unreadable storage, or incomplete (not sealed: a crash or a running writer), or --checkpoint"
                    + " does not match",
            "2:usage error, missing or unreadable journal, public key or checkpoint file",
        })
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE",
            description = "The trusted public key: an Ed25519 PUBLIC KEY PEM (as 'vouch pubkey' or 'openssl pkey"
                    + " -pubout' writes it) or a C2SP note verifier key line (name+keyid+base64).")
    Path pubkey;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "A checkpoint note saved earlier with 'vouch checkpoint': the journal must extend it"
                    + " (same origin, same records up to its tree size). Exposes a journal rewritten or cut off since.")
    Path savedCheckpoint;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads to verify with: with more than 1, records are read and hashed ahead while the"
                    + " chain, tree and signatures are checked in order; the report is the same. Default: the"
                    + " machine's processors, at most 4.")
    Integer threads;

    @ArgGroup(exclusive = true)
    OutputMode mode = new OutputMode();

    static final class OutputMode {
        @Option(names = "--json", description = "Print one JSON object with every report field and every failure"
                + " (docs/CLI.md, \"verify --json\").")
        boolean json;

        @Option(names = {"-q", "--quiet"}, description = "Print nothing; the exit code is the answer.")
        boolean quiet;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VerifyingKey anchor = Inputs.trustAnchor(pubkey, journal, err);
        int n = threads != null ? threads : Math.min(4, Runtime.getRuntime().availableProcessors());
        if (n < 1 || n > 64) {
            throw new CliException("--threads must be from 1 to 64, was " + n);
        }
        JournalVerifier verifier = JournalVerifier.trusting(anchor).threads(n);
        if (savedCheckpoint != null) {
            String note = Inputs.savedCheckpoint(savedCheckpoint);
            try {
                verifier = verifier.extending(note);
            } catch (FormatException e) {
                throw new CliException(savedCheckpoint + ": not a usable saved checkpoint: " + e.getMessage(), e);
            }
        }
        JournalInput.check(journal, spec.commandLine().getErr());
        ProgressBar progress = mode.quiet ? new ProgressBar(err, false, "") : ProgressBar.forTerminal(err, "verifying");
        if (mode.json) {
            return verifyJson(verifier, out, progress);
        }
        VerificationListener listener = mode.quiet ? VerificationListener.NONE : new VerificationListener() {
            @Override
            public void onFailure(Failure failure) {
                progress.clear();
                out.println(failureLine(failure));
                out.flush();
            }

            @Override
            public void onProgress(long recordsRead, long estimatedTotal) {
                progress.update(recordsRead, estimatedTotal);
            }
        };
        Outcome outcome;
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            outcome = Outcome.verify(verifier.listener(listener), source);
        } finally {
            progress.clear();
        }
        if (!mode.quiet) {
            printSummary(out, outcome);
        }
        return outcome.exitCode();
    }

    /** Completes the JSON object when verification could not finish, so that a script reads a status, not garbage. */
    private void endEarly(JsonGenerator g, PrintWriter out, String status, int exitCode, String reason)
            throws IOException {
        g.writeEndArray();
        g.writeNullField("verdict");
        g.writeStringField("status", status);
        g.writeStringField("reason", reason);
        g.writeNumberField("exit_code", exitCode);
        g.writeStringField("journal", journal.toAbsolutePath().normalize().toString());
        g.writeEndObject();
        g.flush();
        out.println();
        out.flush();
    }

    static String failureLine(Failure f) {
        String where = f.position() == null || f.position().isEmpty() ? "" : "  [" + f.position() + "]";
        String at = f.sequence() >= 0 ? "seq " + f.sequence() : "journal";
        return Text.safe("FAILURE " + at + " " + f.kind().name().toLowerCase(Locale.ROOT) + ": "
                + f.message() + where);
    }

    private void printSummary(PrintWriter out, Outcome outcome) {
        VerificationReport r = outcome.report();
        if (r.failureCount() > 0) {
            out.println();
        }
        out.println(Text.safe(outcome.headline()));
        String explanation = outcome.explanation();
        if (!explanation.isEmpty()) {
            out.println("  " + Text.safe(explanation));
        }
        out.println();
        row(out, "journal", journal.toAbsolutePath().normalize().toString());
        row(out, "origin", r.origin() == null ? "(no genesis record read)" : Text.safe(r.origin()));
        row(out, "records", Long.toString(r.records()));
        row(out, "events", Long.toString(r.events()));
        row(out, "checkpoints", Long.toString(r.checkpoints()));
        row(out, "signing keys", r.keys().size() + (r.keys().size() == 1 ? " (no rotation)" : " (rotated "
                + (r.keys().size() - 1) + " time(s))"));
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
        row(out, "gaps", r.gaps() + " (" + r.droppedTotal() + " event(s) dropped by backpressure)");
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
        row(out, "failures", r.failureCount() == 0 ? "none" : r.failureCount() + " (each printed above)");
        if (r.storageDamage() > 0) {
            row(out, "damaged storage", r.storageDamage() + " place(s) in the journal's files (failures above)");
        }
        out.flush();
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("%-18s %s%n", name + ":", value);
    }

    private int verifyJson(JournalVerifier verifier, PrintWriter out, ProgressBar progress) throws IOException {
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        // Failures first, streamed as found: memory stays constant however many there are.
        g.writeArrayFieldStart("failures");
        VerificationListener listener = new VerificationListener() {
            @Override
            public void onFailure(Failure f) {
                try {
                    g.writeStartObject();
                    Json.seqOrNull(g, "seq", f.sequence());
                    g.writeStringField("kind", f.kind().name().toLowerCase(Locale.ROOT));
                    g.writeStringField("message", f.message());
                    Json.stringOrNull(g, "position", f.position() == null || f.position().isEmpty() ? null : f.position());
                    g.writeEndObject();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void onProgress(long recordsRead, long estimatedTotal) {
                progress.update(recordsRead, estimatedTotal);
            }
        };
        Outcome outcome;
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            outcome = Outcome.verify(verifier.listener(listener), source);
        } catch (VerificationStopped e) {
            endEarly(g, out, "stopped", VouchCli.EXIT_FAILED, e.getMessage());
            throw e;
        } catch (CliException e) {
            // Reading failed partway: failures may already be out, so close the object rather than leave it open.
            endEarly(g, out, "error", VouchCli.EXIT_USAGE, e.getMessage());
            throw e;
        } finally {
            progress.clear();
        }
        g.writeEndArray();
        VerificationReport r = outcome.report();
        g.writeStringField("verdict", r.verdict().name());
        g.writeStringField("status", outcome.status().label());
        g.writeStringField("headline", outcome.headline());
        g.writeStringField("reason", r.verdictReason());
        g.writeNumberField("exit_code", outcome.exitCode());
        g.writeStringField("journal", journal.toAbsolutePath().normalize().toString());
        Json.stringOrNull(g, "origin", r.origin());
        g.writeNumberField("records", r.records());
        g.writeNumberField("events", r.events());
        g.writeNumberField("checkpoints", r.checkpoints());
        g.writeArrayFieldStart("keys");
        for (int i = 0; i < r.keys().size(); i++) {
            VerifyingKey k = r.keys().get(i);
            g.writeStartObject();
            g.writeStringField("id", k.toString());
            g.writeStringField("fingerprint", k.fingerprint());
            g.writeStringField("public_key_b64", Base64.getEncoder().encodeToString(k.bytes()));
            Json.stringOrNull(g, "note_key", outcome.noteKey(k));
            g.writeBooleanField("trust_anchor", i == 0);
            g.writeEndObject();
        }
        g.writeEndArray();
        VerifyingKey pending = r.failureCount() == 0 && r.resumePoint() != null ? r.resumePoint().pendingKey() : null;
        Json.stringOrNull(g, "pending_key", pending == null ? null : pending.fingerprint());
        g.writeNumberField("gaps", r.gaps());
        g.writeNumberField("dropped_total", r.droppedTotal());
        g.writeNumberField("recoveries", r.recoveries());
        if (r.records() == 0) {
            g.writeNullField("first_timestamp_ns");
            g.writeNullField("first_timestamp");
            g.writeNullField("last_timestamp_ns");
            g.writeNullField("last_timestamp");
        } else {
            g.writeNumberField("first_timestamp_ns", r.firstTimestamp());
            g.writeStringField("first_timestamp", Text.iso(r.firstTimestamp()));
            g.writeNumberField("last_timestamp_ns", r.lastTimestamp());
            g.writeStringField("last_timestamp", Text.iso(r.lastTimestamp()));
        }
        g.writeBooleanField("sealed", r.sealed());
        g.writeNumberField("uncovered_records", r.uncoveredRecords());
        g.writeBooleanField("torn_tail", outcome.status() == Outcome.Status.TORN_TAIL);
        Json.seqOrNull(g, "last_checkpoint_tree_size", outcome.signedTreeSize());
        Json.stringOrNull(g, "last_checkpoint_root_hash_b64", outcome.lastCheckpoint() == null ? null
                : Base64.getEncoder().encodeToString(outcome.lastCheckpoint().rootHash()));
        Json.stringOrNull(g, "last_checkpoint_note", r.lastCheckpointNote());
        g.writeFieldName("saved_checkpoint_matched");
        if (r.savedCheckpointMatched() == null) {
            g.writeNull();
        } else {
            g.writeBoolean(r.savedCheckpointMatched());
        }
        g.writeNumberField("failure_count", r.failureCount());
        g.writeNumberField("storage_damage", r.storageDamage());
        g.writeEndObject();
        g.flush();
        out.println();
        out.flush();
        return outcome.exitCode();
    }
}
