package dev.vouch.ledger;

/** How often the ledger signs. Both modes write C2SP checkpoints; they differ in how many events one covers. */
public enum SigningMode {
    /**
     * Sign a checkpoint once {@code checkpointMaxEvents} records are unsigned or the oldest unsigned record is
     * {@code checkpointMaxDelay} old (also while the ledger is idle), as soon as a {@code SEALED} or {@code SYNCED}
     * caller waits, and at a key rotation, a recovery and close. One signature covers many events, and sequential
     * write-ahead callers do not pay one each.
     */
    CHECKPOINT,
    /** Sign a checkpoint after every single event, as the original Vouch did. Caps throughput at the signing rate. */
    PER_EVENT
}
