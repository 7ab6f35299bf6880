package dev.vouch;

import java.nio.file.Path;

/** An existing journal failed verification on open; Vouch refuses to append to it. */
public final class JournalCorruptException extends VouchException {
    private static final long serialVersionUID = 1L;
    private final transient Path journal;
    private final long sequence;

    public JournalCorruptException(Path journal, long sequence, String message) {
        super(journal + ": " + message);
        this.journal = journal;
        this.sequence = sequence;
    }

    /** The journal directory. */
    public Path journal() {
        return journal;
    }

    /** The sequence number of the first failure, or -1 if none applies. */
    public long sequence() {
        return sequence;
    }
}
