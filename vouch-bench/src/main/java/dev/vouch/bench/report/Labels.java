package dev.vouch.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How a result is named in the report: {@code `RecordThroughputBenchmark.oneProducer` payloadBytes=256, 1 thread}. */
final class Labels {
    private Labels() {
    }

    static String of(JmhResult r) {
        String params = params(r);
        return "`" + r.shortName() + "`" + (params.isEmpty() ? "" : " " + params) + ", " + threads(r.threads());
    }

    /** {@code payloadBytes=256, signing=CHECKPOINT}, sorted by name; empty without parameters. */
    static String params(JmhResult r) {
        return new TreeMap<>(r.params()).entrySet().stream().map(Labels::param).collect(Collectors.joining(", "));
    }

    /** The parameters (and thread count) in which {@code r} differs from the others: {@code waitMode=YIELDING}. */
    static String differing(JmhResult r, List<JmhResult> all) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(r.params()).forEach((k, v) -> {
            if (all.stream().anyMatch(o -> !v.equals(o.param(k)))) {
                parts.add(param(Map.entry(k, v)));
            }
        });
        if (all.stream().anyMatch(o -> o.threads() != r.threads())) {
            parts.add(threads(r.threads()));
        }
        return parts.isEmpty() ? r.run() : String.join(", ", parts);
    }

    static String threads(int n) {
        return n + (n == 1 ? " thread" : " threads");
    }

    private static String param(Map.Entry<String, String> e) {
        double v = Results.numeric(e.getValue());
        boolean large = !Double.isNaN(v) && v >= 10_000 && v == Math.rint(v);
        return e.getKey() + "=" + (large ? Num.format(v) : e.getValue());
    }
}
