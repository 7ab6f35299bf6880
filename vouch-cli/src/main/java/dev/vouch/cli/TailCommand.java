package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch tail}: the last records of a journal, and with {@code -f} the records a running writer appends. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the last records of a journal (10 by default), one line each as 'vouch show' prints them; with"
                    + " -f it then follows the journal, printing each record a writer appends, until interrupted"
                    + " (Ctrl-C). The filters of 'vouch show' apply.",
            "Never writes and never locks: it polls the journal's files with plain reads, so the writer is not held"
                    + " up, and it can follow a journal across the writer's daily file changes, reopenings and"
                    + " crashes. Does not verify (run 'vouch verify').",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the records were printed (without -f)",
            "1:the journal's storage is damaged: records beyond it are missing",
            "2:usage error, missing or unreadable journal, or standard output closed",
            "130:with -f, interrupted (Ctrl-C; 143 for SIGTERM): the JVM's exit for a signal"})
final class TailCommand implements Callable<Integer>, ReadingCommand {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = {"-f", "--follow"}, description = "Keep printing records as the writer appends them.")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10",
            description = "Print the last N matching records first. Default: ${DEFAULT-VALUE}.")
    int lines;

    @Option(names = "--poll", paramLabel = "MS", defaultValue = "500",
            description = "With -f, how often to look for new records, in milliseconds. Default: ${DEFAULT-VALUE}.")
    long pollMillis;

    @Option(names = "--json", description = "Print export lines (docs/EXPORT.md) instead of text; a tool call's"
            + " outcome is what is on record when it is printed.")
    boolean json;

    @Mixin
    RecordFilter filter;

    @Override
    public Path unverifiedJournal() {
        return follow ? null : journal; // -f ends by a signal, after which nothing more is said
    }

    @Override
    public Integer call() throws IOException {
        if (lines < 0) {
            throw new CliException("--lines must not be negative, was " + lines);
        }
        if (pollMillis < 10 || pollMillis > 60_000) {
            throw new CliException("--poll must be from 10 to 60000 ms, was " + pollMillis);
        }
        filter.compile(EnumSet.allOf(RecordType.class), Instant.now());
        PrintWriter err = spec.commandLine().getErr();
        JournalInput.check(journal, err);
        PrintWriter out = spec.commandLine().getOut();
        String name = spec.qualifiedName();
        CallOutcomes outcomes = new CallOutcomes();
        RecordJson records = new RecordJson(outcomes);
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        boolean damaged;
        try (JournalInput source = follow ? JournalInput.follow(journal) : JournalInput.open(journal);
                JsonGenerator g = Json.generator(out)) {
            // The last N as the journal is now, then (with -f) everything after.
            ArrayDeque<Object[]> last = new ArrayDeque<>();
            long index = 0;
            while (source.nextRecord(buffer)) {
                long at = index++;
                if (matches(view, buffer, at, outcomes) && lines > 0) {
                    if (last.size() == lines) {
                        last.removeFirst();
                    }
                    last.addLast(new Object[] {at, Arrays.copyOf(buffer.data(), buffer.length())});
                }
            }
            for (Object[] r : last) {
                byte[] bytes = (byte[]) r[1];
                print(out, g, records, view, (Long) r[0], bytes, bytes.length);
            }
            out.flush();
            damaged = source.reportDamage(err, name);
            while (follow) {
                try {
                    Thread.sleep(pollMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                while (source.nextRecord(buffer)) {
                    long at = index++;
                    if (matches(view, buffer, at, outcomes)) {
                        print(out, g, records, view, at, buffer.data(), buffer.length());
                    }
                }
                out.flush();
                VouchCli.checkOutput(out);
                damaged = source.reportDamage(err, name);
            }
        }
        out.flush();
        return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    private boolean matches(RecordView view, RecordBuffer buffer, long at, CallOutcomes outcomes) {
        try {
            view.wrap(buffer.data(), buffer.length());
        } catch (FormatException e) {
            return filter.onlySequenceRange() && filter.inSequenceRange(at);
        }
        outcomes.add(view);
        return filter.matches(view);
    }

    private void print(PrintWriter out, JsonGenerator g, RecordJson records, RecordView view, long at, byte[] data,
            int length) throws IOException {
        if (json) {
            records.write(g, at, data, length);
            g.writeRaw('\n');
            g.flush();
            return;
        }
        out.println(RecordTableCommand.line(view, at, data, length));
    }
}
