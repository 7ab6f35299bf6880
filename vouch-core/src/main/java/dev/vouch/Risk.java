package dev.vouch;

/** How risky a call was judged; stored as one byte (docs/FORMAT.md). */
public enum Risk {
    NONE,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    private static final Risk[] VALUES = values();

    /** The byte written to the journal. */
    public int code() {
        return ordinal();
    }

    /** The risk with this code, or {@code null} if it is unknown. */
    public static Risk ofCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
