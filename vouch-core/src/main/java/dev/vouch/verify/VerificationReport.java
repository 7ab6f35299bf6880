package dev.vouch.verify;

import dev.vouch.crypto.VerifyingKey;
import java.util.List;

/**
 * What a verification found. Memory stays constant whatever the journal's size: only the first
 * {@link JournalVerifier#MAX_FAILURES_KEPT} failures are kept ({@link #failureCount()} counts them all).
 *
 * @param verdict          the conclusion
 * @param verdictReason    one sentence saying why
 * @param records          records read
 * @param events           agent event records
 * @param checkpoints      checkpoint records (whether valid or not)
 * @param keys             the trusted key and every key rotated to, in order
 * @param gaps             gap records
 * @param droppedTotal     events dropped by backpressure, as the gap records account them
 * @param recoveries       recovery records (crashes survived)
 * @param firstTimestamp   nanoseconds since the epoch of the first record, or 0
 * @param lastTimestamp    nanoseconds since the epoch of the last record, or 0
 * @param origin           the journal's origin line, or null if no genesis was read
 * @param lastCheckpointNote the last validly signed checkpoint note, or null
 * @param uncoveredRecords records after the last valid checkpoint
 * @param sealed           whether the journal ends with a seal record covered by a valid checkpoint
 * @param savedCheckpointMatched null if no saved checkpoint was given, else whether the journal extends it
 * @param failures         the first failures found
 * @param failureCount     all failures found
 * @param storageDamage    how many of them are damaged storage (a file cut short, an overwritten document header)
 *                         rather than records that fail a check: the storage, not the records, is the problem
 * @param resumePoint      the state to continue writing from (meaningful only if there were no failures)
 */
public record VerificationReport(
        Verdict verdict,
        String verdictReason,
        long records,
        long events,
        long checkpoints,
        List<VerifyingKey> keys,
        long gaps,
        long droppedTotal,
        long recoveries,
        long firstTimestamp,
        long lastTimestamp,
        String origin,
        String lastCheckpointNote,
        long uncoveredRecords,
        boolean sealed,
        Boolean savedCheckpointMatched,
        List<Failure> failures,
        long failureCount,
        long storageDamage,
        ResumePoint resumePoint) {
}
