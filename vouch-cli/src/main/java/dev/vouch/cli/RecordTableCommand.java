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
abstract class RecordTableCommand implements Callable<Integer>, ReadingCommand {
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
    public Path unverifiedJournal() {
        return journal;
    }

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

    /** Where the matching records go, one at a time: a table row or an export line. */
    private interface Sink {
        void write(long index, byte[] data, int length) throws IOException;

        /** Every {@link VouchCli#OUTPUT_CHECK_INTERVAL} records: flush and stop early if the reader went away. */
        void check() throws IOException;
    }

    private boolean printText(PrintWriter out, PrintWriter err) throws IOException {
        if (header()) {
            out.println(RecordLine.HEADER);
        }
        RecordView view = new RecordView();
        return scan(err, new Sink() {
            @Override
            public void write(long index, byte[] data, int length) {
                out.println(line(view, index, data, length));
            }

            @Override
            public void check() {
                VouchCli.checkOutput(out);
            }
        });
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
        try (JsonGenerator g = Json.generator(out)) {
            boolean damaged = scan(err, new Sink() {
                @Override
                public void write(long index, byte[] data, int length) throws IOException {
                    records.write(g, index, data, length);
                    g.writeRaw('\n');
                }

                @Override
                public void check() throws IOException {
                    g.flush();
                    VouchCli.checkOutput(out);
                }
            });
            g.flush();
            return damaged;
        }
    }

    /**
     * Reads the journal and hands each record the filter lets through to {@code sink}; with {@code --limit}, only the
     * last N, kept as bytes and written at the end (formatting is the cost). Returns whether storage was damaged.
     */
    private boolean scan(PrintWriter err, Sink sink) throws IOException {
        ArrayDeque<Object[]> last = limit == null ? null : new ArrayDeque<>();
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
                    sink.write(at, buffer.data(), buffer.length());
                    if (at % VouchCli.OUTPUT_CHECK_INTERVAL == 0) {
                        sink.check();
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
                    sink.write((Long) r[0], bytes, bytes.length);
                }
            }
            return source.reportDamage(err, spec.qualifiedName());
        }
    }
}
