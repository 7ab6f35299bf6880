package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventsCommandTest {
    private static List<String> rows(Cli.Result r) {
        List<String> lines = r.out().lines().collect(Collectors.toList());
        assertEquals(RecordLine.HEADER, lines.get(0), "a header first");
        return lines.subList(1, lines.size());
    }

    private static long seq(String row) {
        return Long.parseLong(row.trim().split("\\s+")[0]);
    }

    @Test
    void shouldShowOnlyEventRecordsAsATable() {
        Cli.Result r = Cli.run("events", RichJournal.shared().dir());

        assertEquals(0, r.exit(), r::toString);
        List<String> rows = rows(r);
        assertEquals(Cli.num(Cli.run("stats", RichJournal.shared().dir(), "--json").json().get("events")), rows.size(),
                r::toString);
        for (String row : rows) {
            assertTrue(row.matches("\\s*\\d+  \\S+  (tool_call|tool_result|tool_error|policy_decision|approval"
                    + "|task_start|task_end|note) .*"), row);
        }
    }

    @Test
    void shouldFilterByTaskToolDecisionRiskAndAgent() {
        String dir = RichJournal.shared().dir();

        List<String> blocked = rows(Cli.run("events", dir, "--decision", "block,refused,timed_out"));
        assertEquals(3, blocked.size(), blocked::toString);
        assertTrue(blocked.get(0).contains(" fs.delete ") && blocked.get(0).contains(" block "), blocked::toString);

        List<String> refunds = rows(Cli.run("events", dir, "--tool", "payments.*", "--type", "tool_call"));
        assertEquals(2, refunds.size(), refunds::toString);

        List<String> critical = rows(Cli.run("events", dir, "--risk", "critical", "--task", "ticket-2"));
        assertEquals(2, critical.size(), "the email's decision and its timed-out approval: " + critical);
        assertTrue(critical.stream().allMatch(l -> l.contains(" email.send ")), critical::toString);

        List<String> bob = rows(Cli.run("events", dir, "--agent", "agent-2", "--type", "task_start,task_end"));
        assertEquals(2, bob.size(), bob::toString);

        List<String> high = rows(Cli.run("events", dir, "--risk", "high+", "--type", "policy_decision"));
        assertEquals(5, high.size(), high::toString);
    }

    @Test
    void shouldKeepTheLastNAndRespectSequenceAndTimeRanges() {
        String dir = RichJournal.shared().dir();
        List<String> all = rows(Cli.run("events", dir));

        List<String> last = rows(Cli.run("events", dir, "--limit", "4"));
        assertEquals(all.subList(all.size() - 4, all.size()), last);

        List<String> range = rows(Cli.run("events", dir, "--from", "5", "--to", "20"));
        assertTrue(range.stream().allMatch(l -> seq(l) >= 5 && seq(l) <= 20), range::toString);

        String firstTime = Cli.run("stats", dir, "--json").json().get("first_timestamp").toString();
        assertEquals(all, rows(Cli.run("events", dir, "--since", firstTime)), "--since the first record: all");
        assertEquals(List.of(), rows(Cli.run("events", dir, "--until", "2000-01-01")), "nothing before 2000");
        assertEquals(all, rows(Cli.run("events", dir, "--since", "3650d")), "a time before now");
    }

    @Test
    void shouldPrintExportLinesWithJson() {
        String dir = RichJournal.shared().dir();

        Cli.Result r = Cli.run("events", dir, "--json", "--type", "tool_call", "--tool", "bank.wire");

        assertEquals(0, r.exit(), r::toString);
        List<Map<String, Object>> lines = ExportCommandTest.lines(r.out());
        assertEquals(1, lines.size(), r::toString);
        assertEquals("bank.wire", lines.get(0).get("name"));
        assertEquals("awaiting_approval", lines.get(0).get("outcome"));
        Map<String, Object> exported = ExportCommandTest.lines(Cli.run("export", dir).out()).stream()
                .filter(l -> l.get("seq").equals(lines.get(0).get("seq"))).findFirst().orElseThrow();
        assertEquals(exported, lines.get(0), "the same line as the export");
    }

    @Test
    void shouldRejectBadFilterValuesWithExitTwo() {
        String dir = RichJournal.shared().dir();
        for (String[] args : List.of(new String[] {"--decision", "maybe"}, new String[] {"--risk", "extreme"},
                new String[] {"--since", "yesterday-ish"}, new String[] {"--since", "2026-01-02", "--until", "2026-01-01"},
                new String[] {"--type", "tool_calls"}, new String[] {"--limit", "-1"})) {
            String[] full = new String[args.length + 2];
            full[0] = "events";
            full[1] = dir;
            System.arraycopy(args, 0, full, 2, args.length);
            Cli.Result r = Cli.run(full);
            assertEquals(2, r.exit(), r::toString);
            assertEquals("", r.out(), r::toString);
        }
        assertTrue(Cli.run("events", dir, "--decision", "maybe").err().contains("unknown value 'maybe' for --decision"));
    }

    @Test
    void shouldListTheHighRiskCallsWithWhatBecameOfThem() {
        String dir = RichJournal.shared().dir();

        Cli.Result r = Cli.run("risk", dir);

        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().collect(Collectors.toList());
        assertTrue(lines.get(0).startsWith("   CALL  TIME (UTC)"), r::toString);
        assertEquals(6, lines.size(), r::toString);
        assertTrue(lines.get(1).matches(".*critical\\s+fs\\.delete\\s+ticket-1\\s+block\\s+-\\s+not_run\\s+no-deletes:"
                + " deletes are not allowed .*"), lines.get(1));
        assertTrue(lines.get(2).matches(".*high\\s+payments\\.refund\\s+ticket-1\\s+stall\\s+approved\\s+result\\s+.*"
                + "; alice: known customer .*"), lines.get(2));
        assertTrue(lines.get(5).matches(".*high\\s+bank\\.wire\\s+ticket-4\\s+stall\\s+-\\s+awaiting_approval .*"),
                lines.get(5));

        List<Map<String, Object>> json = ExportCommandTest.lines(Cli.run("risk", dir, "--json", "--min-risk",
                "critical").out());
        assertEquals(List.of("fs.delete", "email.send"), json.stream().map(m -> m.get("tool")).collect(Collectors.toList()));
        assertEquals("timed_out", json.get(1).get("approval"));
        assertEquals("not_run", json.get(1).get("outcome"));

        assertEquals(2, Cli.run("risk", dir, "--limit", "2").out().lines().count() - 1);
        assertTrue(Cli.run("risk", dir, "--tool", "nothing-like-it").out().startsWith("no tool call of risk high"));
        assertEquals(2, Cli.run("risk", dir, "--min-risk", "extreme").exit());
    }

    @Test
    void shouldShowAnAnswerWithoutAnApproverWithoutAnEmptyName() {
        // A new user's timed-out row read "big-transfer: ...; : no decision within 2s".
        CallRows.Row row = new CallRows.Row(7);
        row.tool = "bank.wire";
        row.risk = dev.vouch.Risk.HIGH;
        row.decision = dev.vouch.Decision.STALL;
        row.approval = dev.vouch.Decision.TIMED_OUT;
        row.policy = "big-transfer";
        row.reason = "over 10k";
        row.approver = "";
        row.approvalReason = "no decision within 2s";

        String line = RiskCommand.line(row, new CallOutcomes());

        assertTrue(line.contains("big-transfer: over 10k; no decision within 2s"), line);
        row.approver = "alice";
        assertTrue(RiskCommand.line(row, new CallOutcomes()).contains("; alice: no decision within 2s"));
    }
}
