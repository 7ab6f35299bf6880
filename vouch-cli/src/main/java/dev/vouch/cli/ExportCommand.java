package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.RecordBuffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vouch export}: every record as one JSON line, exact bytes included, without verifying ({@code jsonl}); or,
 * after verifying, DSSE envelopes ({@code dsse}) or an evidence bundle ({@code bundle}).
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "jsonl (the default): writes every record of a journal as JSON Lines: one object per record, in journal"
                    + " order, with every field of its type, its leaf hash and its exact bytes (record_b64). The schema"
                    + " is docs/EXPORT.md. It does NOT verify the journal: a tampered record is exported as it is, and"
                    + " a record that does not parse becomes a line with a \"malformed\" reason.",
            "dsse: verifies the journal (--pubkey), then writes each signed checkpoint, and with --events each event"
                    + " record, as a DSSE envelope over an in-toto Statement v1, one per line, signed with the"
                    + " journal's key in force (--key) over the DSSE pre-authentication encoding (docs/EXPORT.md,"
                    + " \"DSSE\").",
            "bundle: verifies the journal (--pubkey), then writes a zip (--output) that 'vouch verify' checks on its"
                    + " own: every record up to the latest signed checkpoint, that checkpoint, the public keys and"
                    + " rotation statements, and a manifest with each file's SHA-256 and what it proves. A journal"
                    + " with a running writer is cut at its latest checkpoint.",
            "Export only reads; nothing in the journal directory changes.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every record was exported",
            "1:jsonl: damaged storage, or a later day file is missing (what could be read was exported); dsse,"
                + " bundle: the journal does not verify",
            "2:usage error, missing or unreadable journal or key, or the output cannot be written",
        })
final class ExportCommand implements Callable<Integer> {
    enum Format {
        jsonl,
        dsse,
        bundle
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--pubkey", paramLabel = "FILE",
            description = "dsse, bundle: the trusted public key to verify the journal with, as for verify.")
    Path pubkey;

    @Option(names = "--key", paramLabel = "KEYFILE",
            description = "dsse: the journal's private key file, which signs the envelopes; it must hold the key in"
                    + " force (default: .vouch_key).")
    Path key;

