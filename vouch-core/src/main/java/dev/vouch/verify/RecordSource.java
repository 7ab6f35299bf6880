package dev.vouch.verify;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where the verifier reads records from, in journal order. The ledger module provides one over a Chronicle
 * journal opened read-only; an export file or an in-memory list can be one too. Implementations must never
 * write to the journal.
 */
public interface RecordSource extends Closeable {
    /**
     * Copies the next record's bytes into {@code into}.
     *
     * @return {@code false} at the end of the journal
     * @throws StorageDamageException if the storage is damaged here; the source has then moved past the damage,
     *     and the next call goes on with what follows it
     */
    boolean next(RecordBuffer into) throws IOException;

    /** Where the last record returned came from, for messages (a file and index), or an empty string. */
    default String position() {
        return "";
    }

    /**
     * Where the last record returned came from, as a number that {@link #position(long)} turns into the text of
     * {@link #position()} later: a verifier reading ahead on another thread keeps one per record instead of a
     * string. -1 if the source has no such numbers.
     */
    default long positionToken() {
        return -1;
    }

    /** The text of a {@link #positionToken()}; "" for -1 or a source without tokens. */
    default String position(long token) {
        return "";
    }

    /**
     * {@code readers} readers that share the reading of this source by {@linkplain StripeReader stripes}, the
     * first reading stripe 0; null if the source cannot be read that way (then one thread reads it and hands its
     * records on). The readers are closed by their callers, before this source.
     */
    default StripeReader[] stripes(int readers) throws IOException {
        return null;
    }

    /** An estimate of the records in the source, for progress bars; -1 if unknown. */
    default long estimatedRecords() {
        return -1;
    }
}
