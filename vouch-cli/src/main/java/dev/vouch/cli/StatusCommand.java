package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.Risk;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.JournalReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch status}: a journal at a glance, whether a writer has it open or not. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "A journal at a glance: its origin, signing keys and rotations, size, records and events, first and last"
                    + " time, the latest checkpoint and its age, whether it is sealed or a writer has it open, its"
                    + " sessions, gaps and recoveries.",
            "Works on a journal a writer has open, without disturbing it: reads with plain file reads, takes no lock,"
                    + " and tells whether a writer is running from the kernel's lock table (/proc/locks). Does not"
                    + " verify the journal (run 'vouch verify'): this is what its records say.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the status was printed",
            "1:part of the journal is missing or damaged (its beginning, a later day file, storage past damage): the"
                + " figures lack those records; a WARNING line says which",
            "2:usage error, missing or unreadable journal"})
final class StatusCommand implements Callable<Integer>, ReadingCommand {
    private static final long NANOS = 1_000_000_000L;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--json", description = "Print one JSON object (docs/CLI.md, \"status --json\").")
    boolean json;

    /** The journal's state, as {@code --json} names it. */
    enum State {
        /** Ends with SEAL and CHECKPOINT, and no writer holds it. */
        SEALED,
        /** A writer holds its lock. */
        OPEN,
        /** Not sealed and no writer holds it: the last writer stopped without sealing (a crash). */
        STOPPED,
        /** Not sealed, and whether a writer runs cannot be told on this system. */
        UNSEALED,
        /** No record could be read. */
        EMPTY;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record CycleFile(String name, long bytes) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        JournalInput.check(journal, err);
        // The probe first: a writer that closes while the journal is read then shows as sealed, not as crashed.
        WriterProbe.Writer writer = WriterProbe.probe(journal);
        JournalStats stats = new JournalStats(100, Risk.HIGH);
        boolean damaged = stats.read(journal, err, spec.qualifiedName(), false); // missing records: said below
        Instant now = Instant.now();
        State state = state(stats, writer);
        List<CycleFile> files = cycleFiles();
        // An outside trial's archive of closed day files, and a journal whose oldest files were removed, read as
        // "sealed: the last writer closed it cleanly", exit 0.
        Path rolledOver = JournalReader.lastFileRolledOver(journal);
        Missing missing = new Missing(stats.records() > 0 && stats.firstSequence() != 0 ? stats.firstSequence() : -1,
                files.isEmpty() ? null : files.get(0).name(), rolledOver == null ? null : rolledOver.getFileName()
                        .toString(), stats.breakAfter(), stats.breakAt(), JournalReader.tableStoreAhead(journal));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            writeJson(out, stats, writer, state, files, now, missing);
        } else {
            writeText(out, stats, writer, state, files, now, missing);
        }
        out.flush();
        return damaged || missing.any() ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    /**
     * What the files show is missing: the journal's beginning (its first record is {@code firstSequence}, in
     * {@code firstFile}; -1 if it begins at 0) and its end ({@code rolledOverFile} ends with Chronicle's end-of-cycle
     * marker, but no later day file is here; null if not) and some of its middle (the numbering jumps from
     * {@code breakAfter} to {@code breakAt}; -1 if not: a re-trial removed day files from the middle, and status
     * said nothing). Also the day Chronicle's table store names a day file for that is not here
     * ({@code tableStoreAhead}, or null): not counted in {@link #any()}, since a backup shows it with nothing missing.
     */
    record Missing(long firstSequence, String firstFile, String rolledOverFile, long breakAfter, long breakAt,
            java.time.LocalDate tableStoreAhead) {
        boolean any() {
            return firstSequence > 0 || rolledOverFile != null || breakAfter >= 0;
        }
    }

    static State state(JournalStats s, WriterProbe.Writer writer) {
        if (writer.state() == WriterProbe.Writer.State.OPEN) {
            return State.OPEN;
        }
        if (s.records() == 0) {
            return State.EMPTY;
        }
        if (s.sealed()) {
            return State.SEALED;
        }
        return writer.state() == WriterProbe.Writer.State.NONE ? State.STOPPED : State.UNSEALED;
    }

