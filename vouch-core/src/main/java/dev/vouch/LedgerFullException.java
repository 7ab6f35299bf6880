package dev.vouch;

/** The ring was full and the backpressure mode is FAIL. The refused event is counted and recorded as a gap. */
public final class LedgerFullException extends VouchException {
    private static final long serialVersionUID = 1L;

    public LedgerFullException(String message) {
        super(message);
    }

    public LedgerFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
