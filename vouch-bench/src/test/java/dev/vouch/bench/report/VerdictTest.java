package dev.vouch.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vouch.bench.report.TargetRow.Outcome;
import dev.vouch.bench.report.Verdict.Bound;
import org.junit.jupiter.api.Test;

class VerdictTest {
    private static TargetRow row(double value, double error, double threshold, Bound bound) {
        return Verdict.row("t", "m", "r", "x", value, error, threshold, bound);
    }

    @Test
    void shouldSayHowFarBelowALowerBound() {
        assertEquals("**missed**: 39 % short", row(0.49, 0.01, 0.8, Bound.AT_LEAST).status());
        assertEquals("met", row(0.8, Double.NaN, 0.8, Bound.AT_LEAST).status());
        assertEquals("met", row(0.9, 0.05, 0.8, Bound.AT_LEAST).status());
    }

    @Test
    void shouldRequireMoreThanForAStrictBound() {
        assertEquals(Outcome.MISSED, row(1.0, Double.NaN, 1.0, Bound.MORE_THAN).outcome());
        assertEquals(Outcome.MET, row(1.01, Double.NaN, 1.0, Bound.MORE_THAN).outcome());
    }

    @Test
    void shouldSayHowFarOverAnUpperBoundAndUseAFactorWhenFarOver() {
        assertEquals("**missed**: 25 % over", row(1250, Double.NaN, 1000, Bound.LESS_THAN).status());
        assertEquals("**missed**: 40.75× the limit", row(40_753, Double.NaN, 1000, Bound.LESS_THAN).status());
    }

    @Test
    void shouldFlagVerdictsTheConfidenceIntervalCannotDecide() {
        assertEquals("met (within error)", row(0.97, 0.46, 0.8, Bound.AT_LEAST).status());
        assertEquals("**missed**: 39 % short (within error)", row(0.49, 0.36, 0.8, Bound.AT_LEAST).status());
    }

    @Test
    void shouldPropagateBothErrorsIntoARatio() {
        double e = Verdict.ratioError(new Metric(100, 10, "ops/s"), new Metric(200, 20, "ops/s"));
        assertEquals(0.5 * Math.hypot(0.1, 0.1), e, 1e-12);
        assertEquals(Double.NaN, Verdict.ratioError(new Metric(100, Double.NaN, ""), new Metric(200, 20, "")));
    }
}
