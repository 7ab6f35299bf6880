package dev.vouch.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Reads YAML manifests and walks the parsed maps and lists, failing with the path when something is missing. */
final class Manifests {
    private Manifests() {
    }

    static List<Map<String, Object>> parseAll(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(yaml)) {
            if (doc != null) {
                docs.add(map(doc, "document"));
            }
        }
        return docs;
    }

    static List<Map<String, Object>> read(Path file) throws IOException {
        return parseAll(Files.readString(file));
    }

    static Map<String, Object> readOne(Path file) throws IOException {
        List<Map<String, Object>> docs = read(file);
        if (docs.size() != 1) {
            throw new AssertionError(file + " holds " + docs.size() + " documents, not one");
        }
        return docs.get(0);
    }

    /** The object of {@code kind} named {@code name} (any name if null); fails if there is not exactly one. */
    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind")))
                .filter(d -> name == null || name.equals(get(d, "metadata.name"))).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + (name == null ? "" : " " + name) + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The value at a dotted path ({@code spec.template.spec}); fails if any step is missing. */
    static Object get(Map<String, Object> root, String path) {
        Object v = root;
        for (String key : path.split("\\.")) {
            if (!(v instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new AssertionError("no " + path + " (at " + key + ") in " + root);
            }
            v = m.get(key);
        }
        return v;
    }

    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map<?, ?>)) {
            throw new AssertionError(what + " is not a mapping: " + o);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o;
        return m;
    }

    static Map<String, Object> map(Map<String, Object> root, String path) {
        return map(get(root, path), path);
    }

    static List<Map<String, Object>> maps(Map<String, Object> root, String path) {
        Object o = get(root, path);
        if (!(o instanceof List<?> l)) {
            throw new AssertionError(path + " is not a list: " + o);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object e : l) {
            out.add(map(e, path + "[]"));
        }
        return out;
    }

    static List<String> strings(Map<String, Object> root, String path) {
        Object o = get(root, path);
        if (!(o instanceof List<?> l)) {
            throw new AssertionError(path + " is not a list: " + o);
        }
        return l.stream().map(String::valueOf).toList();
    }

    /** The list entry whose {@code name} is {@code name}. */
    static Map<String, Object> named(List<Map<String, Object>> list, String name) {
        return list.stream().filter(m -> name.equals(m.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no entry named " + name + " in " + list));
    }

    /** {@code --option value} pairs of a container's args, in order. */
    static Map<String, String> options(List<String> args) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                out.put(a, args.get(++i));
            } else {
                out.put(a, "");
            }
        }
        return out;
    }
}
