package dev.vouch.bench.report;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of a JMH {@code -rf json} file: one benchmark method with one set of parameters.
 *
 * @param benchmark   the full name, {@code dev.vouch.bench.BaselineBenchmark.sha256}
 * @param mode        JMH's short mode name: {@code thrpt}, {@code sample}, {@code avgt}, ...
 * @param params      the {@code @Param} values, in JMH's order
 * @param percentiles {@code primaryMetric.scorePercentiles}, keyed as JMH writes them ({@code "99.0"})
 * @param secondary   the secondary metrics, keyed by name without JMH's older {@code "·"} prefix
 * @param run         the file this result came from, without {@code .json}: the run.sh group
 */
record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, Metric primary,
        Map<String, Double> percentiles, Map<String, Metric> secondary, JvmInfo jvm, RunSettings settings,
        String run) {

    /** Where and how JMH ran the benchmark: the forked JVM. */
    record JvmInfo(String jdkVersion, String vmName, String vmVersion) {
    }

    /** JMH's forks and iterations, as the JSON gives them ({@code "10 s"}). */
    record RunSettings(int forks, int warmupIterations, String warmupTime, int measurementIterations,
            String measurementTime) {
    }

    static final String ALLOC_NORM = "gc.alloc.rate.norm";

    /** {@code BaselineBenchmark} for {@code dev.vouch.bench.BaselineBenchmark.sha256}. */
    String className() {
        String withoutMethod = benchmark.substring(0, Math.max(0, benchmark.lastIndexOf('.')));
        return withoutMethod.substring(withoutMethod.lastIndexOf('.') + 1);
    }

    /** {@code sha256} for {@code dev.vouch.bench.BaselineBenchmark.sha256}. */
    String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** {@code BaselineBenchmark.sha256}. */
    String shortName() {
        return className() + "." + method();
    }

    String param(String name) {
        return params.get(name);
    }

    /** Whether the run had {@code -prof gc}: its timings are slightly disturbed, so plain runs are preferred. */
    boolean profiled() {
        return secondary.keySet().stream().anyMatch(name -> name.startsWith("gc."));
    }

    /** Bytes allocated per operation, from {@code -prof gc}. */
    Optional<Metric> allocPerOp() {
        return Optional.ofNullable(secondary.get(ALLOC_NORM));
    }

    /**
     * The loss count: a secondary metric whose name contains "lost" (the name is the benchmark's choice), one
     * that is not a percentage ({@code lostEvents} before {@code lostPercent}) first.
     */
    Optional<Map.Entry<String, Metric>> lost() {
        return secondary.entrySet().stream().filter(e -> lower(e.getKey()).contains("lost"))
                .min(Comparator.comparing(e -> lower(e.getKey()).contains("percent")
                        || e.getValue().unit().equals("%")));
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** A percentile of the primary metric, JMH's key being {@code "99.0"} for {@code 99.0}. */
    Optional<Double> percentile(String key) {
        return Optional.ofNullable(percentiles.get(key));
    }
}
