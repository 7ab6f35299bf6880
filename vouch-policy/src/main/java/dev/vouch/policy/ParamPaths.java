package dev.vouch.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter paths a policy's conditions name, as a tree fixed at load, and the reader that fills a
 * {@link ParamValues} from a call's JSON parameters in one streaming pass. Subtrees no condition looks at
 * are skipped unread.
 *
 * <p>A key the tree watches that occurs twice in the same object ({@code {"amount":1,"amount":5000}}) makes
 * the parameters unreadable: JSON parsers disagree on which copy wins, so the tool might act on the copy the
 * policy did not judge.
 */
final class ParamPaths {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** One path segment. Immutable once the policy is built. */
    private static final class Node {
        final int id;
        int slot = -1; // the ParamValues slot when a condition reads this exact path
        final Map<String, Node> children = new HashMap<>();
        // Children whose key is a canonical array index ("0", "12"), for arrays: parallel arrays, few entries.
        int[] indexes = new int[0];
        Node[] indexed = new Node[0];

        Node(int id) {
            this.id = id;
        }

        Node index(int i) {
            for (int k = 0; k < indexes.length; k++) {
                if (indexes[k] == i) {
                    return indexed[k];
                }
            }
            return null;
        }
    }

    private final Node root;
    private final int slots;
    private final int nodes;

    private ParamPaths(Node root, int slots, int nodes) {
        this.root = root;
        this.slots = slots;
        this.nodes = nodes;
    }

    /** Whether any condition reads the parameters at all. */
    boolean isEmpty() {
        return slots == 0;
    }

    /** Collects paths at load; each distinct path gets one slot. */
    static final class Builder {
        private final Node root = new Node(0);
        private final Map<String, Integer> slotByPath = new LinkedHashMap<>();
        private int nodes = 1;

        /** The slot for a dot path already checked by {@link #checkPath}. */
        int slot(String path) {
            Integer known = slotByPath.get(path);
            if (known != null) {
                return known;
            }
            Node node = root;
            for (String segment : segments(path)) {
                Node child = node.children.get(segment);
                if (child == null) {
                    child = new Node(nodes++);
                    node.children.put(segment, child);
                    if (isIndex(segment)) {
                        int i = Integer.parseInt(segment);
                        node.indexes = append(node.indexes, i);
                        Node[] grown = java.util.Arrays.copyOf(node.indexed, node.indexed.length + 1);
                        grown[grown.length - 1] = child;
                        node.indexed = grown;
                    }
                }
                node = child;
            }
            int slot = slotByPath.size();
            node.slot = slot;
            slotByPath.put(path, slot);
            return slot;
        }

        ParamPaths build() {
            return new ParamPaths(root, slotByPath.size(), nodes);
        }
    }

