package dev.vouch.bench.report;

import java.util.Locale;

/**
 * How the report writes numbers: thousands separators, as many decimals as the magnitude deserves, JMH's NaN
 * (an error from a single iteration) as "n/a".
 */
final class Num {
    static final String NOT_AVAILABLE = "n/a";

    private Num() {
    }

    /** {@code 1,088,219}, {@code 53.6}, {@code 0.742}. */
    static String format(double v) {
        return format(v, decimalsFor(v));
    }

    static String format(double v, int decimals) {
        if (Double.isNaN(v)) {
            return NOT_AVAILABLE;
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        return String.format(Locale.US, "%,." + decimals + "f", v);
    }

    /** 0 from 100 up, then one more for each power of ten below, three significant digits under 1. */
    static int decimalsFor(double v) {
        double a = Math.abs(v);
        if (Double.isNaN(a) || Double.isInfinite(a) || a == 0 || a >= 100) {
            return 0;
        }
        if (a >= 10) {
            return 1;
        }
        if (a >= 1) {
            return 2;
        }
        return Math.min(9, (int) Math.ceil(-Math.log10(a)) + 2);
    }

    /** {@code 531,216 ± 271,624}: the error with the score's decimals; a NaN error is "± n/a". */
    static String withError(Metric m) {
        int decimals = decimalsFor(m.score());
        return format(m.score(), decimals) + " ± " + format(m.error(), decimals);
    }

    /** {@code 0.49×}. */
    static String ratio(double r) {
        return format(r, 2) + "×";
    }

    /** {@code 39 %} for 0.39. */
    static String percent(double fraction) {
        return format(fraction * 100, fraction * 100 < 1 ? 1 : 0) + " %";
    }

    /** For chart labels: {@code 1.5 M}, {@code 532 k}, {@code 950}. */
    static String abbreviated(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + " G";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + " M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + " k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.US, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
