package dev.vouch;

/**
 * What an agent-side event says happened. The numeric code is the record type written to the journal
 * (docs/FORMAT.md, "Record types"); codes are part of the format and never change meaning.
 */
public enum EventKind {
    /** An agent asked for a tool to run. */
    TOOL_CALL(0x01),
    /** A tool returned; the result holds its output. */
    TOOL_RESULT(0x02),
    /** A tool failed; the result holds the error. */
    TOOL_ERROR(0x03),
    /** A policy judged a call; decision, risk and policy id say how. */
    POLICY_DECISION(0x04),
    /** A human (or an approval handler) approved or refused a stalled call. */
    APPROVAL(0x05),
    /** A task began; later events name it as their task. */
    TASK_START(0x06),
    /** A task reached a terminal state (completed, failed, cancelled). */
    TASK_END(0x07),
    /** Anything else an agent wants on the record. */
    NOTE(0x08);

    private static final EventKind[] BY_CODE = new EventKind[0x09];

    static {
        for (EventKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;

    EventKind(int code) {
        this.code = code;
    }

    /** The record type code written to the journal. */
    public int code() {
        return code;
    }

    /** The kind with this record type code, or {@code null} if the code is not an event kind. */
    public static EventKind ofCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
