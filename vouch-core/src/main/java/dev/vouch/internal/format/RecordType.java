package dev.vouch.internal.format;

import dev.vouch.EventKind;

/** Every record type of format 1.0, with its code byte (docs/FORMAT.md, "Record types"). */
public enum RecordType {
    TOOL_CALL(0x01, EventKind.TOOL_CALL),
    TOOL_RESULT(0x02, EventKind.TOOL_RESULT),
    TOOL_ERROR(0x03, EventKind.TOOL_ERROR),
    POLICY_DECISION(0x04, EventKind.POLICY_DECISION),
    APPROVAL(0x05, EventKind.APPROVAL),
    TASK_START(0x06, EventKind.TASK_START),
    TASK_END(0x07, EventKind.TASK_END),
    NOTE(0x08, EventKind.NOTE),
    /** First record of every journal: origin, public key, versions, settings. */
    GENESIS(0x10, null),
    /** A C2SP signed checkpoint over the tree of all records before it. */
    CHECKPOINT(0x11, null),
    /** Names the next signing key; signed by the current one. */
    KEY_ROTATION(0x12, null),
    /** A clean close. The checkpoint right after it makes the journal sealed. */
    SEAL(0x13, null),
    /** Written on open after a crash: covers the records that no checkpoint covered. */
    RECOVERY(0x14, null),
    /** Events dropped by backpressure since the previous gap record. */
    GAP(0x15, null),
    /** A writer reopened the journal, with its versions and settings. */
    RESUME(0x16, null);

    private static final RecordType[] BY_CODE = new RecordType[0x17];

    static {
        for (RecordType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final EventKind eventKind;

    RecordType(int code, EventKind eventKind) {
        this.code = code;
        this.eventKind = eventKind;
    }

    public int code() {
        return code;
    }

    /** The agent event kind, or {@code null} for records the ledger writes itself. */
    public EventKind eventKind() {
        return eventKind;
    }

    public boolean isEvent() {
        return eventKind != null;
    }

    /** The type with this code, or {@code null}. */
    public static RecordType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public static RecordType of(EventKind kind) {
        return ofCode(kind.code());
    }

    /** Lower-case name used in exports and reports, e.g. {@code tool_call}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
