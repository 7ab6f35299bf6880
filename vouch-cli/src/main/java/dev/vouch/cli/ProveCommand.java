package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.TlogProof;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.ProofCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch prove}: an RFC 6962 inclusion proof of one record, as a C2SP tlog-proof or as JSON. */
@Command(
        name = "prove",
        mixinStandardHelpOptions = true,
        description = {
            "Verifies a journal, then proves that record SEQ is in the tree its latest validly signed checkpoint signs"
                    + " (or the saved checkpoint given with --checkpoint), so that one tool call can be shown to a"
                    + " third party without the others. A record before a key rotation is proven against the last"
                    + " checkpoint the key then in force signed: a later key vouches only for the records after its"
                    + " rotation.",
            "By default writes two files: a C2SP tlog-proof (c2sp.org/tlog-proof@v1: the index, the RFC 6962"
                    + " inclusion proof and the signed checkpoint; after key rotations, the rotation statements in its"
                    + " extra line) and, beside it, the record's exact bytes. 'vouch check-proof' checks them without"
                    + " the journal. --format json prints one JSON object with all of it instead.",
            "Memory stays O(log n): the proof is computed in one pass over the journal.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the proof was written",
            "1:verification failed (or the journal does not extend --checkpoint), or the journal has no valid"
                    + " checkpoint",
            "2:usage error, SEQ not covered by the checkpoint, missing or unreadable journal, key or checkpoint file,"
                    + " or an output that cannot be written",
        })
final class ProveCommand implements Callable<Integer> {
    enum Format {
        tlog_proof,
        json;

