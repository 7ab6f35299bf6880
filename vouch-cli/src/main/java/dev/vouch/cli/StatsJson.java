package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vouch stats --json}: a {@link JournalStats} as one JSON object (docs/CLI.md, "stats --json"). The HTML
 * report labels each figure it shows with the JSON Pointer (RFC 6901) of the same figure here ({@link #pointer}),
 * and a test compares them.
 */
final class StatsJson {
    /** The decisions a policy rule makes (docs/FORMAT.md: codes 1-3). */
    static final List<Decision> POLICY_DECISIONS = List.of(Decision.ALLOW, Decision.BLOCK, Decision.STALL);
    /** Every decision but NONE, as the records may carry them. */
    static final List<Decision> ALL_DECISIONS = List.of(Decision.ALLOW, Decision.BLOCK, Decision.STALL,
            Decision.REDACT, Decision.APPROVED, Decision.REFUSED, Decision.TIMED_OUT);
    private static final long NANOS = 1_000_000_000L;

    private StatsJson() {
    }

    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The JSON Pointer of a member: each part escaped (~ as ~0, / as ~1) and prefixed with /. */
    static String pointer(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append('/').append(p.replace("~", "~0").replace("/", "~1"));
        }
        return b.toString();
    }

    static void write(JsonGenerator g, JournalStats s, String journal, long interval) throws IOException {
        g.writeStartObject();
        g.writeStringField("journal", journal);
        Json.stringOrNull(g, "origin", s.origin());
        g.writeNumberField("records", s.records());
        g.writeNumberField("events", s.events());
        g.writeNumberField("calls", s.calls());
        g.writeNumberField("malformed", s.malformed());
        g.writeNumberField("record_bytes", s.recordBytes());
        Json.stringOrNull(g, "first_timestamp", s.records() == 0 ? null : Text.iso(s.firstTimestamp()));
        Json.stringOrNull(g, "last_timestamp", s.records() == 0 ? null : Text.iso(s.lastTimestamp()));
        g.writeBooleanField("sealed", s.sealed());
        g.writeNumberField("sessions", s.sessions().size());
        g.writeNumberField("checkpoints", s.checkpoints());
        g.writeNumberField("key_rotations", s.count(RecordType.KEY_ROTATION));
        g.writeNumberField("gaps", s.gapCount());
        g.writeNumberField("dropped_total", s.droppedTotal());
        g.writeNumberField("recoveries", s.recoveryCount());

        g.writeObjectFieldStart("record_types");
        for (RecordType t : RecordType.values()) {
            g.writeNumberField(t.label(), s.count(t));
        }
        g.writeEndObject();

        g.writeObjectFieldStart("outcomes");
        long[] outcomes = s.outcomes();
        for (CallOutcomes.Outcome o : CallOutcomes.Outcome.values()) {
            g.writeNumberField(o.label, outcomes[o.ordinal()]);
        }
        g.writeEndObject();

        g.writeObjectFieldStart("decisions");
        for (Decision d : ALL_DECISIONS) {
            g.writeNumberField(label(d), s.decisions(d));
        }
        g.writeEndObject();

        g.writeObjectFieldStart("risks");
        for (Risk r : Risk.values()) {
            g.writeNumberField(label(r), s.risks(r));
        }
        g.writeEndObject();

        g.writeObjectFieldStart("risk_decisions");
        for (Risk r : Risk.values()) {
            g.writeObjectFieldStart(label(r));
            for (Decision d : POLICY_DECISIONS) {
                g.writeNumberField(label(d), s.riskDecisions(r, d));
            }
            g.writeEndObject();
        }
        g.writeEndObject();

        g.writeObjectFieldStart("policies");
        for (Map.Entry<String, long[]> e : s.policies().sortedByTotal()) {
            g.writeObjectFieldStart(e.getKey());
            for (Decision d : POLICY_DECISIONS) {
                g.writeNumberField(label(d), e.getValue()[d.ordinal()]);
            }
            g.writeEndObject();
        }
        g.writeEndObject();

        g.writeObjectFieldStart("tools");
        for (Map.Entry<String, long[]> e : s.tools().sorted(JournalStats.CALLS)) {
            long[] c = e.getValue();
            g.writeObjectFieldStart(e.getKey());
            g.writeNumberField("calls", c[JournalStats.CALLS]);
            for (Decision d : ALL_DECISIONS) {
                if (d != Decision.REDACT) {
                    g.writeNumberField(label(d), c[JournalStats.DECISION_BASE + d.ordinal()]);
                }
            }
            g.writeNumberField("results", c[JournalStats.RESULTS]);
            g.writeNumberField("errors", c[JournalStats.ERRORS]);
            g.writeEndObject();
        }
        g.writeEndObject();

        counts(g, "agents", s.agents());
        counts(g, "principals", s.principals());

        g.writeObjectFieldStart("tasks");
        for (Map.Entry<String, JournalStats.Task> e : StatsText.tasksByEvents(s)) {
            JournalStats.Task t = e.getValue();
            g.writeObjectFieldStart(e.getKey());
            g.writeNumberField("events", t.events);
            g.writeNumberField("calls", t.calls);
            g.writeStringField("first_timestamp", Text.iso(t.first));
            g.writeStringField("last_timestamp", Text.iso(t.last));
            g.writeEndObject();
        }
        g.writeEndObject();

        ApprovalStats a = s.approvals();
        g.writeObjectFieldStart("approvals");
        g.writeNumberField("answers", a.answers());
        for (Decision d : List.of(Decision.APPROVED, Decision.REFUSED, Decision.TIMED_OUT)) {
            g.writeNumberField(label(d), a.count(d));
        }
        ApprovalStats.Waits w = a.waits();
        g.writeObjectFieldStart("waits");
        g.writeNumberField("count", w.count());
        g.writeNumberField("min_ns", w.min());
        g.writeNumberField("median_ns", w.median());
        g.writeNumberField("p95_ns", w.p95());
        g.writeNumberField("max_ns", w.max());
        g.writeNumberField("mean_ns", w.mean());
        g.writeEndObject();
        g.writeEndObject();

        g.writeNumberField("high_risk_calls", s.risky().count());
        g.writeNumberField("stopped_calls", s.stopped().count());

        g.writeObjectFieldStart("rate");
        g.writeStringField("interval", RateSeries.label(interval));
        g.writeNumberField("interval_s", interval);
        long span = s.lastEvent() - s.firstEvent();
        if (s.events() > 1 && span > 0) {
            g.writeNumberField("events_per_minute", Math.round(s.events() * 60.0 * NANOS / span * 100) / 100.0);
        } else {
            g.writeNullField("events_per_minute");
        }
        List<RateSeries.Bucket> buckets = s.rate().buckets(interval);
        long peak = 0;
        for (RateSeries.Bucket b : buckets) {
            peak = Math.max(peak, b.events());
        }
        g.writeNumberField("peak_events", peak);
        g.writeArrayFieldStart("buckets");
        for (RateSeries.Bucket b : buckets) {
            g.writeStartObject();
            g.writeStringField("start", Text.iso(b.start() * NANOS));
            g.writeNumberField("events", b.events());
            g.writeNumberField("calls", b.calls());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void counts(JsonGenerator g, String name, Breakdown b) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, long[]> e : b.sorted(0)) {
            g.writeNumberField(e.getKey(), e.getValue()[0]);
        }
        g.writeEndObject();
    }
}
