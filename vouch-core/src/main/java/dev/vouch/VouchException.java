package dev.vouch;

/**
 * Root of every exception Vouch throws. Subclasses name the file, line or sequence number involved, so a
 * caller can report exactly what went wrong without parsing messages.
 */
public class VouchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VouchException(String message) {
        super(message);
    }

    public VouchException(String message, Throwable cause) {
        super(message, cause);
    }
}
