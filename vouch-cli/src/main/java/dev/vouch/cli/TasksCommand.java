package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.Decision;
import dev.vouch.FormatException;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch tasks}: the causal tree of an agent run, rebuilt from the journal's parent links. */
@Command(
        name = "tasks",
        aliases = "trace",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the causal tree of the agent's work: tasks and the tasks nested in them, each tool call with"
                    + " its policy decision, approval and result or error, and durations. The tree comes from the"
                    + " parent sequence number every event record carries.",
            "With TASK_ID, only that task and everything caused by its records. Does not verify the journal"
                    + " (run 'vouch verify'); only reads it. Holds a summary of the shown events in memory.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the tree was printed", "1:TASK_ID names no task in the journal",
            "2:usage error, missing or unreadable journal"})
final class TasksCommand implements Callable<Integer>, ReadingCommand {
    private static final int PREVIEW = 60;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TASK_ID", description = "Show only this task's tree.")
    String taskId;

    @Option(names = "--json", description = "Print the tree as one JSON object instead of indented text.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write the HTML report ('vouch report') of the journal, or with TASK_ID of that task, to FILE"
                    + " instead.")
    Path html;

    @Option(names = "--pubkey", paramLabel = "FILE",
            description = "With --html: verify the journal with this trusted public key, for the report's verdict.")
    Path pubkey;

    @Override
    public Path unverifiedJournal() {
        return html == null ? journal : null; // the report says whether it verified
    }