    private List<CycleFile> cycleFiles() throws IOException {
        List<CycleFile> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(journal)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String name = f.getFileName().toString();
                if (name.matches("\\d{8}[A-Z]?\\.cq4") && Files.isRegularFile(f)) {
                    out.add(new CycleFile(name, Files.size(f)));
                }
            }
        }
        return out;
    }

    /**
     * How many days the newest day file is dated after the clock's day (UTC, as Chronicle names them), or 0. A writer
     * never starts a day file older than its newest, so after a clock that was ahead for a moment every later record
     * goes into that file: an outside trial found a journal whose file of 2100 held the records of 2026.
     */
    static long daysAhead(List<CycleFile> files, Instant now) {
        if (files.isEmpty()) {
            return 0;
        }
        String name = files.get(files.size() - 1).name();
        try {
            LocalDate day = LocalDate.parse(name.substring(0, 8), DateTimeFormatter.BASIC_ISO_DATE);
            return Math.max(0, ChronoUnit.DAYS.between(LocalDate.ofInstant(now, ZoneOffset.UTC), day));
        } catch (DateTimeParseException e) {
            return 0; // a name of eight digits that is no date: not one Chronicle writes
        }
    }

    /** How long ago a record's time was, for people. */
    private static String ago(long nanos, Instant now) {
        long age = ageNanos(nanos, now);
        return age < 0 ? "in the future: " + StatsText.duration(-age) + " from now, by this machine's clock"
                : StatsText.duration(age) + " ago";
    }

    private static long ageNanos(long nanos, Instant now) {
        return now.getEpochSecond() * NANOS + now.getNano() - nanos;
    }

    /** Whether the latest checkpoint is overdue: the writer runs and records wait past its own delay bound. */
    private static boolean overdue(JournalStats s, State state, Instant now) {
        Long delay = maxDelayMillis(s);
        if (state != State.OPEN || delay == null || s.uncovered() == 0 || s.lastCheckpoint() == null) {
            return false;
        }
        long boundNanos = Math.max(2 * delay, delay + 1000) * 1_000_000L;
        return ageNanos(s.lastCheckpointTimestamp(), now) > boundNanos;
    }

    private static Long maxDelayMillis(JournalStats s) {
        String v = s.setting("checkpoint.max-delay-ms");
        try {
            return v == null ? null : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The state row; {@code endMissing}: the last day file says a later one followed, which is not here. An archive of
     * closed day files is that, not a crash: an outside trial's archive read "stopped without sealing it (a crash);
     * the next writer to open it writes a recovery record".
     */
    private static String describe(State state, WriterProbe.Writer writer, JournalStats s, boolean endMissing) {
        if (state == State.STOPPED && endMissing) {
            return "not sealed here, and no writer has it open: its end is missing (see the WARNING below: an archive"
                    + " of closed days, or its newest day files were removed), not a crash to recover from";
        }
        return switch (state) {
            case SEALED -> "sealed: the last writer closed it cleanly";
            case OPEN -> "open: a writer has it open (process " + writer.pid() + ")"
                    + (s.uncovered() > 0 ? "; its last " + s.uncovered() + " record(s) await their checkpoint" : "");
            case STOPPED -> "not sealed, and no writer has it open: the last writer stopped without sealing it (a"
                    + " crash); the next writer to open it writes a recovery record";
            case UNSEALED -> "not sealed: a writer has it open, or the last one stopped without sealing it (whether a"
                    + " writer runs cannot be told on this system)";
            case EMPTY -> "empty: no record could be read";
        };
    }

    private void writeText(PrintWriter out, JournalStats s, WriterProbe.Writer writer, State state,
            List<CycleFile> files, Instant now, Missing missing) {
        row(out, "journal", journal.toAbsolutePath().normalize().toString());
        row(out, "origin", s.origin() == null ? "(no genesis record read)" : Text.safe(s.origin()));
        row(out, "state", describe(state, writer, s, missing.rolledOverFile() != null));
        long bytes = files.stream().mapToLong(CycleFile::bytes).sum();
        // The files' sizes, not their blocks: Chronicle's day files are sparse, and 'du' says what they take.
        row(out, "storage", files.size() + " cycle file(s) of " + size(bytes) + " (sparse: Chronicle sizes each day's"
                + " file ahead; du shows the space taken); " + size(s.recordBytes()) + " of records");
        row(out, "records", s.records() + " (" + s.events() + " events, " + s.calls() + " tool calls, "
                + s.checkpoints() + " checkpoints" + (s.malformed() > 0 ? ", " + s.malformed() + " malformed" : "")
                + ")");
        if (s.records() > 0) {
            row(out, "first record", Text.iso(s.firstTimestamp()));
            row(out, "last record", Text.iso(s.lastTimestamp()) + " (" + ago(s.lastTimestamp(), now) + ")");
        }
        Checkpoint cp = s.lastCheckpoint();
        row(out, "last checkpoint", cp == null ? "none" : "seq " + s.lastCheckpointSeq() + ", tree size " + cp.size()
                + ", written " + Text.iso(s.lastCheckpointTimestamp()) + " (" + ago(s.lastCheckpointTimestamp(), now)
                + "); " + s.uncovered() + " record(s) after it");
        if (missing.firstSequence() > 0) {
            row(out, "WARNING", "the journal's beginning is missing: its first record is sequence "
                    + missing.firstSequence() + ", in " + missing.firstFile() + ", so the day files before it were"
                    + " removed or moved (an archive?); it verifies, and a writer appends to it, only with them"
                    + " (docs/OPERATIONS.md, \"Archiving\")");
        }
        if (missing.breakAfter() >= 0) {
            row(out, "WARNING", "records are missing: the sequence numbers jump from " + missing.breakAfter()
                    + " to " + missing.breakAt() + " (day files removed from the middle, or records cut out); it"
                    + " verifies only with them");
        }
        if (missing.rolledOverFile() != null) {
            row(out, "WARNING", "its end is missing: " + missing.rolledOverFile() + " ends with Chronicle's"
                    + " end-of-cycle marker, but the later day file its writer went on to is not here (removed, an"
                    + " archive of closed days, or a writer killed as it started the file)");
        }
        java.time.LocalDate tableStore = missing.tableStoreAhead();
        if (tableStore != null && state != State.OPEN) {
            // A re-trial's backup whose table store was newer than its day files read "the next writer to open it
            // writes a recovery record"; the writer refuses it.
            row(out, "WARNING", "Chronicle's table store (metadata.cq4t) records a day file for " + tableStore
                    + " that is not here: a writer refuses this journal until the file is restored (or, for a backup"
                    + " copied while its writer ran, the table store is moved out: docs/OPERATIONS.md, \"Backups\")");
        }
        long ahead = daysAhead(files, now);
        if (ahead > 0) {
            row(out, "WARNING", "the newest day file, " + files.get(files.size() - 1).name() + ", is " + ahead
                    + " day(s) ahead of this machine's clock: a clock that was once ahead made it, and every record"
                    + " goes into it until the clock reaches its day (docs/OPERATIONS.md, \"Clocks\")");
        }
        if (overdue(s, state, now)) {
            row(out, "WARNING", "the checkpoint is overdue: records have waited longer than twice the writer's"
                    + " checkpoint.max-delay-ms (" + maxDelayMillis(s) + " ms) for a signature");
        }
        int rotations = (int) s.keys().stream().filter(JournalStats.KeyEvent::rotation).count();
        row(out, "signing keys", s.keys().size() + (rotations == 0 ? " (no rotation)" : " (rotated " + rotations
                + " time(s))"));
        for (int i = 0; i < s.keys().size(); i++) {
            JournalStats.KeyEvent k = s.keys().get(i);
            out.println("    " + (i + 1) + ". " + key(k.key()) + "  (" + (k.rotation() ? "rotation" : "genesis")
                    + " at seq " + k.seq() + ", " + Text.iso(k.timestamp()) + ")");
        }
        List<JournalStats.Session> sessions = s.sessions();
        row(out, "sessions", sessions.size() + (sessions.isEmpty() ? "" : (missing.firstSequence() > 0
                ? " (those whose start is here)" : " (the first, then " + (sessions.size() - 1) + " reopening(s))")
                + "; the last by " + Text.safe(sessions.get(sessions.size() - 1).library())));
        row(out, "gaps", s.gapCount() + " (" + s.droppedTotal() + " event(s) dropped by backpressure)");
        row(out, "recoveries", Long.toString(s.recoveryCount()));
        for (JournalStats.RecoveryEvent r : s.recoveries()) {
            out.println("    seq " + r.seq() + " at " + Text.iso(r.timestamp()) + ": " + r.uncovered()
                    + " record(s) were not covered by a checkpoint when the writer stopped");
        }
        row(out, "not verified", VouchCli.notVerified(journal));
    }

    private void writeJson(PrintWriter out, JournalStats s, WriterProbe.Writer writer, State state,
            List<CycleFile> files, Instant now, Missing missing) throws IOException {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("journal", journal.toAbsolutePath().normalize().toString());
            Json.stringOrNull(g, "origin", s.origin());
            g.writeStringField("state", state.label());
            g.writeBooleanField("sealed", s.sealed());
            g.writeStringField("writer", writer.state().name().toLowerCase(Locale.ROOT));
            Json.seqOrNull(g, "writer_pid", writer.state() == WriterProbe.Writer.State.OPEN ? writer.pid() : -1);
            g.writeArrayFieldStart("files");
            long bytes = 0;
            for (CycleFile f : files) {
                g.writeStartObject();
                g.writeStringField("name", f.name());
                g.writeNumberField("bytes", f.bytes());
                g.writeEndObject();
                bytes += f.bytes();
            }
            g.writeEndArray();
            g.writeNumberField("file_bytes", bytes);
            g.writeNumberField("newest_file_days_ahead", daysAhead(files, now));
            Json.seqOrNull(g, "first_seq", s.records() == 0 ? -1 : s.firstSequence());
            g.writeBooleanField("beginning_missing", missing.firstSequence() > 0);
            Json.stringOrNull(g, "later_file_missing_after", missing.rolledOverFile());
            Json.seqOrNull(g, "sequence_break_after", missing.breakAfter());
            Json.stringOrNull(g, "table_store_ahead",
                    missing.tableStoreAhead() == null ? null : missing.tableStoreAhead().toString());
            g.writeNumberField("record_bytes", s.recordBytes());
            g.writeNumberField("records", s.records());
            g.writeNumberField("events", s.events());
            g.writeNumberField("calls", s.calls());
            g.writeNumberField("checkpoints", s.checkpoints());
            g.writeNumberField("malformed", s.malformed());
            Json.stringOrNull(g, "first_timestamp", s.records() == 0 ? null : Text.iso(s.firstTimestamp()));
            Json.stringOrNull(g, "last_timestamp", s.records() == 0 ? null : Text.iso(s.lastTimestamp()));
            Checkpoint cp = s.lastCheckpoint();
            if (cp == null) {
                g.writeNullField("last_checkpoint");
            } else {
                g.writeObjectFieldStart("last_checkpoint");
                g.writeNumberField("seq", s.lastCheckpointSeq());
                g.writeNumberField("tree_size", cp.size());
                g.writeStringField("root_hash_b64", Base64.getEncoder().encodeToString(cp.rootHash()));
                g.writeStringField("timestamp", Text.iso(s.lastCheckpointTimestamp()));
                g.writeNumberField("age_ms", ageNanos(s.lastCheckpointTimestamp(), now) / 1_000_000L);
                g.writeEndObject();
            }
            g.writeNumberField("uncovered_records", s.uncovered());
            Long delay = maxDelayMillis(s);
            Json.seqOrNull(g, "checkpoint_max_delay_ms", delay == null ? -1 : delay);
            g.writeBooleanField("checkpoint_overdue", overdue(s, state, now));
            g.writeArrayFieldStart("keys");
            for (JournalStats.KeyEvent k : s.keys()) {
                g.writeStartObject();
                g.writeNumberField("seq", k.seq());
                g.writeStringField("timestamp", Text.iso(k.timestamp()));
                g.writeBooleanField("rotation", k.rotation());
                g.writeStringField("id", key(k.key()));
                Json.stringOrNull(g, "fingerprint", fingerprint(k.key()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("sessions");
            for (JournalStats.Session x : s.sessions()) {
                g.writeStartObject();
                g.writeNumberField("seq", x.seq());
                g.writeStringField("timestamp", Text.iso(x.timestamp()));
                g.writeStringField("library_version", x.library());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("gaps", s.gapCount());
            g.writeNumberField("dropped_total", s.droppedTotal());
            g.writeArrayFieldStart("recoveries");
            for (JournalStats.RecoveryEvent r : s.recoveries()) {
                g.writeStartObject();
                g.writeNumberField("seq", r.seq());
                g.writeStringField("timestamp", Text.iso(r.timestamp()));
                Json.seqOrNull(g, "last_checkpoint_seq", r.lastCheckpoint());
                g.writeNumberField("uncovered", r.uncovered());
                g.writeStringField("reason", r.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("verified", false);
            g.writeEndObject();
        }
        out.println();
    }

    static String key(byte[] raw) {
        try {
            return VerifyingKey.of(raw).toString();
        } catch (FormatException e) {
            return "invalid(" + Text.hex(raw) + ")";
        }
    }

    static String fingerprint(byte[] raw) {
        try {
            return VerifyingKey.of(raw).fingerprint();
        } catch (FormatException e) {
            return null;
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf(Locale.ROOT, "%-17s %s%n", name + ":", value);
    }
}
