package dev.vouch.bench.report;

/** One JMH metric: the score, its 99.9 % confidence half-width ({@code NaN} when JMH had too few samples), the unit. */
record Metric(double score, double error, String unit) {
}
