package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.Decision;
import dev.vouch.Risk;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch risk}: the high- and critical-risk tool calls, one row each. */
@Command(
        name = "risk",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the tool calls of high or critical risk (--min-risk to change it), one row per call: its time,"
                    + " risk, tool, task, the policy decision and approval, what became of it, the rule and its"
                    + " reason, and a preview of its parameters. A call's risk is the highest its call record, policy"
                    + " decision or approval carries.",
            "Does not verify the journal (run 'vouch verify'); only reads it, in one pass. Holds the listed calls in"
                    + " memory.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the calls were listed (none is not an error)",
            "1:the journal's storage is damaged: calls beyond it are missing",
            "2:usage error, missing or unreadable journal"})
final class RiskCommand implements Callable<Integer>, ReadingCommand {
    private static final String FORMAT = "%7s  %-24s  %-8s  %s %s %-8s %-9s %-17s %s";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--min-risk", paramLabel = "RISK", defaultValue = "high",
            description = "The least risk listed: low, medium, high or critical. Default: ${DEFAULT-VALUE}.")
    String minRisk;

    @Option(names = "--task", paramLabel = "TASK", description = "Only calls of this task (* and ? match any).")
    String task;

    @Option(names = "--tool", paramLabel = "NAME", description = "Only calls of this tool (* and ? match any).")
    String tool;

    @Option(names = "--agent", paramLabel = "AGENT", description = "Only calls of this agent (* and ? match any).")
    String agent;

    @Option(names = "--since", paramLabel = "TIME", description = "Only calls made at or after TIME (as for events).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only calls made at or before TIME.")
    String until;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Only the last N calls listed.")
    Integer limit;

    @Option(names = "--json", description = "Print one JSON object per call (JSON Lines) instead of a table.")
    boolean json;

    @Override
    public Path unverifiedJournal() {
        return journal;
    }

    @Override
    public Integer call() throws IOException {
        Risk threshold;
        try {
            threshold = Risk.valueOf(minRisk.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown risk '" + minRisk
                    + "' for --min-risk; one of low, medium, high, critical");
        }
        if (threshold == Risk.NONE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--min-risk none would list every call;"
                    + " use 'vouch events --type tool_call'");
        }
        if (limit != null && limit < 0) {
            throw new CliException("--limit must not be negative, was " + limit);
        }
        Instant now = Instant.now();
        long from = since == null ? Long.MIN_VALUE : time("--since", since, false, now);
        long to = until == null ? Long.MAX_VALUE : time("--until", until, true, now);
        Predicate<String> taskMatch = RecordFilter.pattern(task);
        Predicate<String> toolMatch = RecordFilter.pattern(tool);
        Predicate<String> agentMatch = RecordFilter.pattern(agent);

        PrintWriter err = spec.commandLine().getErr();
        JournalInput.check(journal, err);
        JournalStats stats = new JournalStats(Integer.MAX_VALUE, threshold);
        boolean damaged = stats.read(journal, err, spec.qualifiedName());
        List<CallRows.Row> rows = new ArrayList<>();
        for (CallRows.Row r : stats.risky().rows()) {
            if (r.timestamp >= from && r.timestamp <= to && (taskMatch == null || taskMatch.test(r.task))
                    && (toolMatch == null || toolMatch.test(r.tool)) && (agentMatch == null || agentMatch.test(r.agent))) {
                rows.add(r);
            }
        }
        if (limit != null) {
            rows = rows.subList(Math.max(0, rows.size() - limit), rows.size());
        }
        PrintWriter out = spec.commandLine().getOut();
        CallOutcomes outcomes = stats.callOutcomes();
        if (json) {
            try (JsonGenerator g = Json.generator(out)) {
                for (CallRows.Row r : rows) {
                    writeJson(g, r, outcomes);
                    g.writeRaw('\n');
                }
            }
        } else if (rows.isEmpty()) {
            out.println("no tool call of risk " + label(threshold) + (threshold == Risk.CRITICAL ? "" : " or higher")
                    + (stats.risky().count() > 0 ? " matches the options" : " in " + journal));
        } else {
            out.println(String.format(Locale.ROOT,
                    FORMAT, "CALL", "TIME (UTC)", "RISK", Text.column("TOOL", 24), Text.column("TASK", 16), "DECISION",
                    "APPROVAL",
                    "OUTCOME", "RULE: REASON  PARAMS").stripTrailing());
            for (CallRows.Row r : rows) {
                out.println(line(r, outcomes));
            }
        }
        out.flush();
        return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    static String line(CallRows.Row r, CallOutcomes outcomes) {
        // An answer may have no approver (a deadline's) or no reason: "; : no decision ..." read as a glitch.
        String approver = r.approver == null || r.approver.isEmpty() ? null : Text.safe(r.approver);
        String answer = r.approvalReason == null || r.approvalReason.isEmpty() ? null
                : Text.cut(Text.safe(r.approvalReason), 40);
        String why = (r.policy.isEmpty() ? "" : Text.safe(r.policy))
                + (r.reason == null || r.reason.isEmpty() ? "" : ": " + Text.cut(Text.safe(r.reason), 60))
                + (approver == null && answer == null ? ""
                        : "; " + (approver == null ? answer : answer == null ? approver : approver + ": " + answer));
        String params = r.params == null ? "" : Text.cut(Text.safe(r.params), RecordLine.PREVIEW);
        return String.format(Locale.ROOT, FORMAT, r.callSeq, Text.isoMillis(r.timestamp), label(r.risk),
                Text.column(Text.orDash(r.tool), 24), Text.column(Text.orDash(r.task), 16), decision(r.decision),
                decision(r.approval), outcomes.of(r.callSeq).label,
                (why.isEmpty() ? "" : why + "  ") + params).stripTrailing();
    }

    private static void writeJson(JsonGenerator g, CallRows.Row r, CallOutcomes outcomes) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", r.callSeq);
        g.writeStringField("timestamp", Text.iso(r.timestamp));
        g.writeStringField("risk", label(r.risk));
        g.writeStringField("agent", r.agent);
        g.writeStringField("task", r.task);
        g.writeStringField("tool", r.tool);
        Json.stringOrNull(g, "decision", r.decision == Decision.NONE ? null : label(r.decision));
        Json.stringOrNull(g, "approval", r.approval == Decision.NONE ? null : label(r.approval));
        Json.stringOrNull(g, "approver", r.approver);
        Json.stringOrNull(g, "approval_reason", r.approvalReason);
        g.writeStringField("policy", r.policy);
        Json.stringOrNull(g, "reason", r.reason);
        g.writeStringField("outcome", outcomes.of(r.callSeq).label);
        Json.stringOrNull(g, "params_preview", r.params);
        g.writeEndObject();
    }

    private static String decision(Decision d) {
        return d == Decision.NONE ? "-" : label(d);
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private long time(String option, String value, boolean endOfDay, Instant now) {
        try {
            return TimeArg.parse(value, endOfDay, now);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }
}
