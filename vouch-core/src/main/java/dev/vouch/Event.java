package dev.vouch;

import java.util.Objects;

/**
 * A reusable description of one event to record. Fill it, pass it to {@link Recorder#record(Event)}, then
 * reuse it: the recorder copies everything it needs before returning, so one {@code Event} per thread is
 * enough and recording allocates nothing.
 *
 * <p>Payloads ({@link #params} and {@link #result}) are stored as the exact bytes given, usually JSON. Text
 * fields are stored as UTF-8. Not thread-safe: use one instance per thread.
 */
public final class Event {
    /** Marks "no parent event". */
    public static final long NO_PARENT = -1L;

    private static final byte[] EMPTY = new byte[0];
    /**
     * The largest text field the journal holds (agent, task, name, policy, tool-call id, principal), in UTF-8 bytes: a
     * str16 of docs/FORMAT.md. Recording an event with a longer one fails.
     */
    public static final int MAX_TEXT_BYTES = dev.vouch.internal.format.RecordDescriptor.MAX_STR16;
    /** Bytes of a W3C trace id and of a span id. */
    public static final int TRACE_ID_BYTES = 16;
    public static final int SPAN_ID_BYTES = 8;

    EventKind kind = EventKind.NOTE;
    CharSequence agent = "";
    CharSequence task = "";
    CharSequence name = "";
    CharSequence policy = "";
    long parent = NO_PARENT;
    CharSequence toolCallId = "";
    CharSequence principal = "";
    /** W3C trace context: 16-byte trace id and 8-byte span id, valid only when {@link #hasTraceContext}. */
    private final byte[] traceContext = new byte[TRACE_ID_BYTES + SPAN_ID_BYTES];
    private boolean hasTraceContext;
    Decision decision = Decision.NONE;
    Risk risk = Risk.NONE;
    final Payload params = new Payload();
    final Payload result = new Payload();

    /** A blank event of kind {@link EventKind#NOTE}. */
    public Event() {
    }

    /** A blank event of the given kind. */
    public static Event of(EventKind kind) {
        return new Event().kind(kind);
    }

    /** Clears every field back to its blank value, keeping the instance for reuse. */
    public Event reset() {
        kind = EventKind.NOTE;
        agent = "";
        task = "";
        name = "";
        policy = "";
        parent = NO_PARENT;
        toolCallId = "";
        principal = "";
        hasTraceContext = false;
        decision = Decision.NONE;
        risk = Risk.NONE;
        params.clear();
        result.clear();
        return this;
    }

    public Event kind(EventKind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
        return this;
    }

    /** The agent or session that acted. */
    public Event agent(CharSequence agent) {
        this.agent = agent == null ? "" : agent;
        return this;
    }

    /** The task the event belongs to. */
    public Event task(CharSequence task) {
        this.task = task == null ? "" : task;
        return this;
    }

    /** The sequence number of the event that caused this one, or {@link #NO_PARENT}. */
    public Event parent(long parentSequence) {
        if (parentSequence < NO_PARENT) {
            throw new IllegalArgumentException("parent sequence must be >= 0 or NO_PARENT, was " + parentSequence);
        }
        this.parent = parentSequence;
        return this;
    }

