package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code vouch stats} for people: the figures of {@link JournalStats}, in sections, the largest first. */
final class StatsText {
    private static final long NANOS = 1_000_000_000L;
    private static final int BAR = 40;

    private StatsText() {
    }

    /** Tasks by their number of events, largest first, then by name. */
    static List<Map.Entry<String, JournalStats.Task>> tasksByEvents(JournalStats s) {
        List<Map.Entry<String, JournalStats.Task>> out = new ArrayList<>(s.tasks().entrySet());
        out.sort(Comparator.<Map.Entry<String, JournalStats.Task>>comparingLong(e -> -e.getValue().events)
                .thenComparing(Map.Entry::getKey));
        return out;
    }

    static void write(PrintWriter out, JournalStats s, String journal, long interval, int top) {
        row(out, "journal", journal);
        row(out, "origin", s.origin() == null ? "(no genesis record read)" : Text.safe(s.origin()));
        row(out, "records", s.records() + " (" + s.events() + " events, " + s.checkpoints() + " checkpoints"
                + (s.malformed() > 0 ? ", " + s.malformed() + " malformed" : "") + ")");
        if (s.records() > 0) {
            row(out, "time", Text.iso(s.firstTimestamp()) + " to " + Text.iso(s.lastTimestamp()) + " ("
                    + duration(s.lastTimestamp() - s.firstTimestamp()) + ")");
        }
        long[] outcomes = s.outcomes();
        row(out, "calls", s.calls() + ": " + outcomes[CallOutcomes.Outcome.RESULT.ordinal()] + " returned, "
                + outcomes[CallOutcomes.Outcome.ERROR.ordinal()] + " failed, "
                + outcomes[CallOutcomes.Outcome.NOT_RUN.ordinal()] + " not run (blocked, refused, timed out), "
                + outcomes[CallOutcomes.Outcome.AWAITING_APPROVAL.ordinal()] + " awaiting approval, "
                + outcomes[CallOutcomes.Outcome.NOT_RECORDED.ordinal()] + " outcome not recorded");
        row(out, "sessions", s.sessions().size() + " (" + (s.sessions().size() - 1) + " reopening(s)), "
                + s.count(RecordType.KEY_ROTATION) + " key rotation(s), " + (s.sealed() ? "sealed" : "not sealed"));
        row(out, "gaps", s.gapCount() + " (" + s.droppedTotal() + " event(s) dropped by backpressure), "
                + s.recoveryCount() + " recovery(ies)");

        heading(out, "record types");
        for (RecordType t : RecordType.values()) {
            if (s.count(t) > 0) {
                out.printf(Locale.ROOT, "  %-18s %,12d%n", t.label(), s.count(t));
            }
        }

        heading(out, "decisions (policy decisions and approvals)");
        for (Decision d : StatsJson.ALL_DECISIONS) {
            if (s.decisions(d) > 0 || StatsJson.POLICY_DECISIONS.contains(d)) {
                out.printf(Locale.ROOT, "  %-18s %,12d%n", StatsJson.label(d), s.decisions(d));
            }
        }

        heading(out, "risk (of policy decisions, and of calls that carry one)");
        out.printf(Locale.ROOT, "  %-18s %12s  %10s  %10s  %10s%n", "", "total", "allow", "block", "stall");
        for (Risk r : Risk.values()) {
            if (s.risks(r) > 0) {
                out.printf(Locale.ROOT, "  %-18s %,12d  %,10d  %,10d  %,10d%n", StatsJson.label(r), s.risks(r),
                        s.riskDecisions(r, Decision.ALLOW), s.riskDecisions(r, Decision.BLOCK),
                        s.riskDecisions(r, Decision.STALL));
            }
        }

        heading(out, "policy rules");
        out.printf(Locale.ROOT, "  %-36s %10s  %10s  %10s%n", "", "allow", "block", "stall");
        List<Map.Entry<String, long[]>> rules = s.policies().sortedByTotal();
        for (Map.Entry<String, long[]> e : head(rules, top)) {
            long[] c = e.getValue();
            out.printf(Locale.ROOT, "  %s %,10d  %,10d  %,10d%n", name(e.getKey(), 36), c[Decision.ALLOW.ordinal()],
                    c[Decision.BLOCK.ordinal()], c[Decision.STALL.ordinal()]);
        }
        more(out, rules.size(), top);

        heading(out, "tools");
        out.printf(Locale.ROOT, "  %-36s %10s  %10s  %10s  %10s%n", "", "calls", "blocked", "stalled", "errors");
        List<Map.Entry<String, long[]>> tools = s.tools().sorted(JournalStats.CALLS);
        for (Map.Entry<String, long[]> e : head(tools, top)) {
            long[] c = e.getValue();
            out.printf(Locale.ROOT, "  %s %,10d  %,10d  %,10d  %,10d%n", name(e.getKey(), 36), c[JournalStats.CALLS],
                    c[JournalStats.DECISION_BASE + Decision.BLOCK.ordinal()],
                    c[JournalStats.DECISION_BASE + Decision.STALL.ordinal()], c[JournalStats.ERRORS]);
        }
        more(out, tools.size(), top);

        counts(out, "agents (events)", s.agents(), top);
        heading(out, "tasks");
        out.printf(Locale.ROOT, "  %-36s %10s  %10s%n", "", "events", "calls");
        List<Map.Entry<String, JournalStats.Task>> tasks = tasksByEvents(s);
        for (Map.Entry<String, JournalStats.Task> e : head(tasks, top)) {
            out.printf(Locale.ROOT,
                    "  %s %,10d  %,10d%n", name(e.getKey(), 36), e.getValue().events, e.getValue().calls);
        }
        more(out, tasks.size(), top);
        counts(out, "principals (events)", s.principals(), top);

        heading(out, "approvals");
        ApprovalStats a = s.approvals();
        out.printf(Locale.ROOT,
                "  %d answer(s): %d approved, %d refused, %d timed out; %d call(s) awaiting approval%n", a.answers(),
                a.count(Decision.APPROVED), a.count(Decision.REFUSED), a.count(Decision.TIMED_OUT),
                outcomes[CallOutcomes.Outcome.AWAITING_APPROVAL.ordinal()]);
        ApprovalStats.Waits w = a.waits();
        if (w.count() > 0) {
            out.printf(Locale.ROOT,
                    "  waiting time: min %s, median %s, 95th percentile %s, max %s, mean %s (%d answer(s) after a"
                    + " stall)%n", duration(w.min()), duration(w.median()), duration(w.p95()), duration(w.max()),
                    duration(w.mean()), w.count());
        }

        List<RateSeries.Bucket> buckets = s.rate().buckets(interval);
        heading(out, "events per " + RateSeries.label(interval) + " (UTC)");
        long peak = 1;
        for (RateSeries.Bucket b : buckets) {
            peak = Math.max(peak, b.events());
        }
        // A run of empty intervals is one line: a journal written a few days a year, shown by week, printed
        // thousands of empty rows (an outside trial's 2028-2100 journal). --json keeps every bucket.
        for (int i = 0; i < buckets.size(); i++) {
            RateSeries.Bucket b = buckets.get(i);
            int run = 0;
            while (i + run < buckets.size() && buckets.get(i + run).events() == 0) {
                run++;
            }
            if (run >= EMPTY_RUN) {
                out.printf(Locale.ROOT, "  %-20s %,10d  (%,d intervals without events, to %s)%n", stamp(b), 0, run,
                        stamp(buckets.get(i + run - 1)));
                i += run - 1;
                continue;
            }
            int len = (int) Math.round((double) BAR * b.events() / peak);
            out.printf(Locale.ROOT, "  %-20s %,10d  %s%n", stamp(b), b.events(), "#".repeat(len));
        }
        out.flush();
    }

