package dev.vouch.verify;

import java.io.Closeable;
import java.io.IOException;

/**
 * One of several readers that share the reading of a journal by stripes, so that each verifying thread hashes
 * records it read itself (moving records read on one core to another to be hashed cost a parallel verification a
 * third of its second core). Every reader walks the same sequence of stripes, runs of consecutive records in journal
 * order, and reads those of its turn ({@code stripe % readers == index}), passing over the others without reading
 * their records. Stripe after stripe, the readers together yield what the source's {@link RecordSource#next} would,
 * damage included, each piece exactly once. Each reader is used by one thread.
 */
public interface StripeReader extends Closeable {
    /**
     * Moves to this reader's next stripe, passing over the stripes of the other readers before it.
     *
     * @return false at the end of the journal
     */
    boolean nextStripe() throws IOException;

    /**
     * Copies the current stripe's next record into {@code into}, as {@link RecordSource#next} does.
     *
     * @return false at the end of the stripe
     * @throws StorageDamageException if the storage is damaged here; this ends the stripe
     */
    boolean nextInStripe(RecordBuffer into) throws IOException;

    /** Where the last record returned came from, as {@link RecordSource#positionToken()} of the source. */
    long positionToken();

    /** The number of the stripe this reader is in, counting every reader's stripes from 0. */
    long stripe();
}
