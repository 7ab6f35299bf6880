package dev.vouch;

/** How risky a call was judged; stored as one byte (docs/FORMAT.md). */
public enum Risk {
    NONE(0),
    LOW(1),
    MEDIUM(2),
    HIGH(3),
    CRITICAL(4);

    private static final Risk[] BY_CODE = new Risk[values().length];

    static {
        for (Risk v : values()) {
            BY_CODE[v.code] = v;
        }
    }

    // Explicit codes: the byte is a format contract, so reordering the constants must not change it.
    private final int code;

    Risk(int code) {
        this.code = code;
    }

    /** The byte written to the journal. */
    public int code() {
        return code;
    }

    /** The risk with this code, or {@code null} if it is unknown. */
    public static Risk ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
