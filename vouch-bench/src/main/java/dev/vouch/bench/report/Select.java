package dev.vouch.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which result a report line needs, e.g. {@code RecordThroughputBenchmark}, 1 thread, 256 B, {@code CHECKPOINT}.
 * A payload size also matches a benchmark without a {@code payloadBytes} parameter (one size for all, like
 * {@code ed25519Sign}). When several results match, the choice prefers one from the same JMH run as a given
 * result (ratios from one run), then one without {@code -prof gc}, then an exact payload, then the methods in
 * the order listed.
 *
 * @param methods the methods accepted, in order of preference; empty for any
 * @param threads the JMH thread count, or {@code null} for any
 * @param payload {@code payloadBytes}, or {@code null} for any
 */
record Select(String className, List<String> methods, Integer threads, String payload, Map<String, String> params) {
    static final String PAYLOAD = "payloadBytes";

    static Select of(String className, String... methods) {
        return new Select(className, List.of(methods), null, null, Map.of());
    }

    Select threads(int n) {
        return new Select(className, methods, n, payload, params);
    }

    Select payload(int bytes) {
        return payload(Integer.toString(bytes));
    }

    /** {@code payloadBytes} as JMH writes it; {@code null} for any. */
    Select payload(String bytes) {
        return new Select(className, methods, threads, bytes, params);
    }

    Select param(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(params);
        more.put(name, value);
        return new Select(className, methods, threads, payload, Map.copyOf(more));
    }

    boolean matches(JmhResult r) {
        return r.className().equals(className)
                && (methods.isEmpty() || methods.contains(r.method()))
                && (threads == null || r.threads() == threads)
                && (payload == null || r.param(PAYLOAD) == null || payload.equals(r.param(PAYLOAD)))
                && params.entrySet().stream().allMatch(e -> e.getValue().equals(r.param(e.getKey())));
    }

    Optional<JmhResult> in(List<JmhResult> results) {
        return in(results, null);
    }

    /** The best match, preferring results of {@code near}'s run when {@code near} is not null. */
    Optional<JmhResult> in(List<JmhResult> results, JmhResult near) {
        Comparator<JmhResult> order = Comparator
                .comparing((JmhResult r) -> near != null && !r.run().equals(near.run()))
                .thenComparing(JmhResult::profiled)
                .thenComparing(r -> payload != null && r.param(PAYLOAD) == null)
                .thenComparing(r -> methods.indexOf(r.method()));
        return results.stream().filter(this::matches).min(order);
    }

    /** {@code BurstBenchmark.record, payloadBytes=256, 1 thread}: what "not run" was looking for. */
    String describe() {
        List<String> parts = new ArrayList<>();
        parts.add("`" + className + (methods.isEmpty() ? "" : "." + String.join("|", methods)) + "`");
        if (payload != null) {
            parts.add(PAYLOAD + "=" + payload);
        }
        params.forEach((k, v) -> parts.add(k + "=" + v));
        if (threads != null) {
            parts.add(threads + (threads == 1 ? " thread" : " threads"));
        }
        return parts.stream().filter(Objects::nonNull).collect(Collectors.joining(", "));
    }
}
