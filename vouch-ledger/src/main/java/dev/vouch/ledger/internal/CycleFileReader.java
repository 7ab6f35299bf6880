package dev.vouch.ledger.internal;

import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.StorageDamageException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reads the documents of one Chronicle Queue cycle file with plain positional reads into a direct buffer: no memory
 * mapping (a file cut short then faults the JVM with SIGBUS), no lock, no write, no Chronicle code. The layout it
 * relies on is the one docs/FORMAT.md ("Storage") describes: a header document at offset 0, then documents on 4-byte
 * boundaries, each a little-endian header word (length in bits 0-29, bit 30 metadata, bit 31 not complete) and its
 * content.
 *
 * <p>Where data ends it checks that nothing was written beyond, so an overwritten header in the middle of a file
 * is reported as damage rather than read as the end of the journal: Chronicle's own header records the position
 * of the last document it completed ({@code writePosition}), which must lie before the end. (A zero header with
 * content behind it is not enough: Chronicle fills in a document's header only after its content, so that is
 * what a writer killed in mid-append leaves.) Not thread-safe.
 */
final class CycleFileReader implements Closeable {
    static final int NOT_COMPLETE = 0x80000000;
    static final int META_DATA = 0x40000000;
    static final int LENGTH_MASK = 0x3FFFFFFF;
    /** The marker Chronicle writes where a cycle's data ends for good (the day rolled over). */
    static final int END_OF_DATA = NOT_COMPLETE | META_DATA;
    /** Chronicle keeps its file header under 64 KiB. */
    static final int MAX_HEADER = 64 << 10;
    /** A new cycle file is at most Chronicle's first block; a larger one held data. */
    private static final long MAX_UNWRITTEN_FILE = 1L << 30;
    /** Chronicle's metadata documents (its indexes) are a few hundred KiB; a larger one is an overwritten header. */
    static final int MAX_METADATA = 4 << 20;
    /** The largest record a ledger writes (64 MiB event limit) with room for control records. */
    static final int MAX_RECORD = (64 << 20) + (1 << 16);
    private static final int WINDOW = 256 << 10;
    /**
     * Windows of closed readers, for the next ones: a direct buffer is freed only once the garbage collector finds
     * it, and a verification opens a reader per file and thread.
     */
    private static final ArrayBlockingQueue<ByteBuffer> SPARE_WINDOWS = new ArrayBlockingQueue<>(8);
    private static final byte[] WRITE_POSITION = fieldName("writePosition");
    private static final byte[] INDEX_TO_INDEX = fieldName("index2Index");
    private static final byte[] HIGHEST_CYCLE = "listing.highestCycle".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int BINARY_INT64 = 0xA7;
    private static final int BINARY_FIELD_NAME_ANY = 0xB9;
    /** An index array Chronicle writes holds at most this many bytes (32,768 entries of 8 bytes and a header). */
    private static final int MAX_INDEX_DOCUMENT = (1 << 20);
    private static final int BINARY_PADDING = 0x8F;
    private static final int BINARY_PADDING32 = 0x8E;
    private static final int BINARY_I64_ARRAY = 0x8D;

    private final Path file;
    private final String name;
    private final FileChannel channel;
    /**
     * The file's length when it was opened: what this reader reads. A live writer grows the file (Chronicle extends
     * a cycle file chunk by chunk); a document that starts within this length may end beyond it, and is read once
     * the file reaches its end, but no document that starts later: a read is a snapshot, and ends.
     */
    private final long size;
    /**
     * The read window, a direct buffer: the kernel copies the file's bytes straight into it, and records are copied
     * once more, out of it to their caller. (A heap array costs a third copy: the JDK reads into a direct buffer of
     * its own and copies from there.) Taken from {@link #SPARE_WINDOWS} when first needed, given back on close.
     */
    private ByteBuffer window;
    private long windowStart;
    private int windowLength;

