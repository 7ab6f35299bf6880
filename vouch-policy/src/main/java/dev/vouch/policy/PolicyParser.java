package dev.vouch.policy;

import dev.vouch.Risk;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns policy YAML into a {@link Policy}, or fails with the first problem's position. Works on SnakeYAML's
 * node tree (never constructs Java objects from the YAML), so every value keeps its line and column; all
 * checks run before the {@link Policy} is built, so nothing is half-loaded. docs/POLICY.md is the contract.
 */
final class PolicyParser {
    /** The only format version there is; both generations of the original Vouch wrote it. */
    static final String FORMAT_VERSION = "2026.1";
    /** How long the original Vouch waited for a person to approve a stalled call. */
    static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(10);

    private static final List<String> TOP_KEYS = List.of("version", "defaults", "policies");
    private static final List<String> DEFAULTS_KEYS =
            List.of("default_action", "approval_timeout", "log_level", "retention_days", "signing_enabled");
    private static final List<String> RULE_KEYS = List.of("id", "match_methods", "conditions", "action", "redact",
            "risk_level", "log_level", "reason", "approval_timeout", "proof_of_refusal", "name", "description");
    private static final List<String> CONDITION_KEYS = List.of("key", "operator", "value");
    private static final List<String> LEGACY_SUFFIXES = List.of("_gte", "_lte", "_gt", "_lt", "_eq");

    private static final Set<String> TRUE_WORDS = Set.of("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON");
    private static final Set<String> FALSE_WORDS = Set.of("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF");
    private static String reNearIndex(com.google.re2j.PatternSyntaxException e) {
        return e.getIndex() >= 0 ? " near index " + e.getIndex() : "";
    }

    private static final Pattern YAML_DECIMAL =
            Pattern.compile("[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?");

    private final String source;
    private final ParamPaths.Builder paths = new ParamPaths.Builder();

    private PolicyParser(String source) {
        this.source = source;
    }

    static Policy parse(String source, byte[] bytes) {
        PolicyParser parser = new PolicyParser(source);
        Node root = parser.compose(parser.decode(bytes));
        return parser.compile(root, bytes);
    }

    // ---------------------------------------------------------------------------------------------------
    // Text and YAML

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

