package dev.vouch.ledger;

/** What {@link dev.vouch.Recorder#record(dev.vouch.Event)} does when the ring is full. */
public enum BackpressureMode {
    /** Wait for a free slot. Nothing is lost; the agent slows to the ledger's pace. */
    BLOCK,
    /**
     * Return {@code false} at once. The drop is counted, logged (rate-limited {@code [BACKPRESSURE]} line) and
     * written into the chain as a gap record as soon as the ledger catches up.
     */
    DROP,
    /** Throw {@link dev.vouch.LedgerFullException}. Counted and recorded like {@link #DROP}. */
    FAIL
}