    /** Position of Chronicle's index of index arrays, from the file header; 0 if none yet, -1 if unknown. */
    private long indexToIndex = -1;
    /** Where the first document after the file header starts. */
    private long firstDocument;
    /** Position of the last document Chronicle completed, from the file header; -1 if unknown. */
    private long writePosition = -1;
    /** Chronicle's index of that document (cycle and number in cycle); -1 if unknown. */
    private long writeIndex = -1;
    /** Where in the file {@link #writePosition}'s value is stored; -1 if unknown. */
    private long writePositionAt = -1;
    private long position;
    /** The document last read by nextDocument, and the one the records returned come from. */
    private long lastDocument = -1;
    private long documentOffset = -1;
    private final RecordBuffer document = new RecordBuffer(4096);
    /**
     * The current document's content: {@code documentBytes[documentStart, documentStart + documentLength)}, or the
     * window's bytes from {@code documentStart} where {@code documentBytes} is null.
     */
    private byte[] documentBytes;
    private int documentStart;
    private int documentLength;
    private int inDocument;
    private int lastRecordInDocument;
    private boolean done;
    /** Reading ended at Chronicle's end-of-cycle marker. */
    private boolean endOfCycle;
    /** Passing over documents ({@link #advanceDocument} without load): headers are read alone, content not at all. */
    private boolean skimming;
    private final byte[] headerWord = new byte[4];
    /** Read by one of several stripe readers ({@link StorageStripe}): reads take only what is asked for. */
    private boolean striped;
    /** {@link #advanceDocument}'s limit while it runs. */
    private long stopBeyond = Long.MAX_VALUE;

    private CycleFileReader(Path file, FileChannel channel, long size) {
        this.file = file;
        this.name = file.getFileName().toString();
        this.channel = channel;
        this.size = size;
    }

