package dev.vouch.verify;

/** The verifier's conclusion. The CLI maps INTACT to exit 0, the others to exit 1. */
public enum Verdict {
    /** Every record checks out and the journal ends with a seal covered by a valid checkpoint. */
    INTACT,
    /** Nothing contradicts the signatures, but the end is not sealed: a crash, a writer still running, or a cut-off tail. */
    INCOMPLETE,
    /** At least one failure: something was altered, removed, inserted, reordered, or signed by an unknown key. */
    TAMPERED
}
