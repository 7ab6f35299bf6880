package dev.vouch.policy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reading a policy file as YAML, and saying where a problem is: decodes strict UTF-8, composes SnakeYAML's node tree
 * (never Java objects, so every value keeps its line and column), refuses anchors, aliases, tags and second
 * documents, and turns a node or mark into a {@link PolicyException} naming file, line and column.
 */
final class PolicyYaml {
    static final Set<String> TRUE_WORDS = Set.of("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON");
    static final Set<String> FALSE_WORDS = Set.of("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF");

    private final String source;

    PolicyYaml(String source) {
        this.source = source;
    }

    /** The document's one node tree, every node with its line and column; refuses what the format never uses. */
    Node read(byte[] bytes) {
        return compose(decode(bytes));
    }

    private String decode(byte[] bytes) {
        if (bytes.length > Policy.MAX_FILE_BYTES) {
            throw new PolicyException(source,
                    "found more than " + Policy.MAX_FILE_BYTES + " bytes; expected a policy of at most 1 MiB", null);
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0; // a UTF-8 byte order mark, as some editors write
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        try {
            return decoder.decode(in).toString();
        } catch (MalformedInputException e) {
            int bad = in.position(); // the decoder stops at the first bad byte
            throw atByte(bytes, start, bad, "found bytes that are not UTF-8; expected a UTF-8 text file");
        } catch (CharacterCodingException e) {
            throw new PolicyException(source, "found bytes that are not UTF-8; expected a UTF-8 text file", e);
        }
    }

    private PolicyException atByte(byte[] bytes, int start, int offset, String message) {
        int line = 1;
        int column = 1;
        for (int i = start; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
                column = 1;
            } else if ((bytes[i] & 0xc0) != 0x80) { // count characters, not continuation bytes
                column++;
            }
        }
        return new PolicyException(source, line, column, message);
    }

    /** Collections nested deeper are refused: the deepest real structure (a list inside a condition) is 6. */
    private static final int MAX_NESTING = 20;

    private Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        options.setCodePointLimit(Policy.MAX_FILE_BYTES);
        options.setNestingDepthLimit(MAX_NESTING + 1); // refuseUnsupportedFeatures says where first
        try {
            refuseUnsupportedFeatures(new ParserImpl(new StreamReader(text), options));
            Node root = new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options)
                    .getSingleNode();
            if (root == null) {
                throw new PolicyException(source, 1, 1,
                        "found an empty file; expected a mapping with 'policies' (and optionally 'version' and 'defaults')");
            }
            if (root instanceof ScalarNode && isNull((ScalarNode) root)) {
                Mark m = root.getStartMark();
                throw new PolicyException(source, m.getLine() + 1, m.getColumn() + 1, "found only a null value ("
                        + Texts.quote(((ScalarNode) root).getValue()) + "); expected a mapping with 'policies' (and"
                        + " optionally 'version' and 'defaults')");
            }
            return root;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            StringBuilder m = new StringBuilder("YAML syntax error: ").append(e.getProblem());
            if (e.getContext() != null && e.getContextMark() != null) {
                m.append(" (").append(e.getContext()).append(" at line ").append(e.getContextMark().getLine() + 1)
                        .append(", column ").append(e.getContextMark().getColumn() + 1).append(')');
            }
            String all = e.getProblem() + " " + e.getContext();
            if (all.contains("alias")) {
                m.append("; a lone * must be quoted: \"*\"");
            } else if (all.contains("expected <block end>")) {
                m.append("; check the indentation");
            }
            throw new PolicyException(source, mark.getLine() + 1, mark.getColumn() + 1, m.toString());
        } catch (ReaderException e) {
            int[] at = lineAndColumn(text, e.getPosition());
            throw new PolicyException(source, at[0], at[1], String.format(Locale.ROOT,
                    "found the control character U+%04X; expected printable text", e.getCodePoint()));
        } catch (YAMLException e) {
            // Limits without a position (nesting depth): report at the start.
            throw new PolicyException(source, 1, 1, "YAML error: " + e.getMessage());
        }
    }

    /**
     * Anchors, aliases and tags would let one value stand in several places or change type, and SnakeYAML gives
     * an alias the anchor's position, so errors would point at the wrong line. Policy files need none of them.
     */
    private void refuseUnsupportedFeatures(Parser parser) {
        int documents = 0;
        int depth = 0;
        while (true) {
            Event e = parser.getEvent();
            if (e.is(Event.ID.StreamEnd)) {
                return;
            }
            if (e instanceof CollectionStartEvent && ++depth > MAX_NESTING) {
                // Here, with its position: the composer's own limit says only "Nesting Depth exceeded max 20", at 1:1.
                throw at(e.getStartMark(), "found values nested more than " + MAX_NESTING + " deep; expected a policy"
                        + " (its deepest structure, a list inside a condition, is 6 deep)");
            }
            if (e.is(Event.ID.MappingEnd) || e.is(Event.ID.SequenceEnd)) {
                depth--;
            }
            if (e.is(Event.ID.DocumentStart) && ++documents > 1) {
                throw at(e.getStartMark(), "found a second YAML document; expected one document per policy file");
            }
            if (e instanceof AliasEvent) {
                throw at(e.getStartMark(), "found the alias *" + ((AliasEvent) e).getAnchor()
                        + "; expected plain values (anchors and aliases are not supported, write the value out)");
            }
            if (e instanceof NodeEvent && ((NodeEvent) e).getAnchor() != null) {
                throw at(e.getStartMark(), "found the anchor &" + ((NodeEvent) e).getAnchor()
                        + "; expected plain values (anchors and aliases are not supported, write the value out)");
            }
            String tag = e instanceof ScalarEvent ? ((ScalarEvent) e).getTag()
                    : e instanceof CollectionStartEvent ? ((CollectionStartEvent) e).getTag() : null;
            if (tag != null && !tag.equals("!")) {
                throw at(e.getStartMark(), "found the tag " + tag
                        + "; expected untagged values (YAML tags are not supported; quote a value to make it a string)");
            }
        }
    }

    private static int[] lineAndColumn(String text, int codePointIndex) {
        int line = 1;
        int column = 1;
        int cp = 0;
        for (int i = 0; i < text.length() && cp < codePointIndex; i += Character.charCount(text.codePointAt(i)), cp++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }


    static boolean isNull(ScalarNode s) {
        if (!s.isPlain()) {
            return false;
        }
        String v = s.getValue();
        return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
    }

    static boolean isNullScalar(Node node) {
        return node instanceof ScalarNode && isNull((ScalarNode) node);
    }

    /** How a node reads in "found ..." messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        String v = s.getValue();
        if (!s.isPlain()) {
            return "the string " + Texts.quote(v);
        }
        if (isNull(s)) {
            return "no value";
        }
        if (TRUE_WORDS.contains(v) || FALSE_WORDS.contains(v)) {
            return "the boolean " + v;
        }
        if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)) {
            return "the number " + v;
        }
        return "the string " + Texts.quote(v);
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    PolicyException at(Node node, String message) {
        return at(node.getStartMark(), message);
    }

    PolicyException at(Mark mark, String message) {
        return new PolicyException(source, mark.getLine() + 1, mark.getColumn() + 1, message);
    }
}
