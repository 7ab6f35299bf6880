package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.Rfc6962;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes one record as one JSON object (a line of {@code vouch export --format jsonl}), with every field of its
 * type and its exact bytes. The schema is docs/EXPORT.md; change both together. Decodes without verifying: a
 * record that does not parse becomes a {@code malformed} line instead of stopping the export. Reuses its buffers;
 * not thread-safe.
 */
final class RecordJson {
    private final RecordView view = new RecordView();
    private final MessageDigest sha256 = Rfc6962.newSha256();
    private final byte[] leafScratch = new byte[Rfc6962.LEAF_SCRATCH_SIZE];
    private final byte[] leaf = new byte[Rfc6962.HASH_SIZE];
    private final Base64.Encoder base64 = Base64.getEncoder();
    private final CallOutcomes outcomes;

    /**
     * @param outcomes what became of each call, from a first pass over the same journal; null to leave the derived
     *     {@code outcome} member out (what is signed must be what the record says, nothing derived)
     */
    RecordJson(CallOutcomes outcomes) {
        this.outcomes = outcomes;
    }

    /**
     * Writes the object for the record {@code data[0, length)}, read at position {@code index} (0-based) of the
     * journal.
     */
    void write(JsonGenerator g, long index, byte[] data, int length) throws IOException {
        Rfc6962.leafHash(sha256, leafScratch, data, 0, length, leaf, 0);
        byte[] record = Arrays.copyOf(data, length);
        RecordType type;
        try {
            view.wrap(data, length);
            type = view.type();
        } catch (FormatException e) {
            writeMalformed(g, index, record, e.getMessage());
            return;
        }
        g.writeStartObject();
        Json.u64(g, "seq", view.sequence());
        g.writeNumberField("index", index);
        g.writeStringField("type", type.label());
        g.writeNumberField("type_code", type.code());
        g.writeStringField("format", view.majorVersion() + "." + view.minorVersion());
        g.writeNumberField("timestamp_ns", view.timestamp());
        g.writeStringField("timestamp", Text.iso(view.timestamp()));
        g.writeStringField("prev", Text.hex(view.prev()));
        g.writeStringField("leaf_hash", Text.hex(leaf));
        switch (type) {
            case GENESIS -> {
                g.writeStringField("origin", view.origin());
                writeKey(g, "public_key", view.publicKey());
                g.writeStringField("library_version", view.libraryVersion());
                writeSettings(g, view.settings());
            }
            case RESUME -> {
                g.writeStringField("library_version", view.libraryVersion());
                writeSettings(g, view.settings());
            }
            case CHECKPOINT -> writeCheckpoint(g, view);
            case KEY_ROTATION -> {
                writeKey(g, "new_public_key", view.publicKey());
                g.writeStringField("note", view.note());
                String statement = null;
                try {
                    statement = SignedNote.parse(view.note()).text();
                } catch (FormatException e) {
                    // Left null: the note is exported as it is; verify says what is wrong with it.
                }
                Json.stringOrNull(g, "statement", statement);
            }
            case SEAL -> {
                Json.u64(g, "sealed_events", view.sealedEvents());
                Json.u64(g, "dropped_total", view.droppedTotal());
            }
            case GAP -> {
                Json.u64(g, "dropped", view.gapDropped());
                Json.u64(g, "dropped_total", view.droppedTotal());
                Json.u64(g, "after_seq", view.gapAfter());
            }
            case RECOVERY -> {
                Json.seqOrNull(g, "last_checkpoint_seq", view.recoveryLastCheckpoint());
                Json.u64(g, "uncovered", view.recoveryUncovered());
                g.writeStringField("reason", view.reason());
            }
            default -> writeEvent(g);
        }
        g.writeStringField("record_b64", base64.encodeToString(record));
        g.writeEndObject();
    }

    private void writeEvent(JsonGenerator g) throws IOException {
        g.writeStringField("agent", view.agent());
        g.writeStringField("task", view.task());
        g.writeStringField("name", view.name());
        g.writeStringField("policy", view.policy());
        Json.seqOrNull(g, "parent", view.parent());
        g.writeStringField("decision", view.decision().name().toLowerCase(Locale.ROOT));
        g.writeStringField("risk", view.risk().name().toLowerCase(Locale.ROOT));
        byte[] params = view.params();
        byte[] result = view.result();
        Json.stringOrNull(g, "params", Text.utf8OrNull(params));
        g.writeStringField("params_b64", base64.encodeToString(params));
        Json.stringOrNull(g, "result", Text.utf8OrNull(result));
        g.writeStringField("result_b64", base64.encodeToString(result));
        g.writeStringField("tool_call_id", view.toolCallId());
        Json.stringOrNull(g, "trace_id", view.traceId());
        Json.stringOrNull(g, "span_id", view.spanId());
        g.writeStringField("principal", view.principal());
        if (view.type() == RecordType.TOOL_CALL && outcomes != null) {
            g.writeStringField("outcome", outcomes.of(view.sequence()).label);
        }
    }

