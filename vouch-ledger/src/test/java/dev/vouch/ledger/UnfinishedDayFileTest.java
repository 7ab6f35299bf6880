package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.testsupport.StderrCapture;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed while Chronicle created the next day's cycle file (an outside trial's kill -9 a moment after
 * midnight) leaves that file with its header never completed and nothing else in it. Every start after it refused the
 * journal ("its Chronicle header at offset 0 was never completed"), exit 2 for ever under a supervisor, and vouch
 * verify called it UNREADABLE, "not what a crashed writer leaves". Nothing in such a file was ever acknowledged: the
 * reader reads the journal without it, and the next writer moves it aside and records that.
 */
class UnfinishedDayFileTest {
    @TempDir
    Path tmp;

    @Test
    void shouldSetAsideANextDaysFileAWriterWasKilledCreating() throws Exception {
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve("key");
        VerifyingKey k;
        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open()) {
            k = ledger.verifyingKey();
            ledger.recordDurably(new Event().kind(EventKind.NOTE).name("before"));
        }
        // The day after the newest file: as Chronicle leaves it when killed before it completes the header.
        String newest;
        try (Stream<Path> files = Files.list(dir)) {
            newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[0-9]{8}L\\.cq4")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        LocalDate day = LocalDate.parse(newest.substring(0, 8), DateTimeFormatter.BASIC_ISO_DATE).plusDays(1);
        String name = DateTimeFormatter.BASIC_ISO_DATE.format(day) + "L.cq4";
        byte[] stub = new byte[1 << 16];
        stub[3] = (byte) 0x80; // the header word, little-endian: not complete, length 0
        Files.write(dir.resolve(name), stub);

        VerificationReport before = Journals.verify(dir, k);
        assertEquals(Verdict.INTACT, before.verdict(), Journals.describe(before));

        String log;
        try (StderrCapture err = new StderrCapture();
             Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open()) {
            ledger.recordDurably(new Event().kind(EventKind.NOTE).name("after"));
            log = err.text();
        }
        assertTrue(log.contains("its last cycle file " + name + " was begun by a writer that stopped before writing"
                + " a record to it"), log);
        assertFalse(Files.exists(dir.resolve(name)) && Files.size(dir.resolve(name)) == stub.length
                && Files.readAllBytes(dir.resolve(name))[3] == (byte) 0x80, "the unfinished file is moved aside");
        try (Stream<Path> files = Files.list(dir)) {
            Path aside = files.filter(Files::isDirectory).findFirst().orElseThrow();
            assertTrue(aside.getFileName().toString().startsWith("abandoned-day-"), aside::toString);
            assertTrue(Files.exists(aside.resolve(name)), "kept as evidence");
        }
        VerificationReport after = Journals.verify(dir, k);
        assertEquals(Verdict.INTACT, after.verdict(), Journals.describe(after));
        List<byte[]> records = RawJournal.read(dir);
        RecordView v = new RecordView();
        boolean recorded = false;
        for (byte[] r : records) {
            v.wrap(r, r.length);
            if (v.type() == RecordType.RESUME && v.settings().contains("set aside " + name)) {
                recorded = true;
            }
        }
        assertTrue(recorded, "the resume record says what was set aside");
    }
}
