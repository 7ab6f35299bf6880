package dev.vouch.ledger.internal;

import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.StorageDamageException;
import dev.vouch.verify.StripeReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a journal's records in order straight from its cycle files ({@link CycleFiles}, {@link CycleFileReader}):
 * never through Chronicle, so reading maps nothing, locks nothing, writes nothing and logs nothing, and a damaged
 * file becomes a {@link StorageDamageException} naming the file and offset, after which reading goes on with the
 * next file. Chronicle's table store ({@code metadata.cq4t}) is not read at all. Not thread-safe.
 */
public final class StorageRecordSource implements RecordSource {
    /** Records per day a cycle file can index: {@code L} files (LARGE_DAILY) and {@code F} files (FAST_DAILY). */
    private static final int LARGE_DAILY_BITS = 37;
    private static final int FAST_DAILY_BITS = 32;

    /** Records read at the start of the journal to learn how many a document holds, for {@link #estimatedRecords}. */
    static final int ESTIMATE_SAMPLE = 1 << 16;

    private final CycleFiles.Listing listing;
    private final List<Path> cycles;
    private final List<Path> strays;
    private int nextFile;
    private CycleFileReader current;
    /** Where the last record came from, kept as numbers: building the text per record cost 4 % of verifying. */
    private int lastFile = -1;
    private long lastDocument = -1;
    private int lastInDocument;
    /** The text of a damaged place, or of the start of a file, when that is the last position. */
    private String lastPositionText = "";

    private StorageRecordSource(CycleFiles.Listing listing) throws IOException {
        this.listing = listing;
        this.cycles = withoutUnfinishedLast(listing.cycles());
        this.strays = listing.strays();
    }

    /**
     * {@code cycles} without a last one (of several) that never held a record: a writer killed while Chronicle
     * created the next day's file leaves one whose header was never completed, which is what a crash leaves, not
     * damage (an outside trial's journal read as UNREADABLE, "not what a crashed writer leaves"). Nothing in it was
     * ever acknowledged; the next writer sets it aside and records that.
     */
    private static List<Path> withoutUnfinishedLast(List<Path> cycles) throws IOException {
        if (cycles.size() < 2 || !CycleFileReader.neverWritten(cycles.get(cycles.size() - 1))) {
            return cycles;
        }
        return cycles.subList(0, cycles.size() - 1);
    }

