package dev.vouch.ledger.internal;

import dev.vouch.FormatException;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.StorageDamageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of a journal that a power loss left unreadable, and setting it aside.
 *
 * <p>A writer's pages reach the disk when the kernel writes them back, in no particular order, unless the writer
 * syncs (docs/FORMAT.md, "Torn tail"). After a power loss a cycle file can hold a page written late beside one never
 * written, which reads as the zeros the file held before. Two shapes follow, and {@link #find} looks for both:
 * <ul>
 *   <li><b>lost content</b>: a document's header reached the disk and (part of) its content did not. The records
 *       before chain; then come bytes that do not decode as a record, with a lost page's share of them all zero
 *       ({@link #zeroPageShare}). Set aside: the documents from the one holding them to the end of the data, none
 *       holding a record that decodes as a checkpoint (bit 30 of each header, which makes it a metadata document
 *       every reader skips).</li>
 *   <li><b>lost header</b>: the file's own header (its first page, rewritten on every append) reached the disk and
 *       records a last document at or beyond a document header that did not (zero, or not completed). The records
 *       before chain. Set aside: everything from that header to the last non-zero byte of the file, as one metadata
 *       document (or several, each at most {@link #MAX_SET_ASIDE} bytes), with the file header's record of its last
 *       document moved back to the first of them, where Chronicle appends from.</li>
 * </ul>
 * Both at once, and a last document whose lost page still decodes ({@link #tornLastDocument}), are recognised too.
 * A kill -9 leaves none of these (the page cache survives it), and a power loss never takes a record written with
 * {@code SYNCED} or anything before it (someone zeroing the last pages can, and looks the same: what is set aside
 * is recorded). A record that decodes but does not link, or bytes that do not decode without such zeros (a flipped
 * bit), is an alteration, and is refused as tampering, as is any other damage.
 *
 * <p>{@link Plan#setAside} makes the writes, checking each place still holds what was read; the bytes set aside stay
 * where they are. The caller verifies the journal again and {@link Plan#restore}s it if that still fails, then
 * records {@link Plan#description()} in its recovery and resume records.
 */
final class TornTail {
    /** The smallest page a kernel writes back; larger pages are made of these, so a lost one shows here too. */
    static final int PAGE = 4096;
    /**
     * Fewer zero bytes than this could be a record's own: an event record ends with 4 zero bytes when it carries no
     * correlation fields, a SEAL with 8 when nothing was dropped.
     */
    static final int MIN_ZERO_SHARE = 16;
    /** The largest metadata document set aside in one piece: below what readers take for an overwritten header. */
    static final int MAX_SET_ASIDE = CycleFileReader.MAX_METADATA - (64 << 10);

    /** One change to a file: {@code width} bytes (4 or 8, little-endian) at {@code offset}, from one value to another. */
    private record Write(Path file, long offset, int width, long before, long after) {
    }

    /**
     * What {@link #find} found: the writes that set it aside, and what they set aside, as the recovery record and
     * the log say it.
     */
    record Plan(List<Write> writes, String description) {
        /** Makes the writes, forcing each file to the disk. */
        void setAside() throws IOException {
            apply(writes, true);
        }

        /** Undoes {@link #setAside}. */
        void restore() throws IOException {
            List<Write> backwards = new ArrayList<>(writes);
            java.util.Collections.reverse(backwards);
            apply(backwards, false);
        }
    }

    /**
     * What {@link #find} found: a plan, or none, and then perhaps why what looks like a power loss cannot be set
     * aside (for the refusal to say).
     */
    record Found(Plan plan, String hint) {
        static final Found NONE = new Found(null, null);

        static Found refused(String hint) {
            return new Found(null, hint);
        }
    }

    /** The writes that set aside everything from a lost document header on, and what they set aside. */
    private record LostHeader(List<Write> writes, long from, long end, long lastDocument) {
    }

    /** A data document (its header's offset and the header). */
    private record Document(long offset, int header) {
        long end() {
            return offset + 4 + (header & CycleFileReader.LENGTH_MASK);
        }
    }

    private TornTail() {
    }

    /**
     * The torn tail of the journal in {@code dir}; no plan if its records chain unbroken to the end, or what breaks
     * them is not a torn tail (see the class comment). Reads the whole journal: this runs only when a journal failed
     * verification on open.
     */
    static Found find(Path dir) throws IOException {
        List<Path> cycles = CycleFiles.list(dir).cycles();
        RecordBuffer buffer = new RecordBuffer(4096);
        RecordView view = new RecordView();
        MessageDigest sha256 = Rfc6962.newSha256();
        byte[] last = new byte[Rfc6962.HASH_SIZE];
        long position = 0;
        long documentAt = -1;
        long documentFirst = -1;
        int documentFile = -1;
        for (int f = 0; f < cycles.size(); f++) {
            try (CycleFileReader reader = CycleFileReader.open(cycles.get(f))) {
                while (reader.next(buffer)) {
                    if (reader.lastRecordInDocument() == 0) {
                        documentAt = reader.lastRecordOffset();
                        documentFirst = position;
                        documentFile = f;
                    }
                    try {
                        view.wrap(buffer.data(), buffer.length());
                    } catch (FormatException e) {
                        // The genesis record is never part of a tail.
                        long at = documentAt + 4 + reader.lastRecordInDocument();
                        return documentFirst < 1 || !zeroPageShare(buffer.data(), buffer.length(), at) ? Found.NONE
                                : lostContent(cycles, f, documentAt, documentFirst, position, buffer, view);
                    }
                    if (view.sequence() != position || !view.prevEquals(last)) {
                        return Found.NONE; // altered, or records removed or inserted: not what a lost page leaves
                    }
                    Rfc6962.leafHash(sha256, buffer.data(), 0, buffer.length(), last, 0);
                    position++;
                }
            } catch (StorageDamageException e) {
                if (f < cycles.size() - 1 || position == 0) {
                    return Found.NONE;
                }
                try (CycleFileReader reader = CycleFileReader.open(cycles.get(f));
                     FileChannel channel = FileChannel.open(cycles.get(f), StandardOpenOption.READ)) {
                    Object lost = lostHeader(cycles.get(f), reader.firstDocumentOffset(), view);
                    if (!(lost instanceof LostHeader h)) {
                        return Found.refused((String) lost);
                    }
                    // The last document before the lost header may have lost its end on the same page.
                    Document before = lastDataDocument(channel, reader.firstDocumentOffset(), h.from());
                    if (before != null && documentFirst >= 1 && documentFile == f && before.offset() == documentAt
                            && tornAcrossPage(channel, before) && !holdsCheckpoint(cycles.get(f), before, buffer, view)) {
                        return lostHeaderOnly(h, cycles.get(f), documentFirst, before);
                    }
                    return lostHeaderOnly(h, cycles.get(f), position, null);
                }
            }
        }
        return Found.NONE;
    }

    private static Found lostHeaderOnly(LostHeader h, Path file, long firstLost, Document torn) {
        List<Write> writes = new ArrayList<>(h.writes());
        String tornText = "";
        if (torn != null) {
            writes.add(0, new Write(file, torn.offset(), 4, torn.header(), torn.header() | CycleFileReader.META_DATA));
            tornText = "the document at offset " + torn.offset() + ", whose end on the same page reads as zeros, and ";
        }
        return new Found(new Plan(List.copyOf(writes), "set aside " + tornText + (h.end() > h.from() + 4 ? "the "
                + (h.end() - h.from()) + " bytes from " + file.getFileName() + " offset " + h.from() : file.getFileName()
                + " from offset " + h.from()) + ", where a document header never reached the disk (the file's header"
                + " records a document at offset " + h.lastDocument() + "): the records from sequence " + firstLost
                + " on were lost with it (nobody had signed them); " + describe(h)), null);
    }

    /**
     * A torn last document where nothing says so but the document itself: the journal verifies, its last document
     * straddles a page boundary, and its bytes from there to its end are all zero ({@link #tornAcrossPage}), as when
     * the page after the boundary never reached the disk and neither did the file header's record of anything later.
     * Its records then decode (zeros are valid bytes in a parameter, say), and a recovery would sign what was never
     * written. Cheap: reads the last cycle file's headers from the document its file header names on. Null plan if
     * there is no such document.
     */
    static Found tornLastDocument(Path dir) throws IOException {
        List<Path> cycles = CycleFiles.list(dir).cycles();
        if (cycles.isEmpty()) {
            return Found.NONE;
        }
        Path file = cycles.get(cycles.size() - 1);
        RecordBuffer buffer = new RecordBuffer(4096);
        RecordView view = new RecordView();
        try (CycleFileReader reader = CycleFileReader.open(file);
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long start = Math.max(reader.firstDocumentOffset(), reader.writePosition());
            Document last = lastDataDocument(channel, start, Long.MAX_VALUE);
            if (last == null || cycles.size() == 1 && last.offset() == firstDataDocument(channel, reader)
                    || !tornAcrossPage(channel, last) || holdsCheckpoint(file, last, buffer, view)) {
                return Found.NONE;
            }
            long first = read(channel, last.offset() + 4 + dev.vouch.internal.format.RecordDescriptor.SEQUENCE_OFFSET, 8);
            first = Long.reverseBytes(first); // record fields are big-endian
            return new Found(new Plan(List.of(new Write(file, last.offset(), 4, last.header(),
                    last.header() | CycleFileReader.META_DATA)), "set aside the last document (" + (last.header()
                    & CycleFileReader.LENGTH_MASK) + " bytes, from " + file.getFileName() + " offset " + last.offset()
                    + "), whose end on a page that never reached the disk reads as zeros, holding the records from"
                    + " sequence " + first + " on, as a Chronicle metadata document: those records were lost (nobody"
                    + " had signed them)"), null);
        } catch (StorageDamageException e) {
            return Found.NONE;
        }
    }

    /**
     * Whether a page of the content of {@code d} never reached the disk (a cycle file's unwritten space reads as
     * zeros): a whole {@link #PAGE}-byte page inside it is all zero, or it straddles a page boundary and its bytes from
     * the last such boundary to its end, at least {@link #MIN_ZERO_SHARE} of them, are.
     */
    private static boolean tornAcrossPage(FileChannel channel, Document d) throws IOException {
        long content = d.offset() + 4;
        // A whole page inside it that never reached the disk (an outside trial zeroed the middle page of a 16 KiB
        // record, which still decoded), or its end on the page after its last boundary.
        for (long page = (content + PAGE - 1) / PAGE * PAGE; page + PAGE <= d.end(); page += PAGE) {
            if (endOfNonZero(channel, page, page + PAGE) == page) {
                return true;
            }
        }
        long boundary = (d.end() - 1) / PAGE * PAGE;
        return boundary > content && d.end() - boundary >= MIN_ZERO_SHARE
                && endOfNonZero(channel, boundary, d.end()) == boundary;
    }

    /** The last complete data document whose header is at or after {@code from} and before {@code stop}, or null. */
    private static Document lastDataDocument(FileChannel channel, long from, long stop) throws IOException {
        long size = channel.size();
        Document last = null;
        for (long at = from; at + 4 <= size && at < stop; ) {
            int header = (int) read(channel, at, 4);
            if (header == 0 || (header & CycleFileReader.NOT_COMPLETE) != 0) {
                break;
            }
            if ((header & CycleFileReader.META_DATA) == 0) {
                last = new Document(at, header);
            }
            at = align(at + 4 + (header & CycleFileReader.LENGTH_MASK));
        }
        return last;
    }

    private static long firstDataDocument(FileChannel channel, CycleFileReader reader) throws IOException {
        long at = reader.firstDocumentOffset();
        for (long size = channel.size(); at + 4 <= size; ) {
            int header = (int) read(channel, at, 4);
            if (header == 0 || (header & CycleFileReader.NOT_COMPLETE) != 0 || (header & CycleFileReader.META_DATA) == 0) {
                return at;
            }
            at = align(at + 4 + (header & CycleFileReader.LENGTH_MASK));
        }
        return at;
    }

    /** Whether a record of the data document {@code d} in {@code file} decodes as a checkpoint. */
    private static boolean holdsCheckpoint(Path file, Document d, RecordBuffer buffer, RecordView view)
            throws IOException {
        try (CycleFileReader reader = CycleFileReader.open(file)) {
            reader.seek(d.offset());
            while (reader.next(buffer) && reader.lastRecordOffset() == d.offset()) {
                if (decodesAsCheckpoint(buffer, view)) {
                    return true;
                }
            }
        } catch (StorageDamageException e) {
            return false; // what follows the document is damaged; the document itself was read
        }
        return false;
    }

    /** What the writes of {@code h} did, for the descriptions. */
    private static String describe(LostHeader h) {
        int documents = h.writes().size() - 1;
        return "the file's header now names offset " + h.from() + " as its last document, " + (documents > 1
                ? "the first of " + documents + " metadata documents that keep the bytes there"
                : h.end() > h.from() + 4 ? "a metadata document that keeps the bytes there" : "an empty metadata document");
    }

    /** The documents from the one at {@code startOffset} to the end of the data; null if one holds a checkpoint. */
    private static Found lostContent(List<Path> cycles, int startFile, long startOffset, long startFirst,
                                     long unreadable, RecordBuffer buffer, RecordView view) throws IOException {
        List<Write> writes = new ArrayList<>();
        long bytes = 0;
        LostHeader lost = null;
        int f = startFile;
        try {
            for (; f < cycles.size(); f++) {
                try (CycleFileReader reader = CycleFileReader.open(cycles.get(f));
                     FileChannel channel = FileChannel.open(cycles.get(f), StandardOpenOption.READ)) {
                    if (f == startFile) {
                        reader.seek(startOffset);
                    }
                    while (reader.next(buffer)) {
                        if (decodesAsCheckpoint(buffer, view)) {
                            return Found.refused(SIGNED_AFTER);
                        }
                        if (reader.lastRecordInDocument() == 0) {
                            long at = reader.lastRecordOffset();
                            int header = (int) read(channel, at, 4);
                            if ((header & (CycleFileReader.META_DATA | CycleFileReader.NOT_COMPLETE)) != 0) {
                                return Found.NONE; // not the complete data document the reader just read
                            }
                            writes.add(new Write(cycles.get(f), at, 4, header, header | CycleFileReader.META_DATA));
                            bytes += header & CycleFileReader.LENGTH_MASK;
                        }
                    }
                }
            }
        } catch (StorageDamageException e) {
            // A later document header on a page that was lost too (a power loss often takes both): set aside from
            // there on as well, if that is what it is.
            if (f < cycles.size() - 1) {
                return Found.NONE;
            }
            Object found = lostHeader(cycles.get(f), f == startFile ? startOffset : -1, view);
            if (!(found instanceof LostHeader h)) {
                return Found.refused((String) found);
            }
            lost = h;
        }
        if (writes.isEmpty()) {
            return Found.NONE;
        }
        List<Write> all = new ArrayList<>(writes);
        if (lost != null) {
            all.addAll(lost.writes());
        }
        return new Found(new Plan(List.copyOf(all), "set aside " + writes.size() + " unreadable document(s) (" + bytes
                + " bytes, from " + writes.get(0).file().getFileName() + " offset " + writes.get(0).offset()
                + ") holding the records from sequence " + startFirst + " on (the first that does not decode: "
                + unreadable + ")" + (lost == null ? "" : ", and " + (lost.end() > lost.from() + 4 ? "the "
                + (lost.end() - lost.from()) + " bytes from offset " + lost.from() : "what follows offset " + lost.from())
                + ", where a document header never reached the disk (the file's header records a document at offset "
                + lost.lastDocument() + ")") + ", as Chronicle metadata documents: those"
                + " records were lost (nobody had signed them)" + (lost == null ? "" : "; " + describe(lost))), null);
    }

    /**
     * Why a tail that may be a power loss's is refused all the same; the refusal that carries it says what to do
     * (keep the directory, open a fresh journal), so this does not.
     */
    private static final String SIGNED_AFTER = "a power loss can leave this, when a page never reached the disk while"
            + " a later page holding a signed checkpoint did: then records that checkpoint signed are lost, and the"
            + " ledger does not set aside what was signed";

    /**
     * Where reading {@code file} stops at a zero document header (the first one from {@code searchFrom}, or from the
     * first document if that is negative), the rest of its page all zero, while the file's header records a document
     * at or beyond it: the writes that set aside everything from there to the file's last non-zero byte. Otherwise
     * a hint why not, if it looks like a power loss but a checkpoint can be read in those bytes, or null.
     */
    private static Object lostHeader(Path file, long searchFrom, RecordView view) throws IOException {
        try (CycleFileReader reader = CycleFileReader.open(file);
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long lastDocument = reader.writePosition();
            long lastDocumentAt = reader.writePositionAt();
            long size = channel.size();
            long from = firstMissingHeader(channel, searchFrom >= 0 ? searchFrom : reader.firstDocumentOffset(), size);
            if (from < 0 || lastDocument < from || lastDocumentAt < 0 || read(channel, lastDocumentAt, 8) != lastDocument
                    || endOfNonZero(channel, from, Math.min(size, (from / PAGE + 1) * PAGE)) != from) {
                return null; // a header overwritten in the middle of a page is not a lost page
            }
            long end = align(endOfNonZero(channel, from, size));
            if (checkpointWithin(channel, from, end, view)) {
                return SIGNED_AFTER;
            }
            List<Write> writes = new ArrayList<>();
            for (long at = from; at == from || at + 4 <= end; ) {
                long length = Math.max(0, Math.min(MAX_SET_ASIDE, end - at - 4));
                writes.add(new Write(file, at, 4, read(channel, at, 4), CycleFileReader.META_DATA | length));
                at = align(at + 4 + length);
            }
            // Chronicle appends after the document the file header names: name the first one set aside.
            writes.add(new Write(file, lastDocumentAt, 8, lastDocument, from));
            return new LostHeader(List.copyOf(writes), from, end, lastDocument);
        }
    }

    /** The offset of the first document header from {@code at} on that is zero or unfinished, or -1. */
    private static long firstMissingHeader(FileChannel channel, long at, long size) throws IOException {
        while (at + 4 <= size) {
            int header = (int) read(channel, at, 4);
            if (header == CycleFileReader.END_OF_DATA) {
                return -1;
            }
            if (header == 0 || (header & CycleFileReader.NOT_COMPLETE) != 0) {
                return at;
            }
            at = align(at + 4 + (header & CycleFileReader.LENGTH_MASK));
        }
        return -1;
    }

    /**
     * Whether a CHECKPOINT record can be decoded at any byte offset in {@code [from, end)}: the documents there have
     * no headers to find them by, and a checkpoint a lost page left behind must not be set aside with them.
     */
    private static boolean checkpointWithin(FileChannel channel, long from, long end, RecordView view)
            throws IOException {
        int window = 1 << 20;
        int overlap = 1 << 16; // larger than any checkpoint record
        ByteBuffer b = ByteBuffer.allocate(window + overlap);
        for (long at = from; at < end; at += window) {
            b.clear();
            b.limit((int) Math.min(b.capacity(), end - at));
            while (b.hasRemaining() && channel.read(b, at + b.position()) >= 0) {
                // fill the window
            }
            byte[] bytes = b.array();
            int n = b.position();
            for (int i = 0; i < Math.min(n, window); i++) {
                if (bytes[i + dev.vouch.internal.format.RecordDescriptor.MAJOR_OFFSET] != 1 || i + 56 > n
                        || bytes[i + dev.vouch.internal.format.RecordDescriptor.TYPE_OFFSET] != RecordType.CHECKPOINT.code()) {
                    continue;
                }
                long length = 56 + (ByteBuffer.wrap(bytes, i + dev.vouch.internal.format.RecordDescriptor.BODY_LENGTH_OFFSET, 4)
                        .getInt() & 0xFFFFFFFFL);
                if (i + length <= n) {
                    byte[] candidate = java.util.Arrays.copyOfRange(bytes, i, (int) (i + length));
                    try {
                        if (view.wrap(candidate, candidate.length).type() == RecordType.CHECKPOINT) {
                            return true;
                        }
                    } catch (FormatException e) {
                        // not a record here
                    }
                }
            }
        }
        return false;
    }

    private static boolean decodesAsCheckpoint(RecordBuffer buffer, RecordView view) {
        try {
            return view.wrap(buffer.data(), buffer.length()).type() == RecordType.CHECKPOINT;
        } catch (FormatException e) {
            return false; // unreadable: what a torn tail holds
        }
    }

    /** One past the last non-zero byte in {@code [from, limit)}, or {@code from} if there is none. */
    private static long endOfNonZero(FileChannel channel, long from, long limit) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        long end = from;
        for (long at = from; at < limit; at += b.capacity()) {
            b.clear();
            b.limit((int) Math.min(b.capacity(), limit - at));
            int n = channel.read(b, at);
            for (int i = 0; i < n; i++) {
                if (b.get(i) != 0) {
                    end = at + i + 1;
                }
            }
        }
        return end;
    }

    /**
     * Whether the {@code length} bytes of {@code record}, which start at {@code fileOffset} in their file, have a share
     * in some {@link #PAGE}-byte page of the file that is all zero and at least {@link #MIN_ZERO_SHARE} bytes long (or
     * the whole record, if it is shorter): what a page that never reached the disk leaves in a file whose unwritten
     * space reads as zeros, as a cycle file's does.
     */
    static boolean zeroPageShare(byte[] record, int length, long fileOffset) {
        int from = 0;
        while (from < length) {
            int to = (int) Math.min(length, (fileOffset + from) / PAGE * PAGE + PAGE - fileOffset);
            if (to - from >= Math.min(length, MIN_ZERO_SHARE) && allZero(record, from, to)) {
                return true;
            }
            from = to;
        }
        return false;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static long align(long offset) {
        return (offset + 3) & ~3L;
    }

    /** Makes {@code writes} (or undoes them), file by file, checking each place holds the value expected first. */
    private static void apply(List<Write> writes, boolean forward) throws IOException {
        Path open = null;
        FileChannel channel = null;
        try {
            for (Write w : writes) {
                if (!w.file().equals(open)) {
                    if (channel != null) {
                        channel.force(false);
                        channel.close();
                    }
                    channel = FileChannel.open(w.file(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                    open = w.file();
                }
                long expected = forward ? w.before() : w.after();
                if (read(channel, w.offset(), w.width()) != expected) {
                    throw new IOException(w.file() + ": the bytes at offset " + w.offset()
                            + " changed while the journal was being recovered");
                }
                ByteBuffer b = ByteBuffer.allocate(w.width()).order(ByteOrder.LITTLE_ENDIAN);
                long value = forward ? w.after() : w.before();
                if (w.width() == 4) {
                    b.putInt(0, (int) value);
                } else {
                    b.putLong(0, value);
                }
                while (b.hasRemaining()) {
                    channel.write(b, w.offset() + b.position());
                }
            }
        } finally {
            if (channel != null) {
                channel.force(false);
                channel.close();
            }
        }
    }

    /** The little-endian value of {@code width} bytes (4, as an unsigned int, or 8) at {@code offset}. */
    private static long read(FileChannel channel, long offset, int width) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, offset + b.position()) < 0) {
                throw new IOException("end of file at offset " + offset);
            }
        }
        return width == 4 ? b.getInt(0) & 0xFFFFFFFFL : b.getLong(0);
    }
}
