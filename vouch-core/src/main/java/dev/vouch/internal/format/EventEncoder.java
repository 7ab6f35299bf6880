package dev.vouch.internal.format;

import static dev.vouch.internal.format.RecordDescriptor.*;

import dev.vouch.Event;

/**
 * Encodes agent events into record bytes. Allocation-free: it is called by producer threads while they
 * hold a ring slot. The sequence number and prev link are left for the ledger's consumer to stamp in.
 */
public final class EventEncoder {
    private EventEncoder() {
    }

    /**
     * The exact record length {@link #encode} will write, or a negative value if a text field is longer than a
     * str16 can hold (the caller reports that). Computed before a slot is claimed so that encoding cannot fail.
     */
    public static long encodedLength(Event e) {
        int agent = Utf8.encodedLength(e.agent());
        int task = Utf8.encodedLength(e.task());
        int name = Utf8.encodedLength(e.name());
        int policy = Utf8.encodedLength(e.policy());
        if (agent > MAX_STR16 || task > MAX_STR16 || name > MAX_STR16 || policy > MAX_STR16) {
            return -1;
        }
        long length = eventRecordLength(agent, task, name, policy, payloadLength(e.params()), payloadLength(e.result()));
        if (e.hasCorrelation()) {
            int callId = Utf8.encodedLength(e.toolCallId());
            int principal = Utf8.encodedLength(e.principal());
            if (callId > MAX_STR16 || principal > MAX_STR16) {
                return -1;
            }
            length += EVENT_CORRELATION_OVERHEAD + callId + principal;
        }
        return length;
    }

    /**
     * An upper bound of {@link #encodedLength} computed in constant time (3 UTF-8 bytes per char), so the hot
     * path can size a slot without scanning text twice.
     */
    public static long maxEncodedLength(Event e) {
        long text = (long) e.agent().length() + e.task().length() + e.name().length() + e.policy().length();
        long correlation = 0;
        if (e.hasCorrelation()) {
            text += e.toolCallId().length() + e.principal().length();
            correlation = EVENT_CORRELATION_OVERHEAD;
        }
        return eventRecordLength(0, 0, 0, 0, maxPayloadLength(e.params()), maxPayloadLength(e.result())) + 3 * text
                + correlation;
    }

    private static long maxPayloadLength(Event.Payload p) {
        return p.text() != null ? 3L * p.text().length() : p.length();
    }

    private static long payloadLength(Event.Payload p) {
        return p.text() != null ? Utf8.encodedLength(p.text()) : p.length();
    }

    /**
     * Writes the whole record except sequence and prev (zeroed) into {@code buf} at 0.
     *
     * @return the record length
     */
    public static int encode(Event e, long timestampNanos, byte[] buf) {
        buf[MAJOR_OFFSET] = (byte) MAJOR_VERSION;
        buf[MINOR_OFFSET] = (byte) MINOR_VERSION;
        buf[TYPE_OFFSET] = (byte) e.kind().code();
        buf[FLAGS_OFFSET] = 0;
        BigEndian.putLong(buf, SEQUENCE_OFFSET, 0L);
        BigEndian.putLong(buf, TIMESTAMP_OFFSET, timestampNanos);
        int p = HEADER_LENGTH;
        BigEndian.putLong(buf, p + EVENT_PARENT_OFFSET, e.parent());
        buf[p + EVENT_DECISION_OFFSET] = (byte) e.decision().code();
        buf[p + EVENT_RISK_OFFSET] = (byte) e.risk().code();
        p += EVENT_FIXED_LENGTH;
        p = putStr16(e.agent(), buf, p);
        p = putStr16(e.task(), buf, p);
        p = putStr16(e.name(), buf, p);
        p = putStr16(e.policy(), buf, p);
        p = putBytes32(e.params(), buf, p);
        p = putBytes32(e.result(), buf, p);
        if (e.hasCorrelation()) {
            // Format 1.2: only events that carry correlation pay for the block.
            p = putStr16(e.toolCallId(), buf, p);
            e.copyTraceContext(buf, p);
            p += TRACE_CONTEXT_LENGTH;
            p = putStr16(e.principal(), buf, p);
        }
        BigEndian.putInt(buf, BODY_LENGTH_OFFSET, p - HEADER_LENGTH);
        return p;
    }

    /**
     * Replaces a group reference in the encoded event's parent field ({@code Event.parentInGroup}) with the
     * member's sequence number, now that the group's first sequence number is known.
     */
    public static void resolveGroupParent(byte[] buf, long groupFirstSequence) {
        int at = HEADER_LENGTH + EVENT_PARENT_OFFSET;
        long parent = BigEndian.getLong(buf, at);
        if (parent < -1) {
            BigEndian.putLong(buf, at, groupFirstSequence + (-2L - parent));
        }
    }

    /** Fills in the fields only the consumer knows. */
    public static void stamp(byte[] buf, long sequence, byte[] prev) {
        BigEndian.putLong(buf, SEQUENCE_OFFSET, sequence);
        System.arraycopy(prev, 0, buf, PREV_OFFSET, HASH_LENGTH);
    }

    private static int putStr16(CharSequence s, byte[] buf, int p) {
        int n = Utf8.encode(s, buf, p + 2);
        BigEndian.putU16(buf, p, n);
        return p + 2 + n;
    }

    private static int putBytes32(Event.Payload payload, byte[] buf, int p) {
        int n;
        if (payload.text() != null) {
            n = Utf8.encode(payload.text(), buf, p + 4);
        } else {
            n = payload.length();
            System.arraycopy(payload.bytes(), payload.offset(), buf, p + 4, n);
        }
        BigEndian.putInt(buf, p, n);
        return p + 4 + n;
    }
}
