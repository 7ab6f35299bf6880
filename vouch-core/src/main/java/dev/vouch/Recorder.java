package dev.vouch;


/**
 * Records an agent's events into a tamper-evident journal. This is what agent code programs against; only
 * start-up code knows which implementation (usually {@code dev.vouch.ledger.Ledger}) stands behind it.
 *
 * <p>All methods are thread-safe. An event passes three states: <em>accepted</em> (in the ring, lost if the
 * JVM dies), <em>journaled</em> (in the memory-mapped journal, survives a JVM crash) and <em>sealed</em>
 * (covered by a signed checkpoint, tamper-evident). {@link #record} returns once accepted; {@link #recordDurably}
 * once journaled, sealed or (for {@link Durability#SYNCED}) sealed and flushed to the storage device.
 */
public interface Recorder extends AutoCloseable {

    /**
     * Accepts an event without waiting for it to reach the journal. The event is copied before returning.
     *
     * @return {@code true} if accepted; {@code false} if dropped because the ring is full and the mode is
     *         backpressure mode {@code DROP} (the drop is counted and later written into the chain as a gap)
     * @throws LedgerFullException if the ring is full and the mode is {@code FAIL}
     * @throws EventTooLargeException if the encoded event exceeds the configured maximum size
     * @throws LedgerClosedException if the recorder is closed or has stopped after a fatal failure
     */
    boolean record(Event event);

    /**
     * Write-ahead recording: returns only once the event is {@link Durability#JOURNALED}. Waits for ring space
     * whatever the backpressure mode, except that {@code FAIL} throws when the ring is full.
     *
     * @return the event's sequence number in the journal
     */
    default long recordDurably(Event event) {
        return recordDurably(event, Durability.JOURNALED);
    }

    /**
     * Write-ahead recording that returns once the event has reached {@code durability}.
     *
     * @return the event's sequence number in the journal
     * @throws LedgerClosedException if the ledger stops before the event reaches that state
     */
    long recordDurably(Event event, Durability durability);

    /** A consistent-enough snapshot of the counters (each counter is read once; they are not read atomically together). */
    RecorderStats stats();

    /**
     * Drains the ring, writes a seal record and a final signed checkpoint, and closes the journal. Idempotent.
     * Failures during close are thrown after every resource has been closed, later ones as suppressed exceptions.
     */
    @Override
    void close();
}
