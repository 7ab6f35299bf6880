package dev.vouch.guard;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parameter paths to redact, as a tree: dot paths into objects ({@code card.number}); a canonical number
 * segment ({@code 0}, {@code 12}, not {@code 007}) also indexes an array ({@code items.0.sku}), as in the
 * policy's conditions. Immutable once built; trees are cached per path list, since a policy hands the same
 * list for every call its rule judges.
 */
final class RedactionPaths {
    private static final int CACHE_LIMIT = 1024;
    private static final Map<List<String>, RedactionPaths> CACHE = new ConcurrentHashMap<>();

    /** One path segment. */
    static final class Node {
        private final Map<String, Node> fields = new HashMap<>();
        private final Map<Integer, Node> indexes = new HashMap<>();
        private String path; // set when a listed path ends here

        boolean terminal() {
            return path != null;
        }

        String path() {
            return path;
        }

        Node field(String name) {
            return fields.get(name);
        }

        Node index(int i) {
            return indexes.get(i);
        }
    }

    private final Node root = new Node();

    private RedactionPaths() {
    }

    /**
     * The tree of these paths.
     *
     * @throws IllegalArgumentException if a path is empty or has an empty segment
     */
    static RedactionPaths of(List<String> paths) {
        RedactionPaths cached = CACHE.get(paths);
        if (cached != null) {
            return cached;
        }
        RedactionPaths built = build(paths);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.putIfAbsent(List.copyOf(paths), built);
        }
        return built;
    }

    private static RedactionPaths build(List<String> paths) {
        RedactionPaths tree = new RedactionPaths();
        for (String path : paths) {
            if (path == null || path.isEmpty()) {
                throw new IllegalArgumentException("a redacted path is empty; expected a parameter name such as"
                        + " \"card\" or a dot path such as \"card.number\"");
            }
            Node node = tree.root;
            int start = 0;
            for (int i = 0; i <= path.length(); i++) {
                if (i == path.length() || path.charAt(i) == '.') {
                    String segment = path.substring(start, i);
                    if (segment.isEmpty()) {
                        throw new IllegalArgumentException("the redacted path \"" + path + "\" has an empty segment;"
                                + " expected names separated by single dots, such as \"card.number\"");
                    }
                    Node child = node.fields.computeIfAbsent(segment, s -> new Node());
                    if (isIndex(segment)) {
                        node.indexes.put(Integer.parseInt(segment), child);
                    }
                    node = child;
                    start = i + 1;
                }
            }
            if (node.path == null) {
                node.path = path;
            }
        }
        return tree;
    }

    Node root() {
        return root;
    }

    private static boolean isIndex(String s) {
        if (s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
