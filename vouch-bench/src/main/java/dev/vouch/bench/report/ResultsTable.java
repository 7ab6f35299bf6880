package dev.vouch.bench.report;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every result of every file, repeats included (the {@code run} column says which file): the score with JMH's
 * error, the events a benchmark reports lost (any secondary metric named "...lost..."), the allocation per
 * operation from {@code -prof gc}, and any other secondary metric a benchmark adds (the profilers' own are left out).
 */
final class ResultsTable {
    private static final Pattern SAMPLE_PERCENTILE = Pattern.compile("p\\d+(\\.\\d+)?");

    private ResultsTable() {
    }

    static String render(Results r) {
        MarkdownTable t = new MarkdownTable("benchmark", "params", "threads", "mode", "score", "± error", "unit",
                "lost", "alloc B/op", "other", "run").right(2, 4, 5, 7, 8);
        r.all().stream().sorted(ResultOrder.BY_NAME).forEach(x -> {
            int decimals = Num.decimalsFor(x.primary().score());
            t.row("`" + x.shortName() + "`", orDash(Labels.params(x)), Integer.toString(x.threads()), x.mode(),
                    Num.format(x.primary().score(), decimals), Num.format(x.primary().error(), decimals),
                    x.primary().unit(), x.lost().map(e -> withUnit(e.getValue())).orElse("—"),
                    x.allocPerOp().map(m -> Num.format(m.score())).orElse("—"), orDash(others(x)), x.run());
        });
        return t.isEmpty() ? "No results.\n" : t.render();
    }

    /**
     * Secondary metrics other than the loss count, profiler output and the percentiles sample-time mode repeats
     * as {@code p0.99} (the latency table has them): {@code peakHeap = 1,234 MB}.
     */
    static String others(JmhResult x) {
        String lost = x.lost().map(Map.Entry::getKey).orElse(null);
        return x.secondary().entrySet().stream()
                .filter(e -> !e.getKey().equals(lost) && !e.getKey().startsWith("gc.")
                        && !SAMPLE_PERCENTILE.matcher(e.getKey()).matches())
                .map(e -> e.getKey() + " = " + Num.format(e.getValue().score()) + " " + e.getValue().unit())
                .collect(Collectors.joining("; "));
    }

    /** {@code 1,234}; the unit only when it says more than "#" (a plain count). */
    private static String withUnit(Metric m) {
        String unit = m.unit().trim();
        return Num.format(m.score()) + (unit.isEmpty() || unit.equals("#") ? "" : " " + unit);
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "—" : s;
    }
}
