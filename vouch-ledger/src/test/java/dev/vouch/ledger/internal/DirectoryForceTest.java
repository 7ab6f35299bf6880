package dev.vouch.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync forces the journal's directory only when it has a new entry: after the journal opened (whatever the open
 * created or moved), and after a new day's file. Forcing it on every SYNCED write cost a fifth of the write for
 * entries that had not changed; skipping it after a roll would leave the new day's records in a file that a power
 * loss can unlink.
 */
class DirectoryForceTest {
    private static final byte[] RECORD = "not a record: the storage layer does not read what it stores"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldForceTheDirectoryOnTheFirstSyncAndAfterEachNewDayFileOnly(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("journal"));
        AtomicLong now = new AtomicLong(Instant.parse("2026-12-07T23:59:58Z").toEpochMilli());
        try (ChronicleJournal journal = new ChronicleJournal(dir, WriterLock.acquire(dir), now::get)) {
            journal.append(RECORD, RECORD.length);
            journal.sync();
            assertEquals(1, journal.directoryForces, "the first sync after the open");

            for (int i = 0; i < 3; i++) {
                journal.append(RECORD, RECORD.length);
                journal.sync();
            }
            journal.sync(); // nothing written since
            assertEquals(1, journal.directoryForces, "the same day's file: no new entry");

            now.set(Instant.parse("2026-12-08T00:00:01Z").toEpochMilli());
            journal.append(RECORD, RECORD.length);
            journal.sync();
            assertEquals(2, journal.directoryForces, "a new day's file is a new entry");
            assertEquals(2, cycleFiles(dir));

            journal.append(RECORD, RECORD.length);
            journal.sync();
            assertEquals(2, journal.directoryForces);
        }
        try (ChronicleJournal reopened = new ChronicleJournal(dir, WriterLock.acquire(dir), now::get)) {
            reopened.append(RECORD, RECORD.length);
            reopened.sync();
            assertEquals(1, reopened.directoryForces, "every open forces the directory at its first sync");
        }
    }

    private static long cycleFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).count();
        }
    }
}
