package dev.vouch.internal.format;

import static dev.vouch.internal.format.RecordDescriptor.*;

import dev.vouch.Decision;
import dev.vouch.FormatException;
import dev.vouch.Risk;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable, validating view over one record's bytes (a flyweight: {@link #wrap} parses offsets and allocates
 * nothing; the text accessors allocate). Rejects an unknown major version, unknown flags, a wrong body length
 * and any field that runs past the end. Not thread-safe.
 */
public final class RecordView {
    private byte[] buf;
    private int length;
    private RecordType type;
    private long sequence;
    private long timestamp;

    // Event fields.
    private long parent;
    private Decision decision;
    private Risk risk;
    private final Field agent = new Field();
    private final Field task = new Field();
    private final Field name = new Field();
    private final Field policy = new Field();
    private final Field params = new Field();
    private final Field result = new Field();
    private final Field toolCallId = new Field();
    private final Field principal = new Field();
    /** Offset of the trace context (trace id, span id), or -1 if the record has none. */
    private int traceOffset = -1;

    // Control record fields.
    private final Field origin = new Field();
    private int keyOffset = -1;
    private int stateOffset = -1;
    private int rangeCount;
    private final Field version = new Field();
    private final Field settings = new Field();
    private final Field note = new Field();
    private final Field reason = new Field();
    private long count1;
    private long count2;
    private long count3;

    private int p;

    /**
     * Points this view at {@code buf[0, length)} and validates it.
     *
     * @throws FormatException if the bytes are not a well-formed record of a known major version
     */
    public RecordView wrap(byte[] buf, int length) {
        this.buf = buf;
        this.length = length;
        this.type = null;
        keyOffset = -1;
        stateOffset = -1;
        rangeCount = 0;
        traceOffset = -1;
        toolCallId.length = 0;
        principal.length = 0;
        if (length < HEADER_LENGTH) {
            throw new FormatException("record of " + length + " bytes is shorter than the " + HEADER_LENGTH + "-byte header");
        }
        int major = buf[MAJOR_OFFSET] & 0xFF;
        int minor = buf[MINOR_OFFSET] & 0xFF;
        if (major != MAJOR_VERSION) {
            throw new FormatException("unsupported format major version " + major + " (this reader knows " + MAJOR_VERSION + ")");
        }
        int flags = buf[FLAGS_OFFSET] & 0xFF;
        if (flags != 0) {
            throw new FormatException("unknown flags 0x" + Integer.toHexString(flags));
        }
        int code = buf[TYPE_OFFSET] & 0xFF;
        RecordType t = RecordType.ofCode(code);
        if (t == null) {
            throw new FormatException("unknown record type 0x" + Integer.toHexString(code));
        }
        sequence = BigEndian.getLong(buf, SEQUENCE_OFFSET);
        if (sequence < 0) {
            throw new FormatException("sequence number " + Long.toUnsignedString(sequence)
                    + " is 2^63 or more; sequence numbers are below 2^63");
        }
        timestamp = BigEndian.getLong(buf, TIMESTAMP_OFFSET);
        long bodyLength = BigEndian.getInt(buf, BODY_LENGTH_OFFSET) & 0xFFFFFFFFL;
        if (bodyLength != length - HEADER_LENGTH) {
            throw new FormatException("body length field says " + bodyLength + " but the record has "
                    + (length - HEADER_LENGTH) + " body bytes");
        }
        p = HEADER_LENGTH;
        switch (t) {
            case GENESIS -> {
                str16(origin);
                keyOffset = fixed(PUBLIC_KEY_LENGTH);
                str16(version);
                bytes32(settings);
            }
            case RESUME -> {
                str16(version);
                bytes32(settings);
            }
            case CHECKPOINT -> {
                bytes32Text(note);
                if (minor >= CHECKPOINT_STATE_SINCE_MINOR) {
                    stateOffset = fixed(CHECKPOINT_STATE_FIXED_LENGTH);
                    rangeCount = buf[stateOffset + CHECKPOINT_STATE_FIXED_LENGTH - 1] & 0xFF;
                    if (rangeCount > 64) {
                        throw new FormatException("checkpoint resume state lists " + rangeCount
                                + " range hashes; a tree has at most 64");
                    }
                    fixed(rangeCount * HASH_LENGTH);
                }
            }
            case KEY_ROTATION -> {
                keyOffset = fixed(PUBLIC_KEY_LENGTH);
                bytes32Text(note);
            }
            case SEAL -> {
                count1 = u64();
                count2 = u64();
            }
            case RECOVERY -> {
                count1 = u64();
                count2 = u64();
                str16(reason);
            }
            case GAP -> {
                count1 = u64();
                count2 = u64();
                count3 = u64();
            }
            default -> parseEvent(minor);
        }
        if (p != length && minor <= MINOR_VERSION) {
            throw new FormatException((length - p) + " unexpected bytes after the " + t.label() + " body");
        }
        this.type = t;
        return this;
    }