    private Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        options.setCodePointLimit(Policy.MAX_FILE_BYTES);
        options.setNestingDepthLimit(20); // the deepest real structure (a list inside a condition) is 6
        try {
            refuseUnsupportedFeatures(new ParserImpl(new StreamReader(text), options));
            Node root = new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options)
                    .getSingleNode();
            if (root == null || root instanceof ScalarNode && isNull((ScalarNode) root)) {
                throw new PolicyException(source, 1, 1,
                        "found an empty file; expected a mapping with 'policies' (and optionally 'version' and 'defaults')");
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
            throw new PolicyException(source, at[0], at[1], String.format(
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
        while (true) {
            Event e = parser.getEvent();
            if (e.is(Event.ID.StreamEnd)) {
                return;
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

    // ---------------------------------------------------------------------------------------------------
    // The policy

    private Policy compile(Node root, byte[] bytes) {
        Mapping top = mapping(root, "at the top level",
                "a mapping with 'policies' (and optionally 'version' and 'defaults')", TOP_KEYS);
        String version = null;
        Node versionNode = top.value("version");
        if (versionNode != null) {
            version = string(versionNode, "version", "the format version \"" + FORMAT_VERSION + "\"");
            if (!version.equals(FORMAT_VERSION)) {
                throw at(versionNode, "found version " + Texts.quote(version) + "; expected \"" + FORMAT_VERSION
                        + "\" (the only version of the format, shared with the original Vouch)");
            }
        }
        Defaults defaults = defaults(top.value("defaults"));
        List<Rule> rules = rules(top.value("policies"), defaults);
        return new Policy(source, bytes, version, defaults.retentionDays, defaults.action, defaults.approvalTimeout,
                defaults.logging, rules, paths.build());
    }

    private static final class Defaults {
        Action action = Action.ALLOW; // as the original: what no rule stalls goes through
        Duration approvalTimeout = DEFAULT_APPROVAL_TIMEOUT;
        PayloadLogging logging = PayloadLogging.FULL_PAYLOAD;
        int retentionDays;
    }

    private Defaults defaults(Node node) {
        Defaults d = new Defaults();
        if (node == null || isNullScalar(node)) {
            return d;
        }
        Mapping m = mapping(node, "in defaults", "a mapping of default settings", DEFAULTS_KEYS);
        for (Map.Entry<String, NodeTuple> e : m.entries.entrySet()) {
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "default_action":
                    d.action = word(value, "default_action", List.of("allow", "block", "stall"), ACTIONS_NO_REDACT);
                    break;
                case "approval_timeout":
                    d.approvalTimeout = duration(value, "approval_timeout");
                    break;
                case "log_level":
                    d.logging = logLevel(value);
                    break;
                case "retention_days":
                    d.retentionDays = positiveInt(value, "retention_days");
                    break;
                case "signing_enabled":
                    if (!bool(value, "signing_enabled")) {
                        throw at(value, "found signing_enabled: false; expected true or no setting: Vouch signs every"
                                + " checkpoint and cannot turn signing off (an unsigned journal proves nothing)");
                    }
                    break;
                default:
                    throw new AssertionError(e.getKey());
            }
        }
        return d;
    }

    private static final Action[] ACTIONS_NO_REDACT = {Action.ALLOW, Action.BLOCK, Action.STALL};

    /** Facts about a rule that only the shadowing check needs. */
    private static final class RuleFacts {
        final Node idNode;
        final boolean unconditional;
        final List<String> decidingSettings;

        RuleFacts(Node idNode, boolean unconditional, List<String> decidingSettings) {
            this.idNode = idNode;
            this.unconditional = unconditional;
            this.decidingSettings = decidingSettings;
        }
    }

    private List<Rule> rules(Node node, Defaults defaults) {
        List<Rule> rules = new ArrayList<>();
        if (node == null || isNullScalar(node)) {
            return rules;
        }
        if (!(node instanceof SequenceNode)) {
            throw at(node, "found " + describe(node) + " for 'policies'; expected a list of rules");
        }
        List<RuleFacts> facts = new ArrayList<>();
        Map<String, Node> idNodes = new HashMap<>();
        int index = 0;
        for (Node item : ((SequenceNode) node).getValue()) {
            index++;
            rules.add(rule(item, index, defaults, idNodes, facts));
        }
        refuseRulesThatCanNeverDecide(rules, facts);
        return rules;
    }

    private Rule rule(Node node, int index, Defaults defaults, Map<String, Node> idNodes, List<RuleFacts> facts) {
        String where = "in rule #" + index;
        if (node instanceof MappingNode) {
            String peeked = peekId((MappingNode) node);
            if (peeked != null) {
                where = "in rule '" + peeked + "'";
            }
        }
        Mapping m = mapping(node, where, "a rule: a mapping with 'id' and 'match_methods'", RULE_KEYS);

        Node idNode = m.value("id");
        if (idNode == null) {
            throw at(node, "found rule #" + index + " without 'id'; expected every rule to have a unique id");
        }
        String id = string(idNode, "id", "the rule's id");
        if (id.isBlank()) {
            throw at(idNode, "found an empty 'id'; expected the rule's id");
        }
        Node firstUse = idNodes.putIfAbsent(id, idNode);
        if (firstUse != null) {
            throw at(idNode, "found rule id " + Texts.quote(id) + " a second time (first at line "
                    + line(firstUse) + "); expected every rule id to be unique");
        }
        String rule = "rule '" + id + "'";

        Node methodsNode = m.value("match_methods");
        if (methodsNode == null) {
            throw at(node, "found " + rule + " without 'match_methods'; expected a list of method names or globs");
        }
        List<MethodPattern> patterns = new ArrayList<>();
        for (Node item : list(methodsNode, "match_methods", "a list of method names or globs")) {
            String text = string(item, "match_methods", "a method name or glob");
            try {
                patterns.add(MethodPattern.compile(text));
            } catch (IllegalArgumentException e) {
                throw at(item, e.getMessage());
            }
        }
        if (patterns.isEmpty()) {
            throw at(methodsNode, "found an empty 'match_methods'; expected at least one method name or glob"
                    + " (\"*\" matches every method)");
        }

        Node conditionsNode = m.value("conditions");
        List<Condition> conditions = conditionsNode == null ? List.of() : conditions(conditionsNode, rule);

        List<String> deciding = new ArrayList<>();
        // No action: the rule tags, redacts or explains, and the default decides, so a catch-all rule that
        // only redacts never turns "block what is not listed" into "allow everything".
        Action action = defaults.action;
        boolean redactAction = false;
        Node actionNode = m.value("action");
        if (actionNode != null) {
            deciding.add("action");
            String a = string(actionNode, "action", "allow, block, stall or redact").toLowerCase(Locale.ROOT);
            switch (a) {
                case "allow":
                    action = Action.ALLOW;
                    break;
                case "block":
                    action = Action.BLOCK;
                    break;
                case "stall":
                    action = Action.STALL;
                    break;
                case "redact":
                    action = Action.ALLOW; // the older generation's "record, but hide the data"
                    redactAction = true;
                    break;
                default:
                    throw at(actionNode, "found action " + Texts.quote(a) + "; expected allow, block, stall or redact");
            }
        }

        Set<String> redact = new LinkedHashSet<>();
        Node redactNode = m.value("redact");
        if (redactNode != null) {
            for (Node item : list(redactNode, "redact", "a list of parameter paths to redact")) {
                String path = string(item, "redact", "a parameter path such as \"password\" or \"card.number\"");
                String problem = ParamPaths.checkPath(path);
                if (problem != null) {
                    throw at(item, problem);
                }
                redact.add(path);
            }
        }

        Risk risk = Risk.NONE;
        Node riskNode = m.value("risk_level");
        if (riskNode != null) {
            deciding.add("risk_level");
            risk = word(riskNode, "risk_level", List.of("low", "medium", "high", "critical"),
                    new Risk[] {Risk.LOW, Risk.MEDIUM, Risk.HIGH, Risk.CRITICAL});
        }

        PayloadLogging logging = null;
        Node logNode = m.value("log_level");
        if (logNode != null) {
            logging = logLevel(logNode);
            if (logging == PayloadLogging.FULL_PAYLOAD) {
                deciding.add("log_level");
            }
        }
        // action: redact without a list cannot know which fields its author meant: keep none of them.
        boolean metadataOnly = logging == PayloadLogging.METADATA_ONLY || redactAction && redact.isEmpty();
        if (redactAction && redact.isEmpty() && logging == PayloadLogging.FULL_PAYLOAD) {
            throw at(actionNode, "found action: redact without a 'redact' list together with log_level: full_payload;"
                    + " expected the fields to redact in 'redact' (without them, action: redact keeps only a digest"
                    + " of the parameters)");
        }
        if (logging == null) {
            logging = metadataOnly ? PayloadLogging.METADATA_ONLY : defaults.logging;
        }

        Duration timeout = defaults.approvalTimeout;
        Node timeoutNode = m.value("approval_timeout");
        if (timeoutNode != null) {
            deciding.add("approval_timeout");
            timeout = duration(timeoutNode, "approval_timeout");
            if (action != Action.STALL) {
                throw at(m.key("approval_timeout"), "found 'approval_timeout' in " + rule + ", whose action is "
                        + (redactAction ? "redact" : action.name().toLowerCase(Locale.ROOT))
                        + "; expected it only in rules with action: stall");
            }
        }

        Node refusalNode = m.value("proof_of_refusal");
        if (refusalNode != null && !bool(refusalNode, "proof_of_refusal")) {
            throw at(refusalNode, "found proof_of_refusal: false; expected true or no setting: Vouch always records"
                    + " refused calls (a refusal without a record could not be proven)");
        }

        String reason = optionalString(m, "reason");
        if (reason != null) {
            deciding.add("reason");
        }
        String description = optionalString(m, "description");
        String name = optionalString(m, "name");
        String shownReason = reason != null ? reason : description != null ? description : name;
        if (shownReason == null && actionNode == null) {
            shownReason = rule + " sets no action; the default action is " + action.name().toLowerCase(Locale.ROOT);
        }

        PolicyDecision decision = new PolicyDecision(action, List.copyOf(redact), risk, id, shownReason, logging,
                timeout);
        facts.add(new RuleFacts(idNode, conditions.isEmpty(), deciding));
        return new Rule(id, patterns.toArray(new MethodPattern[0]), conditions.toArray(new Condition[0]), decision,
                List.copyOf(redact), metadataOnly);
    }

    /**
     * A rule all of whose patterns an earlier unconditional rule covers never wins (the first match decides).
     * If it says how to decide, that setting would be silently ignored, which the format never allows (this is
     * also how an older-generation file with "allow everything" above a stall rule is caught). A rule that
     * only adds redactions may sit anywhere: redactions apply whether or not the rule wins.
     */
    private void refuseRulesThatCanNeverDecide(List<Rule> rules, List<RuleFacts> facts) {
        for (int j = 1; j < rules.size(); j++) {
            Rule later = rules.get(j);
            Rule coveredBy = null;
            boolean allCovered = true;
            for (MethodPattern p : later.patterns) {
                Rule cover = null;
                for (int i = 0; i < j && cover == null; i++) {
                    if (!facts.get(i).unconditional) {
                        continue;
                    }
                    for (MethodPattern q : rules.get(i).patterns) {
                        if (q.covers(p)) {
                            cover = rules.get(i);
                            break;
                        }
                    }
                }
                if (cover == null) {
                    allCovered = false;
                    break;
                }
                if (coveredBy == null) {
                    coveredBy = cover;
                }
            }
            if (!allCovered) {
                continue;
            }
            RuleFacts f = facts.get(j);
            if (!f.decidingSettings.isEmpty() || !later.protectsData()) {
                int coverLine = line(facts.get(rules.indexOf(coveredBy)).idNode);
                String what = f.decidingSettings.isEmpty() ? "it would never apply"
                        : "its " + String.join(", ", f.decidingSettings) + " would never apply";
                throw at(f.idNode, "found rule '" + later.id + "' after rule '" + coveredBy.id + "' (line "
                        + coverLine + "), which has no conditions and matches every method '" + later.id
                        + "' matches, so " + what + "; expected '" + later.id + "' above '" + coveredBy.id
                        + "' (the first matching rule decides)");
            }
        }
    }

    private List<Condition> conditions(Node node, String rule) {
        List<Condition> out = new ArrayList<>();
        if (isNullScalar(node)) {
            return out; // "conditions:" with every entry commented out
        }
        if (node instanceof MappingNode) {
            return legacyConditions(node, rule);
        }
        if (!(node instanceof SequenceNode)) {
            throw at(node, "found " + describe(node) + " for 'conditions'; expected a list of {key, operator, value}");
        }
        String where = "in a condition of " + rule;
        for (Node item : ((SequenceNode) node).getValue()) {
            Mapping m = mapping(item, where, "a condition: a mapping with key, operator and value", CONDITION_KEYS);
            for (String required : CONDITION_KEYS) {
                if (m.value(required) == null) {
                    throw at(item, "found a condition of " + rule + " without '" + required
                            + "'; expected key, operator and value");
                }
            }
            Node keyNode = m.value("key");
            String path = string(keyNode, "key", "a parameter path such as \"amount\" or \"order.amount\"");
            String problem = ParamPaths.checkPath(path);
            if (problem != null) {
                throw at(keyNode, problem);
            }
            Node opNode = m.value("operator");
            String opWord = string(opNode, "operator", "an operator");
            Condition.Operator op = Condition.Operator.ofWord(opWord);
            if (op == null) {
                throw at(opNode, "found operator " + Texts.quote(opWord) + "; expected one of "
                        + Condition.Operator.words());
            }
            out.add(condition(path, op, m.value("value"), false));
        }
        return out;
    }

    /** The older generation's map form: {@code amount_gt: 500} reads as {key: amount, operator: gt, value: 500}. */
    private List<Condition> legacyConditions(Node node, String rule) {
        List<Condition> out = new ArrayList<>();
        Mapping m = mapping(node, "in the conditions of " + rule, "conditions", null);
        for (Map.Entry<String, NodeTuple> e : m.entries.entrySet()) {
            String name = e.getKey();
            Condition.Operator op = null;
            String path = null;
            for (String suffix : LEGACY_SUFFIXES) {
                if (name.endsWith(suffix) && name.length() > suffix.length()) {
                    op = Condition.Operator.ofWord(suffix.substring(1));
                    path = name.substring(0, name.length() - suffix.length());
                    break;
                }
            }
            Node keyNode = e.getValue().getKeyNode();
            if (op == null) {
                throw at(keyNode, "found condition " + Texts.quote(name) + "; expected <parameter>_gt, _gte, _lt,"
                        + " _lte or _eq (such as amount_gt), or the list form with key, operator and value");
            }
            String problem = ParamPaths.checkPath(path);
            if (problem != null) {
                throw at(keyNode, problem);
            }
            out.add(condition(path, op, e.getValue().getValueNode(), true));
        }
        return out;
    }

    private Condition condition(String path, Condition.Operator op, Node valueNode, boolean legacy) {
        String forOp = " for operator " + op.word;
        switch (op) {
            case IN:
            case NOT_IN: {
                if (!(valueNode instanceof SequenceNode)) {
                    throw at(valueNode, "found " + describe(valueNode) + " for 'value'; expected a list of values"
                            + forOp);
                }
                List<Node> items = ((SequenceNode) valueNode).getValue();
                if (items.isEmpty()) {
                    throw at(valueNode, "found an empty list for 'value'; expected at least one value" + forOp);
                }
                Literal[] choices = new Literal[items.size()];
                for (int i = 0; i < choices.length; i++) {
                    choices[i] = literal(items.get(i), forOp);
                }
                return Condition.choices(path, paths.slot(path), op, choices);
            }
            case EXISTS: {
                Literal l = literal(valueNode, forOp);
                if (l.kind != Literal.Kind.BOOLEAN) {
                    throw at(valueNode, "found " + l.describe() + " for 'value'; expected true or false" + forOp);
                }
                return Condition.exists(path, paths.slot(path), l.truth);
            }
            case REGEX: {
                Literal l = literal(valueNode, forOp);
                if (l.kind != Literal.Kind.STRING) {
                    throw at(valueNode, "found " + l.describe() + " for 'value'; expected a regular expression (a string)"
                            + forOp);
                }
                try {
                    return Condition.regex(path, paths.slot(path), com.google.re2j.Pattern.compile(l.text));
                } catch (com.google.re2j.PatternSyntaxException e) {
                    throw at(valueNode, "found a regular expression Vouch cannot use " + Texts.quote(l.text) + " ("
                            + e.getDescription() + reNearIndex(e) + "); expected an RE2 regular expression, which matches"
                            + " in linear time: no backreferences, lookahead or lookbehind (docs/POLICY.md, \"Regular"
                            + " expressions\")");
                }
            }
            case PREFIX:
            case SUFFIX:
            case CONTAINS: {
                Literal l = literal(valueNode, forOp);
                if (l.kind != Literal.Kind.STRING) {
                    throw at(valueNode, "found " + l.describe() + " for 'value'; expected a string" + forOp
                            + " (quote it: \"" + l.text + "\")");
                }
                if (l.text.isEmpty()) {
                    throw at(valueNode, "found an empty string for 'value'; expected at least one character" + forOp
                            + " (an empty one matches every string)");
                }
                return Condition.scalar(path, paths.slot(path), op, l, false);
            }
            default: {
                Literal l = literal(valueNode, forOp);
                if (op.isOrdering() && l.number == null) {
                    throw at(valueNode, "found " + l.describe() + " for 'value'; expected a number" + forOp);
                }
                return Condition.scalar(path, paths.slot(path), op, l, legacy);
            }
        }
    }

    /** A condition value, typed as the original read it: see docs/POLICY.md, "Values". */
    private Literal literal(Node node, String forOp) {
        if (!(node instanceof ScalarNode)) {
            String hint = node instanceof SequenceNode ? " (use operator in for a list)" : "";
            throw at(node, "found " + describe(node) + " for 'value'; expected a single value" + forOp + hint);
        }
        ScalarNode s = (ScalarNode) node;
        String v = s.getValue();
        if (!s.isPlain()) {
            return Literal.ofString(v);
        }
        if (isNull(s)) {
            return Literal.ofNull();
        }
        if (v.equals("true") || v.equals("True") || v.equals("TRUE")) {
            return Literal.ofBoolean(true);
        }
        if (v.equals("false") || v.equals("False") || v.equals("FALSE")) {
            return Literal.ofBoolean(false);
        }
        BigDecimal number = yamlDecimal(v);
        if (number != null) {
            return Literal.ofNumber(v, number);
        }
        if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)) {
            throw at(node, "found the number " + v + " in a notation Vouch does not read; expected a plain decimal"
                    + " number such as 1000 or 0.5 (or quote it to compare text)");
        }
        return Literal.ofString(v);
    }

    private static BigDecimal yamlDecimal(String v) {
        if (v.length() > Texts.MAX_NUMBER_LENGTH || !YAML_DECIMAL.matcher(v).matches()) {
            return null;
        }
        try {
            return new BigDecimal(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Typed values

    /** A mapping with its keys checked: scalar, unique and (when {@code allowed} is given) known. */
    private static final class Mapping {
        final Map<String, NodeTuple> entries = new LinkedHashMap<>();

        Node value(String key) {
            NodeTuple t = entries.get(key);
            return t == null ? null : t.getValueNode();
        }

        Node key(String key) {
            return entries.get(key).getKeyNode();
        }
    }

    private Mapping mapping(Node node, String where, String expected, List<String> allowed) {
        if (!(node instanceof MappingNode)) {
            throw at(node, "found " + describe(node) + " " + where + "; expected " + expected);
        }
        Mapping m = new Mapping();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode) || isNull((ScalarNode) k)) {
                throw at(k, "found " + describe(k) + " as a key " + where + "; expected a key name");
            }
            String key = ((ScalarNode) k).getValue();
            NodeTuple first = m.entries.get(key);
            if (first != null) {
                throw at(k, "found key '" + key + "' a second time " + where + " (first at line "
                        + line(first.getKeyNode()) + "); expected each key once");
            }
            if (allowed != null && !allowed.contains(key)) {
                throw at(k, "found unknown key '" + key + "' " + where + "; expected one of "
                        + String.join(", ", allowed) + suggestion(key, allowed));
            }
            m.entries.put(key, t);
        }
        return m;
    }

    private static String peekId(MappingNode node) {
        for (NodeTuple t : node.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode && ((ScalarNode) t.getKeyNode()).getValue().equals("id")
                    && t.getValueNode() instanceof ScalarNode && !isNull((ScalarNode) t.getValueNode())) {
                return ((ScalarNode) t.getValueNode()).getValue();
            }
        }
        return null;
    }

    private List<Node> list(Node node, String key, String expected) {
        if (isNullScalar(node)) {
            return List.of(); // "redact:" with every entry commented out
        }
        if (!(node instanceof SequenceNode)) {
            throw at(node, "found " + describe(node) + " for '" + key + "'; expected " + expected);
        }
        return ((SequenceNode) node).getValue();
    }

    /** Any non-null scalar, as text: the original read ids and names into Go strings, numbers included. */
    private String string(Node node, String key, String expected) {
        if (!(node instanceof ScalarNode) || isNull((ScalarNode) node)) {
            throw at(node, "found " + describe(node) + " for '" + key + "'; expected " + expected);
        }
        return ((ScalarNode) node).getValue();
    }

    private String optionalString(Mapping m, String key) {
        Node node = m.value(key);
        return node == null ? null : string(node, key, "a text");
    }

    private boolean bool(Node node, String key) {
        if (node instanceof ScalarNode && ((ScalarNode) node).isPlain()) {
            String v = ((ScalarNode) node).getValue();
            if (TRUE_WORDS.contains(v)) {
                return true;
            }
            if (FALSE_WORDS.contains(v)) {
                return false;
            }
        }
        throw at(node, "found " + describe(node) + " for '" + key + "'; expected true or false");
    }

    private int positiveInt(Node node, String key) {
        if (node instanceof ScalarNode && ((ScalarNode) node).isPlain()) {
            String v = ((ScalarNode) node).getValue();
            if (v.matches("\\+?[0-9]{1,10}")) {
                long n = Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
                if (n >= 1 && n <= Integer.MAX_VALUE) {
                    return (int) n;
                }
            }
        }
        throw at(node, "found " + describe(node) + " for '" + key + "'; expected a whole number from 1 to "
                + Integer.MAX_VALUE);
    }

    private <T> T word(Node node, String key, List<String> words, T[] values) {
        String v = string(node, key, "one of " + String.join(", ", words));
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equalsIgnoreCase(v)) {
                return values[i];
            }
        }
        throw at(node, "found " + key + " " + Texts.quote(v) + "; expected one of " + String.join(", ", words));
    }

    private PayloadLogging logLevel(Node node) {
        return word(node, "log_level", List.of("full_payload", "metadata_only"), PayloadLogging.values());
    }

    /** {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 500ms}: Go's duration syntax without fractions. */
    private Duration duration(Node node, String key) {
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
                    throw at(node, "found " + describe(node) + " for '" + key + "'; expected " + expected);
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
                        throw at(node, "found the unit " + Texts.quote(v.substring(digits, unitEnd)) + " in '" + key
                                + "'; expected ms, s, m or h");
                }
                i = unitEnd;
            }
        } catch (ArithmeticException e) {
            throw at(node, "found a duration too long to represent for '" + key + "'; expected " + expected);
        }
        if (v.isEmpty() || total.isZero()) {
            throw at(node, "found " + describe(node) + " for '" + key + "'; expected " + expected
                    + " (more than zero)");
        }
        return total;
    }

    // ---------------------------------------------------------------------------------------------------
    // Messages

    private static boolean isNull(ScalarNode s) {
        if (!s.isPlain()) {
            return false;
        }
        String v = s.getValue();
        return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
    }

    private static boolean isNullScalar(Node node) {
        return node instanceof ScalarNode && isNull((ScalarNode) node);
    }

    /** How a node reads in "found ..." messages. */
    private static String describe(Node node) {
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

    private static String suggestion(String key, List<String> allowed) {
        String best = null;
        int bestDistance = 3; // suggest only close misspellings
        for (String a : allowed) {
            int d = distance(key.toLowerCase(Locale.ROOT), a);
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private PolicyException at(Node node, String message) {
        return at(node.getStartMark(), message);
    }

    private PolicyException at(Mark mark, String message) {
        return new PolicyException(source, mark.getLine() + 1, mark.getColumn() + 1, message);
    }
}
