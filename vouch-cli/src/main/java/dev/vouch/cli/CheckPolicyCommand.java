package dev.vouch.cli;

import dev.vouch.internal.Durations;
import dev.vouch.policy.Action;
import dev.vouch.policy.Policy;
import dev.vouch.policy.PolicyDecision;
import dev.vouch.policy.PolicyException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vouch check-policy}: checks a policy file as the guard loads it, without an agent, and optionally says what
 * it decides for one call. A new user had no way to try a policy but starting the agent.
 */
@Command(
        name = "check-policy",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a policy file exactly as the guard and the gateway load it (docs/POLICY.md), without starting an"
                    + " agent, and prints what it holds. With --tool, also prints what it decides for that call:"
                    + " the action, the rule, the risk, the fields it redacts and how long a stalled call waits.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the policy is valid (and, with --tool, the decision was printed)",
            "1:the policy is not valid: the message names the file, line and column",
            "2:usage error, or a file that cannot be read",
        })
final class CheckPolicyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "POLICY", description = "The policy file (vouch-policy.yaml).")
    Path file;

    @Option(names = "--tool", paramLabel = "NAME", description = "A tool name to decide a call of, as the agent names it.")
    String tool;

    @Option(names = "--params", paramLabel = "JSON", defaultValue = "{}",
            description = "The call's parameters, a JSON object (default: {}).")
    String params;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // A pipe is read once like a file (an outside trial's CI rendered its policy from a template: check-policy
        // <(envsubst < policy.tmpl) was refused); the guard itself watches a file, which must be a regular one.
        if (!Files.exists(file) || Files.isDirectory(file)) {
            throw new CliException(file + ": " + (Files.exists(file) ? "a directory, not a policy file" : "no such file"));
        }
        if (tool == null && spec.commandLine().getParseResult().hasMatchedOption("--params")) {
            throw new CliException("--params needs --tool: the name of the tool the call is made to");
        }
        if (tool != null) {
            if (tool.isEmpty()) {
                throw new CliException("--tool is empty: a call names its tool (the gateway refuses an empty name)");
            }
        }
        Policy policy;
        try {
            policy = Policy.load(file);
        } catch (PolicyException e) {
            out.println("INVALID: " + Text.safeMessage(e.getMessage()));
            return VouchCli.EXIT_FAILED;
        }
        out.println("VALID: " + Text.safe(file.toString()) + ", sha256 " + policy.sha256Hex());
        out.println("  version           " + (policy.version() == null ? "(none)" : Text.safe(policy.version())));
        out.println("  rules             " + policy.ruleIds().size() + (policy.ruleIds().isEmpty() ? ""
                : ", in order: " + Text.safe(String.join(", ", policy.ruleIds()))));
        out.println("  default action    " + word(policy.defaultAction()));
        out.println("  approval timeout  " + Durations.policyText(policy.approvalTimeout()));
        out.println("  payload logging   " + policy.payloadLogging().name().toLowerCase(Locale.ROOT));
        if (tool != null) {
            String unusable = paramsProblem();
            PolicyDecision d = policy.evaluate(tool, params);
            out.println();
            if (unusable != null) {
                // An outside trial: the guard decides such a call (a rule with conditions blocks it), while this exited 2.
                out.println("note: --params " + unusable + ". The gateway (400) and the MCP proxy (a JSON-RPC error) refuse such a"
                        + " call before the policy sees it; a guard in the agent's JVM asks the policy, which decides:");
            }
            out.println(Text.safe(tool) + " " + Text.safe(params) + " -> " + word(d.action())
                    + (d.ruleId() != null ? " by rule " + Text.safe(d.ruleId())
                            : d.action() == policy.defaultAction() ? " (no rule matched: the default)"
                            : " (by no rule: see the reason)")
                    + ", risk " + d.risk().name().toLowerCase(Locale.ROOT));
            if (d.reason() != null && !d.reason().isEmpty()) {
                out.println("  reason            " + Text.safe(d.reason()));
            }
            if (!d.redactedFields().isEmpty()) {
                out.println("  redacts           " + Text.safe(String.join(", ", d.redactedFields())));
            }
            if (d.payloadLogging() == dev.vouch.policy.PayloadLogging.METADATA_ONLY) {
                out.println("  journal keeps     the parameters and the result only as keyed commitments with a"
                        + " redaction key, else " + (d.redactedFields().isEmpty() ? "as plain digests" : "nothing")
                        + " (metadata_only)");
            }
            if (d.action() == Action.STALL) {
                out.println("  waits for a person up to "
                        + Durations.policyText(d.approvalTimeout()));
            }
        }
        out.flush();
        return VouchCli.EXIT_OK;
    }

    /**
     * Why the parameters are not one JSON object as the gateway and the proxy take them (strict: a key twice would be
     * judged by one copy and run with the other), or null.
     */
    private String paramsProblem() {
        try (com.fasterxml.jackson.core.JsonParser p = com.fasterxml.jackson.core.JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                .createParser(params.getBytes(StandardCharsets.UTF_8))) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return "is not a JSON object, such as {\"amount\": 900}";
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return "holds text after its JSON object";
            }
            return null;
        } catch (java.io.IOException e) {
            return "is not JSON (" + Errors.jsonProblem(e) + ")";
        }
    }

    private static String word(Action a) {
        return a.name().toLowerCase(Locale.ROOT);
    }
}
