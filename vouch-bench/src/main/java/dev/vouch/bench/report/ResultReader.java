package dev.vouch.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads every {@code *.json} JMH result file ({@code -rf json}) of a directory. A file that is not a JMH result
 * array (a crashed run leaves an empty or partial file) becomes a problem to show in the report, not an exception.
 */
final class ResultReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultReader() {
    }

    /** What a results directory holds: the results, the files read, and what could not be read. */
    record ResultDir(List<JmhResult> results, List<String> files, List<String> problems) {
    }

    static ResultDir read(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted().toList();
        }
        List<JmhResult> results = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            names.add(name);
            try {
                String run = name.substring(0, name.length() - ".json".length());
                results.addAll(parse(JSON.readTree(file.toFile()), run));
            } catch (IOException | IllegalArgumentException e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage().lines().findFirst().orElse("");
                problems.add(name + ": " + why);
            }
        }
        return new ResultDir(List.copyOf(results), List.copyOf(names), List.copyOf(problems));
    }

    static List<JmhResult> parse(JsonNode root, String run) {
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("not a JMH result array");
        }
        List<JmhResult> out = new ArrayList<>();
        for (JsonNode node : root) {
            out.add(result(node, run));
        }
        return out;
    }

    private static JmhResult result(JsonNode n, String run) {
        String benchmark = n.path("benchmark").asText("");
        JsonNode primary = n.path("primaryMetric");
        if (benchmark.isEmpty() || !primary.isObject()) {
            throw new IllegalArgumentException("an entry without benchmark or primaryMetric");
        }
        Map<String, String> params = new LinkedHashMap<>();
        fields(n.path("params")).forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        Map<String, Double> percentiles = new LinkedHashMap<>();
        fields(primary.path("scorePercentiles")).forEach(e -> percentiles.put(e.getKey(), number(e.getValue())));
        Map<String, Metric> secondary = new LinkedHashMap<>();
        // JMH before 1.24 wrote profiler metrics as "·gc.alloc.rate.norm".
        fields(n.path("secondaryMetrics"))
                .forEach(e -> secondary.put(e.getKey().replace("\u00b7", ""), metric(e.getValue())));
        return new JmhResult(benchmark, n.path("mode").asText(""), n.path("threads").asInt(1),
                Collections.unmodifiableMap(params), metric(primary), Collections.unmodifiableMap(percentiles),
                Collections.unmodifiableMap(secondary),
                new JmhResult.JvmInfo(n.path("jdkVersion").asText(""), n.path("vmName").asText(""),
                        n.path("vmVersion").asText("")),
                new JmhResult.RunSettings(n.path("forks").asInt(0), n.path("warmupIterations").asInt(0),
                        n.path("warmupTime").asText(""), n.path("measurementIterations").asInt(0),
                        n.path("measurementTime").asText("")),
                run);
    }

    private static Metric metric(JsonNode m) {
        return new Metric(number(m.path("score")), number(m.path("scoreError")), m.path("scoreUnit").asText(""));
    }

    /** JMH writes NaN and infinities as strings ({@code "NaN"}); anything unreadable is NaN too. */
    private static double number(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Set<Map.Entry<String, JsonNode>> fields(JsonNode object) {
        return object.properties();
    }
}