    /**
     * Opens {@code directory} for reading.
     *
     * @throws IOException if it is missing, not a directory, or holds no journal files
     */
    public static StorageRecordSource open(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such journal directory");
        }
        if (!Files.isDirectory(directory)) {
            throw new NotDirectoryException(directory.toString());
        }
        CycleFiles.Listing listing = CycleFiles.list(directory);
        if (listing.cycles().isEmpty()) {
            throw new NoSuchFileException(directory.toString(), null, listing.strays().isEmpty()
                    ? "not a Vouch journal: no .cq4 files"
                    : "not a Vouch journal: no journal cycle files (yyyyMMddL.cq4), only " + names(listing.strays()));
        }
        return new StorageRecordSource(listing);
    }

    /**
     * Opens {@code directory} to read from the record {@code inDocument} bytes into the document at {@code offset}
     * of its cycle file {@code file} on (as {@link JournalTail} finds them), then the later cycle files.
     */
    static StorageRecordSource openFrom(Path directory, Path file, long offset, int inDocument) throws IOException {
        StorageRecordSource source = open(directory);
        int at = source.cycles.indexOf(file);
        if (at < 0) {
            throw new NoSuchFileException(file.toString(), null, "not a cycle file of " + directory);
        }
        source.nextFile = at + 1;
        source.current = CycleFileReader.open(file);
        source.current.seekRecord(offset, inDocument);
        return source;
    }

    @Override
    public boolean next(RecordBuffer into) throws IOException {
        while (true) {
            if (current == null) {
                if (nextFile >= cycles.size()) {
                    return false;
                }
                Path file = cycles.get(nextFile++);
                lastPositionText = file.getFileName() + " offset 0";
                lastFile = -1;
                current = CycleFileReader.open(file); // a damaged header throws here, and the next call moves on
            }
            try {
                if (current.next(into)) {
                    lastFile = nextFile - 1;
                    lastDocument = current.lastRecordOffset();
                    lastInDocument = current.lastRecordInDocument();
                    return true;
                }
            } catch (StorageDamageException e) {
                lastPositionText = e.position();
                lastFile = -1;
                closeCurrent();
                throw e;
            }
            closeCurrent();
        }
    }

    private void closeCurrent() throws IOException {
        CycleFileReader r = current;
        current = null;
        r.close();
    }

    /** {@code .cq4} files in the directory that are not cycle files: not part of the journal, and not read. */
    public List<Path> strays() {
        return strays;
    }

    /** The cycle files, in the order they are read. */
    public List<Path> cycleFiles() {
        return cycles;
    }

    @Override
    public String position() {
        return lastFile < 0 ? lastPositionText : position(lastFile, lastDocument, lastInDocument);
    }

    /** 10 bits of file, 38 of document offset (256 GiB), 16 of offset in the document; -1 beyond those. */
    @Override
    public long positionToken() {
        return token(lastFile, lastDocument, lastInDocument);
    }

    static long token(int file, long document, int inDocument) {
        if (file < 0 || file >= (1 << 10) || document >= (1L << 38) || inDocument >= (1 << 16)) {
            return -1;
        }
        return (long) file << 54 | document << 16 | inDocument;
    }

    /** Readers that share this journal by stripes of its cycle files ({@link StorageStripe}), from its first record. */
    @Override
    public StripeReader[] stripes(int readers) {
        return stripes(readers, StorageStripe.STRIPE_BYTES);
    }

    /** As {@link #stripes(int)}, with stripes of {@code stripeBytes}: tests make them short. */
    StripeReader[] stripes(int readers, int stripeBytes) {
        if (current != null || nextFile > 0) {
            return null; // opened at a record, or already read from: stripes start at the first record
        }
        StorageStripe.Openings openings = new StorageStripe.Openings(cycles);
        StripeReader[] out = new StripeReader[readers];
        for (int i = 0; i < readers; i++) {
            out[i] = new StorageStripe(openings, i, readers, stripeBytes);
        }
        return out;
    }

    @Override
    public String position(long token) {
        if (token < 0) {
            return "";
        }
        return position((int) (token >>> 54), (token >>> 16) & ((1L << 38) - 1), (int) (token & 0xFFFF));
    }

    private String position(int file, long document, int inDocument) {
        return cycles.get(file).getFileName() + " offset " + document + (inDocument > 0 ? "+" + inDocument : "");
    }

    /** Chronicle's own count of documents written, from each file's header: an estimate for progress bars. */
    @Override
    public long estimatedRecords() {
        long documents = 0;
        for (Path f : cycles) {
            String name = f.getFileName().toString();
            int bits = name.endsWith("F" + CycleFiles.SUFFIX) ? FAST_DAILY_BITS : LARGE_DAILY_BITS;
            try (CycleFileReader r = CycleFileReader.open(f)) {
                long n = r.documentsRecorded(bits);
                if (n < 0) {
                    return -1;
                }
                documents += n;
            } catch (IOException e) {
                return -1;
            }
        }
        // Chronicle counts documents, and since storage batching a document holds several records: scale by the
        // records per document of the journal's first records (an outside auditor's progress bar read "100 %
        // 262,144 / 1,000 records" from its first update, the 1,000 being documents).
        double perDocument = recordsPerDocument();
        return perDocument <= 0 ? -1 : Math.max(documents, Math.round(documents * perDocument));
    }

    /** Records per document among the first {@link #ESTIMATE_SAMPLE} records; -1 if they cannot be read. */
    private double recordsPerDocument() {
        try (StorageRecordSource sample = new StorageRecordSource(listing)) {
            RecordBuffer buffer = new RecordBuffer(4096);
            long records = 0;
            long documents = 0;
            int file = -1;
            long document = -1;
            while (records < ESTIMATE_SAMPLE && sample.next(buffer)) {
                records++;
                if (sample.lastFile != file || sample.lastDocument != document) {
                    documents++;
                    file = sample.lastFile;
                    document = sample.lastDocument;
                }
            }
            return documents == 0 ? -1 : (double) records / documents;
        } catch (IOException | RuntimeException e) {
            return -1; // damage: the verification that follows reports it
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            closeCurrent();
        }
    }

    private static String names(List<Path> files) {
        StringBuilder b = new StringBuilder();
        for (Path f : files) {
            b.append(b.length() == 0 ? "" : ", ").append(f.getFileName());
        }
        return b.toString();
    }
}
