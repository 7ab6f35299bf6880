package dev.vouch.bench.report;

/**
 * Met or missed, and by how much: the share the value falls short of (or goes over) the threshold. "within
 * error" flags a verdict JMH's 99.9 % interval cannot decide, which on a noisy machine is common.
 */
final class Verdict {
    enum Bound {
        AT_LEAST("≥"), MORE_THAN(">"), LESS_THAN("<"), AT_MOST("≤");

        final String symbol;

        Bound(String symbol) {
            this.symbol = symbol;
        }
    }

    private Verdict() {
    }

    static boolean met(double value, double threshold, Bound bound) {
        return switch (bound) {
            case AT_LEAST -> value >= threshold;
            case MORE_THAN -> value > threshold;
            case LESS_THAN -> value < threshold;
            case AT_MOST -> value <= threshold;
        };
    }

    /** A row's outcome and status text for a value against its threshold. */
    static TargetRow row(String target, String measured, String reference, String ratio, double value, double error,
            double threshold, Bound bound) {
        boolean met = met(value, threshold, bound);
        String status;
        if (met) {
            status = "met";
        } else if ((bound == Bound.LESS_THAN || bound == Bound.AT_MOST) && value >= 2 * threshold) {
            status = "**missed**: " + Num.ratio(value / threshold) + " the limit";
        } else if (bound == Bound.LESS_THAN || bound == Bound.AT_MOST) {
            status = "**missed**: " + Num.percent(value / threshold - 1) + " over";
        } else {
            status = "**missed**: " + Num.percent(1 - value / threshold) + " short";
        }
        if (!Double.isNaN(error) && Math.abs(value - threshold) <= error) {
            status += " (within error)";
        }
        return new TargetRow(target, measured, reference, ratio, met ? TargetRow.Outcome.MET : TargetRow.Outcome.MISSED,
                status);
    }

    /** The 99.9 % half-width of a / b from both half-widths (first-order propagation); NaN if either is NaN. */
    static double ratioError(Metric a, Metric b) {
        double r = a.score() / b.score();
        return r * Math.hypot(a.error() / a.score(), b.error() / b.score());
    }
}
