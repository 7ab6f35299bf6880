package dev.vouch.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's independent view of a Chronicle cycle file's layout (docs/FORMAT.md, "Storage"): where each document
 * starts, and where the data ends. Written from the spec, not from the library's reader, so tests can aim damage.
 */
final class Cq4 {
    record Document(long offset, int header) {
        boolean data() {
            return (header & 0x40000000) == 0;
        }

        int length() {
            return header & 0x3FFFFFFF;
        }
    }

    private Cq4() {
    }

    static List<Document> documents(Path file) {
        List<Document> docs = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (pos + 4 <= size) {
                b.clear();
                ch.read(b, pos);
                int header = b.getInt(0);
                if (header == 0 || header < 0) {
                    break;
                }
                docs.add(new Document(pos, header));
                pos = (pos + 4 + (header & 0x3FFFFFFF) + 3) & ~3L;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static List<Document> dataDocuments(Path file) {
        return documents(file).stream().filter(Document::data).toList();
    }

    /** The offset just past the last document. */
    static long endOfData(Path file) {
        List<Document> docs = documents(file);
        Document last = docs.get(docs.size() - 1);
        return last.offset() + 4 + last.length();
    }

    /** Copies a journal directory keeping each cycle file only up to {@code slack} bytes past its data. */
    static Path compactCopy(Path from, Path to, int slack) {
        try {
            Files.createDirectories(to);
            for (Path f : JournalFiles.cq4Files(from)) {
                long keep = Math.min(Files.size(f), endOfData(f) + slack);
                try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(to.resolve(f.getFileName()), StandardOpenOption.CREATE_NEW,
                             StandardOpenOption.WRITE)) {
                    in.transferTo(0, keep, out);
                }
            }
            try (var others = Files.list(from)) {
                for (Path f : (Iterable<Path>) others::iterator) {
                    if (!f.getFileName().toString().endsWith(".cq4") && Files.isRegularFile(f)) {
                        Files.copy(f, to.resolve(f.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    static void write(Path file, long offset, byte[] bytes) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
