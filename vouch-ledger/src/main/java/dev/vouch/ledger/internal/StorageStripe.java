package dev.vouch.ledger.internal;

import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.StorageDamageException;
import dev.vouch.verify.StripeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One reader of a journal's cycle files read by stripes ({@link StorageRecordSource#stripes}). Every reader walks
 * every document header with the same checks, reading the content only of the documents in its own stripes, so all
 * readers agree on where each stripe begins and ends:
 * <ul>
 *   <li>A stripe is a run of whole data documents of one cycle file, ended by the first of: {@link #stripeBytes}
 *       bytes of content, the document the file's header records as the last completed, the end of the file, or
 *       damage (which belongs to the stripe it ends, or is a stripe alone).
 *   <li>What follows that last completed document is one more stripe, possibly empty, which only its own reader
 *       walks, to the end of the file's data. While a writer appends, that is where readers that walked the file at
 *       different moments could see different things; below it Chronicle changes nothing.
 *   <li>Every reader reads a file by the same {@linkplain CycleFileReader.Snapshot snapshot}, taken by the first to
 *       open it ({@link Openings}), so all see the same length and the same header.
 * </ul>
 * Not thread-safe; the {@link Openings} are shared.
 */
final class StorageStripe implements StripeReader {
    /** Long enough that a hand-over between readers is rare (~300 records of 400 bytes), short enough to balance. */
    static final int STRIPE_BYTES = 128 << 10;

    private enum Item { DOCUMENT, DAMAGE, TAIL, END }

    /** The first opening of each cycle file, which every reader of one striped reading reads the file by. */
    static final class Openings {
        private final List<Path> cycles;
        /** Per file: its snapshot, or the damage that stopped its opening; null until first opened. */
        private final Object[] taken;

        Openings(List<Path> cycles) {
            this.cycles = cycles;
            this.taken = new Object[cycles.size()];
        }

        CycleFileReader open(int file) throws IOException {
            Object t;
            synchronized (this) {
                t = taken[file];
                if (t == null) {
                    try {
                        CycleFileReader r = CycleFileReader.open(cycles.get(file));
                        taken[file] = r.snapshot();
                        return r;
                    } catch (StorageDamageException e) {
                        taken[file] = e;
                        throw e;
                    }
                }
            }
            if (t instanceof StorageDamageException e) {
                throw e;
            }
            return CycleFileReader.open(cycles.get(file), (CycleFileReader.Snapshot) t);
        }

        int files() {
            return taken.length;
        }
    }

    private final Openings openings;
    private final int index;
    private final int readers;
    private final int stripeBytes;
    private int nextFile;
    private CycleFileReader current;
    /** Whether the walk is past the current file's last completed document: the file's last stripe. */
    private boolean tail;
    /** The stripe of the last item walked: -1 before the first. */
    private long stripe = -1;
    /** Whether the next item belongs to {@link #stripe} (else it starts the next one). */
    private boolean open;
    private long bytesInStripe;
    /** An item of this reader's current stripe that is walked but not yet returned. */
    private Item pending;
    private StorageDamageException pendingDamage;
    /** An item walked while reading a stripe that turned out to begin a later one: {@link #nextStripe} takes it. */
    private Item carried;
    private int lastFile = -1;
    private long lastDocument = -1;
    private int lastInDocument;

    StorageStripe(Openings openings, int index, int readers, int stripeBytes) {
        this.openings = openings;
        this.index = index;
        this.readers = readers;
        this.stripeBytes = stripeBytes;
    }

    @Override
    public boolean nextStripe() throws IOException {
        pending = null;
        while (true) {
            Item item = carried != null ? carried : walk();
            carried = null;
            if (item == Item.END) {
                return false;
            }
            if (mine(stripe)) {
                pending = item;
                return true;
            }
            // another reader's document, passed over, or its damage, which is its to report
        }
    }

    @Override
    public boolean nextInStripe(RecordBuffer into) throws IOException {
        while (true) {
            if (pending == Item.DOCUMENT) {
                if (current.nextInDocument(into)) {
                    lastFile = nextFile - 1;
                    lastDocument = current.lastRecordOffset();
                    lastInDocument = current.lastRecordInDocument();
                    return true;
                }
            } else if (pending == Item.DAMAGE) {
                pending = null;
                lastFile = -1;
                throw pendingDamage;
            }
            pending = null;
            if (!open) {
                return false;
            }
            long in = stripe;
            Item item = walk();
            if (item == Item.END) {
                return false;
            }
            if (stripe != in) {
                // The stripe ended with its file, or where the file's tail begins: the item is a later stripe's.
                carried = item;
                return false;
            }
            pending = item;
        }
    }

    private boolean mine(long s) {
        return s % readers == index;
    }

    /** Walks to the next item, reading a document's content only if it falls in this reader's stripes. */
    private Item walk() throws IOException {
        while (true) {
            if (current == null) {
                if (nextFile >= openings.files()) {
                    return Item.END;
                }
                tail = false;
                try {
                    current = openings.open(nextFile++);
                } catch (StorageDamageException e) {
                    return damage(e);
                }
                current.striped();
            }
            boolean load = mine(open ? stripe : stripe + 1);
            boolean more;
            try {
                more = current.advanceDocument(load, tail ? Long.MAX_VALUE : current.writePosition());
            } catch (StorageDamageException e) {
                closeCurrent();
                return damage(e);
            }
            if (!more) {
                if (tail || current.ended()) {
                    closeCurrent();
                    open = false; // a stripe ends with its file
                    continue;
                }
                // Past the last completed document: the rest of the file is one stripe, walked only by its reader.
                stripe++;
                tail = true;
                open = true;
                if (!mine(stripe)) {
                    closeCurrent();
                    open = false;
                    continue;
                }
                return Item.TAIL;
            }
            if (!open) {
                stripe++;
                open = true;
                bytesInStripe = 0;
            }
            if (!tail) {
                bytesInStripe += current.documentLength();
                if (bytesInStripe >= stripeBytes || current.lastRecordOffset() == current.writePosition()) {
                    open = false;
                }
            }
            return Item.DOCUMENT;
        }
    }

    private Item damage(StorageDamageException e) {
        if (!open) {
            stripe++;
        }
        open = false;
        pendingDamage = e;
        return Item.DAMAGE;
    }

    private void closeCurrent() throws IOException {
        CycleFileReader r = current;
        current = null;
        r.close();
    }

    @Override
    public long positionToken() {
        return StorageRecordSource.token(lastFile, lastDocument, lastInDocument);
    }

    @Override
    public long stripe() {
        return stripe;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            closeCurrent();
        }
    }
}
