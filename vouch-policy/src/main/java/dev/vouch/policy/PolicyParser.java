package dev.vouch.policy;

import dev.vouch.policy.internal.RedactionPaths;
import dev.vouch.Risk;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Compiles a policy file into a {@link Policy}, or fails with the first problem's position: the defaults, each
 * rule's patterns, conditions and redactions. Reading the YAML and placing errors is {@link PolicyYaml}'s job, typed
 * values are {@link PolicyValues}', the shadowed-rule check is {@link ShadowedRules}'; all checks run before the
 * {@link Policy} is built, so nothing is half-loaded. docs/POLICY.md is the contract.
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

    private static String reNearIndex(com.google.re2j.PatternSyntaxException e) {
        return e.getIndex() >= 0 ? " near index " + e.getIndex() : "";
    }

    private static final Pattern YAML_DECIMAL =
            Pattern.compile("[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?");

    private final String source;
    private final PolicyYaml yaml;
    private final PolicyValues values;
    private final ParamPaths.Builder paths = new ParamPaths.Builder();

    private PolicyParser(String source) {
        this.source = source;
        this.yaml = new PolicyYaml(source);
        this.values = new PolicyValues(yaml);
    }

    static Policy parse(String source, byte[] bytes) {
        PolicyParser parser = new PolicyParser(source);
        return parser.compile(parser.yaml.read(bytes), bytes);
    }

    private Policy compile(Node root, byte[] bytes) {
        PolicyValues.Mapping top = values.mapping(root, "at the top level",
                "a mapping with 'policies' (and optionally 'version' and 'defaults')", TOP_KEYS);
        String version = null;
        Node versionNode = top.value("version");
        if (versionNode != null) {
            version = values.string(versionNode, "version", "the format version \"" + FORMAT_VERSION + "\"");
            if (!version.equals(FORMAT_VERSION)) {
                throw yaml.at(versionNode, "found version " + Texts.quote(version) + "; expected \"" + FORMAT_VERSION
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
        if (node == null || PolicyYaml.isNullScalar(node)) {
            return d;
        }
        PolicyValues.Mapping m = values.mapping(node, "in defaults", "a mapping of default settings", DEFAULTS_KEYS);
        for (Map.Entry<String, NodeTuple> e : m.entries.entrySet()) {
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "default_action":
                    d.action = values.word(value, "default_action", List.of("allow", "block", "stall"), ACTIONS_NO_REDACT);
                    break;
                case "approval_timeout":
                    d.approvalTimeout = values.duration(value, "approval_timeout");
                    break;
                case "log_level":
                    d.logging = values.logLevel(value);
                    break;
                case "retention_days":
                    d.retentionDays = values.positiveInt(value, "retention_days");
                    break;
                case "signing_enabled":
                    if (!values.bool(value, "signing_enabled")) {
                        throw yaml.at(value, "found signing_enabled: false; expected true or no setting: Vouch signs every"
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

    private List<Rule> rules(Node node, Defaults defaults) {
        List<Rule> rules = new ArrayList<>();
        if (node == null || PolicyYaml.isNullScalar(node)) {
            return rules;
        }
        if (!(node instanceof SequenceNode)) {
            throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for 'policies'; expected a list of rules");
        }
        List<ShadowedRules.RuleFacts> facts = new ArrayList<>();
        Map<String, Node> idNodes = new HashMap<>();
        int index = 0;
        for (Node item : ((SequenceNode) node).getValue()) {
            index++;
            rules.add(rule(item, index, defaults, idNodes, facts));
        }
        ShadowedRules.refuse(yaml, rules, facts);
        return rules;
    }

    private Rule rule(Node node, int index, Defaults defaults, Map<String, Node> idNodes, List<ShadowedRules.RuleFacts> facts) {
        String where = "in rule #" + index;
        if (node instanceof MappingNode) {
            String peeked = PolicyValues.peekId((MappingNode) node);
            if (peeked != null) {
                where = "in rule '" + peeked + "'";
            }
        }
        PolicyValues.Mapping m = values.mapping(node, where, "a rule: a mapping with 'id' and 'match_methods'", RULE_KEYS);

        Node idNode = m.value("id");
        if (idNode == null) {
            throw yaml.at(node, "found rule #" + index + " without 'id'; expected every rule to have a unique id");
        }
        String id = values.string(idNode, "id", "the rule's id");
        if (id.isBlank()) {
            throw yaml.at(idNode, "found an empty 'id'; expected the rule's id");
        }
        if (id.strip().equalsIgnoreCase("default")) {
            // The journal and the gateway's answers name the default decision so (Guard.DEFAULT_POLICY_ID): an outside
            // trial's rule of that name could not be told from "no rule matched" (nor, on a screen, " Default").
            throw yaml.at(idNode, "found rule id " + Texts.quote(id) + ", which reads as \"default\", the name of the"
                    + " default decision (no rule matched) in the journal and in answers; expected another id");
        }
        Node firstUse = idNodes.putIfAbsent(id, idNode);
        if (firstUse != null) {
            throw yaml.at(idNode, "found rule id " + Texts.quote(id) + " a second time (first at line "
                    + PolicyYaml.line(firstUse) + "); expected every rule id to be unique");
        }
        String rule = "rule '" + id + "'";

        Node methodsNode = m.value("match_methods");
        if (methodsNode == null) {
            throw yaml.at(node, "found " + rule + " without 'match_methods'; expected a list of method names or globs");
        }
        List<MethodPattern> patterns = new ArrayList<>();
        for (Node item : values.list(methodsNode, "match_methods", "a list of method names or globs")) {
            String text = values.string(item, "match_methods", "a method name or glob");
            try {
                patterns.add(MethodPattern.compile(text));
            } catch (IllegalArgumentException e) {
                throw yaml.at(item, e.getMessage());
            }
        }
        if (patterns.isEmpty()) {
            throw yaml.at(methodsNode, "found an empty 'match_methods'; expected at least one method name or glob"
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
            String a = values.string(actionNode, "action", "allow, block, stall or redact").toLowerCase(Locale.ROOT);
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
                    throw yaml.at(actionNode, "found action " + Texts.quote(a) + "; expected allow, block, stall or redact");
            }
        }

        Set<String> redact = new LinkedHashSet<>();
        Node redactNode = m.value("redact");
        if (redactNode != null) {
            for (Node item : values.list(redactNode, "redact", "a list of parameter paths to redact")) {
                String path = values.string(item, "redact", "a parameter path such as \"password\" or \"card.number\"");
                String problem = ParamPaths.checkPath(path);
                if (problem != null) {
                    throw yaml.at(item, problem);
                }
                redact.add(path);
            }
        }

        Risk risk = Risk.NONE;
        Node riskNode = m.value("risk_level");
        if (riskNode != null) {
            deciding.add("risk_level");
            risk = values.word(riskNode, "risk_level", List.of("low", "medium", "high", "critical"),
                    new Risk[] {Risk.LOW, Risk.MEDIUM, Risk.HIGH, Risk.CRITICAL});
        }

        PayloadLogging logging = null;
        Node logNode = m.value("log_level");
        if (logNode != null) {
            logging = values.logLevel(logNode);
            if (logging == PayloadLogging.FULL_PAYLOAD) {
                deciding.add("log_level");
            }
        }
        // action: redact without a list cannot know which fields its author meant: keep none of them.
        boolean metadataOnly = logging == PayloadLogging.METADATA_ONLY || redactAction && redact.isEmpty();
        if (redactAction && redact.isEmpty() && logging == PayloadLogging.FULL_PAYLOAD) {
            throw yaml.at(actionNode, "found action: redact without a 'redact' list together with log_level: full_payload;"
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
            timeout = values.duration(timeoutNode, "approval_timeout");
            if (action != Action.STALL) {
                throw yaml.at(m.key("approval_timeout"), "found 'approval_timeout' in " + rule + ", whose action is "
                        + (redactAction ? "redact" : action.name().toLowerCase(Locale.ROOT))
                        + "; expected it only in rules with action: stall");
            }
        }

        Node refusalNode = m.value("proof_of_refusal");
        if (refusalNode != null && !values.bool(refusalNode, "proof_of_refusal")) {
            throw yaml.at(refusalNode, "found proof_of_refusal: false; expected true or no setting: Vouch always records"
                    + " refused calls (a refusal without a record could not be proven)");
        }

        String reason = values.optionalString(m, "reason");
        if (reason != null) {
            deciding.add("reason");
        }
        String description = values.optionalString(m, "description");
        String name = values.optionalString(m, "name");
        String shownReason = reason != null ? reason : description != null ? description : name;
        if (shownReason == null && actionNode == null) {
            shownReason = rule + " sets no action; the default action is " + action.name().toLowerCase(Locale.ROOT);
        }

        // Compiled once here: every decision this rule gives hands the guard the same tree.
        RedactionPaths redactPaths = RedactionPaths.of(List.copyOf(redact));
        PolicyDecision decision = new PolicyDecision(action, redactPaths, risk, id, shownReason, logging, timeout);
        facts.add(new ShadowedRules.RuleFacts(idNode, conditions.isEmpty(), deciding));
        return new Rule(id, patterns.toArray(new MethodPattern[0]), conditions.toArray(new Condition[0]), decision,
                redactPaths, metadataOnly);
    }

    private List<Condition> conditions(Node node, String rule) {
        List<Condition> out = new ArrayList<>();
        if (PolicyYaml.isNullScalar(node)) {
            return out; // "conditions:" with every entry commented out
        }
        if (node instanceof MappingNode) {
            return legacyConditions(node, rule);
        }
        if (!(node instanceof SequenceNode)) {
            throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for 'conditions'; expected a list of {key, operator, value}");
        }
        String where = "in a condition of " + rule;
        for (Node item : ((SequenceNode) node).getValue()) {
            PolicyValues.Mapping m = values.mapping(item, where, "a condition: a mapping with key, operator and value", CONDITION_KEYS);
            for (String required : CONDITION_KEYS) {
                if (m.value(required) == null) {
                    throw yaml.at(item, "found a condition of " + rule + " without '" + required
                            + "'; expected key, operator and value");
                }
            }
            Node keyNode = m.value("key");
            String path = values.string(keyNode, "key", "a parameter path such as \"amount\" or \"order.amount\"");
            String problem = ParamPaths.checkPath(path);
            if (problem != null) {
                throw yaml.at(keyNode, problem);
            }
            Node opNode = m.value("operator");
            String opWord = values.string(opNode, "operator", "an operator");
            Condition.Operator op = Condition.Operator.ofWord(opWord);
            if (op == null) {
                throw yaml.at(opNode, "found operator " + Texts.quote(opWord) + "; expected one of "
                        + Condition.Operator.words());
            }
            out.add(condition(path, op, m.value("value"), false));
        }
        return out;
    }

    /** The older generation's map form: {@code amount_gt: 500} reads as {key: amount, operator: gt, value: 500}. */
    private List<Condition> legacyConditions(Node node, String rule) {
        List<Condition> out = new ArrayList<>();
        PolicyValues.Mapping m = values.mapping(node, "in the conditions of " + rule, "conditions", null);
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
                throw yaml.at(keyNode, "found condition " + Texts.quote(name) + "; expected <parameter>_gt, _gte, _lt,"
                        + " _lte or _eq (such as amount_gt), or the list form with key, operator and value");
            }
            String problem = ParamPaths.checkPath(path);
            if (problem != null) {
                throw yaml.at(keyNode, problem);
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
                    throw yaml.at(valueNode, "found " + PolicyYaml.describe(valueNode) + " for 'value'; expected a list of values"
                            + forOp);
                }
                List<Node> items = ((SequenceNode) valueNode).getValue();
                if (items.isEmpty()) {
                    throw yaml.at(valueNode, "found an empty list for 'value'; expected at least one value" + forOp);
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
                    throw yaml.at(valueNode, "found " + l.describe() + " for 'value'; expected true or false" + forOp);
                }
                return Condition.exists(path, paths.slot(path), l.truth);
            }
            case REGEX: {
                Literal l = literal(valueNode, forOp);
                if (l.kind != Literal.Kind.STRING) {
                    throw yaml.at(valueNode, "found " + l.describe() + " for 'value'; expected a regular expression (a string)"
                            + forOp);
                }
                try {
                    return Condition.regex(path, paths.slot(path), com.google.re2j.Pattern.compile(l.text));
                } catch (com.google.re2j.PatternSyntaxException e) {
                    throw yaml.at(valueNode, "found a regular expression Vouch cannot use " + Texts.quote(l.text) + " ("
                            + e.getDescription() + reNearIndex(e) + "); expected an RE2 regular expression, which matches"
                            + " in linear time: no backreferences, lookahead or lookbehind (docs/POLICY.md, \"Regular"
                            + " expressions\")");
                }
            }
            case WITHIN: {
                Literal l = literal(valueNode, forOp);
                String dir = l.kind == Literal.Kind.STRING ? PathWithin.normalize(l.text) : null;
                if (dir == null || l.text.contains("/../") || l.text.endsWith("/..")) {
                    throw yaml.at(valueNode, "found " + l.describe() + " for 'value'; expected an absolute directory path"
                            + " such as \"/tmp\", without .. segments" + forOp);
                }
                return Condition.scalar(path, paths.slot(path), op, Literal.ofString(dir), false);
            }
            case PREFIX:
            case SUFFIX:
            case CONTAINS: {
                Literal l = literal(valueNode, forOp);
                if (l.kind != Literal.Kind.STRING) {
                    throw yaml.at(valueNode, "found " + l.describe() + " for 'value'; expected a string" + forOp
                            + " (quote it: \"" + l.text + "\")");
                }
                if (l.text.isEmpty()) {
                    throw yaml.at(valueNode, "found an empty string for 'value'; expected at least one character" + forOp
                            + " (an empty one matches every string)");
                }
                return Condition.scalar(path, paths.slot(path), op, l, false);
            }
            default: {
                Literal l = literal(valueNode, forOp);
                if (op.isOrdering() && l.number == null) {
                    throw yaml.at(valueNode, "found " + l.describe() + " for 'value'; expected a number" + forOp);
                }
                return Condition.scalar(path, paths.slot(path), op, l, legacy);
            }
        }
    }

    /** A condition value, typed as the original read it: see docs/POLICY.md, "Values". */
    private Literal literal(Node node, String forOp) {
        if (!(node instanceof ScalarNode)) {
            String hint = node instanceof SequenceNode ? " (use operator in for a list)" : "";
            throw yaml.at(node, "found " + PolicyYaml.describe(node) + " for 'value'; expected a single value" + forOp + hint);
        }
        ScalarNode s = (ScalarNode) node;
        String v = s.getValue();
        if (!s.isPlain()) {
            return Literal.ofString(v);
        }
        if (PolicyYaml.isNull(s)) {
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
            throw yaml.at(node, "found the number " + v + " in a notation Vouch does not read; expected a plain decimal"
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
}