    /**
     * Checks a dot path ({@code order.amount}, {@code items.0.sku}).
     *
     * @return what is wrong with it, or {@code null} if it is fine
     */
    static String checkPath(String path) {
        if (path.isEmpty()) {
            return "found an empty path; expected a parameter name such as \"amount\" or a dot path such as \"order.amount\"";
        }
        List<String> segments = segments(path);
        for (String s : segments) {
            if (s.isEmpty()) {
                return "found an empty segment in path " + Texts.quote(path)
                        + "; expected names separated by single dots, such as \"order.amount\"";
            }
            // An outside trial's redact: ["a.*"] loaded, and hid only a member literally named "*": the author meant
            // every member of a, which stayed in the journal in clear. Paths have no wildcards or brackets.
            if (s.indexOf('*') >= 0 || s.indexOf('[') >= 0 || s.indexOf(']') >= 0 || s.equals("$")) {
                return "found " + Texts.quote(s) + " in path " + Texts.quote(path) + "; a path names members one by one"
                        + " (no wildcards, no [brackets], no leading $): write \"order.amount\" or \"items.0.sku\", one"
                        + " path per member; to keep every parameter out of the journal, use log_level: metadata_only";
            }
        }
        if (segments.size() > 32) {
            return "found a path of " + segments.size() + " segments; expected at most 32";
        }
        return null;
    }

    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '.') {
                out.add(path.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    // "0", "7", "42" but not "007" or "-1": only canonical indexes address array elements.
    private static boolean isIndex(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return false;
        }
        if (s.length() > 1 && s.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int[] append(int[] a, int v) {
        int[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    /** Reads the watched values from UTF-8 JSON; empty input or {@code null} JSON mean "no parameters". */
    ParamValues read(byte[] json, int offset, int length) {
        ParamValues values = new ParamValues(slots, nodes);
        if (json == null || length == 0) {
            return values;
        }
        try (JsonParser p = JSON.createParser(json, offset, length)) {
            read(p, values);
        } catch (JsonProcessingException e) {
            values.problem = invalid(e);
        } catch (IOException e) {
            values.problem = "not readable (" + e.getClass().getSimpleName() + ")";
        }
        return values;
    }

    /** As {@link #read(byte[], int, int)}, for parameters already held as a string. */
    ParamValues read(String json) {
        ParamValues values = new ParamValues(slots, nodes);
        if (json == null || json.isEmpty()) {
            return values;
        }
        try (JsonParser p = JSON.createParser(json)) {
            read(p, values);
        } catch (JsonProcessingException e) {
            values.problem = invalid(e);
        } catch (IOException e) {
            values.problem = "not readable (" + e.getClass().getSimpleName() + ")";
        }
        return values;
    }

    // Only where it stopped: Jackson's own message quotes the offending input, and the reason is recorded in the
    // journal, where a secret in a malformed field must not appear.
    private static String invalid(JsonProcessingException e) {
        String at = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return "not valid JSON (stopped" + (at.isEmpty() ? " reading" : at) + ")";
    }

    private void read(JsonParser p, ParamValues values) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null || first == JsonToken.VALUE_NULL) {
            if (first != null && p.nextToken() != null) {
                values.problem = "not a single JSON value (more follows the first)";
            }
            return;
        }
        if (first != JsonToken.START_OBJECT) {
            values.problem = "a JSON " + describe(first) + ", not a JSON object";
            p.skipChildren();
            return;
        }
        if (!readObject(p, root, values)) {
            return;
        }
        if (p.nextToken() != null) {
            values.problem = "not a single JSON value (more follows the parameters object)";
        }
    }

    // After START_OBJECT; returns false when the values turned out unreadable.
    private boolean readObject(JsonParser p, Node node, ParamValues values) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            Node child = node.children.get(p.currentName());
            JsonToken value = p.nextToken();
            if (child == null) {
                p.skipChildren();
                continue;
            }
            if (values.seen[child.id]) {
                values.problem = "ambiguous: the key " + Texts.quote(p.currentName())
                        + " occurs twice in one object, and a condition reads it";
                return false;
            }
            values.seen[child.id] = true;
            if (!visit(p, value, child, values)) {
                return false;
            }
        }
        return endedAs(t, JsonToken.END_OBJECT, values);
    }

    private boolean readArray(JsonParser p, Node node, ParamValues values) throws IOException {
        JsonToken t;
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            Node child = node.index(i++);
            if (child == null) {
                p.skipChildren();
                continue;
            }
            values.seen[child.id] = true;
            if (!visit(p, t, child, values)) {
                return false;
            }
        }
        return endedAs(t, JsonToken.END_ARRAY, values);
    }

    private static boolean endedAs(JsonToken t, JsonToken expected, ParamValues values) {
        if (t != expected) {
            values.problem = "not valid JSON (found " + t + " where " + expected + " was expected)";
            return false;
        }
        return true;
    }

    private boolean visit(JsonParser p, JsonToken t, Node node, ParamValues values) throws IOException {
        int slot = node.slot;
        switch (t) {
            case START_OBJECT:
                if (slot >= 0) {
                    values.kinds[slot] = ParamValues.OBJECT;
                }
                if (node.children.isEmpty()) {
                    p.skipChildren();
                    return true;
                }
                return readObject(p, node, values);
            case START_ARRAY:
                if (slot >= 0) {
                    values.kinds[slot] = ParamValues.ARRAY;
                }
                if (node.indexes.length == 0) {
                    p.skipChildren();
                    return true;
                }
                return readArray(p, node, values);
            case VALUE_STRING:
                if (slot >= 0) {
                    values.kinds[slot] = ParamValues.STRING;
                    values.strings[slot] = p.getText();
                }
                return true;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                if (slot >= 0) {
                    values.kinds[slot] = ParamValues.NUMBER;
                    JsonParser.NumberType type = p.getNumberType();
                    if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                        values.longs[slot] = p.getLongValue();
                    } else {
                        values.decimals[slot] = Texts.decimal(p.getText()); // p.getDecimalValue() throws on 1e2147483648
                    }
                }
                return true;
            case VALUE_TRUE:
                if (slot >= 0) {
                    values.kinds[slot] = ParamValues.TRUE;
                }
                return true;
            case VALUE_FALSE:
                if (slot >= 0) {
                    values.kinds[slot] = ParamValues.FALSE;
                }
                return true;
            case VALUE_NULL:
                if (slot >= 0) {
                    values.kinds[slot] = ParamValues.NULL;
                }
                return true;
            default:
                values.problem = "not valid JSON (unexpected " + t + ")";
                return false;
        }
    }

    private static String describe(JsonToken t) {
        switch (t) {
            case START_ARRAY:
                return "array";
            case VALUE_STRING:
                return "string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "boolean";
            default:
                return t.toString();
        }
    }
}
