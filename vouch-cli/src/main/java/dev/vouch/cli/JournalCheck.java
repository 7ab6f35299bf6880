package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.Failure;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationListener;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One journal (a directory, an evidence bundle, or an export file) as {@code vouch verify} checks it: which trusted
 * key applies, the verification itself, and the two outputs, text and the JSON object of docs/CLI.md,
 * "verify --json". Used once for a single journal and once per journal, on worker threads, for several.
 */
final class JournalCheck implements AutoCloseable {
    private final Path path;
    private final BundleInput bundle;
    private final ExportInput export;

    private JournalCheck(Path path, BundleInput bundle, ExportInput export) {
        this.path = path;
        this.bundle = bundle;
        this.export = export;
    }

    /**
     * Opens a journal directory or an evidence bundle, checking it can be used.
     *
     * @throws CliException (exit code 2) for a missing directory, one that is not a journal, or a file that is not a
     *     bundle
     */
    static JournalCheck open(Path path, PrintWriter err) {
        if (BundleInput.looksLikeBundle(path)) {
            return new JournalCheck(path, BundleInput.open(path), null);
        }
        if (path.toString().endsWith(".zip") && java.nio.file.Files.isRegularFile(path)) {
            throw new CliException(path + ": not a zip file, so not an evidence bundle");
        }
        if (ExportInput.looksLikeExport(path)) {
            return new JournalCheck(path, null, ExportInput.open(path));
        }
        if (java.nio.file.Files.isRegularFile(path)) {
            throw new CliException(path + ": a file, but neither an export (JSON Lines from 'vouch export') nor an"
                    + " evidence bundle (.zip); a journal is a directory");
        }
        JournalInput.check(path, err);
        return new JournalCheck(path, null, null);
    }

    String display() {
        return path.toAbsolutePath().normalize().toString();
    }

    boolean isBundle() {
        return bundle != null;
    }

    BundleInput bundle() {
        return bundle;
    }

    private RecordSource source() throws IOException {
        return bundle != null ? bundle.records() : export != null ? export.records() : JournalInput.forVerifier(path);
    }

    private long storageBytes() {
        // An export's records are its lines: one with none holds no records (blank lines, if any, are no storage).
        return bundle != null ? bundle.storageBytes() : export != null ? 0
                : dev.vouch.ledger.JournalReader.storageBytes(path);
    }

    /**
     * The trusted key for this journal: the only one given, or the one of several that is the journal's genesis key
     * (read without trusting it: it only picks among keys that are all trusted). With none matching, the first, and
     * verification reports the genesis key as not trusted.
     */
    VerifyingKey anchor(List<VerifyingKey> keys) {
        if (keys.size() == 1) {
            return keys.get(0);
        }
        VerifyingKey genesis = genesisKey();
        for (VerifyingKey k : keys) {
            if (k.equals(genesis)) {
                return k;
            }
        }
        return keys.get(0);
    }

    /** The key the journal's genesis record names, read without trusting it; null if there is none to read. */
    VerifyingKey genesisKey() {
        VerifyingKey[] key = {null};
        readRecords(v -> {
            key[0] = v.type() == RecordType.GENESIS ? VerifyingKey.of(v.publicKey()) : null;
            return true;
        });
        return key[0];
    }

    /**
     * The sequence number of the KEY_ROTATION record that hands over to {@code key}, read without trusting it; -1 if
     * no record does (or the records cannot be read).
     */
    long rotationTo(VerifyingKey key) {
        long[] at = {-1};
        readRecords(v -> {
            if (v.type() == RecordType.KEY_ROTATION && VerifyingKey.of(v.publicKey()).equals(key)) {
                at[0] = v.sequence();
                return true;
            }
            return false;
        });
        return at[0];
    }

    /** Shows each record, in order and without trusting it, until {@code done} is true or a record cannot be read. */
    private void readRecords(java.util.function.Predicate<RecordView> done) {
        RecordBuffer buffer = new RecordBuffer(1024);
        RecordView v = new RecordView();
        try (RecordSource s = bundle != null ? bundle.records() : export != null ? export.records()
                : JournalInput.open(path)) {
            while (s instanceof JournalInput in ? in.nextRecord(buffer) : s.next(buffer)) {
                if (done.test(v.wrap(buffer.data(), buffer.length()))) {
                    return;
                }
            }
        } catch (IOException | FormatException | CliException e) {
            // What could be read was shown; a caller learns nothing more from the rest.
        }
    }

    /** Where the trusted key did not start the journal, what the records say of it (Outcome's headline says it). */
    private Outcome explainAnchor(Outcome outcome) {
        List<VerifyingKey> keys = outcome.report().keys();
        if (!outcome.notStartedByAnchor() || keys.isEmpty()) {
            return outcome;
        }
        VerifyingKey first = genesisKey();
        return first == null ? outcome
                : outcome.withWrongAnchor(new Outcome.WrongAnchor(keys.get(0), first, rotationTo(keys.get(0))));
    }