        @Override
        public String toString() {
            return name().replace('_', '-');
        }
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--seq", required = true, paramLabel = "SEQ", description = "The record's sequence number.")
    long seq;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE",
            description = "The trusted public key (PUBLIC KEY PEM or note verifier key line), as for verify.")
    Path pubkey;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Prove against this checkpoint, saved earlier with 'vouch checkpoint', instead of the latest:"
                    + " the journal must extend it.")
    Path savedCheckpoint;

    @Option(names = "--format", defaultValue = "tlog-proof", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "tlog-proof (default: the proof and the record in two files) or json (one object).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "tlog-proof: the proof file (default: record-SEQ.tlog-proof in the current directory); the"
                    + " record goes beside it, the same name ending in .record. json: write the object to FILE instead"
                    + " of standard output. Never inside the journal directory.")
    Path output;

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format f : Format.values()) {
                if (f.toString().equalsIgnoreCase(value)) {
                    return f;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("expected tlog-proof or json, not '" + value + "'");
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        VerifyingKey anchor = Inputs.trustAnchor(pubkey, journal, err);
        if (seq < 0) {
            throw new CliException("--seq " + seq + " is negative");
        }
        VerifiedJournal verified = VerifiedJournal.verify(journal, anchor, savedCheckpoint, err,
                "no proof written");
        Checkpoint cp = verified.targetCheckpoint();
        long records = verified.outcome().report().records();
        if (seq >= records) {
            throw new CliException("the journal has no record " + seq + ": it holds " + records + " record(s), 0 to "
                    + (records - 1));
        }
        if (seq >= cp.size()) {
            throw new CliException("record " + seq + " is not covered by the " + (savedCheckpoint == null
                    ? "latest signed checkpoint" : "saved checkpoint " + savedCheckpoint) + ", which signs records 0 to "
                    + (cp.size() - 1) + " (tree size " + cp.size() + ")");
        }
        String note = verified.targetNote();
        String handover = ProofPass.handoverBefore(journal, seq, cp.size());
        if (handover != null) {
            if (savedCheckpoint != null) {
                throw new CliException("record " + seq + " comes before a key rotation, so the key that signs the saved"
                        + " checkpoint " + savedCheckpoint + " cannot vouch for it (docs/FORMAT.md, \"Which records a"
                        + " key vouches for\"); prove it without --checkpoint: the proof is then against the checkpoint"
                        + " that covers the rotation (the proof's text after its first empty line), and 'vouch"
                        + " consistency --from' that checkpoint shows the saved one extends it");
            }
            note = handover;
            cp = Checkpoint.parse(SignedNote.parse(note).text());
            err.println("record " + seq + " comes before a key rotation: proving it against the last checkpoint the key"
                    + " then in force signed (tree size " + cp.size() + "), since a later key vouches only for the"
                    + " records after its rotation");
        }
        ProofPass.Result pass = ProofPass.inclusion(journal, seq, cp.size());
        byte[] history = ProofPass.keyHistory(verified.outcome().report().keys(), pass.rotations(), cp.origin(), note);
        TlogProof proof = TlogProof.of(seq, pass.hashes(), note, history);
        ProofCheck.Result check = ProofCheck.inclusion(pass.record(), proof, anchor);
        if (!check.valid()) {
            // Only possible if the journal changed between the two passes.
            throw new CheckFailed("the computed proof does not check (" + check.problem() + "); was the journal"
                    + " changed while it was read? No proof written");
        }
        if (format == Format.json) {
            writeJson(proof, pass.record(), cp, note);
        } else {
            writeFiles(proof, pass.record());
        }
        return VouchCli.EXIT_OK;
    }

    private void writeFiles(TlogProof proof, byte[] record) {
        Path proofFile = output != null ? output : Path.of("record-" + seq + ".tlog-proof");
        Path recordFile = recordFileBeside(proofFile);
        try (OutputFile p = OutputFile.create(proofFile, journal); OutputFile r = OutputFile.create(recordFile, journal)) {
            p.writer().write(proof.text());
            r.stream().write(record);
            p.commit();
            r.commit();
        } catch (IOException e) {
            throw new CliException("cannot write " + proofFile + ": " + Errors.describe(e), e);
        }
        RecordView view = new RecordView().wrap(record, record.length);
        spec.commandLine().getErr().println("wrote " + proofFile + " (record " + seq + ", " + view.type().label()
                + ", in the tree of " + proof.checkpoint().size() + " records of " + Text.safe(proof.checkpoint().origin())
                + ") and " + recordFile + " (" + record.length + " bytes)");
    }

    /** {@code x.tlog-proof} becomes {@code x.record}; any other name gets {@code .record} added. */
    static Path recordFileBeside(Path proofFile) {
        String name = proofFile.getFileName().toString();
        String base = name.endsWith(".tlog-proof") ? name.substring(0, name.length() - ".tlog-proof".length()) : name;
        return proofFile.resolveSibling(base + ".record");
    }

    private void writeJson(TlogProof proof, byte[] record, Checkpoint cp, String note) throws IOException {
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            json(out, proof, record, cp, note);
            out.flush();
            return;
        }
        try (OutputFile file = OutputFile.create(output, journal)) {
            json(file.writer(), proof, record, cp, note);
            file.commit();
        }
    }

    private void json(Writer out, TlogProof proof, byte[] record, Checkpoint cp, String note) throws IOException {
        byte[] root = cp.rootHash();
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        g.writeStringField("origin", cp.origin());
        g.writeNumberField("seq", seq);
        g.writeNumberField("leaf_index", seq);
        g.writeNumberField("tree_size", cp.size());
        g.writeStringField("leaf_hash", Text.hex(Rfc6962.leafHash(record)));
        g.writeStringField("record_b64", Base64.getEncoder().encodeToString(record));
        g.writeArrayFieldStart("audit_path");
        for (byte[] h : proof.hashes()) {
            g.writeString(Text.hex(h));
        }
        g.writeEndArray();
        g.writeStringField("root_hash", Text.hex(root));
        g.writeStringField("root_hash_b64", Base64.getEncoder().encodeToString(root));
        g.writeStringField("checkpoint", note);
        g.writeStringField("tlog_proof", proof.text());
        g.writeEndObject();
        g.flush();
        out.write('\n');
    }
}
