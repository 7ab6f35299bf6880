package dev.vouch.policy.internal;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Parameter paths to redact, as a list and as the tree the guard walks while it rewrites the parameters: dot paths
 * into objects ({@code card.number}); a canonical number segment ({@code 0}, {@code 12}, not {@code 007}) also
 * indexes an array ({@code items.0.sku}), as in the policy's conditions. A {@code Policy} compiles one per rule when
 * it loads and hands it over as {@code PolicyDecision.redactedFields()}, so a guarded call builds no tree; a list
 * from any other evaluator is compiled when it is used. Immutable.
 */
public final class RedactionPaths extends AbstractList<String> implements RandomAccess {
    private static final RedactionPaths NONE = new RedactionPaths(List.of());

    /** One path segment. */
    public static final class Node {
        private final Map<String, Node> fields = new HashMap<>();
        private final Map<Integer, Node> indexes = new HashMap<>();
        private String path; // set when a listed path ends here

        public boolean terminal() {
            return path != null;
        }

        public String path() {
            return path;
        }

        public Node field(String name) {
            return fields.get(name);
        }

        public Node index(int i) {
            return indexes.get(i);
        }
    }

    private final List<String> paths;
    private final Node root = new Node();

    private RedactionPaths(List<String> paths) {
        this.paths = List.copyOf(paths);
    }

    /**
     * These paths, compiled (the same object if {@code paths} already is).
     *
     * @throws IllegalArgumentException if a path is empty or has an empty segment
     */
    public static RedactionPaths of(List<String> paths) {
        if (paths instanceof RedactionPaths compiled) {
            return compiled;
        }
        if (paths.isEmpty()) {
            return NONE;
        }
        RedactionPaths tree = new RedactionPaths(paths);
        for (String path : tree.paths) {
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

    public Node root() {
        return root;
    }

    @Override
    public String get(int index) {
        return paths.get(index);
    }

    @Override
    public int size() {
        return paths.size();
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
