package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.ledger.Ledger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowCommandTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static TestJournals.Written journal;

    @BeforeAll
    static void writeJournal() {
        journal = TestJournals.write(shared, 5);
    }

    /**
     * An outside trial: {@code vouch tasks} and {@code show} on a tampered copy printed the altered content, exit 0,
     * with no hint that nothing was checked ({@code status} says so). Each reading command now ends with a line on
     * standard error; standard output, text or JSON, stays what it was.
     */
    @Test
    void shouldSayOnStandardErrorThatWhatItPrintedIsNotVerified() {
        TestJournals.Written w = TestJournals.write(tmp, 3);
        TestJournals.flipByteIn(w.journal(), "MARK1X");
        String footer = ": not verified: this is what the records say; run 'vouch verify " + w.dir() + " --pubkey <key>'"
                + " to check them\n";

        Cli.Result shown = Cli.run("show", w.dir());
        assertEquals(0, shown.exit(), shown::toString);
        assertTrue(shown.out().contains("MARJ1X"), shown::toString);
        assertEquals("vouch show" + footer, shown.err(), shown::toString);
        for (String[] args : List.of(new String[] {"show", "--json"}, new String[] {"events"}, new String[] {"tail"},
                new String[] {"tasks"}, new String[] {"tasks", "--json"}, new String[] {"risk", "--min-risk", "low"},
                new String[] {"stats"}, new String[] {"stats", "--json"})) {
            List<String> line = new java.util.ArrayList<>(List.of(args[0], w.dir()));
            line.addAll(Arrays.asList(args).subList(1, args.length));
            Cli.Result r = Cli.run(line.toArray(String[]::new));

            assertEquals(0, r.exit(), r::toString);
            assertEquals("vouch " + args[0] + footer, r.err(), r::toString);
            assertFalse(r.out().contains("to check them"), r::toString);
        }
        Cli.Result status = Cli.run("status", w.dir());
        assertTrue(status.out().contains("not verified:") && !status.err().contains("not verified"), status::toString);
        assertEquals(1, Cli.run("verify", w.dir(), "--pubkey", w.pub(), "-q").exit(), "the copy is tampered");
    }

    @Test
    void shouldPrintOneLinePerRecord() {
        Cli.Result r = Cli.run("show", journal.dir());

        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().collect(Collectors.toList());
        assertEquals(TestJournals.records(journal.journal()).size(), lines.size(), r::toString);
        assertTrue(lines.get(0).matches("\\s+0  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  genesis\\s+origin="
                + TestJournals.ORIGIN + " key=" + journal.key() + " library=vouch-java/.*"), lines.get(0));
        String call = lines.stream().filter(l -> l.contains("tool_call")).findFirst().orElseThrow();
        assertTrue(call.matches(".*tool_call\\s+task-0\\s+orders\\.refund\\s+allow\\s+risk=low parent=\\d+"
                + " \\{\"order\":0,\"marker\":\"MARK0X\"}"), call);
        assertTrue(r.out().contains("<3 bytes, binary>"), "binary payloads are described, not printed");
    }

    @Test
    void shouldFilterBySequenceRangeAndType() {
        Cli.Result r = Cli.run("show", journal.dir(), "--from", "3", "--to", "12", "--type", "tool_call,TOOL_RESULT");

        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().collect(Collectors.toList());
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            long seq = Long.parseLong(line.trim().split("\\s+")[0]);
            assertTrue(seq >= 3 && seq <= 12, line);
            assertTrue(line.contains(" tool_call ") || line.contains(" tool_result "), line);
        }

        Cli.Result events = Cli.run("show", journal.dir(), "--type", "events", "--type", "seal");
        assertTrue(Arrays.stream(events.out().split("\n")).noneMatch(l -> l.contains(" checkpoint ")), events::toString);
        assertTrue(events.out().contains(" seal "), events::toString);
    }

    @Test
    void shouldRejectAnUnknownTypeAndAnEmptyRange() {
        Cli.Result r = Cli.run("show", journal.dir(), "--type", "tool_calls");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("unknown record type 'tool_calls'"), r::toString);

        r = Cli.run("show", journal.dir(), "--from", "9", "--to", "2");
        assertEquals(2, r.exit(), r::toString);
    }

    @Test
    void shouldEscapeControlCharactersFromTheJournal() {
        Path dir = tmp.resolve("journal");
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve("k")).shutdownHook(false).open()) {
            ledger.record(Event.of(EventKind.TOOL_CALL).name("evil\u001b[2Jname").params("line1\nline2\u202e"));
        }

        Cli.Result r = Cli.run("show", dir.toString(), "--type", "tool_call");

        assertEquals(0, r.exit(), r::toString);
        assertFalse(r.out().contains("\u001b") || r.out().contains("\u202e"), r::toString);
        assertTrue(r.out().contains("evil\\u001b[2Jname"), r::toString);
        assertTrue(r.out().contains("line1\\u000aline2\\u202e"), r::toString);
        assertEquals(1, r.out().lines().count(), "one line per record, whatever the payload holds");
    }
}
