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
import java.util.ArrayList;
import java.util.List;

/**
 * The documents at the end of a journal that a power loss left unreadable, and setting them aside.
 *
 * <p>A writer's documents reach the disk when the kernel writes their pages back, in no particular order, unless
 * the writer syncs (docs/FORMAT.md, "Durability"). After a power loss, a document's header can be on disk while
 * the content behind it, on another page, never got there: the document reads as complete, and its records as
 * the zeros the file held before. A kill -9 cannot do this (the page cache survives it), and nothing a checkpoint
 * signed is lost this way once a caller asked for {@code SYNCED}: these are records after the last checkpoint,
 * which nobody has signed.
 *
 * <p>{@link #find} looks for such a tail: every record before it chains, and it runs from the first document holding
 * bytes that do not decode as a record, with a lost page's share of them all zero ({@link #zeroPageShare}), to the
 * end of the data, holding no record that reads as a checkpoint. A record that decodes but does not link, or bytes
 * that do not decode with no such zeros, are not a tear but an alteration, and are refused as tampering.
 * {@link Plan#setAside} sets bit 30 of each of those documents'
 * headers, which makes them metadata documents: every reader skips them, the bytes stay where they are as
 * evidence, and the journal reads as if the writer had stopped before them. The caller verifies the journal
 * again afterwards and {@link Plan#restore}s the headers if it still fails, then records what it set aside in
 * its recovery record. Anything else (damage a checkpoint covers, a checkpoint inside the tail, a damaged
 * storage layout) is not a torn tail, and is refused as before.
 */
final class TornTail {
    /** The smallest page a kernel writes back; larger pages are made of these, so a lost one shows here too. */
    static final int PAGE = 4096;
    /** Fewer zero bytes than this could be a record's own zeros beside a flipped bit. */
    static final int MIN_ZERO_SHARE = 8;

    /** One data document, by its file and its header's offset, with the header as read. */
    private record Document(Path file, long offset, int header) {
    }

    /**
     * What {@link #find} found: the documents to set aside, in storage order, and the first sequence number they
     * held (the first record of the first document).
     */
    record Plan(List<Document> documents, long firstSequence, long firstUnreadable, long bytes) {
        /** The first document's place, as the recovery record and the log name it. */
        String where() {
            Document first = documents.get(0);
            return first.file().getFileName() + " offset " + first.offset();
        }

        /** Marks every document as a metadata document, forcing each file to the disk. */
        void setAside() throws IOException {
            rewrite(true);
        }

        /** Undoes {@link #setAside} (headers as they were read). */
        void restore() throws IOException {
            rewrite(false);
        }

        private void rewrite(boolean aside) throws IOException {
            Path open = null;
            FileChannel channel = null;
            try {
                for (Document d : documents) {
                    if (!d.file().equals(open)) {
                        if (channel != null) {
                            channel.force(false);
                            channel.close();
                        }
                        channel = FileChannel.open(d.file(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                        open = d.file();
                    }
                    int expected = aside ? d.header() : d.header() | CycleFileReader.META_DATA;
                    if (headerAt(channel, d.offset()) != expected) {
                        throw new IOException(d.file() + ": the document header at offset " + d.offset()
                                + " changed while the journal was being recovered");
                    }
                    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                    b.putInt(0, aside ? d.header() | CycleFileReader.META_DATA : d.header());
                    channel.write(b, d.offset());
                }
            } finally {
                if (channel != null) {
                    channel.force(false);
                    channel.close();
                }
            }
        }
    }

    private TornTail() {
    }

    /**
     * The torn tail of the journal in {@code dir}, or null if its records chain unbroken to the end, or what breaks
     * the chain is not a torn tail (see the class comment). Reads the whole journal: this runs only when a journal
     * failed verification on open.
     */
    static Plan find(Path dir) throws IOException {
        List<Path> cycles = CycleFiles.list(dir).cycles();
        RecordBuffer buffer = new RecordBuffer(4096);
        RecordView view = new RecordView();
        java.security.MessageDigest sha256 = Rfc6962.newSha256();
        byte[] last = new byte[Rfc6962.HASH_SIZE];
        long position = 0;
        long documentAt = -1;
        long documentFirst = -1;
        try {
            for (int f = 0; f < cycles.size(); f++) {
                try (CycleFileReader reader = CycleFileReader.open(cycles.get(f))) {
                    while (reader.next(buffer)) {
                        if (reader.lastRecordInDocument() == 0) {
                            documentAt = reader.lastRecordOffset();
                            documentFirst = position;
                        }
                        try {
                            view.wrap(buffer.data(), buffer.length());
                        } catch (FormatException e) {
                            // Bytes that are not a record: a tear if a lost page's share of them is zeros (a flipped
                            // bit is not). The genesis record is never part of a tail.
                            long at = documentAt + 4 + reader.lastRecordInDocument();
                            return documentFirst < 1 || !zeroPageShare(buffer.data(), buffer.length(), at) ? null
                                    : collect(cycles, f, documentAt, documentFirst, position, buffer, view);
                        }
                        if (view.sequence() != position || !view.prevEquals(last)) {
                            // A record that reads but does not link was altered, or one was removed or inserted: that
                            // is not what a lost page leaves, and it is not set aside.
                            return null;
                        }
                        Rfc6962.leafHash(sha256, buffer.data(), 0, buffer.length(), last, 0);
                        position++;
                    }
                }
            }
            return null;
        } catch (StorageDamageException e) {
            return null;
        }
    }

    /** The documents from {@code start} to the end of the data, or null if a record among them reads as a checkpoint. */
    private static Plan collect(List<Path> cycles, int startFile, long startOffset, long startFirst, long unreadable,
                                RecordBuffer buffer, RecordView view) throws IOException {
        List<Document> documents = new ArrayList<>();
        long bytes = 0;
        for (int f = startFile; f < cycles.size(); f++) {
            try (CycleFileReader reader = CycleFileReader.open(cycles.get(f))) {
                if (f == startFile) {
                    reader.seek(startOffset);
                }
                long documentAt = -1;
                while (reader.next(buffer)) {
                    try {
                        view.wrap(buffer.data(), buffer.length());
                        if (view.type() == RecordType.CHECKPOINT) {
                            return null; // something was signed in there: not a tail nobody signed
                        }
                    } catch (FormatException e) {
                        // unreadable: what a torn tail holds
                    }
                    if (reader.lastRecordOffset() != documentAt) {
                        documentAt = reader.lastRecordOffset();
                        int header;
                        try (FileChannel channel = FileChannel.open(cycles.get(f), StandardOpenOption.READ)) {
                            header = headerAt(channel, documentAt);
                        }
                        if ((header & (CycleFileReader.META_DATA | CycleFileReader.NOT_COMPLETE)) != 0) {
                            return null; // not the complete data document the reader just read
                        }
                        documents.add(new Document(cycles.get(f), documentAt, header));
                        bytes += header & CycleFileReader.LENGTH_MASK;
                    }
                }
            }
        }
        if (documents.isEmpty()) {
            return null;
        }
        return new Plan(List.copyOf(documents), startFirst, unreadable, bytes);
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

    private static int headerAt(FileChannel channel, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, offset + b.position()) < 0) {
                throw new IOException("end of file at offset " + offset);
            }
        }
        return b.getInt(0);
    }
}