    /** Problems of a bundle, or an export's lines, found before verification, for the output to show first. */
    List<BundleInput.Problem> inputProblems() {
        return bundle != null ? List.copyOf(bundle.problems()) : export != null ? export.problems() : List.of();
    }

    /**
     * Verifies; for a bundle, also compares the result with the manifest. {@code onBundleProblem} hears each problem
     * found after verification.
     */
    Outcome verify(JournalVerifier verifier, java.util.function.Consumer<BundleInput.Problem> onBundleProblem)
            throws IOException {
        Outcome outcome;
        try (RecordSource source = source()) {
            outcome = source instanceof JournalInput in ? Outcome.verify(verifier, in)
                    : Outcome.verify(verifier, source, source, storageBytes());
        }
        outcome = explainAnchor(outcome);
        if (export != null) {
            return outcome.withExtraFailures(export.problems().size());
        }
        if (bundle == null) {
            return outcome;
        }
        for (BundleInput.Problem p : bundle.afterVerification(outcome)) {
            onBundleProblem.accept(p);
        }
        // Every problem of the bundle, found before verification or after, is a failure of it.
        return outcome.withExtraFailures(bundle.problems().size());
    }

    static String failureLine(Failure f) {
        String where = f.position() == null || f.position().isEmpty() ? "" : "  [" + f.position() + "]";
        String at = f.sequence() >= 0 ? "seq " + f.sequence() : "journal";
        return Text.safe("FAILURE " + at + " " + f.kind().name().toLowerCase(Locale.ROOT) + ": " + f.message() + where);
    }

    static String problemLine(BundleInput.Problem p) {
        return Text.safe("FAILURE " + (p.seq() >= 0 ? "seq " + p.seq() + " " : "") + p.kind() + ": " + p);
    }

    static void writeProblem(JsonGenerator g, BundleInput.Problem p) throws IOException {
        g.writeStartObject();
        Json.seqOrNull(g, "seq", p.seq());
        g.writeStringField("kind", p.kind());
        g.writeStringField("message", p.message());
        g.writeStringField("position", p.entry());
        g.writeEndObject();
    }

    /** A listener that writes each failure as a JSON object into the open {@code failures} array. */
    static VerificationListener jsonFailures(JsonGenerator g, ProgressBar progress) {
        return new VerificationListener() {
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
    }

    /** The members after {@code failures}, for a verification that finished (docs/CLI.md, "verify --json"). */
    void writeSummary(JsonGenerator g, Outcome outcome) throws IOException {
        VerificationReport r = outcome.report();
        g.writeStringField("verdict", outcome.status() == Outcome.Status.TAMPERED ? "TAMPERED"
                : outcome.status() == Outcome.Status.LATER_FILE_MISSING ? "INCOMPLETE" : r.verdict().name());
        g.writeStringField("status", outcome.status().label());
        g.writeStringField("headline", outcome.headline());
        g.writeStringField("reason", r.failureCount() == 0 && outcome.failureCount() > 0
                ? (export != null ? "a line of the export does not say what its record_b64 says"
                        : "the evidence bundle does not match its manifest") : r.verdictReason());
        g.writeNumberField("exit_code", outcome.exitCode());
        g.writeStringField("journal", display());
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
        Json.u64(g, "dropped_total", r.droppedTotal());
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
        g.writeNumberField("failure_count", outcome.failureCount());
        g.writeNumberField("storage_damage", r.storageDamage());
        if (bundle != null) {
            g.writeObjectFieldStart("bundle");
            g.writeStringField("file", display());
            Json.stringOrNull(g, "created", stringOf(bundle.manifest().get("created")));
            Json.stringOrNull(g, "source", stringOf(bundle.manifest().get("source")));
            g.writeNumberField("manifest_files", bundle.manifestFiles());
            g.writeNumberField("problems", bundle.problems().size());
            Object sealed = bundle.manifest().get("sealed");
            if (sealed instanceof Boolean b) {
                g.writeBooleanField("sealed_when_made", b);
            } else {
                g.writeNullField("sealed_when_made");
            }
            Object left = bundle.manifest().get("records_left_out");
            if (left instanceof Long n) {
                g.writeNumberField("records_left_out", n);
            } else {
                g.writeNullField("records_left_out");
            }
            g.writeEndObject();
        }
    }

    private static String stringOf(Object o) {
        return o instanceof String s ? s : null;
    }

    @Override
    public void close() {
        if (bundle != null) {
            bundle.close();
        }
    }
}
