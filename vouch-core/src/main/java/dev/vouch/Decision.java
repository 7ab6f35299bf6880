package dev.vouch;

/** The outcome a policy or an approver gave a call; stored as one byte (docs/FORMAT.md). */
public enum Decision {
    NONE,
    ALLOW,
    BLOCK,
    STALL,
    REDACT,
    APPROVED,
    REFUSED,
    TIMED_OUT;

    private static final Decision[] VALUES = values();

    /** The byte written to the journal. */
    public int code() {
        return ordinal();
    }

    /** The decision with this code, or {@code null} if it is unknown. */
    public static Decision ofCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
