package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.verify.RecordBuffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch export}: every record as one JSON line, exact bytes included, without verifying. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes every record of a journal as JSON Lines: one object per record, in journal order, with every"
                    + " field of its type, its leaf hash and its exact bytes (record_b64). The schema is"
                    + " docs/EXPORT.md.",
            "Export does NOT verify the journal: a tampered record is exported as it is, and a record that does"
                    + " not parse becomes a line with a \"malformed\" reason. Run 'vouch verify' to check the"
                    + " journal. Export only reads; nothing in the journal directory changes.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every record was exported",
            "2:usage error, missing or unreadable journal, or the output cannot be written",
        })
final class ExportCommand implements Callable<Integer> {
    enum Format {
        jsonl
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (the only one for now). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE (atomically, readable by its owner only) instead of standard output."
                    + " Must not be inside the journal directory.")
    Path output;

    @Override
    public Integer call() throws IOException {
        JournalInput.check(journal, spec.commandLine().getErr());
        PrintWriter err = spec.commandLine().getErr();
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            boolean damaged = export(out, err) < 0;
            out.flush();
            return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
        }
        long n;
        try (OutputFile file = OutputFile.create(output, journal)) {
            // A damaged journal still exports what can be read: it is all an auditor will get.
            n = export(file.writer(), err);
            file.commit();
            err.println("exported " + Math.abs(n + (n < 0 ? 1 : 0)) + " record(s) to " + output);
        }
        return n < 0 ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    /** Returns the records exported, or -1 minus that if the storage was damaged (the export lacks records then). */
    private long export(Writer out, PrintWriter err) throws IOException {
        RecordJson records = new RecordJson(CallOutcomes.of(journal));
        RecordBuffer buffer = new RecordBuffer(4096);
        long index = 0;
        try (JournalInput source = JournalInput.open(journal); JsonGenerator g = Json.generator(out)) {
            while (source.nextRecord(buffer)) {
                records.write(g, index++, buffer.data(), buffer.length());
                g.writeRaw('\n');
                if (index % VouchCli.OUTPUT_CHECK_INTERVAL == 0) {
                    g.flush();
                    VouchCli.checkOutput(out);
                }
            }
            g.flush();
            if (source.reportDamage(err, "vouch export")) {
                return -1 - index;
            }
        }
        return index;
    }
}
