package dev.vouch.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumTest {
    @Test
    void shouldGroupThousandsAndDropDecimalsForLargeScores() {
        assertEquals("1,088,219", Num.format(1_088_219.4));
        assertEquals("22,519", Num.format(22_519));
        assertEquals("531", Num.format(531.2));
    }

    @Test
    void shouldKeepThreeSignificantDigitsForSmallScores() {
        assertEquals("53.6", Num.format(53.61));
        assertEquals("1.25", Num.format(1.2549));
        assertEquals("0.742", Num.format(0.7421));
        assertEquals("0.00123", Num.format(0.001234));
        assertEquals("0", Num.format(0));
    }

    @Test
    void shouldWriteNanAsNotAvailable() {
        assertEquals("n/a", Num.format(Double.NaN));
        assertEquals("3,383,582 ± n/a", Num.withError(new Metric(3_383_581.5, Double.NaN, "ops/s")));
    }

    @Test
    void shouldGiveTheErrorTheScoresDecimals() {
        assertEquals("531,216 ± 271,624", Num.withError(new Metric(531_216.4, 271_624.2, "ops/s")));
        assertEquals("0.420 ± 0.010", Num.withError(new Metric(0.42, 0.01, "us/op")));
    }

    @Test
    void shouldAbbreviateChartLabels() {
        assertEquals("1.5 M", Num.abbreviated(1_500_000));
        assertEquals("531 k", Num.abbreviated(531_216));
        assertEquals("22.5 k", Num.abbreviated(22_519));
        assertEquals("0", Num.abbreviated(0));
    }

    @Test
    void shouldWriteRatiosAndPercents() {
        assertEquals("0.49×", Num.ratio(0.4881));
        assertEquals("39 %", Num.percent(0.3899));
    }
}
