package dev.vouch.verify;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The parallel half of a verification whose source reads by {@linkplain StripeReader stripes}: each helper thread
 * reads its own stripes into batches, hashes and summarizes their chunks ({@link ReadAhead.Batch#hashChunk}) while
 * the records are still in its core's cache, and hands the batches on in order; the verifying thread reads and
 * hashes the stripes of reader 0 itself, and takes the others' batches in stripe order. A batch is handed on before
 * it is hashed, so a verifying thread that runs ahead claims its chunks from the front and hashes them itself
 * ({@link ChunkClaims}) instead of waiting. Each helper circulates a fixed number of batches, so memory stays flat.
 */
final class StripedReadAhead implements AutoCloseable {
    /**
     * Batches per helper: 2,048 records, some six stripes of 128 KiB, so that a helper reads on while the verifying
     * thread is in its own stripes (with 4, a helper waited for batches to come back).
     */
    private static final int BATCHES_PER_HELPER = 16;

    /** One helper thread's reader and batches. */
    private final class Lane {
        final StripeReader reader;
        final BlockingQueue<ReadAhead.Batch> free = new ArrayBlockingQueue<>(BATCHES_PER_HELPER);
        // One more than the batches: room for a batch made to carry an error, whatever else is queued.
        final BlockingQueue<ReadAhead.Batch> ready = new ArrayBlockingQueue<>(BATCHES_PER_HELPER + 1);
        final Thread thread;

        Lane(StripeReader reader, int n) {
            this.reader = reader;
            for (int i = 0; i < BATCHES_PER_HELPER; i++) {
                free.add(new ReadAhead.Batch());
            }
            thread = new Thread(this::read, "vouch-verify-stripe-" + n);
            thread.setDaemon(true);
        }

        private void read() {
            ReadAhead.Helper helper = new ReadAhead.Helper();
            try {
                boolean more = reader.nextStripe();
                while (!closed) {
                    ReadAhead.Batch b = free.take();
                    b.count = 0;
                    b.error = null;
                    b.stripeEnd = false;
                    b.last = !more;
                    b.stripe = reader.stripe();
                    // A stripe begins at any sequence number; its first batch ends where the next one's begins on a
                    // chunk boundary, so that only the stripe's first and last chunks can be short (a short chunk is
                    // verified record by record). Filled to the brim, every batch of the stripe would begin as far
                    // off a boundary as its first, and a short chunk at each end of each batch cost the verifying
                    // thread about an eighth of the helper's records.
                    int room = ReadAhead.RECORDS_PER_BATCH;
                    while (more && b.count < room) {
                        int i = b.count;
                        b.damage[i] = null;
                        try {
                            if (!reader.nextInStripe(b.records[i])) {
                                b.stripeEnd = true;
                                break;
                            }
                            b.tokens[i] = reader.positionToken();
                            if (i == 0) {
                                room -= ReadAhead.Batch.chunkOffset(b.records[0]);
                            }
                        } catch (StorageDamageException e) {
                            b.damage[i] = e; // it ends the stripe: the next call says so
                        } catch (IOException e) {
                            b.error = e;
                            b.last = true;
                            break;
                        }
                        b.count++;
                    }
                    b.alignChunks();
                    b.claims.open(b.chunks());
                    ready.put(b);
                    for (int c = b.claims.claimBack(); c >= 0; c = b.claims.claimBack()) {
                        b.hashChunk(c, helper);
                    }
                    if (b.last) {
                        return;
                    }
                    if (b.stripeEnd) {
                        more = reader.nextStripe();
                    }
                }
            } catch (InterruptedException e) {
                // closed
            } catch (IOException | RuntimeException | Error e) {
                ready.offer(ReadAhead.failed(e));
            }
        }
    }

    private final Lane[] lanes;
    private volatile boolean closed;

    /** Reads {@code readers[1..]} on helper threads; {@code readers[0]} is the verifying thread's own. */
    StripedReadAhead(StripeReader[] readers) {
        lanes = new Lane[readers.length];
        for (int i = 1; i < readers.length; i++) {
            lanes[i] = new Lane(readers[i], i);
        }
        for (int i = 1; i < readers.length; i++) {
            lanes[i].thread.start();
        }
    }

    /** The next batch of reader {@code reader}'s stripes, in order. */
    ReadAhead.Batch next(int reader) throws InterruptedException {
        return ReadAhead.take(lanes[reader].ready);
    }

    /** Gives a batch of reader {@code reader} back once every chunk of it is done with. */
    void release(int reader, ReadAhead.Batch b) {
        lanes[reader].free.offer(b); // a batch made for an error (ReadAhead.failed) is not the lane's: dropped if no room
    }

    @Override
    public void close() {
        closed = true;
        for (int i = 1; i < lanes.length; i++) {
            lanes[i].thread.interrupt();
        }
        for (int i = 1; i < lanes.length; i++) {
            try {
                lanes[i].thread.join(10_000); // the caller closes the readers next: the helper must be done with them
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
