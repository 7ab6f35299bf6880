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
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code show} and {@code events}: the records a {@link RecordFilter} lets through, one {@link RecordLine} each, or
 * with {@code --json} one export line each (docs/EXPORT.md). {@code --limit N} keeps the last N. Reads the journal
 * once (twice with {@code --json}, whose tool calls carry their outcome); does not verify it.
 */
abstract class RecordTableCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Mixin
    RecordFilter filter;

    @Option(names = {"-n", "--limit"}, paramLabel = "N",
            description = "Show only the last N matching records (in journal order).")
    Integer limit;

    @Option(names = "--json", description = "Print each record as a line of the export (JSON Lines, docs/EXPORT.md)"
            + " instead of a table row.")
    boolean json;

    /** The record types shown without {@code --type}. */
    abstract Set<RecordType> defaultTypes();

    /** Whether the text output begins with {@link RecordLine#HEADER}. */
    abstract boolean header();

    @Override
    public Integer call() throws IOException {
        filter.compile(defaultTypes(), Instant.now());
        if (limit != null && limit < 0) {
            throw new CliException("--limit must not be negative, was " + limit);
        }
        PrintWriter err = spec.commandLine().getErr();
        JournalInput.check(journal, err);
        PrintWriter out = spec.commandLine().getOut();
        boolean damaged = json ? printJson(out, err) : printText(out, err);
        out.flush();
        return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    private boolean printText(PrintWriter out, PrintWriter err) {
        // With --limit, the last N records are kept as bytes and formatted at the end: formatting is the cost.
        ArrayDeque<Object[]> last = limit == null ? null : new ArrayDeque<>();
        if (header()) {
            out.println(RecordLine.HEADER);
        }
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        long index = 0;
        try (JournalInput source = JournalInput.open(journal)) {
            while (source.nextRecord(buffer)) {
                long at = index++;
                try {
                    view.wrap(buffer.data(), buffer.length());
                    if (!filter.matches(view)) {
                        if (filter.pastEnd(view.sequence())) {
                            break;
                        }
                        continue;
                    }
                } catch (FormatException e) {
                    // No fields to filter on; in a sound journal the position is the sequence number.
                    if (!filter.onlySequenceRange() || !filter.inSequenceRange(at)) {
                        continue;
                    }
                }
                if (last == null) {
                    out.println(line(view, at, buffer.data(), buffer.length()));
                    if (at % VouchCli.OUTPUT_CHECK_INTERVAL == 0) {
                        VouchCli.checkOutput(out);
                    }
                } else if (limit > 0) {
                    if (last.size() == limit) {
                        last.removeFirst();
                    }
                    last.addLast(new Object[] {at, Arrays.copyOf(buffer.data(), buffer.length())});
                }
            }
            if (last != null) {
                for (Object[] r : last) {
                    byte[] bytes = (byte[]) r[1];
                    out.println(line(view, (Long) r[0], bytes, bytes.length));
                }
            }
            return source.reportDamage(err, spec.qualifiedName());
        }
    }

    /** The line of the record {@code data[0, length)}, read at {@code index}. */
    static String line(RecordView view, long index, byte[] data, int length) {
        try {
            return RecordLine.of(view.wrap(data, length));
        } catch (FormatException e) {
            return RecordLine.malformed(index, length, e.getMessage());
        }
    }

    private boolean printJson(PrintWriter out, PrintWriter err) throws IOException {
        RecordJson records = new RecordJson(CallOutcomes.of(journal));
        ArrayDeque<Object[]> last = limit == null ? null : new ArrayDeque<>();
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        long index = 0;
        try (JournalInput source = JournalInput.open(journal); JsonGenerator g = Json.generator(out)) {
            while (source.nextRecord(buffer)) {
                long at = index++;
                try {
                    view.wrap(buffer.data(), buffer.length());
                    if (!filter.matches(view)) {
                        if (filter.pastEnd(view.sequence())) {
                            break;
                        }
                        continue;
                    }
                } catch (FormatException e) {
                    if (!filter.onlySequenceRange() || !filter.inSequenceRange(at)) {
                        continue;
                    }
                }
                if (last == null) {
                    records.write(g, at, buffer.data(), buffer.length());
                    g.writeRaw('\n');
                    if (at % VouchCli.OUTPUT_CHECK_INTERVAL == 0) {
                        g.flush();
                        VouchCli.checkOutput(out);
                    }
                } else if (limit > 0) {
                    if (last.size() == limit) {
                        last.removeFirst();
                    }
                    last.addLast(new Object[] {at, Arrays.copyOf(buffer.data(), buffer.length())});
                }
            }
            if (last != null) {
                for (Object[] r : last) {
                    byte[] bytes = (byte[]) r[1];
                    records.write(g, (Long) r[0], bytes, bytes.length);
                    g.writeRaw('\n');
                }
            }
            g.flush();
            return source.reportDamage(err, spec.qualifiedName());
        }
    }
}
