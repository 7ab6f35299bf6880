package dev.vouch.verify;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.merkle.CompactRange;

/**
 * The state a writer needs to continue a verified journal exactly where it stopped.
 *
 * @param nextSequence       the sequence number of the next record
 * @param lastLeafHash       the leaf hash of the last record (the next record's prev)
 * @param tree               the compact range over every record so far
 * @param origin             the journal's origin line
 * @param currentKey         the key that must sign the next checkpoint
 * @param pendingKey         a rotated-to key not yet in force (its covering checkpoint is missing), or null
 * @param lastCheckpoint     sequence of the last checkpoint record, or -1
 * @param lastTimestamp      timestamp of the last record
 * @param droppedTotal       events dropped by backpressure in the journal's life
 * @param lastGapOrStart     sequence number of the most recent GAP, RESUME or GENESIS record
 * @param events             event records so far
 * @param sealed             whether the journal ends with a seal and its checkpoint
 */
public record ResumePoint(
        long nextSequence,
        byte[] lastLeafHash,
        CompactRange tree,
        String origin,
        VerifyingKey currentKey,
        VerifyingKey pendingKey,
        long lastCheckpoint,
        long lastTimestamp,
        long droppedTotal,
        long lastGapOrStart,
        long events,
        boolean sealed) {

    /** Records after the last checkpoint, which no signature covers yet. */
    public long uncoveredRecords() {
        return nextSequence - lastCheckpoint - 1;
    }
}