    private void parseEvent(int minor) {
        need(EVENT_FIXED_LENGTH);
        parent = BigEndian.getLong(buf, p + EVENT_PARENT_OFFSET);
        decision = Decision.ofCode(buf[p + EVENT_DECISION_OFFSET] & 0xFF);
        risk = Risk.ofCode(buf[p + EVENT_RISK_OFFSET] & 0xFF);
        if (decision == null) {
            throw new FormatException("unknown decision code " + (buf[p + EVENT_DECISION_OFFSET] & 0xFF));
        }
        if (risk == null) {
            throw new FormatException("unknown risk code " + (buf[p + EVENT_RISK_OFFSET] & 0xFF));
        }
        if (parent < -1) {
            throw new FormatException("parent sequence " + parent + " is negative");
        }
        p += EVENT_FIXED_LENGTH;
        str16(agent);
        str16(task);
        str16(name);
        str16(policy);
        bytes32(params);
        bytes32(result);
        if (minor >= EVENT_CORRELATION_SINCE_MINOR && p < length) {
            str16(toolCallId);
            int at = fixed(TRACE_CONTEXT_LENGTH);
            boolean traceZero = allZero(at, 16);
            if (traceZero != allZero(at + 16, 8)) {
                throw new FormatException("a trace id and a span id must be both zero (none) or both non-zero");
            }
            traceOffset = traceZero ? -1 : at;
            str16(principal);
        }
    }

    private boolean allZero(int at, int n) {
        int or = 0;
        for (int i = 0; i < n; i++) {
            or |= buf[at + i];
        }
        return or == 0;
    }

    private void need(long n) {
        if (p + n > length) {
            throw new FormatException("field at offset " + p + " needs " + n + " bytes but the record ends at " + length);
        }
    }

    private int fixed(int n) {
        need(n);
        int at = p;
        p += n;
        return at;
    }

    private long u64() {
        need(8);
        long v = BigEndian.getLong(buf, p);
        p += 8;
        return v;
    }

    private void str16(Field f) {
        need(2);
        int n = BigEndian.getU16(buf, p);
        p += 2;
        need(n);
        if (!Utf8.isWellFormed(buf, p, n)) {
            throw new FormatException("text field at offset " + p + " is not well-formed UTF-8");
        }
        f.offset = p;
        f.length = n;
        p += n;
    }

    private void bytes32Text(Field f) {
        bytes32(f);
        if (!Utf8.isWellFormed(buf, f.offset, f.length)) {
            throw new FormatException("signed note at offset " + f.offset + " is not well-formed UTF-8");
        }
    }

