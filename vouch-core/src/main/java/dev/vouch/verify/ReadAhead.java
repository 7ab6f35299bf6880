package dev.vouch.verify;

import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.Rfc6962;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The parallel half of a verification: a reader thread reads records from the source in batches while the verifying
 * thread checks the chain, the tree and the signatures in journal order. The work is shared out in chunks of
 * {@value #CHUNK} records: the verifying thread claims a batch's chunks from the front as it reaches them, and the
 * helpers (the reader, when it has read as far ahead as it may; given more threads, hasher threads) claim them from
 * the back. Whoever is idle works, so the split follows the machine instead of a fixed share. A helper's chunk comes
 * back with its leaf hashes and, for a plain run of event records (the usual chunk), a summary and the root of its
 * subtree, so that the verifying thread's share of such a chunk is a few comparisons and one node hash instead of
 * sixteen records' parsing and tree updates; everything that depends on the records before a chunk stays on the
 * verifying thread. A fixed number of batches circulates, so memory stays flat however long the journal is.
 */
final class ReadAhead implements AutoCloseable {
    /**
     * Small enough that the batches in flight stay in a core's cache (records are hashed on one core and checked on
     * the other); 512 records in 8 batches measured no faster.
     */
    static final int RECORDS_PER_BATCH = 128;
    /**
     * Records per claim: small enough that the verifying thread rarely waits for a helper's chunk (a few µs); a batch
     * has at most {@link ChunkClaims#MAX_CHUNKS}.
     */
    static final int CHUNK = 16;
    /** The height of a chunk's perfect subtree: {@code 2^CHUNK_HEIGHT == CHUNK}. */
    static final int CHUNK_HEIGHT = Integer.numberOfTrailingZeros(CHUNK);
    /** A batch's chunks: one more than fit, for a batch whose first chunk is short ({@link Batch#chunkOffset}). */
    private static final int CHUNKS = RECORDS_PER_BATCH / CHUNK + 1;

    /** Records read together, and what the helpers computed for them: leaf hashes and chunk summaries. */
    static final class Batch {
        final RecordBuffer[] records = new RecordBuffer[RECORDS_PER_BATCH];
        final byte[] leaves = new byte[RECORDS_PER_BATCH * Rfc6962.HASH_SIZE];
        final long[] tokens = new long[RECORDS_PER_BATCH];
        /** Non-null where the source reported damage instead of a record. */
        final StorageDamageException[] damage = new StorageDamageException[RECORDS_PER_BATCH];
        int count;
        /**
         * Records missing from the front of the first chunk, so that chunks begin where the tree's size is a
         * multiple of {@value #CHUNK} and a plain chunk's subtree is a node of the tree ({@link #alignChunks}); 0
         * for a batch read from the journal's start.
         */
        int chunkOffset;
        boolean last;
        /** Read by stripes ({@link StripedReadAhead}): the stripe the records are from, and whether they end it. */
        long stripe;
        boolean stripeEnd;
        IOException error;
        /** Who hashes which chunk: the verifying thread from the front, helpers from the back. */
        final ChunkClaims claims = new ChunkClaims();
        /** Per chunk a helper hashed: whether it is a {@linkplain #summarize plain run}, and if so its summary. */
        final boolean[] plain = new boolean[CHUNKS];
        final long[] firstSequence = new long[CHUNKS];
        final long[] firstTimestamp = new long[CHUNKS];
        final long[] lastTimestamp = new long[CHUNKS];
        /** The types of a plain chunk's last two records, at {@code 2c} and {@code 2c + 1}. */
        final RecordType[] lastTypes = new RecordType[2 * CHUNKS];
        /** The root of a plain chunk's {@value #CHUNK} leaves, a perfect subtree. */
        final byte[] subtreeRoots = new byte[CHUNKS * Rfc6962.HASH_SIZE];

        Batch() {
            for (int i = 0; i < RECORDS_PER_BATCH; i++) {
                records[i] = new RecordBuffer(512);
            }
        }

        int chunks() {
            return count == 0 ? 0 : (count + chunkOffset + CHUNK - 1) / CHUNK;
        }

        /** Where chunk {@code c} begins in the batch. */
        int chunkStart(int c) {
            return Math.max(0, c * CHUNK - chunkOffset);
        }

        /** Where chunk {@code c} ends in the batch. */
        int chunkEnd(int c) {
            return Math.min(count, (c + 1) * CHUNK - chunkOffset);
        }

        /**
         * Lets chunks begin where the first record's sequence number is a multiple of {@value #CHUNK}: in a journal
         * whose sequence numbers are its tree positions (as a writer leaves it), that makes a plain chunk's subtree
         * a node of the tree wherever the batch begins. Anything else only makes plain chunks rarer: the verifying
         * thread uses a summary only where the tree's size is aligned.
         */
        void alignChunks() {
            chunkOffset = count > 0 && damage[0] == null ? chunkOffset(records[0]) : 0;
        }

        /** How far a chunk beginning with {@code first} begins past a multiple of {@value #CHUNK} records. */
        static int chunkOffset(RecordBuffer first) {
            return first.length() < RecordDescriptor.HEADER_LENGTH ? 0
                    : (int) (BigEndian.getLong(first.data(), RecordDescriptor.SEQUENCE_OFFSET) & (CHUNK - 1));
        }

        /** A helper hashes the chunk it claimed, summarizes it and publishes both. */
        void hashChunk(int c, Helper h) {
            int start = chunkStart(c);
            int end = chunkEnd(c);
            for (int i = start; i < end; i++) {
                if (damage[i] == null) {
                    RecordBuffer r = records[i];
                    Rfc6962.leafHash(h.sha256, h.leafScratch, r.data(), 0, r.length(), leaves, i * Rfc6962.HASH_SIZE);
                }
            }
            plain[c] = summarize(c, h);
            claims.published(c);
        }

        /**
         * Whether chunk {@code c} is a plain run: {@value #CHUNK} well-formed event records, no damage between them,
         * sequence numbers consecutive, each one's prev link the leaf hash of the one before. For such a chunk the
         * verifying thread's per-record work reduces to facts about its ends (first sequence and prev link,
         * timestamps, last types) and one subtree root, all of which this records; it checks everything that depends
         * on the records before the chunk itself. Anything else in a chunk (a checkpoint, a failure) makes it not
         * plain, and the verifying thread checks its records one by one.
         */
        private boolean summarize(int c, Helper h) {
            int start = chunkStart(c);
            if (chunkEnd(c) - start < CHUNK) {
                return false;
            }
            RecordView view = h.view;
            for (int i = start; i < start + CHUNK; i++) {
                if (damage[i] != null) {
                    return false;
                }
                RecordBuffer r = records[i];
                try {
                    view.wrap(r.data(), r.length());
                } catch (RuntimeException e) {
                    // FormatException, or anything else a hostile record could provoke: the verifying thread parses it
                    // again and reports it as on one thread. A helper that died here would leave its chunk unpublished.
                    return false;
                }
                if (!view.type().isEvent()) {
                    return false;
                }
                if (i == start) {
                    firstSequence[c] = view.sequence();
                    firstTimestamp[c] = view.timestamp();
                } else {
                    if (view.sequence() != firstSequence[c] + (i - start)
                            || !view.prevEquals(leaves, (i - 1) * Rfc6962.HASH_SIZE)) {
                        return false;
                    }
                }
                if (i >= start + CHUNK - 2) {
                    lastTypes[2 * c + i - (start + CHUNK - 2)] = view.type();
                }
            }
            lastTimestamp[c] = view.timestamp();
            CompactRange subtree = h.subtree;
            subtree.clear();
            for (int i = start; i < start + CHUNK; i++) {
                subtree.append(leaves, i * Rfc6962.HASH_SIZE);
            }
            subtree.root(subtreeRoots, c * Rfc6962.HASH_SIZE);
            return true;
        }
    }

    /** What a helper thread hashes and parses with; one per thread. */
    static final class Helper {
        final MessageDigest sha256 = Rfc6962.newSha256();
        final byte[] leafScratch = new byte[Rfc6962.LEAF_SCRATCH_SIZE];
        final RecordView view = new RecordView();
        final CompactRange subtree = new CompactRange();
    }

    private static final Batch STOP = new Batch();

    private final RecordSource source;
    private final BlockingQueue<Batch> free;
    private final BlockingQueue<Batch> ready;
    private final BlockingQueue<Batch> toHash;
    private final Thread reader;
    private final Thread[] hashers;
    private volatile boolean closed;

    /**
     * @param helpers threads beside the verifying one: with 1, it reads and hashes; with more, one reads and the
     *                others hash (on two cores, a third thread would only take turns with the other two)
     */
    ReadAhead(RecordSource source, int helpers) {
        this.source = source;
        int hasherThreads = helpers - 1;
        int batches = 4 * helpers;
        this.free = new ArrayBlockingQueue<>(batches);
        this.ready = new ArrayBlockingQueue<>(batches + 1); // room for a batch made to carry an error
        this.toHash = new ArrayBlockingQueue<>(batches + hasherThreads);
        for (int i = 0; i < batches; i++) {
            free.add(new Batch());
        }
        reader = new Thread(this::read, "vouch-verify-reader");
        reader.setDaemon(true);
        hashers = new Thread[hasherThreads];
        for (int i = 0; i < hasherThreads; i++) {
            hashers[i] = new Thread(this::hash, "vouch-verify-hasher-" + i);
            hashers[i].setDaemon(true);
        }
        reader.start();
        for (Thread t : hashers) {
            t.start();
        }
    }

    /** The next batch in journal order; its chunks are claimed with {@link ChunkClaims#claimFront}; give it back with {@link #release}. */
    Batch next() throws InterruptedException {
        return take(ready);
    }

    /** The next batch from {@code ready}: a batch is usually microseconds away, so it yields before it parks. */
    static Batch take(BlockingQueue<Batch> ready) throws InterruptedException {
        Batch b = ready.poll();
        for (int i = 0; b == null && i < 100; i++) {
            Thread.yield(); // a park and unpark would cost more
            b = ready.poll();
        }
        return b != null ? b : ready.take();
    }

    /** Called once the verifying thread is done with every chunk of {@code b}, so no helper still touches it. */
    void release(Batch b) {
        free.offer(b); // a batch made for an error (failed) is not one that circulates: dropped if there is no room
    }

    private void read() {
        Helper readerHelper = new Helper();
        // Batches handed on whose chunks the reader may still help hash (with no hasher threads), oldest first.
        ArrayDeque<Batch> unclaimed = new ArrayDeque<>();
        try {
            while (!closed) {
                Batch b = free.poll();
                if (b == null) {
                    // Read as far ahead as allowed: help with the hashing until a batch comes back.
                    if (hashers.length == 0 && helpHash(unclaimed, readerHelper)) {
                        continue;
                    }
                    b = free.take();
                }
                b.count = 0;
                b.last = false;
                b.error = null;
                while (b.count < RECORDS_PER_BATCH) {
                    int i = b.count;
                    b.damage[i] = null;
                    try {
                        if (!source.next(b.records[i])) {
                            b.last = true;
                            break;
                        }
                        b.tokens[i] = source.positionToken();
                    } catch (StorageDamageException e) {
                        b.damage[i] = e; // the source moved past it: go on reading
                    } catch (IOException e) {
                        b.error = e;
                        b.last = true;
                        break;
                    }
                    b.count++;
                }
                b.claims.open(b.chunks());
                ready.put(b);
                if (hashers.length == 0) {
                    unclaimed.addLast(b);
                } else {
                    toHash.put(b);
                }
                if (b.last) {
                    break;
                }
            }
            while (hashers.length == 0 && !closed && helpHash(unclaimed, readerHelper)) {
                // the end of the journal is read: help until every chunk is claimed
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException | Error e) {
            failReading(e);
        } finally {
            for (int i = 0; i < hashers.length; i++) {
                toHash.offer(STOP);
            }
        }
    }

    /** Hashes one chunk of the oldest batch that has one unclaimed; false if none has. */
    private static boolean helpHash(ArrayDeque<Batch> unclaimed, Helper helper) {
        while (!unclaimed.isEmpty()) {
            Batch b = unclaimed.peekFirst();
            int c = b.claims.claimBack();
            if (c >= 0) {
                b.hashChunk(c, helper);
                return true;
            }
            // Every chunk is claimed, so the verifying thread may release it: forget it before it is reused.
            unclaimed.pollFirst();
        }
        return false;
    }

    /** A source that throws unchecked: the verifying thread rethrows it as its own failure. */
    private void failReading(Throwable t) {
        ready.offer(failed(t));
    }

    /**
     * A last batch, of no records, that carries why reading stopped to the verifying thread, which throws it. The
     * ready queues have room for it beside every batch that circulates.
     */
    static Batch failed(Throwable t) {
        Batch b = new Batch();
        b.error = t instanceof IOException io ? io : new IOException("reading the journal failed: "
                + (t.getMessage() != null ? t.getMessage() : t.toString()), t); // a reader's own message, without its class
        b.last = true;
        b.claims.open(0);
        return b;
    }

    private void hash() {
        Helper helper = new Helper();
        try {
            while (true) {
                Batch b = toHash.take();
                if (b == STOP) {
                    return;
                }
                for (int c = b.claims.claimBack(); c >= 0; c = b.claims.claimBack()) {
                    b.hashChunk(c, helper);
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        for (Thread t : hashers) {
            t.interrupt();
        }
        try {
            reader.join(10_000); // the caller closes the source next: the reader must be done with it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
