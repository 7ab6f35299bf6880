package dev.vouch.cli;

/**
 * The verifier threw instead of reporting: journal content it could not process (a record crafted to trip it,
 * or a verifier bug). The journal is not verified; the CLI exits with 1, as for a failed verification.
 */
final class VerificationStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VerificationStopped(String position, RuntimeException cause) {
        super("verification stopped" + (position == null || position.isEmpty() ? "" : " at " + position) + ": "
                + cause + "; the journal is NOT verified (content the verifier cannot process)", cause);
    }
}
