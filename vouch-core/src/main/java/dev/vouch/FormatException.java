package dev.vouch;

/**
 * Bytes or text that do not follow the format in docs/FORMAT.md: a record, a signed note, a checkpoint or a
 * verifier key. Thrown by parsers; the verifier turns it into a failure at the record's sequence number.
 */
public class FormatException extends VouchException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
