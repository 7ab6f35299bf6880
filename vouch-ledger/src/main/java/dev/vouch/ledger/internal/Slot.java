package dev.vouch.ledger.internal;

import dev.vouch.crypto.VerifyingKey;

/**
 * One pre-allocated ring entry: the event's record bytes, encoded by the producer straight into a buffer
 * that lives as long as the ring. Control slots carry a command for the consumer instead.
 *
 * <p>The chain stage ({@link ChainStage}) stamps and hashes the record in place and leaves, in the fields
 * below the line, what the journal stage ({@link JournalStage}) must append and whom it must wake; both reuse
 * the slot, so a slot's trip through the two stages allocates nothing.
 */
final class Slot {
    /** What the producer asks of the chain stage. */
    enum Command {
        /** Stamp, chain and append the event in {@link #buffer}. */
        EVENT,
        /** Rotate the signing key. */
        ROTATE_KEY,
        /** Seal the journal: the last slot. */
        CLOSE,
        /** Sign a checkpoint now (Ledger.checkpoint(), or the chain stage's own tick while idle). */
        CHECKPOINT,
        /**
         * Nothing to sign: the chain stage's tick after a second idle, whose commit in the journal stage asks the
         * storage whether it still takes writes (StorageWatch).
         */
        CHECK_STORAGE,
        /**
         * Nothing: the producer failed while filling the slot (an OutOfMemoryError growing its buffer). A claimed
         * slot must be published, or the consumer waits at it for ever; published as it was, it would carry an
         * older event's bytes into the journal again.
         */
        VOID
    }

    /** What the journal stage does after appending the slot's records. */
    enum Then {
        /** Nothing more (seal waiters covered by a checkpoint in the trailer are woken in any case). */
        NOTHING,
        /** Complete the slot's waiter with {@link #completeSequence}. */
        COMPLETE,
        /** Sync, promote the staged key file, and complete the waiter with {@link #rotatedKey}. */
        PROMOTE_KEY,
        /** Sync the sealed journal and complete the waiter. */
        SYNC_AND_COMPLETE
    }

    /** Grows (rarely) when an event larger than any before in this slot arrives; then it is reused. */
    public byte[] buffer;
    public int length;
    public Command command = Command.EVENT;
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
    Then then = Then.NOTHING;
    long completeSequence;
    /** The new key of a rotation, for its caller. */
    VerifyingKey rotatedKey;

    // ----- the journal stage's own -----

    /** What {@link #buffer} holds beyond the ring's slot capacity, as the journal stage last counted it. */
    int grown;

    public Slot(int capacity) {
        this.buffer = new byte[capacity];
    }

    void clearStageResults() {
        appendEvent = false;
        discard = false;
        trailer.clear();
        checkpointsInTrailer = 0;
        eventsSealedByTrailer = 0;
        then = Then.NOTHING;
        rotatedKey = null;
    }
}
