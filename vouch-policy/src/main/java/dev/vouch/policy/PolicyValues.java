package dev.vouch.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Typed values out of policy nodes (mappings with checked keys, lists, strings, booleans, whole numbers, words,
 * Go-style durations), each refusing anything else with "found X; expected Y" at the node, and suggesting the
 * nearest key for a misspelt one.
 */
final class PolicyValues {
    private final PolicyYaml yaml;

    PolicyValues(PolicyYaml yaml) {
        this.yaml = yaml;
    }

    /** A mapping with its keys checked: scalar, unique and (when {@code allowed} is given) known. */
    static final class Mapping {
        final Map<String, NodeTuple> entries = new LinkedHashMap<>();

        Node value(String key) {
            NodeTuple t = entries.get(key);
            return t == null ? null : t.getValueNode();
        }

        Node key(String key) {
            return entries.get(key).getKeyNode();
        }
    }

    Mapping mapping(Node node, String where, String expected, List<String> allowed) {
        if (!(node instanceof MappingNode)) {
            throw yaml.at(node, "found " + PolicyYaml.describe(node) + " " + where + "; expected " + expected);
        }
        Mapping m = new Mapping();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode) || PolicyYaml.isNull((ScalarNode) k)) {
                throw yaml.at(k, "found " + PolicyYaml.describe(k) + " as a key " + where + "; expected a key name");
            }
            String key = ((ScalarNode) k).getValue();
            NodeTuple first = m.entries.get(key);
            if (first != null) {
                throw yaml.at(k, "found key '" + key + "' a second time " + where + " (first at line "
                        + PolicyYaml.line(first.getKeyNode()) + "); expected each key once");
            }
            if (allowed != null && !allowed.contains(key)) {
                throw yaml.at(k, "found unknown key '" + key + "' " + where + "; expected one of "
                        + String.join(", ", allowed) + suggestion(key, allowed));
            }
            m.entries.put(key, t);
        }
        return m;
    }

    static String peekId(MappingNode node) {
        for (NodeTuple t : node.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode && ((ScalarNode) t.getKeyNode()).getValue().equals("id")
                    && t.getValueNode() instanceof ScalarNode && !PolicyYaml.isNull((ScalarNode) t.getValueNode())) {
                return ((ScalarNode) t.getValueNode()).getValue();
            }
        }
        return null;
    }

    List<Node> list(Node node, String key, String expected) {
        if (PolicyYaml.isNullScalar(node)) {
            return List.of(); // "redact:" with every entry commented out
        }
        if (!(node instanceof SequenceNode)) {
            throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for '" + key + "'; expected " + expected);
        }
        return ((SequenceNode) node).getValue();
    }

    /** Any non-null scalar, as text: the original read ids and names into Go strings, numbers included. */
    String string(Node node, String key, String expected) {
        if (!(node instanceof ScalarNode) || PolicyYaml.isNull((ScalarNode) node)) {
            throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for '" + key + "'; expected " + expected);
        }
        return ((ScalarNode) node).getValue();
    }

    String optionalString(Mapping m, String key) {
        Node node = m.value(key);
        return node == null ? null : string(node, key, "a text");
    }

    boolean bool(Node node, String key) {
        if (node instanceof ScalarNode && ((ScalarNode) node).isPlain()) {
            String v = ((ScalarNode) node).getValue();
            if (PolicyYaml.TRUE_WORDS.contains(v)) {
                return true;
            }
            if (PolicyYaml.FALSE_WORDS.contains(v)) {
                return false;
            }
        }
        throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for '" + key + "'; expected true or false");
    }

    int positiveInt(Node node, String key) {
        if (node instanceof ScalarNode && ((ScalarNode) node).isPlain()) {
            String v = ((ScalarNode) node).getValue();
            if (v.matches("\\+?[0-9]{1,10}")) {
                long n = Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
                if (n >= 1 && n <= Integer.MAX_VALUE) {
                    return (int) n;
                }
            }
        }
        throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for '" + key + "'; expected a whole number from 1 to "
                + Integer.MAX_VALUE);
    }

    <T> T word(Node node, String key, List<String> words, T[] values) {
        String v = string(node, key, "one of " + String.join(", ", words));
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equalsIgnoreCase(v)) {
                return values[i];
            }
        }
        throw yaml.at(node, "found " + key + " " + Texts.quote(v) + "; expected one of " + String.join(", ", words));
    }

    PayloadLogging logLevel(Node node) {
        return word(node, "log_level", List.of("full_payload", "metadata_only"), PayloadLogging.values());
    }

    /** {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 500ms}: Go's duration syntax without fractions. */
    Duration duration(Node node, String key) {
        String expected = "a duration with a unit, such as 30s, 10m or 1h30m";
        String v = string(node, key, expected);
        Duration total = Duration.ZERO;
        int i = 0;
        try {
            while (i < v.length()) {
                int digits = i;
                while (digits < v.length() && Character.isDigit(v.charAt(digits))) {
                    digits++;
                }
                int unitEnd = digits;
                while (unitEnd < v.length() && Character.isLetter(v.charAt(unitEnd))) {
                    unitEnd++;
                }
                if (digits == i || unitEnd == digits || digits - i > 9) {
                    throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for '" + key + "'; expected " + expected);
                }
                long n = Long.parseLong(v.substring(i, digits));
                switch (v.substring(digits, unitEnd)) {
                    case "ms":
                        total = total.plusMillis(n);
                        break;
                    case "s":
                        total = total.plusSeconds(n);
                        break;
                    case "m":
                        total = total.plusMinutes(n);
                        break;
                    case "h":
                        total = total.plusHours(n);
                        break;
                    default:
                        throw yaml.at(node, "found the unit " + Texts.quote(v.substring(digits, unitEnd)) + " in '" + key
                                + "'; expected ms, s, m or h");
                }
                i = unitEnd;
            }
        } catch (ArithmeticException e) {
            throw yaml.at(node, "found a duration too long to represent for '" + key + "'; expected " + expected);
        }
        if (v.isEmpty() || total.isZero()) {
            throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for '" + key + "'; expected " + expected
                    + " (more than zero)");
        }
        return total;
    }

    static String suggestion(String key, List<String> allowed) {
        String best = dev.vouch.internal.Suggestions.closest(key, allowed);
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }
}
