package dev.vouch.policy;

import dev.vouch.policy.internal.RedactionPaths;
import dev.vouch.Risk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A compiled {@code vouch-policy.yaml}: immutable, thread-safe, and checked in full before it exists, so a
 * policy is either entirely in force or not at all. The file format, the evaluation order and every error
 * are described in docs/POLICY.md.
 *
 * <p>{@link #evaluate} does no YAML, regex compilation or reflection: method patterns are pre-compiled, and
 * the JSON parameters are read (streaming, once, and only when a rule with conditions matches the method) for
 * just the paths the policy's conditions name.
 */
public final class Policy {
    /** Largest policy file accepted; real ones are a few kilobytes. */
    static final int MAX_FILE_BYTES = 1 << 20;

    private final String source;
    private final byte[] bytes;
    private final String sha256Hex;
    private final String version;
    private final int retentionDays;
    private final Action defaultAction;
    private final Duration approvalTimeout;
    private final PayloadLogging payloadLogging;
    private final Rule[] rules;
    private final List<String> ruleIds;
    private final ParamPaths paths;
    private final PolicyDecision defaultDecision;

    Policy(String source, byte[] bytes, String version, int retentionDays, Action defaultAction,
            Duration approvalTimeout, PayloadLogging payloadLogging, List<Rule> rules, ParamPaths paths) {
        this.source = source;
        this.bytes = bytes.clone();
        this.sha256Hex = sha256Hex(bytes);
        this.version = version;
        this.retentionDays = retentionDays;
        this.defaultAction = defaultAction;
        this.approvalTimeout = approvalTimeout;
        this.payloadLogging = payloadLogging;
        this.rules = rules.toArray(new Rule[0]);
        List<String> ids = new ArrayList<>();
        for (Rule r : rules) {
            ids.add(r.id);
        }
        this.ruleIds = List.copyOf(ids);
        this.paths = paths;
        this.defaultDecision = new PolicyDecision(defaultAction, List.of(), Risk.NONE, null,
                "no rule matched; the default action is " + defaultAction.name().toLowerCase(java.util.Locale.ROOT),
                payloadLogging, approvalTimeout);
    }

    /**
     * Reads and compiles a policy file.
     *
     * @throws PolicyException if the file cannot be read or breaks any rule of the format; the message names
     *                         the file, line and column
     */
    public static Policy load(Path file) {
        return parse(read(file), file.toString());
    }

    /**
     * Compiles policy text.
     *
     * @param sourceName the name error messages and {@link #source()} give, usually the file name
     * @throws PolicyException if the text breaks any rule of the format
     */
    public static Policy parse(String yaml, String sourceName) {
        Objects.requireNonNull(yaml, "yaml");
        return parse(yaml.getBytes(StandardCharsets.UTF_8), sourceName);
    }

    static Policy parse(byte[] bytes, String sourceName) {
        Objects.requireNonNull(sourceName, "sourceName");
        return PolicyParser.parse(sourceName, bytes);
    }

    /** The file's bytes, refusing missing, unreadable and oversized files. */
    static byte[] read(Path file) {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            // Read one byte past the limit rather than trusting a size taken before the read.
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new PolicyException(file.toString(),
                        "found a file of more than " + MAX_FILE_BYTES + " bytes; expected a policy file of at most 1 MiB", null);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new PolicyException(file.toString(), "found no file; expected a policy file (vouch-policy.yaml)", e);
        } catch (IOException e) {
            throw new PolicyException(file.toString(), "cannot read the policy file: " + e, e);
        }
    }

    /**
     * Decides a call: the first matching rule decides, every matching rule adds its redactions (docs/POLICY.md,
     * "Evaluation"). Thread-safe, non-blocking, never throws for any parameters: if a condition needs
     * parameters that are not one readable JSON object, the call is blocked and the reason says why.
     *
     * @param method     the tool or method name, matched against {@code match_methods}
     * @param jsonParams the call's parameters as UTF-8 JSON (an object); {@code null} or empty means none
     */
    public PolicyDecision evaluate(String method, byte[] jsonParams) {
        return decide(method, jsonParams, 0, jsonParams == null ? 0 : jsonParams.length, null);
    }

    /** As {@link #evaluate(String, byte[])}, for parameters held in part of a larger buffer. */
    public PolicyDecision evaluate(String method, byte[] jsonParams, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, jsonParams.length);
        return decide(method, jsonParams, offset, length, null);
    }

    /** As {@link #evaluate(String, byte[])}, for parameters held as a string. */
    public PolicyDecision evaluate(String method, String jsonParams) {
        return decide(method, null, 0, 0, jsonParams == null ? "" : jsonParams);
    }

    /**
     * Whether every call of {@code method} is blocked, whatever its parameters: the first rule for it without
     * conditions blocks (or none does and the default blocks), and no conditional rule before that could let a call
     * through. What an MCP server uses to hide such tools from {@code tools/list}: a tool blocked only for some
     * parameters stays listed.
     */
    public boolean alwaysBlocks(String method) {
        Objects.requireNonNull(method, "method");
        method = Texts.nfc(method);
        for (Rule rule : rules) {
            if (!rule.matchesMethod(method)) {
                continue;
            }
            if (rule.decision.action() != Action.BLOCK && rule.hasConditions()) {
                return false; // some parameters may match it and pass
            }
            if (!rule.hasConditions()) {
                return rule.decision.action() == Action.BLOCK;
            }
            // A conditional block: calls it does not catch go on to the next rule.
        }
        return defaultDecision.action() == Action.BLOCK;
    }

    private PolicyDecision decide(String method, byte[] bytes, int offset, int length, String text) {
        Objects.requireNonNull(method, "method");
        // Names are matched in Unicode NFC, as the patterns are compiled: "cafe\u0301.delete" is café.delete (a
        // re-trial's block rule never matched the same name written with a combining accent).
        method = Texts.nfc(method);
        ParamValues values = null;
        for (int i = 0; i < rules.length; i++) {
            Rule rule = rules[i];
            if (!rule.matchesMethod(method)) {
                continue;
            }
            if (rule.hasConditions()) {
                if (values == null) {
                    values = text != null ? paths.read(text) : paths.read(bytes, offset, length);
                }
                if (values.problem != null) {
                    return unreadable(method, rule, values.problem);
                }
                if (!rule.conditionsHold(values)) {
                    continue;
                }
            }
            return addLaterProtections(method, i, values, bytes, offset, length, text);
        }
        return defaultDecision;
    }

    // The winner decides; every later matching rule may still add redactions or metadata_only (POLICY.md).
    private PolicyDecision addLaterProtections(String method, int winner, ParamValues values, byte[] bytes,
            int offset, int length, String text) {
        Rule won = rules[winner];
        List<String> extra = null;
        boolean metadataOnly = false;
        for (int j = winner + 1; j < rules.length; j++) {
            Rule rule = rules[j];
            if (!rule.protectsData() || !rule.matchesMethod(method)) {
                continue;
            }
            if (rule.hasConditions()) {
                if (values == null) {
                    values = text != null ? paths.read(text) : paths.read(bytes, offset, length);
                }
                if (values.problem != null) {
                    return unreadable(method, rule, values.problem);
                }
                if (!rule.conditionsHold(values)) {
                    continue;
                }
            }
            metadataOnly |= rule.metadataOnly;
            for (String field : rule.redact) {
                if (!won.redact.contains(field) && (extra == null || !extra.contains(field))) {
                    if (extra == null) {
                        extra = new ArrayList<>(won.redact);
                    }
                    extra.add(field);
                }
            }
        }
        PolicyDecision d = won.decision;
        boolean upgradeLogging = metadataOnly && d.payloadLogging() != PayloadLogging.METADATA_ONLY;
        if (extra == null && !upgradeLogging) {
            return d;
        }
        return new PolicyDecision(d.action(), extra == null ? d.redactedFields() : RedactionPaths.of(extra), d.risk(), d.ruleId(),
                d.reason(), metadataOnly ? PayloadLogging.METADATA_ONLY : d.payloadLogging(), d.approvalTimeout());
    }

    // Conditions cannot be judged on unreadable parameters; guessing could pass a call the policy forbids.
    private PolicyDecision unreadable(String method, Rule rule, String problem) {
        PayloadLogging logging = payloadLogging;
        java.util.LinkedHashSet<String> redacted = new java.util.LinkedHashSet<>();
        for (Rule r : rules) {
            // Field redaction needs readable parameters: where the policy would redact, keep no clear copy. The
            // redact lists stay in the decision, so that the guard stores a keyed commitment rather than a plain
            // digest that a short secret could be guessed back from.
            if (r.protectsData() && r.matchesMethod(method)) {
                logging = PayloadLogging.METADATA_ONLY;
                redacted.addAll(r.redact);
            }
        }
        return new PolicyDecision(Action.BLOCK, RedactionPaths.of(List.copyOf(redacted)), Risk.NONE, null,
                "the parameters are " + problem + "; rule '" + rule.id
                        + "' has conditions on them, so the call is blocked",
                logging, approvalTimeout);
    }

    /** The file path or source name the policy came from. */
    public String source() {
        return source;
    }

    /** A copy of the exact bytes the policy was compiled from. */
    public byte[] sourceBytes() {
        return bytes.clone();
    }

    /**
     * SHA-256 of {@link #sourceBytes()}, lower-case hex: what the journal records so an auditor knows which
     * rules judged each call.
     */
    public String sha256Hex() {
        return sha256Hex;
    }

    /** The file's {@code version}, or {@code null} if it gives none. */
    public String version() {
        return version;
    }

    /**
     * {@code defaults.retention_days}: records are kept at least this many days. Vouch never deletes records
     * (the journal is append-only), so this always holds; empty when the file does not say.
     */
    public OptionalInt retentionDays() {
        return retentionDays > 0 ? OptionalInt.of(retentionDays) : OptionalInt.empty();
    }

    /** {@code defaults.default_action}: the decision when no rule matches; ALLOW, BLOCK or STALL. */
    public Action defaultAction() {
        return defaultAction;
    }

    /** {@code defaults.approval_timeout}: how long a stalled call waits unless its rule says otherwise. */
    public Duration approvalTimeout() {
        return approvalTimeout;
    }

    /** {@code defaults.log_level}: what the journal keeps of parameters unless a rule says otherwise. */
    public PayloadLogging payloadLogging() {
        return payloadLogging;
    }

    /** The rule ids in file order (evaluation order). */
    public List<String> ruleIds() {
        return ruleIds;
    }

    @Override
    public String toString() {
        return "Policy[" + source + ", sha256 " + sha256Hex + ", " + rules.length + " rules]";
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
