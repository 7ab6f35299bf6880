package dev.vouch.ledger.internal;

import dev.vouch.ledger.JournalReader;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The attacker's tools for a journal: read every record's bytes, and write a list of records as a new
 * Chronicle queue the way the library did before vouch-java 0.2 (one document per record, which readers still
 * accept; the same roll cycle), but with Chronicle's own API rather than the library's writer, as someone with
 * write access to the disk would.
 */
public final class RawJournal {
    private RawJournal() {
    }

    /** Every record of the journal in {@code dir}, in order, read through the public read-only reader. */
    public static List<byte[]> read(Path dir) {
        List<byte[]> records = new ArrayList<>();
        try (RecordSource source = JournalReader.open(dir)) {
            RecordBuffer buffer = new RecordBuffer(1024);
            while (source.next(buffer)) {
                records.add(Arrays.copyOf(buffer.data(), buffer.length()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    /**
     * Writes {@code records} as a new journal in {@code dir} spread over consecutive UTC days, {@code perDay}
     * records to a day's cycle file, as a writer running across midnights leaves it. Returns the cycle files.
     */
    public static List<Path> writeAcrossDays(Path dir, List<byte[]> records, int perDay) {
        return writeAcrossDays(dir, records, perDay, java.time.Instant.parse("2026-11-01T12:00:00Z"));
    }

    /** As above, the first day's file being that of {@code first}. */
    public static List<Path> writeAcrossDays(Path dir, List<byte[]> records, int perDay, java.time.Instant first) {
        ChronicleSupport.configure();
        SetTimeProvider clock = new SetTimeProvider(first.toEpochMilli() * 1_000_000L);
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(ChronicleSupport.ROLL_CYCLE)
                .timeProvider(clock)
                .build();
             ExcerptAppender appender = queue.createAppender()) {
            for (int i = 0; i < records.size(); i++) {
                if (i > 0 && i % perDay == 0) {
                    clock.advanceMillis(java.util.concurrent.TimeUnit.DAYS.toMillis(1));
                }
                byte[] r = records.get(i);
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(r, 0, r.length);
                }
            }
        }
        try {
            return CycleFiles.list(dir).cycles();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Leaves in {@code dir} what a writer killed right after Chronicle created the journal leaves: a cycle file
     * with Chronicle's header and no document, and the table store.
     */
    public static void createWithoutRecords(Path dir) {
        ChronicleSupport.configure();
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(ChronicleSupport.ROLL_CYCLE)
                .build();
             ExcerptAppender appender = queue.createAppender();
             DocumentContext dc = appender.writingDocument()) {
            dc.rollbackOnClose();
        }
    }

    /** Writes {@code records} as a new journal in {@code dir} (which must not hold one yet). */
    public static void write(Path dir, List<byte[]> records) {
        ChronicleSupport.configure();
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(ChronicleSupport.ROLL_CYCLE)
                .build();
             ExcerptAppender appender = queue.createAppender()) {
            for (byte[] r : records) {
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(r, 0, r.length);
                }
            }
        }
    }
}
