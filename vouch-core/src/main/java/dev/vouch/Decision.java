package dev.vouch;

/**
 * The decision byte of an event record (docs/FORMAT.md, "Event records"): {@link #NONE}, a policy's action
 * ({@link #ALLOW}, {@link #BLOCK}, {@link #STALL}: the policy module's own type for these is
 * {@code dev.vouch.policy.Action}) or an approver's outcome ({@link #APPROVED}, {@link #REFUSED},
 * {@link #TIMED_OUT}). The codes are a format contract.
 */
public enum Decision {
    NONE(0),
    ALLOW(1),
    BLOCK(2),
    STALL(3),
    /** Reserved: the original Vouch's action name. Vouch never writes it (redaction is part of an ALLOW, BLOCK or
     * STALL decision); a record that holds it is still valid. */
    REDACT(4),
    APPROVED(5),
    REFUSED(6),
    TIMED_OUT(7);

    private static final Decision[] BY_CODE = new Decision[values().length];

    static {
        for (Decision v : values()) {
            BY_CODE[v.code] = v;
        }
    }

    // Explicit codes: the byte is a format contract, so reordering the constants must not change it.
    private final int code;

    Decision(int code) {
        this.code = code;
    }

    /** The byte written to the journal. */
    public int code() {
        return code;
    }

    /** The decision with this code, or {@code null} if it is unknown. */
    public static Decision ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
