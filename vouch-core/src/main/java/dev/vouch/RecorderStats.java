package dev.vouch;

/**
 * Counters of a recorder, all monotonic except {@code activeTasks} and {@code ringRemaining}.
 *
 * @param accepted      events taken into the ring (each used a pre-allocated slot: a pool hit)
 * @param journaled     events written to the journal
 * @param sealed        events covered by a signed checkpoint
 * @param dropped       events refused because the ring was full (DROP and FAIL modes)
 * @param gapsRecorded  dropped events already written into the chain as gap records
 * @param poolMisses    journaled events whose pre-allocated slot buffer was too small and had to grow once
 * @param ringFull      times a caller found the ring full (and then dropped, was refused, or waited, by mode)
 * @param checkpoints   signed checkpoints written
 * @param records       records of every type written (events, checkpoints, gaps, ...)
 * @param activeTasks   tasks started and not yet ended
 * @param ringRemaining free slots in the ring right now
 * @param ringCapacity  slots in the ring
 * @param appendLatencyNanosTotal sum over journaled events of (time journaled - time accepted)
 * @param appendLatencyNanosMax   the largest such latency so far
 * @param lost          events accepted but never journaled because the ledger failed or closed under them
 */
public record RecorderStats(
        long accepted,
        long journaled,
        long sealed,
        long dropped,
        long gapsRecorded,
        long poolMisses,
        long ringFull,
        long checkpoints,
        long records,
        long activeTasks,
        long ringRemaining,
        long ringCapacity,
        long appendLatencyNanosTotal,
        long appendLatencyNanosMax,
        long lost) {
}
