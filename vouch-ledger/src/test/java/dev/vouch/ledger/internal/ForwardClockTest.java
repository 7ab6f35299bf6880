package dev.vouch.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A system clock set back across midnight must not send records into an earlier day's file, which readers take first
 * (an outside crash trial: an untouched journal verified TAMPERED after the clock went back a day).
 */
class ForwardClockTest {
    private static final long DAY = ChronicleSupport.ROLL_CYCLE.lengthInMillis();

    @Test
    void shouldKeepWritingIntoTheNewestDayFileWhileTheClockIsBehindIt(@TempDir Path tmp) throws Exception {
        Path source = tmp.resolve("source");
        VerifyingKey key;
        try (Ledger ledger = Ledger.builder(source).keyFile(tmp.resolve("key")).shutdownHook(false).open()) {
            key = ledger.verifyingKey();
            Event e = new Event();
            for (int i = 0; i < 40; i++) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("t").params("{\"i\":" + i + "}"));
            }
        }
        List<byte[]> records = RawJournal.read(source);
        Path dir = Files.createDirectories(tmp.resolve("journal"));
        AtomicLong now = new AtomicLong(Instant.parse("2026-11-02T23:59:59Z").toEpochMilli());
        int half = records.size() / 2;
        try (ChronicleJournal journal = new ChronicleJournal(dir, WriterLock.acquire(dir), now::get)) {
            for (byte[] r : records.subList(0, half)) {
                journal.append(r, r.length);
            }
        }

        now.set(Instant.parse("2026-11-01T12:00:00Z").toEpochMilli()); // set back a day and a half
        try (ChronicleJournal journal = new ChronicleJournal(dir, WriterLock.acquire(dir), now::get)) {
            for (byte[] r : records.subList(half, records.size())) {
                journal.append(r, r.length);
            }
        }

        assertEquals(List.of("20261102L.cq4"), cycleFiles(dir));
        assertEquals(records.size(), RawJournal.read(dir).size());
        try (RecordSource read = JournalReader.open(dir)) {
            VerificationReport r = JournalVerifier.trusting(key).verify(read);
            assertEquals(Verdict.INTACT, r.verdict(), () -> r.verdictReason() + " " + r.failures());
        }
    }

    @Test
    void shouldFollowTheClockForwardAndHoldOnlyWhereItWouldGoBackADay() {
        AtomicLong now = new AtomicLong(10 * DAY + 5_000);
        ForwardClock clock = new ForwardClock(now::get, DAY);
        clock.newestCycle(10);

        assertEquals(10 * DAY + 5_000, clock.currentTimeMillis());
        now.set(10 * DAY + 1_000); // back within the day: the day's file is the same, so the clock is left alone
        assertEquals(10 * DAY + 1_000, clock.currentTimeMillis());
        now.set(11 * DAY + 7);
        assertEquals(11 * DAY + 7, clock.currentTimeMillis());
        now.set(11 * DAY - 1); // back across midnight: held at the newest day's start
        assertTrue(clock.behind());
        assertEquals(11 * DAY, clock.currentTimeMillis());
        now.set(11 * DAY + 2);
        assertFalse(clock.behind());
        assertEquals(11 * DAY + 2, clock.currentTimeMillis());
    }

    private static List<String> cycleFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted()
                    .collect(Collectors.toList());
        }
    }
}
