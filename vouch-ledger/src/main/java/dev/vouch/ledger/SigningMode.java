package dev.vouch.ledger;

/** How often the ledger signs. Both modes write C2SP checkpoints; they differ in how many events one covers. */
public enum SigningMode {
    /**
     * Sign a checkpoint at the end of each batch the consumer takes from the ring, and earlier if the batch
     * exceeds the configured maximum number of events or delay. Under light load every event is signed almost
     * at once; under heavy load one signature covers many events.
     */
    CHECKPOINT,
    /** Sign a checkpoint after every single event, as the original Vouch did. Caps throughput at the signing rate. */
    PER_EVENT
}
