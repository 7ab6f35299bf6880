package dev.vouch.cli;

import dev.vouch.FormatException;
import dev.vouch.Risk;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.internal.format.RecordView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch report}: one static HTML file about a journal, for people. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Writes one static HTML file about a journal that opens in any browser with no network: the verification"
                    + " verdict and what it covers, the key history, a timeline of calls per task, decisions by policy"
                    + " rule and risk, approvals and waiting times, blocked, refused and high-risk calls, events over"
                    + " time, counts by tool, agent, task and principal, drops, gaps and recoveries. Its figures are"
                    + " those of 'vouch stats --json'.",
            "With --pubkey the journal is verified in the same pass and the report leads with the verdict; without, it"
                    + " says NOT VERIFIED. The file holds no script and loads nothing; journal text in it is escaped."
                    + " Only reads the journal.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the report was written (and with --pubkey, the journal is intact)",
            "1:the report was written, but the journal is not intact (tampered, unreadable or incomplete) or its"
                    + " storage is damaged",
            "2:usage error, missing or unreadable journal, public key or checkpoint, or the output cannot be written",
        })
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the report to FILE (atomically, readable by its owner only) instead of standard"
                    + " output. Not inside the journal.")
    Path output;

    @Option(names = "--pubkey", paramLabel = "FILE",
            description = "The trusted public key (PUBLIC KEY PEM or note verifier key line), as for verify: the"
                    + " report then carries the verdict.")
    Path pubkey;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "A checkpoint note saved earlier: the journal must extend it (with --pubkey).")
    Path savedCheckpoint;

    @Option(names = "--task", paramLabel = "TASK_ID",
            description = "Only this task and the records it caused (as 'vouch tasks TASK_ID').")
    String task;

    @Option(names = "--interval", paramLabel = "INTERVAL", defaultValue = "auto",
            description = "The interval of the events-over-time chart, as for 'vouch stats'. Default: ${DEFAULT-VALUE}.")
    String interval;

    @Override
    public Integer call() throws IOException {
        return write(spec, journal, output, pubkey, savedCheckpoint, task, interval);
    }

    /** Writes the report; shared with {@code vouch trace TASK --html FILE}. Returns the exit code. */
    static int write(CommandSpec spec, Path journal, Path output, Path pubkey, Path savedCheckpoint, String task,
            String interval) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        long step = interval.equals("auto") ? 0 : RateSeries.parseLabel(interval);
        if (step < 0) {
            throw new CliException("--interval " + interval + ": one of 1s, 10s, 1m, 10m, 1h, 6h, 1d, 7d or auto");
        }
        if (savedCheckpoint != null && pubkey == null) {
            throw new CliException("--checkpoint needs --pubkey: a saved checkpoint is checked by verifying");
        }
        VerifyingKey anchor = pubkey == null ? null : Inputs.trustAnchor(pubkey, journal, err);
        JournalVerifier verifier = anchor == null ? null : JournalVerifier.trusting(anchor);
        if (savedCheckpoint != null) {
            try {
                verifier = verifier.extending(Inputs.savedCheckpoint(savedCheckpoint));
            } catch (FormatException e) {
                throw new CliException(savedCheckpoint + ": not a usable saved checkpoint: " + e.getMessage(), e);
            }
        }
        JournalInput.check(journal, err);
        if (output != null) {
            OutputFile.create(output, journal).close(); // refuse a bad --output before reading the journal
        }
        JournalStats stats = new JournalStats(HtmlReport.ROWS, Risk.HIGH).scope(task);
        Outcome outcome = null;
        boolean damaged;
        if (verifier == null) {
            damaged = stats.read(journal, err, spec.qualifiedName());
        } else {
            ProgressBar progress = ProgressBar.forTerminal(err, "verifying");
            try (JournalInput source = JournalInput.forVerifier(journal)) {
                outcome = Outcome.verify(verifier.listener(progress.verificationProgress()), source,
                        new Counting(source, stats), source.storageBytes());
            } finally {
                progress.clear();
            }
            damaged = outcome.report().storageDamage() > 0;
        }
        long shown = step == 0 ? stats.rate().autoInterval() : step;
        String abs = journal.toAbsolutePath().normalize().toString();
        String html = new HtmlReport(stats, outcome, anchor, abs, task, shown, Instant.now()).render();
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(html);
            out.flush();
        } else {
            try (OutputFile file = OutputFile.create(output, journal)) {
                file.writer().write(html);
                file.commit();
            }
            err.println("wrote the report on " + stats.records() + " record(s) to " + output
                    + (outcome == null ? " (not verified: no --pubkey)" : ": " + Text.safe(outcome.headline())));
        }
        if (task != null && stats.tasks().isEmpty()) {
            err.println(spec.qualifiedName() + ": no record of task '" + Text.safe(task) + "' in " + journal);
            return VouchCli.EXIT_FAILED;
        }
        if (outcome != null) {
            return outcome.exitCode();
        }
        return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    /**
     * Hands the verifier each record and counts it on the way: one read of the journal gives the verdict and the
     * figures, so they describe the same records even while a writer appends. Called by one thread (the verifier's
     * reader); the verifier's hand-off of each batch publishes the counts to the thread that reads them after.
     */
    private static final class Counting implements RecordSource {
        private final JournalInput source;
        private final JournalStats stats;
        private final RecordView view = new RecordView();

        Counting(JournalInput source, JournalStats stats) {
            this.source = source;
            this.stats = stats;
        }

        @Override
        public boolean next(RecordBuffer into) throws IOException {
            boolean read = source.next(into);
            if (read) {
                stats.add(view, into.data(), into.length());
            }
            return read;
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

        @Override
        public long estimatedRecords() {
            return source.estimatedRecords();
        }

        @Override
        public void close() {
            // The caller closes the source.
        }
    }
}
