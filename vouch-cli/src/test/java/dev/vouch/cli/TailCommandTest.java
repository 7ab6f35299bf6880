package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.ledger.Ledger;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldPrintTheLastRecordsAsShowDoes() {
        String dir = RichJournal.shared().dir();
        List<String> all = Cli.run("show", dir).out().lines().collect(Collectors.toList());

        Cli.Result r = Cli.run("tail", dir, "-n", "3");

        assertEquals(0, r.exit(), r::toString);
        assertEquals(all.subList(all.size() - 3, all.size()), r.out().lines().collect(Collectors.toList()));
        assertEquals(10, Cli.run("tail", dir).out().lines().count(), "10 by default");
        List<String> calls = Cli.run("tail", dir, "-n", "2", "--type", "tool_call").out().lines()
                .collect(Collectors.toList());
        assertTrue(calls.get(0).contains(" bank.wire ") && calls.get(1).contains(" crm.lookup "), calls::toString);
    }

    /**
     * tail -f on a journal no writer has open, then a writer opens it (so tail holds no lock), appends, closes: every
     * record after the first ones is printed once, in order, and the journal verifies intact.
     */
    @Test
    void shouldFollowAWriterWithoutLockingOrWritingAndPrintEachRecordOnce() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp, 2);
        int before = TestJournals.records(w.journal()).size();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread tail = new Thread(() -> exit.set(VouchCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "tail", "-f", "-n", "1", "--poll", "20", w.dir())), "tail-f");
        tail.start();
        try {
            waitFor(out, " checkpoint ", 1, 20_000);
            try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
                Event e = new Event();
                for (int i = 0; i < 300; i++) {
                    ledger.record(e.reset().kind(EventKind.NOTE).name("live-" + i).params("{\"i\":" + i + "}"));
                    if (i % 100 == 0) {
                        ledger.checkpoint();
                    }
                }
                waitFor(out, "live-299 ", 1, 20_000);
            }
            String last = String.format("%7d ", TestJournals.records(w.journal()).size() - 1);
            waitFor(out, last, 1, 20_000);
        } finally {
            tail.interrupt();
            tail.join(20_000);
        }
        assertEquals(0, exit.get(), err::toString);
        int after = TestJournals.records(w.journal()).size();
        List<Long> seqs = out.toString().lines().map(l -> Long.parseLong(l.trim().split("\\s+")[0]))
                .collect(Collectors.toList());
        assertEquals((long) before - 1, seqs.get(0), "-n 1: the last record before following (its checkpoint)");
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(seqs.get(0) + i, seqs.get(i), "each record once, in order: " + seqs);
        }
        assertEquals((long) after - 1, seqs.get(seqs.size() - 1), "up to the new seal's checkpoint");
        Cli.Result verified = Cli.run("verify", w.dir(), "--pubkey", w.pub());
        assertEquals(0, verified.exit(), verified::toString);
    }

    /**
     * The writer starts a new cycle file each UTC day: once the current file is read to its end and a later one
     * appears, tail goes on with it. (The later file here is another journal's, moved in whole: tail does not verify.)
     */
    @Test
    void shouldGoOnWithTheNextDaysFile() throws Exception {
        // A journal over two days, its second day's file held back until tail follows the first (the numbering goes
        // on from one file to the next, as a writer's does: a break in it is reported).
        TestJournals.Written source = TestJournals.write(tmp.resolve("source"), 2);
        List<byte[]> records = TestJournals.records(source.journal());
        int split = 0;
        while (!new String(records.get(split), java.nio.charset.StandardCharsets.ISO_8859_1).contains("MARK1X")) {
            split++;
        }
        Path journal = tmp.resolve("days");
        List<Path> days = TestJournals.journalAcrossDays(journal, records, split);
        Path held = Files.move(days.get(1), tmp.resolve("held"));
        for (Path later : days.subList(2, days.size())) {
            Files.delete(later);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread tail = new Thread(() -> exit.set(VouchCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "tail", "-f", "-n", "1", "--poll", "20", "--type", "tool_call", journal.toString())), "tail-f");
        tail.start();
        try {
            waitFor(out, "MARK0X", 1, 20_000); // the first file is read: tail follows now
            Path staged = Files.move(held, journal.resolve("staged"));
            Files.move(staged, journal.resolve(days.get(1).getFileName()), StandardCopyOption.ATOMIC_MOVE);
            waitFor(out, "MARK1X", 1, 20_000, err);
        } finally {
            tail.interrupt();
            tail.join(20_000);
        }
        assertEquals(0, exit.get(), err::toString);
        List<String> lines = out.toString().lines().collect(Collectors.toList());
        assertEquals(2, lines.size(), out::toString);
        assertTrue(lines.get(0).contains("MARK0X") && lines.get(1).contains("MARK1X"), out::toString);
        // Only the start's warning that the first day's file was rolled over to one not yet there.
        assertTrue(err.toString().lines().allMatch(l -> l.contains("ends with Chronicle's end-of-cycle marker")), err::toString);
    }

    private static void waitFor(StringWriter out, String text, int times, long millis) throws InterruptedException {
        waitFor(out, text, times, millis, new StringWriter());
    }

    private static void waitFor(StringWriter out, String text, int times, long millis, StringWriter err)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (count(out.toString(), text) < times) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting for '" + text + "' x" + times
                    + " in:\n" + out + "\nstandard error:\n" + err);
            Thread.sleep(10);
        }
    }

    private static int count(String s, String text) {
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void shouldRefuseABadPollAndAMissingJournal() {
        assertEquals(2, Cli.run("tail", RichJournal.shared().dir(), "-f", "--poll", "1").exit());
        Cli.Result r = Cli.run("tail", tmp.resolve("none").toString(), "-f");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("no such journal directory"), r::toString);
    }
}