    private void writeKey(JsonGenerator g, String prefix, byte[] raw) throws IOException {
        g.writeStringField(prefix + "_b64", base64.encodeToString(raw));
        String fingerprint = null;
        try {
            fingerprint = VerifyingKey.of(raw).fingerprint();
        } catch (FormatException e) {
            // Not a valid Ed25519 point: no fingerprint; verify reports it.
        }
        Json.stringOrNull(g, prefix + "_fingerprint", fingerprint);
    }

    /**
     * The settings both raw and as an object of {@code key=value} lines, in their order; the object is null when two
     * lines name the same key. FORMAT.md lets settings hold any bytes, and an outside auditor's {@code a=1\na=2}
     * became {@code {"a":"1","a":"2"}}: a line with a member twice, which verify-journal.py refused and
     * {@code vouch verify} took for the exporter's own text (docs/EXPORT.md: no member occurs twice).
     */
    private static void writeSettings(JsonGenerator g, String settings) throws IOException {
        Map<String, String> members = new LinkedHashMap<>();
        boolean unique = true;
        for (String line : settings.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            unique &= members.putIfAbsent(key, eq < 0 ? "" : line.substring(eq + 1)) == null;
        }
        if (unique) {
            g.writeObjectFieldStart("settings");
            for (Map.Entry<String, String> m : members.entrySet()) {
                g.writeStringField(m.getKey(), m.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeNullField("settings");
        }
        g.writeStringField("settings_text", settings);
    }

    private void writeCheckpoint(JsonGenerator g, RecordView view) throws IOException {
        String note = view.note();
        g.writeStringField("note", note);
        Checkpoint cp = null;
        String error = null;
        try {
            cp = Checkpoint.parse(SignedNote.parse(note).text());
        } catch (FormatException e) {
            error = e.getMessage();
        }
        Json.stringOrNull(g, "origin", cp == null ? null : cp.origin());
        Json.seqOrNull(g, "tree_size", cp == null ? -1 : cp.size());
        Json.stringOrNull(g, "root_hash_b64", cp == null ? null : base64.encodeToString(cp.rootHash()));
        Json.stringOrNull(g, "note_error", error);
        if (view.hasCheckpointState()) {
            // u64 fields, written unsigned as EXPORT.md says (they were written signed, and all bits set as null,
            // which verify-journal.py took for -1: an export_line failure on the exporter's own line).
            Json.u64(g, "resume_events", view.stateEvents());
            Json.u64(g, "resume_dropped_total", view.stateDroppedTotal());
            Json.u64(g, "resume_last_gap_or_start_seq", view.stateLastGapOrStart());
            writeKey(g, "resume_next_key", view.stateNextKey());
            g.writeArrayFieldStart("resume_range_b64");
            byte[] buf = view.buffer();
            for (int i = 0, at = view.stateRangeOffset(); i < view.stateRangeCount(); i++, at += 32) {
                g.writeString(base64.encodeToString(java.util.Arrays.copyOfRange(buf, at, at + 32)));
            }
            g.writeEndArray();
        } else {
            g.writeNullField("resume_events");
            g.writeNullField("resume_dropped_total");
            g.writeNullField("resume_last_gap_or_start_seq");
            g.writeNullField("resume_next_key_b64");
            g.writeNullField("resume_next_key_fingerprint");
            g.writeNullField("resume_range_b64");
        }
    }

    private void writeMalformed(JsonGenerator g, long index, byte[] record, String reason) throws IOException {
        g.writeStartObject();
        if (record.length >= RecordDescriptor.SEQUENCE_OFFSET + 8) {
            Json.u64(g, "seq", BigEndian.getLong(record, RecordDescriptor.SEQUENCE_OFFSET));
        } else {
            g.writeNullField("seq");
        }
        g.writeNumberField("index", index);
        g.writeStringField("malformed", reason);
        g.writeNumberField("length", record.length);
        g.writeStringField("leaf_hash", Text.hex(leaf));
        g.writeStringField("record_b64", base64.encodeToString(record));
        g.writeEndObject();
    }
}
