package dev.vouch.bench.report;

import java.util.Locale;

/** JMH's time units ({@code scoreUnit} of a sample-time result) in nanoseconds. */
final class Units {
    private Units() {
    }

    /** Nanoseconds in one unit of {@code ns/op}, {@code us/op}, {@code ms/op}, {@code s/op}; NaN for others. */
    static double nanosPer(String scoreUnit) {
        String time = scoreUnit.toLowerCase(Locale.ROOT).split("/", 2)[0].trim();
        return switch (time) {
            case "ns" -> 1;
            case "us", "µs", "\u03bcs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            default -> Double.NaN;
        };
    }
}
