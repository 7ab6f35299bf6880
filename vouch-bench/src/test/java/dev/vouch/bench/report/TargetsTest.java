package dev.vouch.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.bench.report.TargetRow.Outcome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The targets table against the "full" fixture, whose numbers were chosen to meet some targets and miss others. */
class TargetsTest {
    static Results results;

    @BeforeAll
    static void load(@TempDir Path tmp) throws Exception {
        results = Fixtures.results("full", tmp);
    }

    @Test
    void shouldMissSustainedTargetWithinErrorAgainstSameRunJournal() {
        TargetRow row = Targets.sustained(results);
        assertEquals(Outcome.MISSED, row.outcome());
        assertTrue(row.ratio().startsWith("0.49× ± 0.36 (needs ≥ 0.60×)"), row.ratio());
        assertTrue(row.status().contains("% short") && row.status().contains("within error"), row.status());
        assertTrue(row.measured().startsWith("531,216 ± 271,624 ops/s"), "the unprofiled run: " + row.measured());
        assertTrue(row.reference().startsWith("1,088,219 ± 582,166 ops/s"), row.reference());
    }

    @Test
    void shouldMissBurstTargetByItsShortfall() {
        List<TargetRow> rows = Targets.burst(results);
        assertEquals(1, rows.size(), "one burst variant in the fixture");
        TargetRow row = rows.get(0);
        assertEquals(Outcome.MISSED, row.outcome());
        assertEquals("**missed**: 18 % short", row.status());
        assertTrue(row.ratio().startsWith("0.82× of target"), row.ratio());
    }

    @Test
    void shouldMeetPerEventTargetAgainstASignatureWithoutPayloadParameter() {
        TargetRow row = Targets.perEvent(results);
        assertEquals(Outcome.MET, row.outcome());
        assertTrue(row.ratio().startsWith("0.97×"), row.ratio());
    }

    @Test
    void shouldMeetLog4jTargetWithRatioAboveOne() {
        TargetRow row = Targets.log4j(results);
        assertEquals(Outcome.MET, row.outcome());
        assertTrue(row.ratio().startsWith("1.33×"), row.ratio());
        assertTrue(row.ratio().contains("needs > 1.00×"), row.ratio());
    }

    @Test
    void shouldHoldAllocationToATenthOfAByteAndPrintTheExactValue() {
        TargetRow row = Targets.allocation(results);
        assertEquals(Outcome.MISSED, row.outcome(), "0.74 B/op is over 0.1");
        assertTrue(row.measured().startsWith("0.7400 ± 0.0500 B/op"), row.measured());
    }

    @Test
    void shouldCheckVerificationFromTheRecordsCounterAtTenMillionRecords() {
        TargetRow row = Targets.verification(results);
        assertEquals(Outcome.MISSED, row.outcome(), "1.5 M records/s is short of 2 M");
        assertTrue(row.measured().startsWith("1,500,000 ± 100,000 ops/s"), "records/s, not verifications/s: "
                + row.measured());
        assertTrue(row.measured().endsWith("(its `records` counter)"), row.measured());
        assertFalse(row.target().contains("reduced"), row.target());
    }

    @Test
    void shouldCheckLatencyPerWaitModeFromTheNinetyNinthPercentileInNanos() {
        List<TargetRow> rows = Targets.latency(results);
        assertEquals(2, rows.size(), "record() with BLOCKING and YIELDING; recordJournaled has no target");
        TargetRow blocking = rows.get(0);
        assertEquals("p99 of `record()` < 1 µs (waitMode=BLOCKING)", blocking.target());
        assertEquals(Outcome.MISSED, blocking.outcome());
        assertEquals("p99 1.25 µs", blocking.measured(), "1.25 us/op");
        assertEquals("**missed**: 25 % over", blocking.status());
        TargetRow yielding = rows.get(1);
        assertEquals(Outcome.MET, yielding.outcome());
        assertEquals("p99 0.800 µs", yielding.measured(), "800 ns/op");
    }

    @Test
    void shouldCompareIngestAfterTwentyMillionWithEmpty() {
        TargetRow row = Targets.ingest(results);
        assertEquals(Outcome.MET, row.outcome());
        assertTrue(row.ratio().startsWith("0.92×"), row.ratio());
        assertFalse(row.target().contains("reduced"), row.target());
    }

    @Test
    void shouldReportEveryTargetNotRunWhenItsBenchmarksAreMissing(@TempDir Path tmp) throws Exception {
        List<TargetRow> rows = Targets.evaluate(Fixtures.results("partial", tmp));
        assertEquals(13, rows.size(), "one row per target (4 for the guarded call)");
        rows.forEach(r -> {
            assertEquals(Outcome.NOT_RUN, r.outcome(), r.target());
            assertTrue(r.status().startsWith("not run: no "), r.status());
        });
    }

    @Test
    void shouldLabelReducedRunsOfVerificationAndIngest(@TempDir Path tmp) throws Exception {
        List<JmhResult> reduced = results.all().stream().map(r -> switch (r.className()) {
            case Benchmarks.VERIFY -> withParam(r, Benchmarks.RECORDS, "1000000");
            case Benchmarks.INGEST -> "0".equals(r.param(Benchmarks.PREEXISTING)) ? r
                    : withParam(r, Benchmarks.PREEXISTING, "2000000");
            default -> r;
        }).toList();
        Results quick = new Results(reduced);
        assertTrue(Targets.verification(quick).target().contains("reduced: 1,000,000 records"));
        assertTrue(Targets.ingest(quick).target().contains("reduced: after 2,000,000 records"));
    }

    private static JmhResult withParam(JmhResult r, String name, String value) {
        return new JmhResult(r.benchmark(), r.mode(), r.threads(), java.util.Map.of(name, value), r.primary(),
                r.percentiles(), r.secondary(), r.jvm(), r.settings(), r.run());
    }
}
