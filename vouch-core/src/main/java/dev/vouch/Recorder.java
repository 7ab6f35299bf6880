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
     * Write-ahead recording that returns once the event has reached {@code durability}. An interrupt does not end the
     * wait: the event is already in the ring and will be journaled, so returning early would hand the caller no
     * sequence number for a record that exists. The thread's interrupt status is kept, for the caller to act on
     * once this returns.
     *
     * @return the event's sequence number in the journal
     * @throws NullPointerException if {@code durability} is null
     * @throws LedgerClosedException if the ledger stops before the event reaches that state
     */
    long recordDurably(Event event, Durability durability);

    /**
     * Write-ahead recording of a group of events that belong together (a guarded call and its policy decision):
     * they get consecutive sequence numbers with no other record between them, reach the journal in one go, and
     * the caller waits once, for all of them to reach {@code durability}. An event may name an earlier member of
     * the group as its parent with {@link Event#parentInGroup(int)}. Every event is checked before any is
     * accepted, so either the whole group is recorded or none of it.
     *
     * @return the sequence number of {@code group[0]}; {@code group[i]} has that number plus {@code i}
     * @throws IllegalArgumentException if the group is empty, larger than the ring, or an event names a group
     *         member that is not before it
     */
    long recordDurably(Event[] group, Durability durability);

    /**
     * As {@link #recordDurably(Event, Durability)}, but never refused by backpressure: when the ring is full it waits
     * for space whatever the mode, {@code FAIL} included. For a write-ahead record of something that has already
     * happened (a tool's outcome, a task's end), which refusing would only lose: an outside trial's gateway on a
     * {@code FAIL} ledger refused the reports of tools that had run, and their outcomes were never recorded. A recorder
     * without backpressure modes may leave this as it is.
     *
     * @return the event's sequence number in the journal
     * @throws LedgerClosedException if the ledger stops before the event reaches that state
     */
    default long recordDurablyWithoutDropping(Event event, Durability durability) {
        return recordDurably(event, durability);
    }

    /**
     * Accepts an event without waiting for it to reach the journal, like {@link #record}, but never drops it:
     * when the ring is full it waits for space whatever the backpressure mode. For records of work that has
     * already happened (a tool's outcome), which refusing would only lose.
     */
    void recordWithoutDropping(Event event);

    /** A consistent-enough snapshot of the counters (each counter is read once; they are not read atomically together). */
    RecorderStats stats();

    /**
     * Drains the ring, writes a seal record and a final signed checkpoint, and closes the journal. Idempotent.
     * Failures during close are thrown after every resource has been closed, later ones as suppressed exceptions.
     */
    @Override
    void close();
}
