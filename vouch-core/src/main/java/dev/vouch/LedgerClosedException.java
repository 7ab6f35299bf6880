package dev.vouch;

/** The recorder was closed, or stopped accepting events after a fatal journal or signing failure (see the cause). */
public final class LedgerClosedException extends VouchException {
    private static final long serialVersionUID = 1L;

    public LedgerClosedException(String message) {
        super(message);
    }

    public LedgerClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
