package dev.vouch.ledger.internal;

/**
 * One pre-allocated ring entry: the event's record bytes, encoded by the producer straight into a buffer
 * that lives as long as the ring. Control slots carry a command for the consumer instead.
 */
public final class Slot {
    public static final int EVENT = 0;
    public static final int ROTATE_KEY = 1;
    public static final int CLOSE = 2;
    public static final int CHECKPOINT = 3;

    /** Grows (rarely) when an event larger than any before in this slot arrives; then it is reused. */
    public byte[] buffer;
    public int length;
    public int command;
    public long acceptedNanoTime;
    /** Set by the producer when the buffer had to grow for this event (a pool miss), read by the consumer. */
    public boolean grew;
    /** The write-ahead caller to wake, or null; cleared by the consumer after use. */
    public Waiter waiter;

    public Slot(int capacity) {
        this.buffer = new byte[capacity];
    }
}