    /**
     * Opens {@code file} and reads its header document.
     *
     * @throws StorageDamageException if the file holds no usable header (the reader is closed then)
     */
    static CycleFileReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        CycleFileReader reader = null;
        try {
            reader = new CycleFileReader(file, channel, channel.size());
            reader.readFileHeader();
        } catch (IOException | RuntimeException e) {
            if (reader != null) {
                reader.close(); // gives its window back too
            } else {
                channel.close();
            }
            throw e;
        }
        return reader;
    }

    /**
     * What a reader took from a file when it opened it: its length then, and the fields of its header. A second
     * reader opened {@linkplain #open(Path, Snapshot) with it} reads the file exactly as the first does, even while a
     * writer appends to it, up to the document the header records as the last completed (below that, Chronicle
     * changes nothing).
     */
    record Snapshot(long size, long writePosition, long writeIndex, long indexToIndex, long firstDocument) {
    }

    Snapshot snapshot() {
        return new Snapshot(size, writePosition, writeIndex, indexToIndex, firstDocument);
    }

    /** Opens {@code file} as another reader took it ({@link #snapshot()}), without reading its header again. */
    static CycleFileReader open(Path file, Snapshot taken) throws IOException {
        CycleFileReader reader = new CycleFileReader(file, FileChannel.open(file, StandardOpenOption.READ), taken.size);
        reader.writePosition = taken.writePosition;
        reader.writeIndex = taken.writeIndex;
        reader.indexToIndex = taken.indexToIndex;
        reader.firstDocument = taken.firstDocument;
        reader.position = taken.firstDocument;
        return reader;
    }

    /**
     * Whether {@code file}'s data ends with Chronicle's end-of-cycle marker: its writer went on to a later cycle file
     * (or was about to). False for a damaged file, which reading reports anyway. Reads from the last document the
     * header records, so it costs a few reads however large the file is.
     */
    static boolean endsWithEndOfCycle(Path file) throws IOException {
        try (CycleFileReader r = open(file)) {
            if (r.writePosition > r.position) {
                r.position = r.writePosition; // every document before it is complete
            }
            while (r.advanceDocument(false, Long.MAX_VALUE)) {
                // headers only
            }
            return r.endOfCycle;
        } catch (StorageDamageException damaged) {
            return false;
        }
    }

    /**
     * Whether no record was ever written to {@code file}, as a writer killed while creating it leaves it: empty or
     * all zero bytes, or Chronicle's header (complete or not) with nothing written after it. A file that is merely
     * damaged holds content, and is not such a file.
     */
    static boolean neverWritten(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try (CycleFileReader r = new CycleFileReader(file, channel, channel.size())) {
            if (r.size == 0) {
                return true;
            }
            if (r.size > MAX_UNWRITTEN_FILE) {
                return false;
            }
            int header = r.size < 4 ? 0 : r.intAt(0);
            if (header == 0) {
                return r.zeroFrom(0, r.size);
            }
            if ((header & NOT_COMPLETE) != 0) {
                // A header being written: nothing may follow it but the index skeleton Chronicle writes before it
                // completes the header.
                return r.zeroFrom(r.skeletonEndBehindUnfinishedHeader(), r.size);
            }
            try {
                r.readFileHeader();
                return !r.recordsWritten() && !r.next(new RecordBuffer(256));
            } catch (StorageDamageException e) {
                return false;
            }
        }
    }

    /**
     * Where the index skeleton ends behind a header not completed yet. Chronicle creates a cycle file by writing its
     * header, then the index of index arrays and the first index array (two metadata documents, ~256 KiB each for
     * {@code L} files), and only then completes the header ({@code createIndexThenUpdateHeader}): a writer killed
     * in between leaves them, and no record. The header's {@code index2Index} field says where the first of them
     * starts once it is written; from there only complete metadata documents of at most
     * {@link #MAX_INDEX_DOCUMENT} bytes count, two at most, the second possibly still being written (then its
     * greatest size counts). Without that field, only the space a header can take counts.
     */
    private long skeletonEndBehindUnfinishedHeader() throws IOException {
        long headerEnd = Math.min(size, 4L + MAX_HEADER);
        byte[] body = new byte[(int) (headerEnd - 4)];
        readFully(4, body, 0, body.length);
        long at = readInt64Field(body, INDEX_TO_INDEX);
        if (at < 4 || at > headerEnd || (at & 3) != 0) {
            // Chronicle records where the index of index arrays is only once it is written (SCQIndexing.initIndex);
            // meanwhile the header's writePosition points at it, so that Chronicle itself can find it.
            readWritePosition(body);
            at = writePosition;
            if (at < 4 || at > headerEnd || (at & 3) != 0) {
                return headerEnd;
            }
        }
        for (int documents = 0; documents < 2 && at + 4 <= size; documents++) {
            int header = intAt(at);
            int length = header & LENGTH_MASK;
            if ((header & META_DATA) == 0 || length > MAX_INDEX_DOCUMENT) {
                break;
            }
            if ((header & NOT_COMPLETE) != 0) {
                return Math.min(size, at + 4 + MAX_INDEX_DOCUMENT);
            }
            at = align(at + 4 + length);
        }
        return Math.max(at, headerEnd);
    }

    private void readFileHeader() throws IOException {
        if (size == 0) {
            throw damage(0, "the file is empty (0 bytes): no Chronicle header");
        }
        if (size < 4) {
            throw damage(0, "the file is " + size + " bytes long, too short for a Chronicle header");
        }
        int header = intAt(0);
        if (header == 0) {
            throw damage(0, zeroFrom(0, Math.min(size, 1 << 20)) ? "the file is all zero bytes: no Chronicle header (it was created but"
                    + " never written, or zeroed)" : "no Chronicle header at offset 0, but data follows");
        }
        if ((header & NOT_COMPLETE) != 0) {
            throw damage(0, "its Chronicle header at offset 0 was never completed (the file was being created)");
        }
        int length = header & LENGTH_MASK;
        if ((header & META_DATA) == 0 || length > MAX_HEADER) {
            throw damage(0, "not a Chronicle Queue file: it does not begin with a header document");
        }
        if (4L + length > size) {
            throw damage(0, "the file ends at byte " + size + " inside its own header of " + length
                    + " bytes: it was cut short");
        }
        byte[] body = new byte[length];
        readFully(4, body, 0, length);
        if (!readWritePosition(body)) {
            // Chronicle writes the field when it creates the file. Without it, a header whose length word was
            // changed would send reading into the middle of the header and the file's bytes would be taken for
            // documents (one flipped bit made a journal "not a Vouch journal", and left it out of verify --all).
            throw damage(0, "its Chronicle header at offset 0 (" + length + " bytes) holds no readable writePosition:"
                    + " the header was altered or the file was cut short");
        }
        indexToIndex = readInt64Field(body, INDEX_TO_INDEX);
        position = align(4L + length);
        firstDocument = position;
    }

    /**
     * Copies the next record into {@code into}. A data document holds one or more records back to back (storage
     * framing, docs/FORMAT.md "Storage"): each record's length is its header plus its body length field. Where a
     * document's bytes do not split into whole records (fewer bytes left than a header, or a body length beyond the
     * document's end), the rest of the document is returned as one record, for the verifier to report as malformed
     * at its sequence number: that is damage to a record, not to the file.
     *
     * @return false at the end of this file's data
     * @throws StorageDamageException if the file is damaged here; the reader is then done
     */
    boolean next(RecordBuffer into) throws IOException {
        while (inDocument >= documentLength) {
            if (!nextDocument()) {
                return false;
            }
            inDocument = 0;
            documentOffset = lastDocument;
        }
        return nextInDocument(into);
    }

    /**
     * Moves to the next data document, as {@link #next} does when a document's records are all returned, unless it
     * starts beyond {@code limit}: then it returns false without reading it, and {@link #ended()} tells that from the
     * end of the file's data. With {@code load}, the document's records are then returned by
     * {@link #nextInDocument}; without, only its header is read (with the same checks), in a read of its own, so
     * that a reader passing over documents another thread reads does not copy their bytes.
     *
     * @return false at the end of this file's data, or at {@code limit}
     * @throws StorageDamageException as {@link #next}
     */
    boolean advanceDocument(boolean load, long limit) throws IOException {
        skimming = !load;
        stopBeyond = limit;
        try {
            if (!nextDocument()) {
                return false;
            }
        } finally {
            skimming = false;
            stopBeyond = Long.MAX_VALUE;
        }
        inDocument = load ? 0 : documentLength;
        documentOffset = lastDocument;
        return true;
    }

    /** Whether the file's data is read to its end (or to damage, which ends it). */
    boolean ended() {
        return done;
    }

    /**
     * The offset of the last document Chronicle completed, from the file's header; -1 if unknown. No document up to
     * it changes any more.
     */
    long writePosition() {
        return writePosition;
    }

    /** Where in the file the value of {@link #writePosition()} is stored (a little-endian i64); -1 if unknown. */
    long writePositionAt() {
        return writePositionAt;
    }

    /** Makes reads take only what is asked for, as suits one of several readers reading by stripes. */
    void striped() {
        striped = true;
    }

    /** The content length of the document {@link #advanceDocument} moved to. */
    int documentLength() {
        return documentLength;
    }

    /** Copies the current document's next record into {@code into}, as {@link #next}; false at the document's end. */
    boolean nextInDocument(RecordBuffer into) {
        if (inDocument >= documentLength) {
            return false;
        }
        byte[] d = documentBytes;
        int at = documentStart + inDocument;
        int remaining = documentLength - inDocument;
        int length = remaining;
        if (remaining >= RecordDescriptor.HEADER_LENGTH) {
            int bodyLength = d == null
                    ? Integer.reverseBytes(window.getInt(at + RecordDescriptor.BODY_LENGTH_OFFSET))
                    : BigEndian.getInt(d, at + RecordDescriptor.BODY_LENGTH_OFFSET);
            long declared = RecordDescriptor.HEADER_LENGTH + (bodyLength & 0xFFFFFFFFL);
            if (declared <= remaining) {
                length = (int) declared;
            }
        }
        byte[] dst = into.ensureCapacity(length);
        if (d == null) {
            window.get(at, dst, 0, length);
        } else {
            System.arraycopy(d, at, dst, 0, length);
        }
        into.length(length);
        lastRecordInDocument = inDocument;
        inDocument += length;
        return true;
    }

    /**
     * Makes the next data document's content available as {@link #documentBytes} from {@link #documentStart}: in
     * the read window itself when it lies there (no copy: its records are copied once, straight to the caller),
     * else copied into {@link #document}.
     */
    private boolean nextDocument() throws IOException {
        while (!done && position <= stopBeyond) {
            if (position + 4 > size) {
                done = true;
                if (writePosition >= position) {
                    throw damage(position, "the file ends at byte " + size + " but its header records a document at"
                            + " offset " + writePosition + ": it was cut short");
                }
                return false;
            }
            int header = intAt(position);
            if (header == 0) {
                done = true;
                if (writePosition >= position) {
                    throw damage(position, "no document header at offset " + position + ", but the file's header"
                            + " records a document written at offset " + writePosition
                            + ": a header was overwritten or the file was altered");
                }
                // Chronicle writes a document's content before its header, so content behind a zero header is what a
                // writer killed mid-append leaves; only without the file's own record of its last document can
                // that not be told from an overwritten header, and then content behind it counts as damage.
                if (writePosition < 0 && position + 5 <= size && byteAt(position + 4) != 0) {
                    throw damage(position, "no document header at offset " + position + ", but data follows it and"
                            + " the file's header does not say where its last document is: a header was overwritten");
                }
                return false;
            }
            if (header == END_OF_DATA) {
                done = true;
                endOfCycle = true;
                return false;
            }
            if ((header & NOT_COMPLETE) != 0) {
                // A record being written, or one a writer died writing: nothing beyond it was completed.
                done = true;
                // Chronicle completes a document's header before it records the document's position, so a header
                // the file records as the last one completed cannot be unfinished either.
                if (writePosition >= position) {
                    throw damage(position, "an unfinished document header at offset " + position + ", but the"
                            + " file's header records " + (writePosition == position ? "that document as completed"
                            : "a later document at offset " + writePosition)
                            + ": a header was overwritten or the file was altered");
                }
                return false;
            }
            int length = header & LENGTH_MASK;
            long end = position + 4 + length;
            if (end > size && !reaches(end)) {
                done = true;
                throw damage(position, "the document at offset " + position + " declares " + length
                        + " bytes but the file ends at byte " + size + ": it was cut short");
            }
            if ((header & META_DATA) != 0 && length > MAX_METADATA) {
                done = true;
                throw damage(position, "the metadata document at offset " + position + " declares " + length
                        + " bytes, more than Chronicle's indexes take: a header was overwritten");
            }
            if (position < writePosition && writePosition < end) {
                // Reading must pass through the last document Chronicle completed, not jump over it.
                done = true;
                throw damage(position, "the document at offset " + position + " declares " + length + " bytes,"
                        + " which runs over the file's last document at offset " + writePosition
                        + ": a header was overwritten");
            }
            if ((header & META_DATA) != 0) {
                position = align(end);
                continue;
            }
            if (length > MAX_RECORD) {
                done = true;
                throw damage(position, "the document at offset " + position + " declares " + length
                        + " bytes, more than any record: a header was overwritten");
            }
            long contentAt = position + 4;
            if (skimming) {
                documentBytes = null;
                documentStart = 0;
            } else if (length <= WINDOW / 4 && contentAt + length <= size) {
                fill(contentAt, length);
                documentBytes = null;
                documentStart = (int) (contentAt - windowStart);
            } else {
                byte[] dst = document.ensureCapacity(length);
                readFromChannel(contentAt, dst, 0, length);
                documentBytes = dst;
                documentStart = 0;
            }
            documentLength = length;
            lastDocument = position;
            position = align(end);
            return true;
        }
        return false;
    }

    /**
     * Goes on reading at {@code offset}, which must be where a document starts (an offset taken from
     * {@link #indexedPositions()} or {@link #lastRecordOffset()}).
     */
    void seek(long offset) {
        position = offset;
        lastDocument = -1;
        documentOffset = -1;
        documentLength = 0;
        inDocument = 0;
        done = false;
    }

    /**
     * Goes on reading at the record that starts {@code inDocument} bytes into the document at {@code offset} (as
     * {@link #lastRecordOffset()} and {@link #lastRecordInDocument()} gave them).
     */
    void seekRecord(long offset, int inDocument) throws IOException {
        seek(offset);
        if (inDocument > 0) {
            RecordBuffer skipped = new RecordBuffer(256);
            while (this.inDocument < inDocument && next(skipped)) {
                // skip the records before it in its document
            }
        }
    }

    /** Where the document holding the last record returned starts (its header), or -1. */
    long lastRecordOffset() {
        return documentOffset;
    }

    /** Where the last record returned starts within its document's content (0 for the first record of a document). */
    int lastRecordInDocument() {
        return lastRecordInDocument;
    }

    /** Where the first document after Chronicle's file header starts. */
    long firstDocumentOffset() {
        return firstDocument;
    }

    /**
     * The offsets of every n-th data document (n is Chronicle's index spacing, 128 for {@code L} files), in file
     * order, from Chronicle's index in this file; null where that index cannot be read. Only a hint for finding
     * the tail quickly: every record found through it is verified like any other.
     */
    long[] indexedPositions() throws IOException {
        if (indexToIndex < 0) {
            return null;
        }
        if (indexToIndex == 0) {
            return new long[0];
        }
        long[] arrays = longArrayAt(indexToIndex);
        if (arrays == null) {
            return null;
        }
        long[] out = new long[16];
        int n = 0;
        for (long arrayAt : arrays) {
            if (arrayAt == 0) {
                break;
            }
            long[] positions = longArrayAt(arrayAt);
            if (positions == null) {
                return null;
            }
            for (long p : positions) {
                if (p == 0) {
                    break;
                }
                if (p < firstDocument || p >= size || (n > 0 && p <= out[n - 1])) {
                    return null; // not an index this reader understands
                }
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, n * 2);
                }
                out[n++] = p;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The used values of the long array a metadata document at {@code offset} holds, or null. */
    private long[] longArrayAt(long offset) throws IOException {
        if (offset < firstDocument || offset + 4 > size) {
            return null;
        }
        int header = intAt(offset);
        int length = header & LENGTH_MASK;
        if ((header & META_DATA) == 0 || (header & NOT_COMPLETE) != 0 || length > MAX_INDEX_DOCUMENT
                || offset + 4 + length > size) {
            return null;
        }
        byte[] body = new byte[length];
        readFully(offset + 4, body, 0, length);
        int i;
        int code = length > 1 ? body[0] & 0xFF : -1;
        if (code == BINARY_FIELD_NAME_ANY) {
            i = 2 + (body[1] & 0xFF);
        } else if (code >= 0xC0 && code <= 0xDF) {
            i = 1 + (code - 0xC0);
        } else {
            return null;
        }
        i = skipPadding(body, i);
        if (i < 0 || i + 17 > body.length || (body[i] & 0xFF) != BINARY_I64_ARRAY) {
            return null;
        }
        long used = littleEndianLong(body, i + 9);
        if (used < 0 || i + 17 + used * 8 > body.length) {
            return null;
        }
        long[] values = new long[(int) used];
        for (int k = 0; k < used; k++) {
            values[k] = littleEndianLong(body, i + 17 + 8 * k);
        }
        return values;
    }

    /**
     * The newest cycle that Chronicle's table store ({@code metadata.cq4t}) records having created, its
     * {@code listing.highestCycle} (for daily cycles, the UTC day as days since 1970); or -1 if it records none, or
     * is not whole (a writer killed while Chronicle created it), or does not say.
     */
    static long tableStoreHighestCycle(Path tableStore) throws IOException {
        byte[] body;
        try (FileChannel channel = FileChannel.open(tableStore, StandardOpenOption.READ)) {
            body = new byte[(int) Math.min(channel.size(), 1 << 16)];
            ByteBuffer b = ByteBuffer.wrap(body);
            while (b.hasRemaining() && channel.read(b) >= 0) {
                // read what is there
            }
        }
        if (body.length < 4) {
            return -1;
        }
        int header = littleEndianInt(body, 0);
        if (header == 0 || (header & NOT_COMPLETE) != 0) {
            return -1;
        }
        // The key is written in Chronicle's long field-name form, so it is found by its text alone.
        long cycle = readInt64Field(body, HIGHEST_CYCLE);
        return cycle < 0 || cycle > Integer.MAX_VALUE ? -1 : cycle;
    }

    private static int skipPadding(byte[] body, int i) {
        while (i >= 0 && i < body.length) {
            int code = body[i] & 0xFF;
            if (code == BINARY_PADDING) {
                i++;
            } else if (code == BINARY_PADDING32 && i + 5 <= body.length) {
                i += 5 + littleEndianInt(body, i + 1);
            } else {
                break;
            }
        }
        return i;
    }

    /** An int64 field of a file's header (or the table store's), or -1 if missing or of another type. */
    private static long readInt64Field(byte[] body, byte[] name) {
        int at = indexOf(body, name);
        if (at < 0) {
            return -1;
        }
        int i = skipPadding(body, at + name.length);
        if (i < 0 || i + 9 > body.length || (body[i] & 0xFF) != BINARY_INT64) {
            return -1;
        }
        return littleEndianLong(body, i + 1);
    }

    /** Whether the file reaches {@code end} now: a writer appending while it is read may have grown it. */
    private boolean reaches(long end) throws IOException {
        return channel.size() >= end;
    }

    /** Where the last record returned starts, for messages. */
    String position() {
        if (documentOffset < 0) {
            return name + " offset " + position;
        }
        return name + " offset " + documentOffset + (lastRecordInDocument > 0 ? "+" + lastRecordInDocument : "");
    }

    String name() {
        return name;
    }

    /** Chronicle's count of data documents in this file, from its header; -1 if unknown. */
    long documentsRecorded(int sequenceBits) {
        if (writeIndex < 0) {
            return -1;
        }
        return (writeIndex & ((1L << sequenceBits) - 1)) + 1;
    }

    /** Whether the file holds data beyond its Chronicle header and index skeleton, as far as the header says. */
    boolean recordsWritten() {
        return writePosition > 0;
    }

    private StorageDamageException damage(long offset, String what) {
        return new StorageDamageException(name + " offset " + offset, file + ": " + what);
    }

    /**
     * Reads the header's {@code writePosition} (and write index). Chronicle's header is a self-describing binary wire;
     * the field is an array of two longs (the position and the index of the last document written).
     *
     * @return false if the header holds no such field (both then stay unknown)
     */
    private boolean readWritePosition(byte[] body) {
        int at = indexOf(body, WRITE_POSITION);
        if (at < 0) {
            return false;
        }
        int i = skipPadding(body, at + WRITE_POSITION.length);
        if (i < 0 || i + 1 + 8 * 4 > body.length || (body[i] & 0xFF) != BINARY_I64_ARRAY) {
            return false;
        }
        long used = littleEndianLong(body, i + 9);
        if (used >= 1) {
            writePosition = littleEndianLong(body, i + 17);
            writePositionAt = 4L + i + 17; // the body starts behind the header's length word
        }
        if (used >= 2) {
            writeIndex = littleEndianLong(body, i + 25);
        }
        return true;
    }

    /** Whether {@code [offset, end)} holds only zero bytes. */
    private boolean zeroFrom(long offset, long end) throws IOException {
        for (long p = offset; p < end; p += WINDOW) {
            int n = (int) Math.min(WINDOW, end - p);
            fill(p, n);
            for (int i = 0; i < n; i++) {
                if (window.get((int) (p - windowStart) + i) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private int intAt(long offset) throws IOException {
        if (skimming && (offset < windowStart || offset + 4 > windowStart + windowLength)) {
            readFromChannel(offset, headerWord, 0, 4);
            return littleEndianInt(headerWord, 0);
        }
        fill(offset, 4);
        return window.getInt((int) (offset - windowStart));
    }

    private byte byteAt(long offset) throws IOException {
        fill(offset, 1);
        return window.get((int) (offset - windowStart));
    }

    /** Makes {@code [offset, offset + n)} readable from the window; n is at most the window size. */
    private void fill(long offset, int n) throws IOException {
        if (offset >= windowStart && offset + n <= windowStart + windowLength) {
            return;
        }
        // Reading by stripes, the window would otherwise take in the documents of the other readers' stripes too:
        // there it holds one document and the next one's header.
        int want = (int) Math.min(striped ? Math.min(WINDOW, n + 8) : WINDOW, size - offset);
        ByteBuffer w = window();
        windowLength = 0;
        w.clear().limit(want);
        readFromChannel(offset, w);
        windowStart = offset;
        windowLength = want;
    }

    private ByteBuffer window() {
        ByteBuffer w = window;
        if (w == null) {
            w = SPARE_WINDOWS.poll();
            if (w == null) {
                w = ByteBuffer.allocateDirect(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
            }
            window = w;
        }
        return w;
    }

    private void readFully(long offset, byte[] dst, int dstOffset, int n) throws IOException {
        if (n <= WINDOW / 4 && offset + n <= size) {
            fill(offset, n);
            window.get((int) (offset - windowStart), dst, dstOffset, n);
        } else {
            readFromChannel(offset, dst, dstOffset, n);
        }
    }

    private void readFromChannel(long offset, byte[] dst, int dstOffset, int n) throws IOException {
        readFromChannel(offset, ByteBuffer.wrap(dst, dstOffset, n));
    }

    private void readFromChannel(long offset, ByteBuffer buffer) throws IOException {
        long p = offset;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, p);
            if (read < 0) {
                // The file shrank after it was opened.
                throw damage(p, "the file ended at byte " + p + " while being read: it was cut short");
            }
            p += read;
        }
    }

    private static long align(long offset) {
        return (offset + 3) & ~3L;
    }

    private static int littleEndianInt(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static long littleEndianLong(byte[] b, int i) {
        return (littleEndianInt(b, i) & 0xFFFFFFFFL) | ((long) littleEndianInt(b, i + 4)) << 32;
    }

    private static byte[] fieldName(String name) {
        byte[] b = new byte[name.length() + 1];
        b[0] = (byte) (0xC0 + name.length());
        for (int i = 0; i < name.length(); i++) {
            b[i + 1] = (byte) name.charAt(i);
        }
        return b;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        ByteBuffer w = window;
        if (w != null) {
            window = null;
            windowLength = 0;
            SPARE_WINDOWS.offer(w);
        }
        channel.close();
    }
}
