package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.FormatException;
import dev.vouch.Risk;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import java.util.Base64;
import java.util.Locale;

/**
 * One record as one line of text, for {@code show}, {@code events} and {@code tail}: sequence number, UTC time to
 * the millisecond, type, then for events the task, tool name, decision, risk, parent and a preview of the payload,
 * for ledger records their counts and keys. Journal text is made {@link Text#safe}.
 */
final class RecordLine {
    static final int PREVIEW = 60;
    /** The column heads of {@link #of}, for a table. */
    static final String HEADER = String.format(Locale.ROOT,
            "%7s  %-24s  %-15s  %-16s %-24s %-9s %s", "SEQ", "TIME (UTC)", "TYPE",
            "TASK", "TOOL", "DECISION", "DETAILS");

    private RecordLine() {
    }

    static String of(RecordView v) {
        String head = String.format(Locale.ROOT,
                "%7d  %-24s  %-15s  ", v.sequence(), Text.isoMillis(v.timestamp()), v.type().label());
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
        b.append(Text.column(Text.orDash(v.task()), 16)).append(' ').append(Text.column(Text.orDash(v.name()), 24))
                .append(' ').append(String.format(Locale.ROOT, "%-9s",
                        v.decision() == Decision.NONE ? "-" : label(v.decision())));
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

    /** The line for a record that does not parse, read at {@code index} (its sequence number in a sound journal). */
    static String malformed(long index, int length, String why) {
        return String.format(Locale.ROOT,
                "%7s  %-24s  %-15s  record %d (%d bytes): %s", "?", "-", "MALFORMED", index, length,
                Text.safe(why));
    }
}
