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

    EventKind kind = EventKind.NOTE;
    CharSequence agent = "";
    CharSequence task = "";
    CharSequence name = "";
    CharSequence policy = "";
    long parent = NO_PARENT;
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
