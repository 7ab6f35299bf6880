package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.VouchVersion;
import dev.vouch.internal.format.RecordType;
import dev.vouch.verify.Failure;
import dev.vouch.verify.VerificationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vouch report}: one static HTML file about a journal, readable offline: no script, no external font, style
 * or image (its Content-Security-Policy forbids them all, so nothing a journal holds could load or run any either).
 * Its figures come from {@link JournalStats}, each labelled with its {@link StatsJson#pointer} in
 * {@code data-stat}; the verdict from {@link Outcome}. Journal text goes through {@link Html#text} only.
 */
final class HtmlReport {
    static final int ROWS = 500;
    static final int TIMELINE_LANES = 40;
    static final int TABLE_TOP = 50;
    private static final long NANOS = 1_000_000_000L;
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
            + " base-uri 'none'; form-action 'none'";

    private static final String GREEN = "#2e7d32";
    private static final String RED = "#c62828";
    private static final String AMBER = "#f9a825";
    private static final String ORANGE = "#ef6c00";
    private static final String GREY = "#757575";
    private static final String BLUE = "#3b6ea5";
    private static final String TEAL = "#00838f";
    private static final String PURPLE = "#6a1b9a";

    private final JournalStats s;
    /** The verification, or null when no --pubkey was given. */
    private final Outcome outcome;
    private final VerifyingKey anchor;
    private final String journal;
    private final String task;
    private final long interval;
    private final Instant generated;
    private final Html h = new Html();

    /**
     * @param outcome  the verification, or null if the journal was not verified
     * @param anchor   the trust anchor it was verified with, or null
     * @param task     the task the report is limited to ({@code vouch trace TASK --html}), or null
     * @param interval the rate chart's interval, in seconds
     */
    HtmlReport(JournalStats stats, Outcome outcome, VerifyingKey anchor, String journal, String task, long interval,
            Instant generated) {
        this.s = stats;
        this.outcome = outcome;
        this.anchor = anchor;
        this.journal = journal;
        this.task = task;
        this.interval = interval;
        this.generated = generated;
    }

    String render() {
        String origin = s.origin() == null ? "(no genesis record read)" : s.origin();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"").raw(CSP).raw("\">\n")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .raw("<meta name=\"generator\" content=\"vouch ").raw(Html.escape(VouchVersion.LIBRARY)).raw("\">\n")
                .raw("<title>Vouch journal report: ").esc(origin).raw(task == null ? "" : " (task ")
                .raw(task == null ? "" : Html.text(task) + ")").raw("</title>\n<style>").raw(STYLE).raw("</style>\n")
                .raw("</head><body>\n<header><h1>Journal report</h1><p><span class=\"k\">origin</span> ").esc(origin)
                .raw("<br><span class=\"k\">journal</span> ").esc(journal);
        if (task != null) {
            h.raw("<br><span class=\"k\">task</span> ").esc(task)
                    .raw(" <span class=\"dim\">(this task and the records it caused; the verdict covers the whole"
                            + " journal)</span>");
        }
        h.raw("<br><span class=\"k\">generated</span> ").esc(generated.toString()).raw(" by vouch ")
                .esc(VouchVersion.LIBRARY).raw("</p></header>\n");
        h.raw("<nav><a href=\"#verdict\">Verdict</a> <a href=\"#overview\">Overview</a> <a href=\"#keys\">Keys</a>"
                + " <a href=\"#timeline\">Timeline</a> <a href=\"#decisions\">Decisions</a>"
                + " <a href=\"#approvals\">Approvals</a> <a href=\"#stopped\">Blocked and refused</a>"
                + " <a href=\"#risky\">High risk</a> <a href=\"#rate\">Rate</a> <a href=\"#breakdown\">By tool, agent,"
                + " task</a> <a href=\"#continuity\">Drops, gaps, recoveries</a></nav>\n<main>\n");
        verdict();
        overview();
        keys();
        timeline();
        decisions();
        approvals();
        stopped();
        risky();
        rate();
        breakdown();
        continuity();
        h.raw("</main>\n<footer>Figures are what the journal's records say, counted in one pass (the same counts as"
                + " <code>vouch stats --json</code>); the verdict says whether to believe them. Journal text is shown"
                + " escaped: control and bidirectional characters appear as \\uXXXX.</footer>\n</body></html>\n");
        return h.toString();
    }

    private void verdict() {
        h.raw("<section id=\"verdict\"><h2>Verdict</h2>\n");
        if (outcome == null) {
            h.raw("<div class=\"verdict unverified\"><p class=\"headline\">NOT VERIFIED</p><p>No public key was given"
                    + " (<code>--pubkey</code>), so nothing in this report has been checked against the journal's"
                    + " signatures: it is what the records say. Run <code>vouch report ... --pubkey KEY</code> or"
                    + " <code>vouch verify</code>.</p></div></section>\n");
            return;
        }
        VerificationReport r = outcome.report();
        String css = switch (outcome.status()) {
            case INTACT -> "intact";
            case TAMPERED, UNREADABLE -> "tampered";
            default -> "incomplete";
        };
        h.raw("<div class=\"verdict ").raw(css).raw("\" data-status=\"").raw(outcome.status().label()).raw("\">")
                .raw("<p class=\"headline\">").esc(outcome.headline()).raw("</p>");
        if (!outcome.explanation().isEmpty()) {
            h.raw("<p>").esc(outcome.explanation()).raw("</p>");
        }
        h.raw("</div>\n<table class=\"kv\">");
        kv("trust anchor", anchor == null ? "-" : anchor + "  (sha256:" + anchor.fingerprint() + ")");
        kv("records verified", Html.number(r.records()) + " (" + Html.number(r.events()) + " events, "
                + Html.number(r.checkpoints()) + " checkpoints)");
        Checkpoint cp = outcome.lastCheckpoint();
        kv("covered by signatures", cp == null ? "nothing: no valid checkpoint"
                : "records 0 to " + (cp.size() - 1) + " (tree size " + cp.size() + ", root "
                        + Base64.getEncoder().encodeToString(cp.rootHash()) + ")");
        kv("after the last checkpoint", r.uncoveredRecords() + " record(s), chained but not signed");
        kv("sealed", r.sealed() ? "yes" : "no");
        kv("signing keys", r.keys().size() + (r.keys().size() > 1 ? " (rotated " + (r.keys().size() - 1)
                + " time(s), each rotation signed by the key before)" : " (no rotation)"));
        kv("saved checkpoint", r.savedCheckpointMatched() == null ? "not given"
                : r.savedCheckpointMatched() ? "matches: the journal extends it" : "DOES NOT MATCH");
        kv("failures", Html.number(r.failureCount()));
        h.raw("</table>\n");
        if (!r.failures().isEmpty()) {
            h.raw("<h3>Failures</h3><table><tr><th>seq</th><th>kind</th><th>what</th><th>where</th></tr>");
            int n = 0;
            for (Failure f : r.failures()) {
                if (n++ == 100) {
                    break;
                }
                h.raw("<tr><td class=\"num\">").raw(f.sequence() >= 0 ? Long.toString(f.sequence()) : "-")
                        .raw("</td><td>").esc(f.kind().name().toLowerCase(Locale.ROOT)).raw("</td><td>")
                        .esc(f.message()).raw("</td><td>").esc(f.position() == null ? "" : f.position())
                        .raw("</td></tr>");
            }
            h.raw("</table>");
            more(r.failureCount(), Math.min(100, r.failures().size()), "failures; 'vouch verify' prints them all");
        }
        h.raw("</section>\n");
    }

    private void kv(String key, String valueText) {
        h.raw("<tr><th>").raw(key).raw("</th><td>").esc(valueText).raw("</td></tr>");
    }

    private void overview() {
        h.raw("<section id=\"overview\"><h2>Overview</h2>\n<div class=\"cards\">");
        card("records", "/records", s.records());
        card("events", "/events", s.events());
        card("tool calls", "/calls", s.calls());
        // Names, not TASK_START records: "" (events outside a task) is not one (an outside auditor read 98,043 tasks
        // for 98,041 opened, the two being "" and a name plain events carried).
        card("task names", null, s.tasks().size() - (s.tasks().containsKey("") ? 1 : 0));
        card("agents", null, s.agents().size() - (s.agents().get("") != null ? 1 : 0));
        card("sessions", "/sessions", s.sessions().size());
        card("checkpoints", "/checkpoints", s.checkpoints());
        card("key rotations", "/key_rotations", s.count(RecordType.KEY_ROTATION));
        card("gaps", "/gaps", s.gapCount());
        card("events dropped", "/dropped_total", s.droppedTotal());
        card("recoveries", "/recoveries", s.recoveryCount());
        card("malformed", "/malformed", s.malformed());
        h.raw("</div>\n<table class=\"kv\">");
        if (s.records() > 0) {
            h.raw("<tr><th>first record</th>").stat("td", "/first_timestamp", Text.iso(s.firstTimestamp()))
                    .raw("</tr><tr><th>last record</th>").stat("td", "/last_timestamp", Text.iso(s.lastTimestamp()))
                    .raw("</tr>");
            h.raw("<tr><th>span</th><td>").esc(StatsText.duration(s.lastTimestamp() - s.firstTimestamp()))
                    .raw("</td></tr>");
        }
        h.raw("<tr><th>ends sealed</th><td>").raw(s.sealed() ? "yes" : "no").raw("</td></tr></table>\n");
        long[] o = s.outcomes();
        h.raw("<h3>What became of the calls</h3>");
        List<SvgCharts.Bar> bars = new ArrayList<>();
        h.raw("<table><tr><th>outcome</th><th>calls</th><th>meaning</th></tr>");
        for (CallOutcomes.Outcome x : CallOutcomes.Outcome.values()) {
            h.raw("<tr><td>").raw(x.label).raw("</td>").stat("td", StatsJson.pointer("outcomes", x.label), o[x.ordinal()])
                    .raw("<td>").raw(meaning(x)).raw("</td></tr>");
            bars.add(new SvgCharts.Bar(x.label, o[x.ordinal()], color(x)));
        }
        h.raw("</table>").raw(SvgCharts.bars("Calls by outcome", bars)).raw("</section>\n");
    }

    private void card(String label, String pointer, long value) {
        h.raw("<div class=\"card\">");
        if (pointer == null) {
            h.raw("<div class=\"num big\">").raw(Html.number(value)).raw("</div>");
        } else {
            h.raw("<div class=\"big\">").stat("span", pointer, value).raw("</div>");
        }
        h.raw("<div class=\"dim\">").raw(label).raw("</div></div>");
    }

    private static String meaning(CallOutcomes.Outcome o) {
        return switch (o) {
            case RESULT -> "the tool ran and returned";
            case ERROR -> "the tool ran and failed";
            case NOT_RUN -> "blocked by a rule, or its approval was refused or timed out: it never ran";
            case AWAITING_APPROVAL -> "stalled, no answer on record yet: it has not run";
            case NOT_RECORDED -> "allowed (or never judged) but no result or error on record: it may have run";
        };
    }

    private static String color(CallOutcomes.Outcome o) {
        return switch (o) {
            case RESULT -> GREEN;
            case ERROR -> ORANGE;
            case NOT_RUN -> RED;
            case AWAITING_APPROVAL -> AMBER;
            case NOT_RECORDED -> GREY;
        };
    }

    private void keys() {
        h.raw("<section id=\"keys\"><h2>Key history</h2>\n<p>The genesis record names the first signing key; each key"
                + " rotation names the next, in a statement signed by the key before it.");
        if (outcome != null) {
            h.raw(" The verifier started from the trust anchor given and followed every rotation.");
        }
        h.raw("</p><table><tr><th>#</th><th>key</th><th>fingerprint (SHA-256)</th><th>from</th><th>seq</th>"
                + "<th>time</th>").raw(outcome == null ? "" : "<th>verified</th>").raw("</tr>");
        List<VerifyingKey> verified = outcome == null ? List.of() : outcome.report().keys();
        int i = 0;
        for (JournalStats.KeyEvent k : s.keys()) {
            String fp = StatusCommand.fingerprint(k.key());
            boolean ok = false;
            for (VerifyingKey v : verified) {
                ok |= Arrays.equals(v.bytes(), k.key());
            }
            h.raw("<tr><td class=\"num\">").raw(Integer.toString(++i)).raw("</td><td>").esc(StatusCommand.key(k.key()))
                    .raw("</td><td class=\"mono\">").esc(fp == null ? "invalid key" : fp).raw("</td><td>")
                    .raw(k.rotation() ? "rotation" : "genesis").raw("</td><td class=\"num\">")
                    .raw(Long.toString(k.seq())).raw("</td><td>").esc(Text.iso(k.timestamp())).raw("</td>");
            if (outcome != null) {
                h.raw(ok ? "<td class=\"ok\">yes</td>" : "<td class=\"bad\">no</td>");
            }
            h.raw("</tr>");
        }
        h.raw("</table><p>Key rotations: ").stat("span", "/key_rotations", s.count(RecordType.KEY_ROTATION))
                .raw("</p></section>\n");
    }

    private void timeline() {
        h.raw("<section id=\"timeline\"><h2>Timeline of calls per task</h2>\n");
        List<Map.Entry<String, JournalStats.Task>> tasks = new ArrayList<>();
        for (Map.Entry<String, JournalStats.Task> e : s.tasks().entrySet()) {
            if (e.getValue().drawn > 0) {
                tasks.add(e);
            }
        }
        tasks.sort((a, b) -> a.getValue().calls != b.getValue().calls ? Long.compare(b.getValue().calls,
                a.getValue().calls) : a.getKey().compareTo(b.getKey()));
        List<Map.Entry<String, JournalStats.Task>> shown = tasks.subList(0, Math.min(TIMELINE_LANES, tasks.size()));
        if (shown.isEmpty()) {
            h.raw("<p class=\"dim\">No tool call on record.</p></section>\n");
            return;
        }
        shown.sort((a, b) -> Long.compare(a.getValue().first, b.getValue().first));
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        List<SvgCharts.Lane> lanes = new ArrayList<>();
        CallOutcomes outcomes = s.callOutcomes();
        for (Map.Entry<String, JournalStats.Task> e : shown) {
            JournalStats.Task t = e.getValue();
            from = Math.min(from, t.first);
            to = Math.max(to, t.last);
            long[] times = Arrays.copyOf(t.callTimes, t.drawn);
            String[] colors = new String[t.drawn];
            String[] tips = new String[t.drawn];
            for (int k = 0; k < t.drawn; k++) {
                CallOutcomes.Outcome o = outcomes.of(t.callSeqs[k]);
                colors[k] = color(o);
                tips[k] = "seq " + t.callSeqs[k] + " at " + Text.iso(times[k]) + ": " + o.label;
            }
            lanes.add(new SvgCharts.Lane(e.getKey(), t.first, t.last, times, colors, tips));
        }
        h.raw("<p>Each line runs from a task's first record to its last; each mark is a tool call, coloured by what"
                + " became of it: <span class=\"sw\" style=\"background:" + GREEN + "\"></span> returned"
                + " <span class=\"sw\" style=\"background:" + ORANGE + "\"></span> failed"
                + " <span class=\"sw\" style=\"background:" + RED + "\"></span> not run"
                + " <span class=\"sw\" style=\"background:" + AMBER + "\"></span> awaiting approval"
                + " <span class=\"sw\" style=\"background:" + GREY + "\"></span> outcome not recorded."
                + " Hover over a mark for its sequence number.</p>");
        h.raw(SvgCharts.timeline("Calls per task over time", lanes, from, to, Text.isoMillis(from), Text.isoMillis(to)));
        if (tasks.size() > shown.size() || s.tasks().size() > JournalStats.TIMELINE_TASKS) {
            h.raw("<p class=\"dim\">The ").raw(Integer.toString(shown.size())).raw(" tasks with the most calls are"
                    + " drawn, with at most " + JournalStats.TIMELINE_CALLS + " calls each; 'vouch tasks' prints"
                    + " every one.</p>");
        }
        h.raw("</section>\n");
    }

    private void decisions() {
        h.raw("<section id=\"decisions\"><h2>Decisions by policy rule and risk</h2>\n");
        List<SvgCharts.Bar> bars = new ArrayList<>();
        h.raw("<table><tr><th>decision</th><th>records</th></tr>");
        for (Decision d : StatsJson.ALL_DECISIONS) {
            if (d == Decision.REDACT && s.decisions(d) == 0) {
                continue;
            }
            h.raw("<tr><td>").raw(StatsJson.label(d)).raw("</td>").stat("td", StatsJson.pointer("decisions",
                    StatsJson.label(d)), s.decisions(d)).raw("</tr>");
            bars.add(new SvgCharts.Bar(StatsJson.label(d), s.decisions(d), color(d)));
        }
        h.raw("</table>").raw(SvgCharts.bars("Policy decisions and approvals", bars));
        h.raw("<h3>By policy rule</h3><table><tr><th>rule</th><th>allow</th><th>block</th><th>stall</th></tr>");
        List<Map.Entry<String, long[]>> rules = s.policies().sortedByTotal();
        for (Map.Entry<String, long[]> e : rules.subList(0, Math.min(TABLE_TOP, rules.size()))) {
            h.raw("<tr><td>").raw(Html.name(e.getKey(), 60)).raw("</td>");
            for (Decision d : StatsJson.POLICY_DECISIONS) {
                h.stat("td", StatsJson.pointer("policies", e.getKey(), StatsJson.label(d)), e.getValue()[d.ordinal()]);
            }
            h.raw("</tr>");
        }
        h.raw("</table>");
        more(rules.size(), Math.min(TABLE_TOP, rules.size()), "rules; 'vouch stats --json' lists all");
        h.raw("<h3>By risk</h3><p>The risk a rule gave each call it judged (and the risk calls recorded without a"
                + " decision carry themselves).</p><table><tr><th>risk</th><th>total</th><th>allow</th><th>block</th>"
                + "<th>stall</th></tr>");
        List<SvgCharts.Bar> riskBars = new ArrayList<>();
        for (Risk r : Risk.values()) {
            h.raw("<tr><td>").raw(StatsJson.label(r)).raw("</td>").stat("td", StatsJson.pointer("risks",
                    StatsJson.label(r)), s.risks(r));
            for (Decision d : StatsJson.POLICY_DECISIONS) {
                h.stat("td", StatsJson.pointer("risk_decisions", StatsJson.label(r), StatsJson.label(d)),
                        s.riskDecisions(r, d));
            }
            h.raw("</tr>");
            riskBars.add(new SvgCharts.Bar(StatsJson.label(r), s.risks(r), color(r)));
        }
        h.raw("</table>").raw(SvgCharts.bars("Decisions by risk", riskBars)).raw("</section>\n");
    }

    private static String color(Decision d) {
        return switch (d) {
            case ALLOW -> GREEN;
            case BLOCK -> RED;
            case STALL -> AMBER;
            case APPROVED -> TEAL;
            case REFUSED -> "#8e0000";
            case TIMED_OUT -> PURPLE;
            default -> GREY;
        };
    }

    private static String color(Risk r) {
        return switch (r) {
            case NONE -> GREY;
            case LOW -> GREEN;
            case MEDIUM -> AMBER;
            case HIGH -> ORANGE;
            case CRITICAL -> RED;
        };
    }

    private void approvals() {
        ApprovalStats a = s.approvals();
        h.raw("<section id=\"approvals\"><h2>Approvals and waiting times</h2>\n<table class=\"kv\">");
        h.raw("<tr><th>answers</th>").stat("td", "/approvals/answers", a.answers()).raw("</tr>");
        for (Decision d : List.of(Decision.APPROVED, Decision.REFUSED, Decision.TIMED_OUT)) {
            h.raw("<tr><th>").raw(StatsJson.label(d)).raw("</th>").stat("td", StatsJson.pointer("approvals",
                    StatsJson.label(d)), a.count(d)).raw("</tr>");
        }
        h.raw("<tr><th>awaiting approval</th>").stat("td", "/outcomes/awaiting_approval",
                s.outcomes()[CallOutcomes.Outcome.AWAITING_APPROVAL.ordinal()]).raw("</tr>");
        ApprovalStats.Waits w = a.waits();
        h.raw("<tr><th>waits measured</th>").stat("td", "/approvals/waits/count", w.count()).raw("</tr>");
        if (w.count() > 0) {
            waitRow("shortest wait", "min_ns", w.min());
            waitRow("median wait", "median_ns", w.median());
            waitRow("95th percentile", "p95_ns", w.p95());
            waitRow("longest wait", "max_ns", w.max());
            waitRow("mean wait", "mean_ns", w.mean());
        }
        h.raw("</table><p class=\"dim\">A wait runs from a call's STALL decision to the APPROVAL record that answers"
                + " it.</p>");
        if (w.count() > 0) {
            long[] bounds = {1_000_000L, 10_000_000L, 100_000_000L, NANOS, 10 * NANOS, 60 * NANOS, 600 * NANOS,
                3600 * NANOS, Long.MAX_VALUE};
            String[] names = {"under 1 ms", "1-10 ms", "10-100 ms", "0.1-1 s", "1-10 s", "10-60 s", "1-10 min",
                "10-60 min", "over 1 h"};
            long[] counts = new long[bounds.length];
            for (long x : a.sortedWaits()) {
                int k = 0;
                while (x >= bounds[k]) {
                    k++;
                }
                counts[k]++;
            }
            List<SvgCharts.Bar> bars = new ArrayList<>();
            for (int k = 0; k < bounds.length; k++) {
                bars.add(new SvgCharts.Bar(names[k], counts[k], TEAL));
            }
            h.raw(SvgCharts.bars("Waiting times", bars));
        }
        if (!a.rows().isEmpty()) {
            h.raw("<table><tr><th>seq</th><th>call</th><th>time</th><th>task</th><th>tool</th><th>answer</th>"
                    + "<th>waited</th><th>approver</th><th>reason</th></tr>");
            for (ApprovalStats.Row r : a.rows()) {
                h.raw("<tr><td class=\"num\">").raw(Long.toString(r.seq())).raw("</td><td class=\"num\">")
                        .raw(Long.toString(r.callSeq())).raw("</td><td>").esc(Text.isoMillis(r.timestamp()))
                        .raw("</td><td>").raw(Html.name(r.task(), 40)).raw("</td><td>").raw(Html.name(r.tool(), 40))
                        .raw("</td><td>").raw(StatsJson.label(r.decision())).raw("</td><td>")
                        .esc(r.waitNanos() < 0 ? "-" : StatsText.duration(r.waitNanos())).raw("</td><td>")
                        .raw(Html.name(r.approver(), 40)).raw("</td><td>").raw(Html.name(r.reason(), 80))
                        .raw("</td></tr>");
            }
            h.raw("</table>");
            more(a.answers(), a.rows().size(), "answers");
        }
        h.raw("</section>\n");
    }

    private void waitRow(String label, String member, long nanos) {
        h.raw("<tr><th>").raw(label).raw("</th><td>").esc(StatsText.duration(nanos)).raw(" <span class=\"dim\">(")
                .stat("span", StatsJson.pointer("approvals", "waits", member), nanos).raw(" ns)</span></td></tr>");
    }

    private void stopped() {
        h.raw("<section id=\"stopped\"><h2>Blocked and refused calls</h2>\n<table class=\"kv\">");
        h.raw("<tr><th>blocked by a rule</th>").stat("td", "/decisions/block", s.decisions(Decision.BLOCK))
                .raw("</tr><tr><th>approval refused</th>").stat("td", "/approvals/refused",
                        s.approvals().count(Decision.REFUSED))
                .raw("</tr><tr><th>approval timed out</th>").stat("td", "/approvals/timed_out",
                        s.approvals().count(Decision.TIMED_OUT))
                .raw("</tr><tr><th>calls listed below</th>").stat("td", "/stopped_calls", s.stopped().count())
                .raw("</tr></table>");
        callTable(s.stopped(), "calls; 'vouch events --decision block,refused,timed_out' lists all");
        h.raw("</section>\n");
    }

    private void risky() {
        h.raw("<section id=\"risky\"><h2>High- and critical-risk calls</h2>\n<p>Calls whose call record, policy"
                + " decision or approval carries risk high or critical: ");
        h.stat("span", "/high_risk_calls", s.risky().count()).raw(".</p>");
        callTable(s.risky(), "calls; 'vouch risk' lists all");
        h.raw("</section>\n");
    }

    private void callTable(CallRows rows, String moreWhat) {
        if (rows.rows().isEmpty()) {
            return;
        }
        CallOutcomes outcomes = s.callOutcomes();
        h.raw("<table><tr><th>call</th><th>time</th><th>agent</th><th>task</th><th>tool</th><th>risk</th>"
                + "<th>decision</th><th>approval</th><th>outcome</th><th>rule</th><th>reason</th><th>approver</th>"
                + "<th>params</th></tr>");
        int n = 0;
        for (CallRows.Row r : rows.rows()) {
            if (n++ == ROWS) {
                break;
            }
            h.raw("<tr><td class=\"num\">").raw(Long.toString(r.callSeq)).raw("</td><td>").esc(Text.isoMillis(r.timestamp))
                    .raw("</td><td>").raw(Html.name(r.agent, 30)).raw("</td><td>").raw(Html.name(r.task, 40))
                    .raw("</td><td>").raw(Html.name(r.tool, 40)).raw("</td><td class=\"risk-")
                    .raw(StatsJson.label(r.risk)).raw("\">").raw(StatsJson.label(r.risk)).raw("</td><td>")
                    .raw(r.decision == Decision.NONE ? "-" : StatsJson.label(r.decision)).raw("</td><td>")
                    .raw(r.approval == Decision.NONE ? "-" : StatsJson.label(r.approval)).raw("</td><td>")
                    .raw(outcomes.of(r.callSeq).label).raw("</td><td>").raw(Html.name(r.policy, 40))
                    .raw("</td><td>").raw(Html.name(r.reason, 80)).raw("</td><td>").raw(Html.name(r.approver, 30))
                    .raw(r.approvalReason == null || r.approvalReason.isEmpty() ? "" : ": "
                            + Html.text(Text.cut(r.approvalReason, 60)))
                    .raw("</td><td class=\"mono\">")
                    .raw(r.params == null ? "<span class=\"dim\">-</span>" : Html.name(r.params, 120))
                    .raw("</td></tr>");
        }
        h.raw("</table>");
        more(rows.count(), Math.min(ROWS, rows.rows().size()), moreWhat);
    }

    private void rate() {
        List<RateSeries.Bucket> buckets = s.rate().buckets(interval);
        h.raw("<section id=\"rate\"><h2>Events over time</h2>\n<p>Events per ").raw(RateSeries.label(interval))
                .raw(" (UTC); peak ");
        long peak = 0;
        long[] values = new long[buckets.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = buckets.get(i).events();
            peak = Math.max(peak, values[i]);
        }
        h.stat("span", "/rate/peak_events", peak).raw(" events in one interval.</p>");
        if (!buckets.isEmpty()) {
            h.raw(SvgCharts.columns("Events per " + RateSeries.label(interval), values,
                    Text.isoMillis(buckets.get(0).start() * NANOS),
                    Text.isoMillis(buckets.get(buckets.size() - 1).start() * NANOS), "events"));
            h.raw("<details><summary>The figures</summary><table><tr><th>from</th><th>events</th><th>calls</th></tr>");
            for (int i = 0; i < buckets.size(); i++) {
                RateSeries.Bucket b = buckets.get(i);
                h.raw("<tr><td>").esc(Text.iso(b.start() * NANOS)).raw("</td>")
                        .stat("td", StatsJson.pointer("rate", "buckets", Integer.toString(i), "events"), b.events())
                        .stat("td", StatsJson.pointer("rate", "buckets", Integer.toString(i), "calls"), b.calls())
                        .raw("</tr>");
            }
            h.raw("</table></details>");
        }
        h.raw("</section>\n");
    }

    private void breakdown() {
        h.raw("<section id=\"breakdown\"><h2>By tool, agent, task and principal</h2>\n");
        h.raw("<h3>Tools</h3><table><tr><th>tool</th><th>calls</th><th>allow</th><th>block</th><th>stall</th>"
                + "<th>approved</th><th>refused</th><th>timed out</th><th>results</th><th>errors</th></tr>");
        List<Map.Entry<String, long[]>> tools = s.tools().sorted(JournalStats.CALLS);
        for (Map.Entry<String, long[]> e : tools.subList(0, Math.min(TABLE_TOP, tools.size()))) {
            long[] c = e.getValue();
            h.raw("<tr><td>").raw(Html.name(e.getKey(), 60)).raw("</td>");
            h.stat("td", StatsJson.pointer("tools", e.getKey(), "calls"), c[JournalStats.CALLS]);
            for (Decision d : StatsJson.ALL_DECISIONS) {
                if (d != Decision.REDACT) {
                    h.stat("td", StatsJson.pointer("tools", e.getKey(), StatsJson.label(d)),
                            c[JournalStats.DECISION_BASE + d.ordinal()]);
                }
            }
            h.stat("td", StatsJson.pointer("tools", e.getKey(), "results"), c[JournalStats.RESULTS]);
            h.stat("td", StatsJson.pointer("tools", e.getKey(), "errors"), c[JournalStats.ERRORS]).raw("</tr>");
        }
        h.raw("</table>");
        more(tools.size(), Math.min(TABLE_TOP, tools.size()), "tools");
        counts("Agents", "agents", s.agents());
        h.raw("<h3>Tasks</h3><table><tr><th>task</th><th>events</th><th>calls</th><th>first</th><th>last</th></tr>");
        List<Map.Entry<String, JournalStats.Task>> tasks = StatsText.tasksByEvents(s);
        for (Map.Entry<String, JournalStats.Task> e : tasks.subList(0, Math.min(TABLE_TOP, tasks.size()))) {
            JournalStats.Task t = e.getValue();
            h.raw("<tr><td>").raw(Html.name(e.getKey(), 60)).raw("</td>")
                    .stat("td", StatsJson.pointer("tasks", e.getKey(), "events"), t.events)
                    .stat("td", StatsJson.pointer("tasks", e.getKey(), "calls"), t.calls)
                    .stat("td", StatsJson.pointer("tasks", e.getKey(), "first_timestamp"), Text.iso(t.first))
                    .stat("td", StatsJson.pointer("tasks", e.getKey(), "last_timestamp"), Text.iso(t.last))
                    .raw("</tr>");
        }
        h.raw("</table>");
        more(tasks.size(), Math.min(TABLE_TOP, tasks.size()), "tasks");
        counts("Principals", "principals", s.principals());
        h.raw("<h3>Record types</h3><table><tr><th>type</th><th>records</th></tr>");
        for (RecordType t : RecordType.values()) {
            h.raw("<tr><td>").raw(t.label()).raw("</td>").stat("td", StatsJson.pointer("record_types", t.label()),
                    s.count(t)).raw("</tr>");
        }
        h.raw("</table></section>\n");
    }

    private void counts(String title, String member, Breakdown b) {
        h.raw("<h3>").raw(title).raw("</h3><table><tr><th>").raw(member.substring(0, member.length() - 1))
                .raw("</th><th>events</th></tr>");
        List<Map.Entry<String, long[]>> entries = b.sorted(0);
        for (Map.Entry<String, long[]> e : entries.subList(0, Math.min(TABLE_TOP, entries.size()))) {
            h.raw("<tr><td>").raw(Html.name(e.getKey(), 60)).raw("</td>")
                    .stat("td", StatsJson.pointer(member, e.getKey()), e.getValue()[0]).raw("</tr>");
        }
        h.raw("</table>");
        more(entries.size(), Math.min(TABLE_TOP, entries.size()), member);
    }

    private void continuity() {
        h.raw("<section id=\"continuity\"><h2>Drops, gaps and recoveries</h2>\n<table class=\"kv\">");
        h.raw("<tr><th>gap records</th>").stat("td", "/gaps", s.gapCount())
                .raw("</tr><tr><th>events dropped by backpressure</th>").stat("td", "/dropped_total", s.droppedTotal())
                .raw("</tr><tr><th>recoveries (crashes survived)</th>").stat("td", "/recoveries", s.recoveryCount())
                .raw("</tr><tr><th>sessions</th>").stat("td", "/sessions", s.sessions().size()).raw("</tr></table>");
        h.raw("<p class=\"dim\">A gap record counts the events the writer dropped when its ring was full (backpressure"
                + " DROP or FAIL); a recovery record marks where a writer that had stopped without sealing left off,"
                + " and how many records no checkpoint covered then.</p>");
        if (!s.gaps().isEmpty()) {
            h.raw("<h3>Gaps</h3><table><tr><th>seq</th><th>time</th><th>dropped</th><th>dropped in all</th></tr>");
            for (JournalStats.GapEvent g : s.gaps().subList(0, Math.min(ROWS, s.gaps().size()))) {
                h.raw("<tr><td class=\"num\">").raw(Long.toString(g.seq())).raw("</td><td>")
                        .esc(Text.isoMillis(g.timestamp())).raw("</td><td class=\"num\">")
                        .raw(Html.number(g.dropped())).raw("</td><td class=\"num\">").raw(Html.number(g.droppedTotal()))
                        .raw("</td></tr>");
            }
            h.raw("</table>");
            more(s.gapCount(), Math.min(ROWS, s.gaps().size()), "gaps");
        }
        if (!s.recoveries().isEmpty()) {
            h.raw("<h3>Recoveries</h3><table><tr><th>seq</th><th>time</th><th>last checkpoint before</th>"
                    + "<th>records not covered</th><th>reason</th></tr>");
            for (JournalStats.RecoveryEvent r : s.recoveries()) {
                h.raw("<tr><td class=\"num\">").raw(Long.toString(r.seq())).raw("</td><td>")
                        .esc(Text.isoMillis(r.timestamp())).raw("</td><td class=\"num\">")
                        .raw(r.lastCheckpoint() < 0 ? "-" : Long.toString(r.lastCheckpoint()))
                        .raw("</td><td class=\"num\">").raw(Html.number(r.uncovered())).raw("</td><td>")
                        .esc(r.reason()).raw("</td></tr>");
            }
            h.raw("</table>");
        }
        h.raw("<h3>Sessions</h3><table><tr><th>seq</th><th>time</th><th>opened as</th><th>library</th></tr>");
        for (JournalStats.Session x : s.sessions().subList(0, Math.min(ROWS, s.sessions().size()))) {
            h.raw("<tr><td class=\"num\">").raw(Long.toString(x.seq())).raw("</td><td>").esc(Text.isoMillis(x.timestamp()))
                    .raw("</td><td>").raw(x.resume() ? "reopened" : "created").raw("</td><td>").esc(x.library())
                    .raw("</td></tr>");
        }
        h.raw("</table></section>\n");
    }

    private void more(long total, long shown, String what) {
        if (total > shown) {
            h.raw("<p class=\"dim\">").raw(Html.number(shown)).raw(" of ").raw(Html.number(total)).raw(" ")
                    .raw(Html.escape(what)).raw(" shown.</p>");
        }
    }

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;\
            background:#fafafa}
            header,nav,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
            header{padding-top:18px}h1{margin:0 0 6px;font-size:24px}h2{margin:28px 0 10px;font-size:19px;\
            border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
            nav{position:sticky;top:0;background:#fafafa;padding:8px 16px;border-bottom:1px solid #e5e5e5}
            nav a{margin-right:12px;color:#3b6ea5;text-decoration:none}
            table{border-collapse:collapse;margin:6px 0;background:#fff;max-width:100%}th,td{border:1px solid #e1e1e1;\
            padding:3px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f3f3f3;font-weight:600;\
            white-space:nowrap}
            td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.mono,code{font-family:ui-monospace,\
            Menlo,Consolas,monospace;font-size:12px;word-break:break-all}td.mono{min-width:180px}
            table.kv th{width:230px}.k{display:inline-block;width:80px;color:#666}.dim{color:#777}
            .verdict{border-radius:6px;padding:10px 14px;margin:8px 0;border:1px solid}
            .verdict .headline{font-weight:700;font-size:16px;margin:0 0 4px}
            .intact{background:#e8f5e9;border-color:#2e7d32}.tampered{background:#ffebee;border-color:#c62828}
            .incomplete{background:#fff8e1;border-color:#f9a825}.unverified{background:#eceff1;border-color:#607d8b}
            .cards{display:flex;flex-wrap:wrap;gap:8px}.card{background:#fff;border:1px solid #e1e1e1;\
            border-radius:6px;padding:8px 12px;min-width:110px}.big{font-size:22px;font-weight:600}
            .ok{color:#2e7d32}.bad{color:#c62828;font-weight:600}.risk-high{color:#ef6c00;font-weight:600}
            .risk-critical{color:#c62828;font-weight:700}.risk-high,.risk-critical{white-space:nowrap}
            svg{display:block;max-width:100%;height:auto;margin:8px 0;font-size:12px;font-family:inherit}
            svg text{fill:#333}svg .axis{stroke:#999}svg .lane{stroke:#bbb;stroke-width:2}
            .sw{display:inline-block;width:10px;height:10px;margin:0 3px 0 8px;vertical-align:middle}
            footer{color:#777;margin:30px auto;font-size:12px}
            """;
}
