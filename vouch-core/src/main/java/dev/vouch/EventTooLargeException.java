package dev.vouch;

/** An event's encoded size exceeds the configured maximum. Nothing was recorded and no slot was claimed. */
public final class EventTooLargeException extends VouchException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final long limit;

    public EventTooLargeException(long size, long limit) {
        super("event of " + size + " encoded bytes exceeds the limit of " + limit
                + " bytes (raise maxEventSize on the ledger builder, or record a digest of the payload instead)");
        this.size = size;
        this.limit = limit;
    }

    /** The encoded size of the refused event, in bytes. */
    public long size() {
        return size;
    }

    /** The configured maximum, in bytes. */
    public long limit() {
        return limit;
    }
}
