package dev.vouch.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk space reserved ahead of the writes is given back when the journal leaves a file (a day's roll, a close),
 * beyond a margin after the last write, and what was written stays. An outside trial found each day's file keeping its
 * 9 MiB reservation for ever: 3.3 GiB a year for a quiet agent.
 */
class ReservationReleaseTest {
    @Test
    void shouldGiveBackTheReservationBeyondTheLastWriteAtARollAndAtClose(@TempDir Path tmp) throws Exception {
        List<byte[]> records = sourceRecords(tmp);
        Path dir = Files.createDirectories(tmp.resolve("journal"));
        AtomicLong now = new AtomicLong(Instant.parse("2026-12-07T23:59:58Z").toEpochMilli());
        List<byte[]> written = new ArrayList<>();
        try (ChronicleJournal journal = new ChronicleJournal(dir, WriterLock.acquire(dir), now::get)) {
            for (int i = 0; i < 200; i++) {
                written.add(records.get(i));
                journal.append(written.get(i), written.get(i).length);
            }
            Path first = only(dir);
            long reserved = allocatedBytes(first);
            Assumptions.assumeTrue(reserved >= SpaceReservation.STEP,
                    "this file system does not reserve ahead (" + reserved + " bytes allocated)");

            now.set(Instant.parse("2026-12-08T00:00:01Z").toEpochMilli());
            for (int i = 200; i < 400; i++) {
                written.add(records.get(i));
                journal.append(written.get(i), written.get(i).length);
            }
            long kept = allocatedBytes(first);
            assertTrue(kept <= 2 * SpaceReservation.HEADROOM, () -> "the day's file kept " + kept + " of its "
                    + reserved + " bytes allocated after the roll");
        }
        for (Path file : cycleFiles(dir)) {
            long kept = allocatedBytes(file);
            assertTrue(kept <= 2 * SpaceReservation.HEADROOM, () -> file + " kept " + kept + " bytes after close");
        }
        List<byte[]> read = RawJournal.read(dir);
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i), "record " + i);
        }
    }

    /** 400 real records (the reader splits documents by their length fields), written by a ledger elsewhere. */
    private static List<byte[]> sourceRecords(Path tmp) {
        Path source = tmp.resolve("source");
        try (dev.vouch.ledger.Ledger ledger = dev.vouch.ledger.Ledger.builder(source).keyFile(tmp.resolve("key"))
                .shutdownHook(false).open()) {
            dev.vouch.Event e = new dev.vouch.Event();
            for (int i = 0; i < 400; i++) {
                ledger.record(e.reset().kind(dev.vouch.EventKind.TOOL_CALL).name("t")
                        .params("{\"i\":" + i + ",\"pad\":\"" + "x".repeat(300) + "\"}"));
            }
        }
        List<byte[]> records = RawJournal.read(source);
        assertTrue(records.size() >= 400, () -> records.size() + " records");
        return records;
    }

    private static Path only(Path dir) throws Exception {
        List<Path> files = cycleFiles(dir);
        assertEquals(1, files.size(), files::toString);
        return files.get(0);
    }

    private static List<Path> cycleFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /** The bytes the file system has allocated to the file ({@code stat -c %b}, 512-byte blocks). */
    private static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return Long.parseLong(out) * 512;
    }
}
