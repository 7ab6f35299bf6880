package dev.vouch.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders deploy/helm/vouch without Helm (not installable here): its templates keep to what this class understands,
 * so they mean the same to both. Understood: {@code {{ .Values.a.b }}}, {@code .Release.Name},
 * {@code .Release.Namespace}, {@code .Chart.Name}, {@code .Chart.Version}, {@code .Chart.AppVersion}, the pipes
 * {@code quote}, {@code indent N} and {@code nindent N}, and {@code {{-}} / {@code -}}} whitespace trimming. Anything
 * else fails the render, and so does a value the values file lacks (Helm would print {@code <no value>}).
 */
final class HelmChart {
    private static final Pattern ACTION = Pattern.compile("\\{\\{(-)?\\s*(.*?)\\s*(-)?\\}\\}", Pattern.DOTALL);
    private static final Pattern PIPE = Pattern.compile("(quote|indent (\\d+)|nindent (\\d+))");

    private final Path dir;
    private final Map<String, Object> chart;
    private final Map<String, Object> values;

    HelmChart(Path dir) throws IOException {
        this.dir = dir;
        this.chart = load(dir.resolve("Chart.yaml"));
        this.values = load(dir.resolve("values.yaml"));
    }

    Map<String, Object> values() {
        return values;
    }

    /** Every template, rendered for the release {@code release}, by file name. */
    Map<String, String> render(String release) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir.resolve("templates"))) {
            for (Path f : files.sorted().toList()) {
                out.put(f.getFileName().toString(), render(Files.readString(f), release));
            }
        }
        return out;
    }

    /** The Kubernetes objects of every {@code .yaml} template, rendered and parsed. */
    List<Map<String, Object>> objects(String release) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Map.Entry<String, String> t : render(release).entrySet()) {
            if (t.getKey().endsWith(".yaml")) {
                docs.addAll(Manifests.parseAll(t.getValue()));
            }
        }
        return docs;
    }

    String render(String template, String release) {
        StringBuilder out = new StringBuilder();
        Matcher m = ACTION.matcher(template);
        int at = 0;
        boolean trimNext = false;
        while (m.find()) {
            String text = template.substring(at, m.start());
            if (trimNext) {
                text = text.stripLeading();
            }
            out.append(text);
            if (m.group(1) != null) {
                while (out.length() > 0 && Character.isWhitespace(out.charAt(out.length() - 1))) {
                    out.setLength(out.length() - 1);
                }
            }
            out.append(evaluate(m.group(2), release));
            trimNext = m.group(3) != null;
            at = m.end();
        }
        String rest = template.substring(at);
        out.append(trimNext ? rest.stripLeading() : rest);
        return out.toString();
    }

    private String evaluate(String action, String release) {
        String[] parts = action.split("\\|");
        String value = format(lookup(parts[0].strip(), release), parts[0].strip());
        for (int i = 1; i < parts.length; i++) {
            String pipe = parts[i].strip();
            Matcher p = PIPE.matcher(pipe);
            if (!p.matches()) {
                throw new IllegalArgumentException("the chart uses '" + pipe + "', which HelmChart does not render");
            }
            if (pipe.equals("quote")) {
                value = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            } else {
                int n = Integer.parseInt(p.group(2) != null ? p.group(2) : p.group(3));
                String pad = " ".repeat(n);
                value = (p.group(3) != null ? "\n" : "") + pad + value.replace("\n", "\n" + pad);
            }
        }
        return value;
    }

    private Object lookup(String path, String release) {
        switch (path) {
            case ".Release.Name" -> {
                return release;
            }
            case ".Release.Namespace" -> {
                return "default";
            }
            case ".Chart.Name" -> {
                return chart.get("name");
            }
            case ".Chart.Version" -> {
                return chart.get("version");
            }
            case ".Chart.AppVersion" -> {
                return chart.get("appVersion");
            }
            default -> {
                if (!path.startsWith(".Values.")) {
                    throw new IllegalArgumentException("the chart uses '{{ " + path + " }}', which HelmChart does not render");
                }
                Object v = values;
                for (String key : path.substring(".Values.".length()).split("\\.")) {
                    v = v instanceof Map<?, ?> map ? map.get(key) : null;
                    if (v == null) {
                        throw new IllegalArgumentException("values.yaml has no " + path);
                    }
                }
                return v;
            }
        }
    }

    /** As Go's text/template prints a value Helm read from YAML (numbers without a fraction print as integers). */
    private static String format(Object v, String path) {
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw new IllegalArgumentException(path + " is a " + (v instanceof Map ? "map" : "list")
                    + "; the chart substitutes scalars only");
        }
        if (v instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return new Yaml(new LoaderOptions()).load(Files.readString(file));
    }
}
