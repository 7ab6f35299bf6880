package dev.vouch.cli;

/**
 * A problem the user can fix, reported as one line on standard error with exit code 2: a missing or unreadable
 * file, an argument that makes no sense for this journal. The message names the file or argument.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
