package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.internal.format.RecordType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    static long n(Map<String, Object> m, String key) {
        return Cli.num(m.get(key));
    }

    @Test
    void shouldCountWhatTheGuardRecordedAcrossCrashesRotationsAndDrops() {
        RichJournal.Rich rich = RichJournal.shared();

        Cli.Result r = Cli.run("stats", rich.dir(), "--json");

        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> j = r.json();
        assertEquals(TestJournals.ORIGIN, j.get("origin"));
        assertEquals(10, n(j, "calls"));
        assertEquals(Map.of("result", 4L, "error", 1L, "not_run", 3L, "awaiting_approval", 1L, "not_recorded", 1L),
                longs(obj(j, "outcomes")));
        Map<String, Object> decisions = obj(j, "decisions");
        assertEquals(5, n(decisions, "allow"));
        assertEquals(1, n(decisions, "block"));
        assertEquals(4, n(decisions, "stall"));
        assertEquals(1, n(decisions, "approved"));
        assertEquals(1, n(decisions, "refused"));
        assertEquals(1, n(decisions, "timed_out"));
        assertEquals(Map.of("none", 0L, "low", 4L, "medium", 1L, "high", 3L, "critical", 2L), longs(obj(j, "risks")));
        assertEquals(Map.of("allow", 0L, "block", 1L, "stall", 1L), longs(obj(obj(j, "risk_decisions"), "critical")));
        assertEquals(Map.of("allow", 0L, "block", 0L, "stall", 2L), longs(obj(obj(j, "policies"), "big-refunds")));
        assertEquals(5, n(j, "high_risk_calls"));
        assertEquals(3, n(j, "stopped_calls"));

        Map<String, Object> tools = obj(j, "tools");
        assertEquals(List.of("crm.lookup", "payments.refund"), List.copyOf(tools.keySet()).subList(0, 2),
                "the busiest tools first");
        Map<String, Object> lookup = obj(tools, "crm.lookup");
        assertEquals(4, n(lookup, "calls"));
        assertEquals(4, n(lookup, "allow"));
        assertEquals(3, n(lookup, "results"));
        Map<String, Object> refund = obj(tools, "payments.refund");
        assertEquals(List.of(2L, 2L, 1L, 1L, 1L), List.of(n(refund, "calls"), n(refund, "stall"), n(refund, "approved"),
                n(refund, "refused"), n(refund, "results")));
        assertEquals(1, n(obj(tools, "http.get"), "errors"));
        assertEquals(1, n(obj(tools, "email.send"), "timed_out"));

        assertEquals(Map.of("calls", 4L, "events", 14L), Map.of("calls", n(obj(obj(j, "tasks"), "ticket-2"), "calls"),
                "events", n(obj(obj(j, "tasks"), "ticket-2"), "events")));
        assertEquals(Map.of("alice", 16L, "bob", 14L, "", n(obj(j, "principals"), "")), longs(obj(j, "principals")));
        assertTrue(n(obj(j, "agents"), "agent-3") > 0, "the burst's notes");

        Map<String, Object> approvals = obj(j, "approvals");
        assertEquals(3, n(approvals, "answers"));
        Map<String, Object> waits = obj(approvals, "waits");
        assertEquals(3, n(waits, "count"));
        assertTrue(n(waits, "min_ns") >= RichJournal.THIRD_WAIT_MS * 1_000_000L, waits::toString);
        assertTrue(n(waits, "max_ns") >= RichJournal.SECOND_WAIT_MS * 1_000_000L, waits::toString);
        assertTrue(n(waits, "min_ns") <= n(waits, "median_ns") && n(waits, "median_ns") <= n(waits, "p95_ns")
                && n(waits, "p95_ns") <= n(waits, "max_ns"), waits::toString);

        assertEquals(4, n(j, "sessions"), "created, then reopened three times");
        assertEquals(2, n(j, "key_rotations"));
        assertEquals(1, n(j, "recoveries"));
        assertTrue(n(j, "gaps") >= 1, j::toString);
        assertEquals(rich.dropped(), n(j, "dropped_total"));
        assertEquals(true, j.get("sealed"));
    }

    @Test
    void shouldAgreeWithTheExportRecordForRecord() {
        RichJournal.Rich rich = RichJournal.shared();
        Map<String, Long> byType = new HashMap<>();
        long events = 0;
        for (Map<String, Object> line : ExportCommandTest.lines(Cli.run("export", rich.dir()).out())) {
            byType.merge((String) line.get("type"), 1L, Long::sum);
            if (line.containsKey("agent")) {
                events++;
            }
        }

        Map<String, Object> j = Cli.run("stats", rich.dir(), "--json").json();

        Map<String, Object> types = obj(j, "record_types");
        long total = 0;
        for (RecordType t : RecordType.values()) {
            assertEquals(byType.getOrDefault(t.label(), 0L), n(types, t.label()), t.label());
            total += n(types, t.label());
        }
        assertEquals(total, n(j, "records"));
        assertEquals(events, n(j, "events"));
        long inBuckets = 0;
        for (Object b : (List<?>) obj(j, "rate").get("buckets")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> bucket = (Map<String, Object>) b;
            inBuckets += n(bucket, "events");
        }
        assertEquals(events, inBuckets, "every event falls in one interval");
    }

    @Test
    void shouldPrintSectionsForPeople() {
        Cli.Result r = Cli.run("stats", RichJournal.shared().dir(), "--interval", "1s", "--top", "3");

        assertEquals(0, r.exit(), r::toString);
        for (String heading : List.of("record types", "decisions", "risk", "policy rules", "tools", "agents", "tasks",
                "principals", "approvals", "events per 1s (UTC)")) {
            assertTrue(r.out().contains("\n" + heading), heading + " in " + r);
        }
        assertTrue(r.out().contains("calls:     10: 4 returned, 1 failed, 3 not run"), r::toString);
        assertTrue(r.out().contains("3 answer(s): 1 approved, 1 refused, 1 timed out; 1 call(s) awaiting approval"),
                r::toString);
        assertTrue(r.out().contains("... and 3 more"), "6 tools, 3 shown: " + r);
    }

    /** A quiet spell is one line, not a row per empty interval (an outside trial's years-long journal: 3,759 rows). */
    @Test
    void shouldPrintARunOfEmptyIntervalsAsOneLine(@TempDir Path tmp) throws Exception {
        Path journal = tmp.resolve("journal");
        try (dev.vouch.ledger.Ledger ledger = dev.vouch.ledger.Ledger.builder(journal).keyFile(tmp.resolve("key"))
                .shutdownHook(false).open()) {
            dev.vouch.Event e = new dev.vouch.Event();
            ledger.recordDurably(e.reset().kind(dev.vouch.EventKind.NOTE).name("before"));
            Thread.sleep(5_200);
            ledger.recordDurably(e.reset().kind(dev.vouch.EventKind.NOTE).name("after"));
        }

        Cli.Result r = Cli.run("stats", journal.toString(), "--interval", "1s");

        assertEquals(0, r.exit(), r::toString);
        String series = r.out().substring(r.out().indexOf("events per 1s (UTC)"));
        assertTrue(series.matches("(?s).*\\n  \\S+Z +0  \\([3-6] intervals without events, to \\S+Z\\)\\n.*"), series);
        assertTrue(series.lines().count() <= 6, series);
    }

    @Test
    void shouldCountOnlyOneTaskAndWhatItCaused() {
        Map<String, Object> j = Cli.run("stats", RichJournal.shared().dir(), "--task", "ticket-2", "--json").json();

        assertEquals(4, n(j, "calls"));
        assertEquals(List.of("ticket-2"), List.copyOf(obj(j, "tasks").keySet()));
        assertEquals(Map.of("result", 1L, "error", 1L, "not_run", 2L, "awaiting_approval", 0L, "not_recorded", 0L),
                longs(obj(j, "outcomes")));

        Cli.Result none = Cli.run("stats", RichJournal.shared().dir(), "--task", "no-such-task");
        assertEquals(1, none.exit(), none::toString);
        assertTrue(none.err().contains("no record of task 'no-such-task'"), none::toString);
    }

    @Test
    void shouldRefuseAnUnknownIntervalAndNameMissingOrForeignDirectories() throws Exception {
        Cli.Result bad = Cli.run("stats", RichJournal.shared().dir(), "--interval", "5m");
        assertEquals(2, bad.exit(), bad::toString);
        assertTrue(bad.err().contains("--interval 5m"), bad::toString);

        Path missing = tmp.resolve("missing");
        Cli.Result r = Cli.run("stats", missing.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(missing + ": no such journal directory"), r::toString);

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        r = Cli.run("stats", empty.toString(), "--json");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("not a Vouch journal"), r::toString);
    }

    @Test
    void shouldCountWhatCanBeReadOfADamagedJournalAndExitOne() {
        TestJournals.Written w = TestJournals.write(tmp, 30);
        int records = TestJournals.records(w.journal()).size();
        long lost = TestJournals.damageHeaderBefore(w.journal(), "MARK20X");

        Cli.Result r = Cli.run("stats", w.dir(), "--json");

        assertEquals(1, r.exit(), r::toString);
        assertEquals(lost, n(r.json(), "records"), "the records before the damage: " + records + " in all");
        assertTrue(r.err().contains("damaged storage"), r::toString);
        assertTrue(r.err().contains(".cq4"), "names the file: " + r);
    }

    static Map<String, Long> longs(Map<String, Object> m) {
        Map<String, Long> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, Cli.num(v)));
        return out;
    }
}
