package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldSummariseASealedJournalWithItsKeysSessionsGapsAndRecoveries() {
        RichJournal.Rich rich = RichJournal.shared();
        int records = TestJournals.records(rich.written().journal()).size();

        Cli.Result r = Cli.run("status", rich.dir());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("origin:           " + TestJournals.ORIGIN + "\n"), r::toString);
        assertTrue(r.out().contains("state:            sealed: the last writer closed it cleanly\n"), r::toString);
        assertTrue(r.out().contains("records:          " + records + " ("), r::toString);
        assertTrue(r.out().contains("signing keys:     3 (rotated 2 time(s))"), r::toString);
        assertTrue(r.out().contains("1. " + rich.written().key() + "  (genesis at seq 0, "), r::toString);
        assertTrue(r.out().contains("sessions:         4 (the first, then 3 reopening(s))"), r::toString);
        assertTrue(r.out().contains("gaps:             "), r::toString);
        assertTrue(r.out().contains(" (" + rich.dropped() + " event(s) dropped by backpressure)"), r::toString);
        assertTrue(r.out().contains("recoveries:       1\n    seq "), r::toString);
        assertTrue(r.out().contains("last checkpoint:  seq " + (records - 1) + ", tree size " + (records - 1)
                + ", written "), r::toString);
        assertTrue(r.out().contains(" ago); 0 record(s) after it"), r::toString);
        assertTrue(r.out().contains("not verified:"), r::toString);

        Map<String, Object> j = Cli.run("status", rich.dir(), "--json").json();
        assertEquals("sealed", j.get("state"));
        assertEquals("none", j.get("writer"));
        assertEquals(null, j.get("writer_pid"));
        assertEquals((long) records, Cli.num(j.get("records")));
        assertEquals(3, ((List<?>) j.get("keys")).size());
        assertEquals(4, ((List<?>) j.get("sessions")).size());
        assertEquals(1, ((List<?>) j.get("recoveries")).size());
        assertEquals(rich.dropped(), Cli.num(j.get("dropped_total")));
        assertEquals(0L, Cli.num(j.get("uncovered_records")));
        assertTrue(Cli.num(j.get("file_bytes")) >= Cli.num(j.get("record_bytes")), j::toString);
        assertEquals(false, j.get("verified"));
        @SuppressWarnings("unchecked")
        Map<String, Object> cp = (Map<String, Object>) j.get("last_checkpoint");
        assertEquals((long) records - 1, Cli.num(cp.get("tree_size")));
        assertTrue(Cli.num(cp.get("age_ms")) >= 0, cp::toString);
    }

    /**
     * A running writer: status names its process (this JVM), reads what it has written so far, and leaves it
     * undisturbed: it goes on recording, closes, and the journal verifies intact.
     */
    @Test
    void shouldReportAJournalThatAWriterHasOpenWithoutDisturbingIt() {
        TestJournals.Written w = TestJournals.write(tmp, 3);
        Map<String, Object> j;
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            Event e = new Event();
            ledger.recordDurably(e.reset().kind(EventKind.NOTE).name("while-open"));

            j = Cli.run("status", w.dir(), "--json").json();
            Cli.Result text = Cli.run("status", w.dir());
            assertEquals(0, text.exit(), text::toString);
            assertTrue(text.out().contains("state:            open: a writer has it open (process "
                    + ProcessHandle.current().pid() + ")"), text::toString);

            for (int i = 0; i < 50; i++) {
                ledger.record(e.reset().kind(EventKind.NOTE).name("after-status"));
            }
        }
        assertEquals("open", j.get("state"));
        assertEquals("open", j.get("writer"));
        assertEquals(ProcessHandle.current().pid(), Cli.num(j.get("writer_pid")));
        assertEquals(false, j.get("sealed"));

        Cli.Result verified = Cli.run("verify", w.dir(), "--pubkey", w.pub());
        assertEquals(0, verified.exit(), verified::toString);
        assertEquals("sealed", Cli.run("status", w.dir(), "--json").json().get("state"), "closed: no writer now");
    }

    @Test
    void shouldTellACrashedJournalFromARunningOne() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("w"), 3);
        Path crashed = TestJournals.truncatedCopy(w.journal(), tmp.resolve("crashed"),
                TestJournals.lastIndexOf(w.journal(), RecordType.TASK_END) + 1);

        Cli.Result r = Cli.run("status", crashed.toString());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("state:            not sealed, and no writer has it open: the last writer stopped"
                + " without sealing it (a crash)"), r::toString);
        Map<String, Object> j = Cli.run("status", crashed.toString(), "--json").json();
        assertEquals("stopped", j.get("state"));
        assertTrue(Cli.num(j.get("uncovered_records")) > 0, j::toString);
    }

    /**
     * A clock that was ahead for a moment leaves a day file of its day, and every later record goes into it: status
     * says so (the file here is the journal's own, renamed to the last day of 2099; the records are unchanged).
     */
    @Test
    void shouldFlagADayFileAheadOfTheClock() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("w"), 2);
        Cli.Result r = Cli.run("status", w.dir());
        assertFalse(r.out().contains("ahead of this machine's clock"), r::toString);
        assertEquals(0L, Cli.num(Cli.run("status", w.dir(), "--json").json().get("newest_file_days_ahead")));

        List<Path> files = TestJournals.cq4Files(w.journal());
        Files.move(files.get(files.size() - 1), w.journal().resolve("20991231L.cq4"));

        r = Cli.run("status", w.dir());
        assertEquals(0, r.exit(), r::toString);
        long days = java.time.temporal.ChronoUnit.DAYS.between(
                java.time.LocalDate.now(java.time.ZoneOffset.UTC), java.time.LocalDate.of(2099, 12, 31));
        assertTrue(r.out().contains("WARNING:          the newest day file, 20991231L.cq4, is " + days
                + " day(s) ahead of this machine's clock"), r::toString);
        assertEquals(days, Cli.num(Cli.run("status", w.dir(), "--json").json().get("newest_file_days_ahead")));
        assertEquals(0, Cli.run("verify", w.dir(), "--pubkey", w.pub()).exit());
    }

    /** No argument files: picocli decodes them in the platform's character set, past the locale check. */
    /**
     * An outside trial removed a journal's oldest day files (archived them): status said "sealed: the last writer
     * closed it cleanly", "the first" session, and "no rotation" above a key marked as a rotation, exit 0.
     */
    @Test
    void shouldSayThatTheBeginningIsMissing() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp, 2);
        Path days = tmp.resolve("days");
        List<byte[]> records = TestJournals.records(w.journal());
        int perDay = (records.size() + 2) / 3;
        List<Path> files = TestJournals.journalAcrossDays(days, records, perDay);
        assertEquals(3, files.size());
        assertEquals(0, Cli.run("status", days.toString()).exit());
        Files.delete(files.get(0));

        Cli.Result r = Cli.run("status", days.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("WARNING:          the journal's beginning is missing: its first record is"
                + " sequence "
                + perDay + ", in " + files.get(1).getFileName() + ", so the day files before it were removed or moved"),
                r::toString);
        assertFalse(r.out().contains("the first, then"), r::toString);
        Map<String, Object> json = Cli.run("status", days.toString(), "--json").json();
        assertEquals(true, json.get("beginning_missing"));
        assertEquals((long) perDay, Cli.num(json.get("first_seq")));
        assertEquals(null, json.get("sequence_break_after"));

        // A day removed from the middle (a re-trial's: status said nothing, exit 0).
        Path middle = tmp.resolve("middle");
        List<Path> all = TestJournals.journalAcrossDays(middle, records, perDay);
        Files.delete(all.get(1));
        Cli.Result m = Cli.run("status", middle.toString());
        assertEquals(1, m.exit(), m::toString);
        assertTrue(m.out().contains("WARNING:          records are missing: the sequence numbers jump from "
                + (perDay - 1) + " to " + (2 * perDay)), m::toString);
        assertEquals((long) perDay - 1, Cli.num(Cli.run("status", middle.toString(), "--json").json()
                .get("sequence_break_after")));

        // A backup that took the table store after a day roll and the day files before it: the writer refuses it.
        Path backup = tmp.resolve("backup");
        TestJournals.journalAcrossDays(backup, records.subList(0, perDay), perDay);
        Files.copy(days.resolve("metadata.cq4t"), backup.resolve("metadata.cq4t"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Cli.Result b = Cli.run("status", backup.toString());
        assertTrue(b.out().contains("WARNING:          Chronicle's table store (metadata.cq4t) records a day file for "
                + "2026-11-03 that is not here: a writer refuses this journal"), b::toString);
        assertEquals("2026-11-03", Cli.run("status", backup.toString(), "--json").json().get("table_store_ahead"));

        // An archive of closed day files: its end is missing, which is not a crash (a trial's said "(a crash); the
        // next writer to open it writes a recovery record").
        Path archive = tmp.resolve("archive");
        List<Path> closed = TestJournals.journalAcrossDays(archive, records, perDay);
        Files.delete(closed.get(closed.size() - 1));
        Cli.Result a = Cli.run("status", archive.toString());
        assertEquals(1, a.exit(), a::toString);
        assertTrue(a.out().contains("not sealed here, and no writer has it open: its end is missing") && !a.out()
                .contains("(a crash)"), a::toString);
    }

    @Test
    void shouldTakeAnArgumentStartingWithAtAsItIs() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("w"), 1);
        Path args = Files.writeString(tmp.resolve("args"), "--json\n");

        Cli.Result r = Cli.run("status", w.dir(), "@" + args);

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("@" + args), r::toString);
    }

    @Test
    void shouldNameTheProblemForAMissingDirectoryAForeignOneAndDamagedStorage() throws Exception {
        Path missing = tmp.resolve("missing");
        Cli.Result r = Cli.run("status", missing.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(missing + ": no such journal directory"), r::toString);
        assertFalse(Files.exists(missing));

        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "not a journal");
        r = Cli.run("status", foreign.toString(), "--json");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains(foreign + ": not a Vouch journal (no .cq4 journal files in it)"), r::toString);

        TestJournals.Written w = TestJournals.write(tmp.resolve("damaged"), 30);
        TestJournals.damageHeaderBefore(w.journal(), "MARK20X");
        r = Cli.run("status", w.dir());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("vouch status: damaged storage"), r::toString);
        assertTrue(r.err().contains(".cq4"), r::toString);
        assertTrue(r.out().contains("records:"), "prints what could be read: " + r);
    }
}