    @Option(names = "--events", description = "dsse: an envelope for every event record too, not only checkpoints.")
    boolean events;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE (atomically, readable by its owner only) instead of standard output."
                    + " Must not be inside the journal directory.")
    Path output;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        if (format == Format.dsse) {
            return exportDsse();
        }
        if (format == Format.bundle) {
            return exportBundle();
        }
        JournalInput.check(journal, spec.commandLine().getErr());
        PrintWriter err = spec.commandLine().getErr();
        boolean endMissing = laterFileMissing(err);
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            boolean damaged = export(out, err) < 0;
            out.flush();
            return damaged || endMissing ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
        }
        long n;
        try (OutputFile file = OutputFile.create(output, journal)) {
            // A damaged journal still exports what can be read: it is all an auditor will get.
            n = export(file.writer(), err);
            file.commit();
            err.println("exported " + Math.abs(n + (n < 0 ? 1 : 0)) + " record(s) to " + output);
        }
        return n < 0 || endMissing ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    /**
     * Whether the journal's last day file says a later one followed that is not here. The export is still made (an
     * archive of closed day files is exported so), but exits 1: an outside trial's export of such an archive exited 0
     * and then verified INTACT on its own, where the journal verifies INCOMPLETE and the bundle is refused.
     */
    private boolean laterFileMissing(PrintWriter err) throws IOException {
        java.nio.file.Path rolled = dev.vouch.ledger.JournalReader.lastFileRolledOver(journal);
        if (rolled == null) {
            return false;
        }
        err.println("vouch export: " + Text.safe(rolled.getFileName().toString()) + " is not the journal's last day"
                + " file: on its own, the export verifies as if the journal ended there (exit status 1)");
        err.flush();
        return true;
    }

    private void checkOptions() {
        if (format != Format.jsonl && pubkey == null) {
            throw new ParameterException(spec.commandLine(), "--format " + format + " verifies the journal first:"
                    + " pass the trusted public key with --pubkey");
        }
        if (format != Format.dsse && (key != null || events)) {
            throw new ParameterException(spec.commandLine(), (key != null ? "--key" : "--events")
                    + " is for --format dsse only");
        }
        if (format == Format.jsonl && pubkey != null) {
            throw new ParameterException(spec.commandLine(), "--format jsonl does not verify; --pubkey is for dsse and"
                    + " bundle (run 'vouch verify' to check the journal)");
        }
        if (format == Format.bundle && output == null) {
            throw new ParameterException(spec.commandLine(), "--format bundle writes a zip file: pass --output FILE");
        }
    }

    private int exportDsse() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        VerifyingKey anchor = Inputs.trustAnchor(pubkey, journal, err);
        SigningKey signing = KeyFile.load(key != null ? key : Path.of(".vouch_key"));
        VerifiedJournal verified = VerifiedJournal.verify(journal, anchor, null, err,
                "nothing exported");
        long n;
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            n = DsseExport.write(journal, verified, signing, events, out);
            // Before the summary: a re-trial's export to /dev/full said "exported 3 DSSE envelope(s)" and then that
            // standard output could not be written.
            VouchCli.checkOutput(out);
        } else {
            try (OutputFile file = OutputFile.create(output, journal)) {
                n = DsseExport.write(journal, verified, signing, events, file.writer());
                file.commit();
            }
        }
        long size = verified.outcome().lastCheckpoint().size();
        err.println("exported " + n + " DSSE envelope(s)" + (output == null ? "" : " to " + output) + ": the records"
                + " covered by the signed checkpoint of tree size " + size + ", signed by " + signing.verifyingKey());
        long left = verified.outcome().report().records() - size - 1;
        if (left > 0) {
            err.println("note: the " + left + " record(s) after that checkpoint are not exported: no signature covers"
                    + " them yet");
        }
        return VouchCli.EXIT_OK;
    }

    private int exportBundle() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        VerifyingKey anchor = Inputs.trustAnchor(pubkey, journal, err);
        VerifiedJournal verified = VerifiedJournal.verify(journal, anchor, null, err,
                "no bundle written");
        BundleExport.Summary summary;
        try (OutputFile file = OutputFile.create(output, journal)) {
            summary = BundleExport.write(journal, verified, file.stream());
            file.commit();
        }
        err.println(BundleExport.describe(summary, output));
        return VouchCli.EXIT_OK;
    }

    /** Returns the records exported, or -1 minus that if the storage was damaged (the export lacks records then). */
    private long export(Writer out, PrintWriter err) throws IOException {
        // A journal being written grows between the two passes: the export stops where the first pass did, so that
        // every line's outcome is what the export's own records say (and a check of the lines agrees).
        CallOutcomes outcomes = CallOutcomes.of(journal);
        RecordJson records = new RecordJson(outcomes);
        RecordBuffer buffer = new RecordBuffer(4096);
        long index = 0;
        try (JournalInput source = JournalInput.open(journal); JsonGenerator g = Json.generator(out)) {
            while (index < outcomes.records() && source.nextRecord(buffer)) {
                records.write(g, index++, buffer.data(), buffer.length());
                g.writeRaw('\n');
                if (index % VouchCli.OUTPUT_CHECK_INTERVAL == 0) {
                    g.flush();
                    VouchCli.checkOutput(out);
                }
            }
            g.flush();
            if (index == outcomes.records()) {
                // Stopped by the first pass's count, this pass has not read to where the first one stopped: if that
                // was damage, reading on meets it (an outside verifier's truncated journal exported with exit 0 and
                // nothing said, and every export verifier then called the cut export INCOMPLETE, not damaged).
                // A record a writer appended since is read and left out.
                source.nextRecord(buffer);
            }
            if (source.reportDamage(err, "vouch export")) {
                return -1 - index;
            }
        }
        return index;
    }
}