    private void bytes32(Field f) {
        need(4);
        long n = BigEndian.getInt(buf, p) & 0xFFFFFFFFL;
        p += 4;
        need(n);
        f.offset = p;
        f.length = (int) n;
        p += (int) n;
    }

    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return length;
    }

    public RecordType type() {
        return type;
    }

    public int majorVersion() {
        return buf[MAJOR_OFFSET] & 0xFF;
    }

    public int minorVersion() {
        return buf[MINOR_OFFSET] & 0xFF;
    }

    public long sequence() {
        return sequence;
    }

    public long timestamp() {
        return timestamp;
    }

    /** True if the prev field equals {@code hash[0, 32)}. */
    public boolean prevEquals(byte[] hash) {
        return prevEquals(buf, hash, 0);
    }

    /** True if the prev field equals {@code hash[off, off + 32)}. */
    public boolean prevEquals(byte[] hash, int off) {
        return prevEquals(buf, hash, off);
    }

    /**
     * True if the prev field of the record in {@code record} equals {@code hash[off, off + 32)}, without wrapping
     * (validating) the record: for a caller that knows the record is at least a header long.
     */
    public static boolean prevEquals(byte[] record, byte[] hash, int off) {
        return Arrays.equals(record, PREV_OFFSET, PREV_OFFSET + HASH_LENGTH, hash, off, off + HASH_LENGTH);
    }

    public byte[] prev() {
        return Arrays.copyOfRange(buf, PREV_OFFSET, PREV_OFFSET + HASH_LENGTH);
    }

    // Events

    public long parent() {
        return parent;
    }

    public Decision decision() {
        return decision;
    }

    public Risk risk() {
        return risk;
    }

    public String agent() {
        return agent.text(buf);
    }

    public String task() {
        return task.text(buf);
    }

    public String name() {
        return name.text(buf);
    }

    public String policy() {
        return policy.text(buf);
    }

    public byte[] params() {
        return params.bytes(buf);
    }

    /** The tool-call id (format 1.2), or "" if the record has none. */
    public String toolCallId() {
        return toolCallId.length == 0 ? "" : toolCallId.text(buf);
    }

    /** The principal (format 1.2), or "" if the record has none. */
    public String principal() {
        return principal.length == 0 ? "" : principal.text(buf);
    }

    /** The W3C trace id as 32 lower-case hex digits (format 1.2), or null if the record has no trace context. */
    public String traceId() {
        return traceOffset < 0 ? null : hex(traceOffset, 16);
    }

    /** The W3C span id as 16 lower-case hex digits (format 1.2), or null if the record has no trace context. */
    public String spanId() {
        return traceOffset < 0 ? null : hex(traceOffset + 16, 8);
    }

    private String hex(int at, int n) {
        return java.util.HexFormat.of().formatHex(buf, at, at + n);
    }

    public byte[] result() {
        return result.bytes(buf);
    }

    // Control records

    /** GENESIS: the journal's origin line. */
    public String origin() {
        return origin.text(buf);
    }

    /** GENESIS: the first public key; KEY_ROTATION: the next one. */
    public byte[] publicKey() {
        return Arrays.copyOfRange(buf, keyOffset, keyOffset + PUBLIC_KEY_LENGTH);
    }

    /** CHECKPOINT: whether it carries the resume state (format 1.1 and later). */
    public boolean hasCheckpointState() {
        return stateOffset >= 0;
    }

    /** CHECKPOINT with state: event records before it, in the whole journal. */
    public long stateEvents() {
        return BigEndian.getLong(buf, stateOffset);
    }

    /** CHECKPOINT with state: events dropped by backpressure before it, as the gap records count them. */
    public long stateDroppedTotal() {
        return BigEndian.getLong(buf, stateOffset + 8);
    }

    /** CHECKPOINT with state: sequence number of the most recent GAP, RESUME or GENESIS record before it. */
    public long stateLastGapOrStart() {
        return BigEndian.getLong(buf, stateOffset + 16);
    }

    /** CHECKPOINT with state: the key that signs the next checkpoint (copy). */
    public byte[] stateNextKey() {
        return Arrays.copyOfRange(buf, stateOffset + 24, stateOffset + 24 + PUBLIC_KEY_LENGTH);
    }

    /** CHECKPOINT with state: whether its next key is {@code key}'s 32 bytes. */
    public boolean stateNextKeyEquals(byte[] key) {
        return Arrays.equals(buf, stateOffset + 24, stateOffset + 24 + PUBLIC_KEY_LENGTH, key, 0, PUBLIC_KEY_LENGTH);
    }

    /** CHECKPOINT with state: how many compact-range hashes follow. */
    public int stateRangeCount() {
        return rangeCount;
    }

    /** CHECKPOINT with state: offset in {@link #buffer()} of the first of the range hashes, 32 bytes each. */
    public int stateRangeOffset() {
        return stateOffset + CHECKPOINT_STATE_FIXED_LENGTH;
    }

    /** GENESIS, RESUME: the library that wrote the journal. */
    public String libraryVersion() {
        return version.text(buf);
    }

    /**
     * GENESIS, RESUME: the writer's settings, {@code key=value} lines. Any bytes are allowed there (FORMAT.md); those
     * that are not UTF-8 are replaced as {@link Utf8#decodeReplacing} says, the same in every language.
     */
    public String settings() {
        return Utf8.decodeReplacing(buf, settings.offset, settings.length);
    }

    /** CHECKPOINT, KEY_ROTATION: the signed note, UTF-8. */
    public String note() {
        return note.text(buf);
    }

    /** RECOVERY: why it was written. */
    public String reason() {
        return reason.text(buf);
    }

    /** SEAL: event records in the journal when it was sealed. */
    public long sealedEvents() {
        return count1;
    }

    /** SEAL and GAP: events dropped by backpressure in the journal's whole life so far. */
    public long droppedTotal() {
        return count2;
    }

    /** GAP: events dropped since the previous gap record. */
    public long gapDropped() {
        return count1;
    }

    /** GAP: the sequence number of the record after which the counted drops happened. */
    public long gapAfter() {
        return count3;
    }

    /** RECOVERY: the sequence number of the last checkpoint before the crash, or -1. */
    public long recoveryLastCheckpoint() {
        return count1;
    }

    /** RECOVERY: how many records after that checkpoint no checkpoint covered. */
    public long recoveryUncovered() {
        return count2;
    }

    private static final class Field {
        int offset;
        int length;

        String text(byte[] b) {
            return new String(b, offset, length, StandardCharsets.UTF_8);
        }

        byte[] bytes(byte[] b) {
            return Arrays.copyOfRange(b, offset, offset + length);
        }
    }
}
