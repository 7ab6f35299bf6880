package dev.vouch.ledger.internal;

import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a journal's records in order through Chronicle's read-only mode: no file is created, renamed, locked
 * or written (a test checks every byte before and after). Not thread-safe.
 */
public final class ChronicleRecordSource implements RecordSource {
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private long lastIndex = -1;

    private ChronicleRecordSource(SingleChronicleQueue queue) {
        this.queue = queue;
        this.tailer = queue.createTailer();
    }

    /**
     * Opens {@code directory} read-only.
     *
     * @throws IOException if it is missing, not a directory, or holds no journal files
     */
    public static ChronicleRecordSource open(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such journal directory");
        }
        if (!Files.isDirectory(directory)) {
            throw new NotDirectoryException(directory.toString());
        }
        try (Stream<Path> files = Files.list(directory)) {
            if (files.noneMatch(f -> f.getFileName().toString().endsWith(".cq4"))) {
                throw new NoSuchFileException(directory.toString(), null, "not a Vouch journal: no .cq4 files");
            }
        }
        ChronicleSupport.configure();
        SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory.toFile())
                .rollCycle(ChronicleSupport.ROLL_CYCLE)
                .readOnly(true)
                .build();
        return new ChronicleRecordSource(queue);
    }

    @Override
    public boolean next(RecordBuffer into) {
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return false;
                }
                if (dc.isMetaData()) {
                    continue;
                }
                Bytes<?> bytes = dc.wire().bytes();
                int n = (int) bytes.readRemaining();
                byte[] dst = into.ensureCapacity(n);
                bytes.read(dst, 0, n);
                into.length(n);
                lastIndex = dc.index();
                return true;
            }
        }
    }

    @Override
    public String position() {
        if (lastIndex < 0) {
            return "";
        }
        long entry = queue.rollCycle().toSequenceNumber(lastIndex);
        java.io.File file = tailer.currentFile();
        return (file == null ? "cycle " + queue.rollCycle().toCycle(lastIndex) : file.getName()) + " entry " + entry;
    }

    @Override
    public long estimatedRecords() {
        try {
            return queue.entryCount();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Chronicle's index count: it counts documents its index knows of even where their headers are unreadable. */
    @Override
    public long indexedRecords() {
        return estimatedRecords();
    }

    @Override
    public void close() {
        tailer.close();
        queue.close();
    }
}
