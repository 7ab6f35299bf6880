package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.FormatException;
import dev.vouch.Risk;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch show}: one compact line per record, for a person reading a journal. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Prints one line per record: sequence number, time (UTC), type, then for events the task, tool name,"
                    + " decision and a preview of the payload, for ledger records their counts and keys.",
            "Does not verify the journal (run 'vouch verify'); only reads it. Text from the journal is shown with"
                    + " control characters escaped.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the records were shown", "2:usage error, missing or unreadable journal"})
final class ShowCommand implements Callable<Integer> {
    static final int PREVIEW = 60;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--from", paramLabel = "SEQ", description = "Show records with a sequence number of at least SEQ.")
    Long from;

    @Option(names = "--to", paramLabel = "SEQ", description = "Show records with a sequence number of at most SEQ.")
    Long to;

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Show only these record types (repeat or separate with commas): tool_call, tool_result,"
                    + " tool_error, policy_decision, approval, task_start, task_end, note, genesis, checkpoint,"
                    + " key_rotation, seal, recovery, gap, resume; or 'events' for the first eight.")
    List<String> types;

    @Override
    public Integer call() {
        if (from != null && to != null && from > to) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from " + from + " is after --to " + to);
        }
        Set<RecordType> wanted = EnumSet.noneOf(RecordType.class);
        if (types == null) {
            wanted.addAll(EnumSet.allOf(RecordType.class));
        } else {
            for (String t : types) {
                wanted.addAll(parseType(t));
            }
        }
        JournalInput.check(journal, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        long index = 0;
        boolean damaged;
        try (JournalInput source = JournalInput.open(journal)) {
            while (source.nextRecord(buffer)) {
                long at = index++;
                try {
                    view.wrap(buffer.data(), buffer.length());
                } catch (FormatException e) {
                    // No type to filter on; in a sound journal the position is the sequence number.
                    if (types == null && (from == null || at >= from) && (to == null || at <= to)) {
                        out.printf("%7s  %-24s  %-15s  record %d (%d bytes): %s%n", "?", "-", "MALFORMED", at,
                                buffer.length(), Text.safe(e.getMessage()));
                    }
                    continue;
                }
                long seq = view.sequence();
                if ((from != null && seq < from) || (to != null && seq > to) || !wanted.contains(view.type())) {
                    continue;
                }
                out.println(line(view));
                if (at % VouchCli.OUTPUT_CHECK_INTERVAL == 0) {
                    VouchCli.checkOutput(out);
                }
            }
            damaged = source.reportDamage(spec.commandLine().getErr(), "vouch show");
        }
        out.flush();
        return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    static String line(RecordView v) {
        String head = String.format("%7d  %-24s  %-15s  ", v.sequence(), Text.isoMillis(v.timestamp()), v.type().label());
        return head + details(v);
    }

    private static String details(RecordView v) {
        return switch (v.type()) {
            case GENESIS -> "origin=" + Text.safe(v.origin()) + " key=" + key(v.publicKey()) + " library="
                    + Text.safe(v.libraryVersion());
            case RESUME -> "library=" + Text.safe(v.libraryVersion()) + " settings="
                    + Text.safe(v.settings().strip().replace('\n', ' '));
            case CHECKPOINT -> checkpoint(v.note());
            case KEY_ROTATION -> "new_key=" + key(v.publicKey());
            case SEAL -> "events=" + Long.toUnsignedString(v.sealedEvents()) + " dropped_total="
                    + Long.toUnsignedString(v.droppedTotal());
            case GAP -> "dropped=" + Long.toUnsignedString(v.gapDropped()) + " dropped_total="
                    + Long.toUnsignedString(v.droppedTotal()) + " after_seq=" + Long.toUnsignedString(v.gapAfter());
            case RECOVERY -> "last_checkpoint=" + v.recoveryLastCheckpoint() + " uncovered="
                    + Long.toUnsignedString(v.recoveryUncovered()) + " reason=" + Text.safe(v.reason());
            default -> event(v);
        };
    }

    private static String event(RecordView v) {
        StringBuilder b = new StringBuilder(128);
        b.append(String.format("%-16s %-24s %-9s", Text.cut(Text.orDash(v.task()), 16),
                Text.cut(Text.orDash(v.name()), 24), v.decision() == Decision.NONE ? "-" : label(v.decision())));
        if (v.risk() != Risk.NONE) {
            b.append(" risk=").append(label(v.risk()));
        }
        if (v.parent() >= 0) {
            b.append(" parent=").append(v.parent());
        }
        byte[] payload = v.params();
        if (payload.length == 0 || v.type() == RecordType.TOOL_RESULT || v.type() == RecordType.TOOL_ERROR) {
            byte[] result = v.result();
            if (result.length > 0) {
                payload = result;
            }
        }
        String preview = Text.preview(payload, PREVIEW);
        if (!preview.isEmpty()) {
            b.append(' ').append(preview);
        }
        return b.toString().stripTrailing();
    }

    private static String checkpoint(String note) {
        try {
            Checkpoint cp = Checkpoint.parse(SignedNote.parse(note).text());
            String root = Base64.getEncoder().encodeToString(cp.rootHash());
            return "tree_size=" + cp.size() + " root=" + root.substring(0, 16) + "...";
        } catch (FormatException e) {
            return "unparsable note: " + Text.safe(e.getMessage());
        }
    }

    private static String key(byte[] raw) {
        try {
            return VerifyingKey.of(raw).toString();
        } catch (FormatException e) {
            return "invalid(" + Text.hex(raw) + ")";
        }
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** A record type label as the export writes it, case-insensitive; "events" for every agent event type. */
    private Set<RecordType> parseType(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("events") || v.equals("event")) {
            return Arrays.stream(RecordType.values()).filter(RecordType::isEvent)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(RecordType.class)));
        }
        for (RecordType t : RecordType.values()) {
            if (t.label().equals(v)) {
                return EnumSet.of(t);
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "unknown record type '" + value + "' for --type;"
                + " one of " + Arrays.stream(RecordType.values()).map(RecordType::label).collect(Collectors.joining(", "))
                + ", or events");
    }
}
