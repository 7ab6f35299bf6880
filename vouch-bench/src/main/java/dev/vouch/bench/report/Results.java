package dev.vouch.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * All results of a directory, and the same without repeats: a benchmark with the same parameters measured twice
 * (typically once more under {@code -prof gc}) counts once, the unprofiled measurement winning.
 */
final class Results {
    private final List<JmhResult> all;
    private final List<JmhResult> distinct;

    Results(List<JmhResult> all) {
        this.all = List.copyOf(all);
        Map<String, JmhResult> byKey = new LinkedHashMap<>();
        for (JmhResult r : all) {
            byKey.merge(r.benchmark() + "|" + r.mode() + "|" + r.threads() + "|" + new TreeMap<>(r.params()), r,
                    (kept, other) -> kept.profiled() && !other.profiled() ? other : kept);
        }
        this.distinct = List.copyOf(byKey.values());
    }

    /** Every result of every file, in file order. */
    List<JmhResult> all() {
        return all;
    }

    /** One result per benchmark, mode, thread count and parameters. */
    List<JmhResult> distinct() {
        return distinct;
    }

    Optional<JmhResult> find(Select s) {
        return s.in(all);
    }

    Optional<JmhResult> find(Select s, JmhResult near) {
        return s.in(all, near);
    }

    /** The distinct results a selection matches that have a numeric {@code param}, the largest value first. */
    List<JmhResult> byLargest(Select s, String param) {
        List<JmhResult> out = new ArrayList<>(distinct.stream().filter(s::matches)
                .filter(r -> !Double.isNaN(numeric(r.param(param)))).toList());
        out.sort(Comparator.comparingDouble((JmhResult r) -> numeric(r.param(param))).reversed());
        return out;
    }

    static double numeric(String v) {
        if (v == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    boolean isEmpty() {
        return all.isEmpty();
    }
}
