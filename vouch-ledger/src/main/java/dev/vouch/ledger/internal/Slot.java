package dev.vouch.ledger.internal;

/**
 * One pre-allocated ring entry: the event's record bytes, encoded by the producer straight into a buffer
 * that lives as long as the ring. Control slots carry a command for the consumer instead.
 *
 * <p>The chain stage ({@link LedgerWriter}) stamps and hashes the record in place and leaves, in the fields
 * below the line, what the journal stage ({@link JournalStage}) must append and whom it must wake; both reuse
 * the slot, so a slot's trip through the two stages allocates nothing.
 */
final class Slot {
    public static final int EVENT = 0;
    public static final int ROTATE_KEY = 1;
    public static final int CLOSE = 2;
    public static final int CHECKPOINT = 3;

    /** After appending, the journal stage just wakes seal waiters covered by a checkpoint in the trailer. */
    static final int THEN_NOTHING = 0;
    /** ... then completes the slot's waiter with {@link #completeSequence}. */
    static final int THEN_COMPLETE = 1;
    /** ... then syncs, promotes the staged key file and completes the waiter with the new key. */
    static final int THEN_PROMOTE_KEY = 2;
    /** ... then syncs the sealed journal and completes the waiter. */
    static final int THEN_SYNC_AND_COMPLETE = 3;

    /** Grows (rarely) when an event larger than any before in this slot arrives; then it is reused. */
    public byte[] buffer;
    public int length;
    public int command;
    public long acceptedNanoTime;
    /** Set by the producer when the buffer had to grow for this event (a pool miss), read by the consumer. */
    public boolean grew;
    /** This event's place in a group recorded together (Recorder.recordDurably(Event[], ...)); 0 of 1 alone. */
    public int groupIndex;
    public int groupSize = 1;
    /** The write-ahead caller to wake, or null; cleared by the journal stage after use. */
    public Waiter waiter;

    // ----- written by the chain stage, read by the journal stage -----

    /** The event's record is stamped, hashed and must be appended. */
    boolean appendEvent;
    /** Nothing in this slot may reach the journal (the ledger failed or was sealed before it). */
    boolean discard;
    long eventSequence;
    /** Control records (gap, checkpoint, rotation, seal) to append after the event, in order. */
    final ControlRecords trailer = new ControlRecords();
    int checkpointsInTrailer;
    long eventsSealedByTrailer;
    int then;
    long completeSequence;
    Object completeValue;

    public Slot(int capacity) {
        this.buffer = new byte[capacity];
    }

    void clearStageResults() {
        appendEvent = false;
        discard = false;
        trailer.clear();
        checkpointsInTrailer = 0;
        eventsSealedByTrailer = 0;
        then = THEN_NOTHING;
        completeValue = null;
    }
}
