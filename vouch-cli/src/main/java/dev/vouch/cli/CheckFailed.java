package dev.vouch.cli;

/**
 * The command's check did not pass: a journal that does not verify where a command needs one that does, a proof that
 * does not prove its claim. One line on standard error naming what failed, and exit code 1 (not 2: nothing the user
 * typed was wrong).
 */
final class CheckFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckFailed(String message) {
        super(message);
    }
}
