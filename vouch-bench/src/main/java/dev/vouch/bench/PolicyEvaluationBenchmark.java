package dev.vouch.bench;

import dev.vouch.policy.Action;
import dev.vouch.policy.Policy;
import dev.vouch.policy.PolicyDecision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Policy evaluation with a 100-rule {@code vouch-policy.yaml}: one operation is one
 * {@link Policy#evaluate(String, byte[])} of a {@code payments.refund} call with ~200 bytes of JSON parameters.
 *
 * <p>The file is generated in setup and loaded with {@link Policy#load}, the real loader with all its checks.
 * 99 of its rules are the same for every {@code matchAt}: rules for 19 other tool families (system-path
 * blocks, bulk-export stalls, read-only allows, token redactions, production-change stalls) and 23 rules that
 * match {@code payments.refund} by name or glob but whose conditions (every operator) fail for this call. The
 * rule that decides the call ({@code large-refund}: stall refunds over 1000) is rule 1, 50 or 100; with
 * {@code none} rule 100 is the same rule with a threshold the call stays under, so all 100 rules are tried and
 * the default decides. Setup checks the decision, so a policy that stopped deciding as intended fails loudly.
 *
 * <pre>
 * java -jar vouch-bench/target/benchmarks.jar PolicyEvaluationBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyEvaluationBenchmark {
    static final String METHOD = "payments.refund";
    static final byte[] PARAMS = ("{\"order\":{\"id\":\"o-18427\",\"amount\":1500.25,\"currency\":\"EUR\","
            + "\"lines\":[{\"sku\":\"A-1\",\"qty\":1},{\"sku\":\"B-7\",\"qty\":2}]},"
            + "\"customer\":{\"id\":\"c-7731\",\"email\":\"ann@example.com\",\"tier\":\"gold\"},"
            + "\"reason\":\"item arrived damaged\"}").getBytes(StandardCharsets.UTF_8);

    private static final String[] FAMILIES = {"fs", "db", "http", "shell", "crm", "email", "tickets", "orders",
        "calendar", "git", "k8s", "s3", "slack", "search", "docs", "users", "billing", "inventory", "analytics"};

    // Conditions on the call's parameters: the first list holds for PARAMS, the second never does.
    private static final String[] HOLDS = {
        "{key: order.amount, operator: gt, value: 100}",
        "{key: order.currency, operator: in, value: [EUR, USD]}",
        "{key: customer.tier, operator: eq, value: gold}",
        "{key: order.id, operator: prefix, value: \"o-\"}",
        "{key: reason, operator: exists, value: true}"};
    private static final String[] FAILS = {
        "{key: order.amount, operator: gt, value: 250000}",
        "{key: order.amount, operator: lte, value: 0}",
        "{key: order.currency, operator: eq, value: JPY}",
        "{key: order.currency, operator: not_in, value: [EUR, USD, GBP]}",
        "{key: customer.tier, operator: in, value: [trial, suspended, internal]}",
        "{key: reason, operator: contains, value: chargeback}",
        "{key: customer.email, operator: suffix, value: \"@competitor.example\"}",
        "{key: order.id, operator: prefix, value: \"test-\"}",
        "{key: customer.id, operator: regex, value: '^c-9[0-9]{3}$'}",
        "{key: customer.flagged, operator: exists, value: true}",
        "{key: order.lines.1.qty, operator: gte, value: 100}",
        "{key: customer.tier, operator: ne, value: gold}"};
    private static final String[] PAYMENT_GLOBS = {"[\"payments.*\"]", "[\"*.refund\"]",
        "[\"payments.refund\", \"payments.void\"]", "[\"*\"]"};
    private static final String[] ACTIONS = {"block", "stall", "allow"};
    private static final String[] RISKS = {"low", "medium", "high", "critical"};

    /** Where the deciding rule sits: rule 1, rule 50, rule 100, or nowhere (the default decides). */
    @Param({"first", "middle", "last", "none"})
    String matchAt;

    private Policy policy;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path file = Files.createTempFile("vouch-policy", ".yaml");
        try {
            Files.writeString(file, policyYaml(matchAt));
            policy = Policy.load(file);
        } finally {
            Files.delete(file);
        }
        PolicyDecision d = policy.evaluate(METHOD, PARAMS);
        int decidedBy = d.ruleId() == null ? 0 : policy.ruleIds().indexOf(d.ruleId()) + 1;
        int expected = switch (matchAt) {
            case "first" -> 1;
            case "middle" -> 50;
            case "last" -> 100;
            default -> 0;
        };
        if (policy.ruleIds().size() != 100 || decidedBy != expected
                || d.action() != (expected == 0 ? Action.BLOCK : Action.STALL)) {
            throw new IllegalStateException("the generated policy decides " + METHOD + " by rule " + decidedBy
                    + " of " + policy.ruleIds().size() + ", expected " + expected + ": " + d);
        }
        System.out.printf(Locale.ROOT, "%n  policy: %d rules, %d bytes; %s %d-byte params -> %s by %s%n",
                policy.ruleIds().size(), policy.sourceBytes().length, METHOD, PARAMS.length, d.action(),
                decidedBy == 0 ? "the default action" : "rule " + decidedBy + " (" + d.ruleId() + ")");
    }

    @Benchmark
    public PolicyDecision evaluate() {
        return policy.evaluate(METHOD, PARAMS);
    }

    /** A 100-rule policy: 99 fixed rules and the deciding rule placed as {@code matchAt} says. */
    static String policyYaml(String matchAt) {
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            rules.add(rule(i));
        }
        int at = switch (matchAt) {
            case "first" -> 0;
            case "middle" -> 49;
            case "last", "none" -> 99;
            default -> throw new IllegalArgumentException("matchAt: " + matchAt);
        };
        rules.add(at, largeRefund(matchAt.equals("none") ? 1_000_000 : 1000));
        return "# Generated by PolicyEvaluationBenchmark: 100 rules.\n"
                + "version: \"2026.1\"\n"
                + "defaults:\n"
                + "  default_action: block\n"
                + "  approval_timeout: 10m\n"
                + "  log_level: full_payload\n"
                + "policies:\n"
                + String.join("", rules);
    }

    private static String largeRefund(int threshold) {
        return "  - id: large-refund\n"
                + "    match_methods: [\"payments.refund\"]\n"
                + "    conditions:\n"
                + "      - {key: order.amount, operator: gt, value: " + threshold + "}\n"
                + "      - {key: order.currency, operator: in, value: [EUR, USD, GBP]}\n"
                + "      - {key: customer.tier, operator: ne, value: internal}\n"
                + "    action: stall\n"
                + "    risk_level: high\n"
                + "    approval_timeout: 15m\n"
                + "    reason: Refunds above " + threshold + " need a second pair of eyes\n"
                + "    redact: [customer.email]\n";
    }

    /**
     * Filler rule {@code i}: five rounds over the 19 families, then 4 more payment rules. Rules without
     * conditions only name exact read methods, so none covers a later rule (the loader would refuse that).
     */
    private static String rule(int i) {
        String fam = FAMILIES[i % FAMILIES.length];
        switch (i / FAMILIES.length) {
            case 0:
                return "  - id: " + fam + "-system-paths\n"
                        + "    match_methods: [\"" + fam + ".delete*\", \"" + fam + ".*.write\"]\n"
                        + "    conditions:\n"
                        + "      - {key: path, operator: regex, value: '^/(etc|usr|boot|var/lib)/'}\n"
                        + "    action: block\n"
                        + "    risk_level: critical\n"
                        + "    reason: No agent touches system paths\n";
            case 1:
                return "  - id: " + fam + "-bulk-export\n"
                        + "    match_methods: [\"" + fam + ".export\", \"" + fam + ".bulk_*\"]\n"
                        + "    conditions:\n"
                        + "      - {key: limit, operator: gt, value: " + 1000 * (1 + i % 10) + "}\n"
                        + "      - {key: format, operator: in, value: [csv, json, parquet]}\n"
                        + "    action: stall\n"
                        + "    risk_level: medium\n"
                        + "    approval_timeout: 30m\n"
                        + "    reason: Bulk exports wait for a person\n";
            case 3:
                return "  - id: " + fam + "-reads\n"
                        + "    match_methods: [\"" + fam + ".get\", \"" + fam + ".list\", \"" + fam + ".search\"]\n"
                        + "    action: allow\n"
                        + "    risk_level: low\n";
            case 4:
                if (i % 2 == 0) { // no action: redacts, and decides with the default only if its condition holds
                    return "  - id: " + fam + "-hide-tokens\n"
                            + "    match_methods: [\"" + fam + ".*\"]\n"
                            + "    conditions:\n"
                            + "      - {key: auth.token, operator: exists, value: true}\n"
                            + "    redact: [auth.token, auth.refresh_token]\n";
                }
                return "  - id: " + fam + "-prod-changes\n"
                        + "    match_methods: [\"" + fam + ".*\"]\n"
                        + "    conditions:\n"
                        + "      - {key: env, operator: eq, value: prod}\n"
                        + "      - {key: dry_run, operator: eq, value: false}\n"
                        + "    action: stall\n"
                        + "    risk_level: high\n"
                        + "    reason: Production changes need approval\n";
            default: // rounds 2 and 5: match payments.refund, one condition holds, the other never does
                return "  - id: payments-check-" + i + "\n"
                        + "    match_methods: " + PAYMENT_GLOBS[i % PAYMENT_GLOBS.length] + "\n"
                        + "    conditions:\n"
                        + "      - " + HOLDS[i % HOLDS.length] + "\n"
                        + "      - " + FAILS[i % FAILS.length] + "\n"
                        + "    action: " + ACTIONS[i % ACTIONS.length] + "\n"
                        + "    risk_level: " + RISKS[i % RISKS.length] + "\n"
                        + "    reason: Payment check " + i + "\n";
        }
    }
}
