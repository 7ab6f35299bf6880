package dev.vouch.verify;

import java.io.IOException;

/**
 * A {@link RecordSource} found its storage damaged: a file cut short, a document header overwritten, a file that
 * is not journal storage at all. The message names the file and the byte offset.
 *
 * <p>Unlike other I/O errors this is a finding about the journal, not a failure to read it: the verifier records
 * it as a {@link Failure.Kind#MALFORMED} failure and carries on. A source that throws it has already moved past
 * the damage (to the next storage file, or to its end), so calling {@link RecordSource#next} again is safe and
 * always makes progress.
 */
public final class StorageDamageException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String position;

    /**
     * @param position where the damage is, for messages (a file name and byte offset)
     * @param message  what is wrong, naming the file and offset
     */
    public StorageDamageException(String position, String message) {
        super(message);
        this.position = position;
    }

    /** Where the damage is: a file name and byte offset. */
    public String position() {
        return position;
    }
}