    /**
     * Links this event to the {@code index}-th event of the same group, whose sequence number is not known until
     * the group is recorded: only valid in {@link Recorder#recordDurably(Event[], Durability)}, for an event after
     * that one in the group. A guarded call's decision names its call this way, so both reach the journal with one
     * wait.
     */
    public Event parentInGroup(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("group index must be >= 0, was " + index);
        }
        this.parent = -2L - index;
        return this;
    }

    /** The group index {@link #parentInGroup} set, or -1 if the parent is a sequence number or {@link #NO_PARENT}. */
    public int parentGroupIndex() {
        return parent < NO_PARENT ? (int) (-2L - parent) : -1;
    }

    /**
     * The id a model or an MCP client gave this tool call (an LLM's {@code tool_call_id}, a JSON-RPC request id),
     * so a record can be matched with the conversation that asked for it. Empty for none. Format 1.2.
     */
    public Event toolCallId(CharSequence id) {
        this.toolCallId = id == null ? "" : id;
        return this;
    }

    /** The person or service the agent acts for (a user id, an OAuth subject). Empty for none. Format 1.2. */
    public Event principal(CharSequence principal) {
        this.principal = principal == null ? "" : principal;
        return this;
    }

    /**
     * The W3C trace context of the span this event belongs to, as OpenTelemetry's {@code SpanContext} gives it:
     * 32 and 16 lower-case hex digits, neither all zeros. Format 1.2.
     *
     * @throws IllegalArgumentException if either id is malformed (the event keeps no trace context then)
     */
    public Event traceContext(CharSequence traceIdHex, CharSequence spanIdHex) {
        hasTraceContext = false;
        parseHex("trace id", traceIdHex, traceContext, 0, TRACE_ID_BYTES);
        parseHex("span id", spanIdHex, traceContext, TRACE_ID_BYTES, SPAN_ID_BYTES);
        hasTraceContext = true;
        return this;
    }

    private static void parseHex(String what, CharSequence hex, byte[] dst, int off, int n) {
        if (hex == null || hex.length() != 2 * n) {
            throw new IllegalArgumentException("a W3C " + what + " is " + 2 * n + " lower-case hex digits, was "
                    + (hex == null ? "null" : hex.length() + " characters"));
        }
        int nonZero = 0;
        for (int i = 0; i < n; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0 || Character.isUpperCase(hex.charAt(2 * i)) || Character.isUpperCase(hex.charAt(2 * i + 1))) {
                throw new IllegalArgumentException("a W3C " + what + " is lower-case hex digits only");
            }
            dst[off + i] = (byte) (hi << 4 | lo);
            nonZero |= dst[off + i];
        }
        if (nonZero == 0) {
            throw new IllegalArgumentException("a W3C " + what + " of all zeros is invalid");
        }
    }

    /** The tool or method name. */
    public Event name(CharSequence name) {
        this.name = name == null ? "" : name;
        return this;
    }

    /** The id of the policy rule that judged the call, if any. */
    public Event policy(CharSequence policy) {
        this.policy = policy == null ? "" : policy;
        return this;
    }

    public Event decision(Decision decision) {
        this.decision = decision == null ? Decision.NONE : decision;
        return this;
    }

    public Event risk(Risk risk) {
        this.risk = risk == null ? Risk.NONE : risk;
        return this;
    }

    /** The call's parameters: these exact bytes are recorded. The array is read when recording, not now. */
    public Event params(byte[] bytes) {
        params.set(bytes, 0, bytes == null ? 0 : bytes.length);
        return this;
    }

    public Event params(byte[] bytes, int offset, int length) {
        params.set(bytes, offset, length);
        return this;
    }

    /** The call's parameters as text, recorded as UTF-8. */
    public Event params(CharSequence text) {
        params.set(text);
        return this;
    }

    /** The call's result or error: these exact bytes are recorded. */
    public Event result(byte[] bytes) {
        result.set(bytes, 0, bytes == null ? 0 : bytes.length);
        return this;
    }

    public Event result(byte[] bytes, int offset, int length) {
        result.set(bytes, offset, length);
        return this;
    }

    /** The call's result or error as text, recorded as UTF-8. */
    public Event result(CharSequence text) {
        result.set(text);
        return this;
    }

    public EventKind kind() {
        return kind;
    }

    public CharSequence agent() {
        return agent;
    }

    public CharSequence task() {
        return task;
    }

    public CharSequence name() {
        return name;
    }

    public CharSequence policy() {
        return policy;
    }

    public CharSequence toolCallId() {
        return toolCallId;
    }

    public CharSequence principal() {
        return principal;
    }

    public boolean hasTraceContext() {
        return hasTraceContext;
    }

    /**
     * Copies the 16-byte trace id and then the 8-byte span id to {@code dst[offset]} (24 zero bytes without a
     * trace context); for encoders, which must not allocate.
     */
    public void copyTraceContext(byte[] dst, int offset) {
        if (hasTraceContext) {
            System.arraycopy(traceContext, 0, dst, offset, TRACE_ID_BYTES + SPAN_ID_BYTES);
        } else {
            java.util.Arrays.fill(dst, offset, offset + TRACE_ID_BYTES + SPAN_ID_BYTES, (byte) 0);
        }
    }

    /** Whether any format 1.2 correlation field (tool-call id, principal, trace context) is set. */
    public boolean hasCorrelation() {
        return hasTraceContext || toolCallId.length() > 0 || principal.length() > 0;
    }

    /** The parent's sequence number, {@link #NO_PARENT}, or below that a group reference ({@link #parentGroupIndex}). */
    public long parent() {
        return parent;
    }

    public Decision decision() {
        return decision;
    }

    public Risk risk() {
        return risk;
    }

    /** The parameters, as bytes or text. */
    public Payload params() {
        return params;
    }

    /** The result, as bytes or text. */
    public Payload result() {
        return result;
    }

    /** A payload held either as a slice of a byte array or as text; exactly one is set. */
    public static final class Payload {
        private byte[] bytes = EMPTY;
        private int offset;
        private int length;
        private CharSequence text;

        Payload() {
        }

        void set(byte[] bytes, int offset, int length) {
            byte[] b = bytes == null ? EMPTY : bytes;
            Objects.checkFromIndexSize(offset, length, b.length);
            this.bytes = b;
            this.offset = offset;
            this.length = length;
            this.text = null;
        }

        void set(CharSequence text) {
            this.bytes = EMPTY;
            this.offset = 0;
            this.length = 0;
            this.text = text;
        }

        void clear() {
            set(EMPTY, 0, 0);
        }

        /** The text, or {@code null} if the payload is held as bytes. */
        public CharSequence text() {
            return text;
        }

        public byte[] bytes() {
            return bytes;
        }

        public int offset() {
            return offset;
        }

        public int length() {
            return length;
        }
    }
}
