package dev.vouch;

import java.nio.file.Path;

/** A key file is missing, malformed, of the wrong type, or readable or writable by others. */
public final class KeyFileException extends VouchException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public KeyFileException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public KeyFileException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The key file concerned. */
    public Path file() {
        return file;
    }
}