    /** Consecutive empty intervals printed as one line. */
    static final int EMPTY_RUN = 3;

    private static String stamp(RateSeries.Bucket b) {
        return Text.isoMillis(b.start() * NANOS).substring(0, 19) + "Z";
    }

    private static <T> List<T> head(List<T> list, int n) {
        return list.subList(0, Math.min(n, list.size()));
    }

    private static void more(PrintWriter out, int size, int top) {
        if (size > top) {
            out.println("  ... and " + (size - top) + " more (--top N shows more; --json shows all)");
        }
    }

    private static void counts(PrintWriter out, String title, Breakdown b, int top) {
        heading(out, title);
        List<Map.Entry<String, long[]>> entries = b.sorted(0);
        for (Map.Entry<String, long[]> e : head(entries, top)) {
            out.printf(Locale.ROOT, "  %s %,10d%n", name(e.getKey(), 36), e.getValue()[0]);
        }
        more(out, entries.size(), top);
    }

    /** A key made safe for a column: "(none)" when empty. */
    static String name(String key, int width) {
        return Text.column(key.isEmpty() ? "(none)" : Text.safe(key), width);
    }

    private static void heading(PrintWriter out, String title) {
        out.println();
        out.println(title);
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf(Locale.ROOT, "%-10s %s%n", name + ":", value);
    }

    /** A duration for people: 850 us, 12.3 ms, 4.2 s, 3 min 5 s, 2 h 10 min, 3 d 4 h. */
    static String duration(long nanos) {
        if (nanos < 0) {
            return "-" + duration(-nanos);
        }
        if (nanos < 60 * NANOS) {
            return TasksCommand.duration(nanos);
        }
        long s = nanos / NANOS;
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        if (s < 86400) {
            return s / 3600 + " h " + (s % 3600) / 60 + " min";
        }
        return String.format(Locale.ROOT, "%d d %d h", s / 86400, (s % 86400) / 3600);
    }
}