    @Override
    public Integer call() throws IOException {
        if (html != null && json) {
            throw new CliException("--json and --html are two outputs: give one");
        }
        if (html != null) {
            return ReportCommand.write(spec, journal, html, pubkey, null, taskId, "auto");
        }
        if (pubkey != null) {
            throw new CliException("--pubkey goes with --html (the tree itself is not verified)");
        }
        JournalInput.check(journal, spec.commandLine().getErr());
        CausalTree tree = new CausalTree(taskId);
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        boolean damaged;
        try (JournalInput source = JournalInput.open(journal)) {
            while (source.nextRecord(buffer)) {
                try {
                    tree.add(view.wrap(buffer.data(), buffer.length()));
                } catch (FormatException malformed) {
                    // 'vouch verify' reports it; the tree shows what can be read.
                }
            }
            damaged = source.reportDamage(spec.commandLine().getErr(), "vouch tasks");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            writeJson(out, tree);
        } else {
            for (CausalTree.Node root : tree.roots()) {
                print(out, tree, root, "");
            }
        }
        out.flush();
        if (taskId != null && tree.size() == 0) {
            spec.commandLine().getErr().println("vouch tasks: no record of task '" + Text.safe(taskId) + "' in " + journal);
            return VouchCli.EXIT_FAILED;
        }
        return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    private static void print(PrintWriter out, CausalTree tree, CausalTree.Node n, String indent) {
        switch (n.type) {
            case TASK_START -> {
                CausalTree.Node end = n.child(RecordType.TASK_END);
                out.println(indent + "task " + Text.orDash(n.task) + describeEnd(n, end) + "  [seq " + n.seq + "]");
            }
            case TOOL_CALL -> {
                out.println(indent + "call " + Text.orDash(n.name) + " " + Text.preview(n.params, PREVIEW)
                        + "  [seq " + n.seq + "]");
                CallOutcomes.Outcome outcome = tree.outcome(n.seq);
                if (outcome == CallOutcomes.Outcome.NOT_RECORDED) {
                    // After the call's own records, so it reads as what follows them.
                    printChildren(out, tree, n, indent);
                    out.println(indent + "  outcome not recorded (the call may have run; the process stopped, or"
                            + " is still running, before its result or error reached the journal)");
                    return;
                }
                if (outcome == CallOutcomes.Outcome.AWAITING_APPROVAL) {
                    printChildren(out, tree, n, indent);
                    out.println(indent + "  awaiting approval (stalled, no answer on record yet; it has not run)");
                    return;
                }
            }
            case TASK_END -> {
                return; // shown on its task's line
            }
            default -> out.println(indent + describe(n) + "  [seq " + n.seq + "]");
        }
        printChildren(out, tree, n, indent);
    }

    private static void printChildren(PrintWriter out, CausalTree tree, CausalTree.Node n, String indent) {
        for (CausalTree.Node c : n.children) {
            print(out, tree, c, indent + "  ");
        }
    }

    private static String describeEnd(CausalTree.Node start, CausalTree.Node end) {
        if (end == null) {
            return "  (not ended)";
        }
        String outcome = end.result.length > 0 ? Text.preview(end.result, 24) : "ended";
        return "  (" + outcome + ", " + duration(end.timestamp - start.timestamp) + ")";
    }

    private static String describe(CausalTree.Node n) {
        return switch (n.type) {
            case POLICY_DECISION -> "decision " + label(n.decision)
                    + (n.policy.isEmpty() ? "" : " by " + Text.safe(n.policy))
                    + (n.risk == Risk.NONE ? "" : ", risk " + label(n.risk)) + reason(n.params);
            case APPROVAL -> "approval " + label(n.decision) + " " + Text.preview(n.params, PREVIEW);
            case TOOL_RESULT -> "result " + Text.preview(n.result, PREVIEW) + durationOf(n);
            case TOOL_ERROR -> "error " + Text.preview(n.result, PREVIEW) + durationOf(n);
            default -> n.type.label() + " " + Text.orDash(n.name) + " " + Text.preview(n.params, PREVIEW);
        };
    }

    private static String reason(byte[] params) {
        String reason = Payloads.string(params, "reason");
        return reason == null || reason.isBlank() ? "" : ": " + Text.cut(Text.safe(reason), PREVIEW);
    }

    private static String durationOf(CausalTree.Node n) {
        long nanos = durationNanos(n);
        return nanos < 0 ? "" : " (" + duration(nanos) + ")";
    }

    /** The guard records a call's duration as {@code duration_ns} in its result's params; -1 if it is not there. */
    private static long durationNanos(CausalTree.Node result) {
        return Payloads.nonNegativeLong(result.params, "duration_ns");
    }

    static String duration(long nanos) {
        if (nanos < 1_000_000L) {
            return String.format(Locale.ROOT, "%.0f us", nanos / 1e3);
        }
        if (nanos < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static void writeJson(PrintWriter out, CausalTree tree) throws IOException {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("roots");
            for (CausalTree.Node root : tree.roots()) {
                writeNode(g, tree, root);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.println();
    }

    private static void writeNode(JsonGenerator g, CausalTree tree, CausalTree.Node n) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", n.seq);
        g.writeStringField("type", n.type.label());
        g.writeStringField("timestamp", Text.iso(n.timestamp));
        g.writeStringField("task", n.task);
        g.writeStringField("name", n.name);
        Json.seqOrNull(g, "parent", n.parent);
        if (n.decision != Decision.NONE) {
            g.writeStringField("decision", label(n.decision));
        }
        if (n.risk != Risk.NONE) {
            g.writeStringField("risk", label(n.risk));
        }
        if (!n.policy.isEmpty()) {
            g.writeStringField("policy", n.policy);
        }
        payload(g, "params", n.params);
        payload(g, "result", n.result);
        long nanos = n.type == RecordType.TASK_START && n.child(RecordType.TASK_END) != null
                ? n.child(RecordType.TASK_END).timestamp - n.timestamp : durationNanos(n);
        if (nanos >= 0) {
            g.writeNumberField("duration_ns", nanos);
        }
        if (n.type == RecordType.TOOL_CALL) {
            g.writeStringField("outcome", tree.outcome(n.seq).label);
        }
        g.writeArrayFieldStart("children");
        for (CausalTree.Node c : n.children) {
            writeNode(g, tree, c);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void payload(JsonGenerator g, String field, byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return;
        }
        String text = Text.utf8OrNull(bytes);
        if (text != null) {
            g.writeStringField(field, text);
        } else {
            g.writeStringField(field + "_b64", java.util.Base64.getEncoder().encodeToString(bytes));
        }
    }
}
