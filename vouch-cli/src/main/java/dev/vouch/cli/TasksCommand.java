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
import java.util.ArrayDeque;
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
    /** Levels indented in the text tree; deeper lines keep this indentation and say their depth. */
    static final int MAX_INDENT = 64;
    private static final String[] INDENTS = new String[MAX_INDENT + 1];
    /**
     * Tree levels nested in {@code --json}: a node this deep lists no children but {@code "children_in_roots": true},
     * and its children's subtrees follow in {@code roots}. 256 levels are 514 levels of JSON nesting, which Jackson
     * (1,000 by default), Python's {@code json} (its recursion limit, 1,000) and jq read.
     */
    static final int MAX_JSON_DEPTH = 256;

    static {
        for (int i = 0; i <= MAX_INDENT; i++) {
            INDENTS[i] = "  ".repeat(i);
        }
    }

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
        CausalTree tree = new CausalTree(taskId, json);
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
            printTrees(out, tree);
        }
        out.flush();
        if (taskId != null && tree.size() == 0) {
            spec.commandLine().getErr().println("vouch tasks: no record of task '" + Text.safe(taskId) + "' in " + journal);
            return VouchCli.EXIT_FAILED;
        }
        return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }

    /**
     * Prints the trees depth first without recursion: a parent link may chain every record of a journal (an agent
     * that makes each step the parent of the next), and a recursive walk overflowed the stack at a few thousand
     * levels. Lines deeper than {@link #MAX_INDENT} levels keep that indentation and name their depth, so that the
     * output grows with the records and not with the square of the depth.
     */
    private static void printTrees(PrintWriter out, CausalTree tree) {
        ArrayDeque<TextFrame> open = new ArrayDeque<>();
        for (CausalTree.Node root : tree.roots()) {
            open.push(enter(out, tree, root, 0));
            while (!open.isEmpty()) {
                TextFrame top = open.peek();
                if (top.next < top.children) {
                    open.push(enter(out, tree, top.node.children().get(top.next++), top.depth + 1));
                } else {
                    open.pop();
                    if (top.after != null) {
                        // After the call's own records, so it reads as what follows them.
                        out.println(indent(top.depth + 1) + top.after);
                    }
                }
            }
            VouchCli.checkOutput(out);
        }
    }

    /** A node whose line is printed and whose children are being printed. */
    private static final class TextFrame {
        final CausalTree.Node node;
        final int depth;
        final int children;
        final String after;
        int next;

        TextFrame(CausalTree.Node node, int depth, int children, String after) {
            this.node = node;
            this.depth = depth;
            this.children = children;
            this.after = after;
        }
    }

    /** Prints {@code n}'s own line and says which of its children follow and what line closes it. */
    private static TextFrame enter(PrintWriter out, CausalTree tree, CausalTree.Node n, int depth) {
        String indent = indent(depth);
        String after = null;
        switch (n.type) {
            case TASK_START -> {
                CausalTree.Node end = n.child(RecordType.TASK_END);
                out.println(indent + "task " + Text.orDash(n.task) + describeEnd(n, end) + where(n));
            }
            case TOOL_CALL -> {
                out.println(indent + "call " + Text.orDash(n.name) + " " + n.paramsPreview + where(n));
                CallOutcomes.Outcome outcome = tree.outcome(n.seq);
                if (outcome == CallOutcomes.Outcome.NOT_RECORDED) {
                    after = "outcome not recorded (the call may have run; the process stopped, or is still running,"
                            + " before its result or error reached the journal)";
                } else if (outcome == CallOutcomes.Outcome.AWAITING_APPROVAL) {
                    after = "awaiting approval (stalled, no answer on record yet; it has not run)";
                }
            }
            case TASK_END -> {
                return new TextFrame(n, depth, 0, null); // shown on its task's line
            }
            default -> out.println(indent + describe(n) + where(n));
        }
        return new TextFrame(n, depth, n.children().size(), after);
    }

    /**
     * The bracket that ends a line: the sequence number, then the tool-call id and the principal where the record
     * has them (what an auditor matches against the agent's own logs and asks "on whose behalf").
     */
    private static String where(CausalTree.Node n) {
        if (n.toolCallId.isEmpty() && n.principal.isEmpty()) {
            return "  [seq " + n.seq + "]";
        }
        StringBuilder b = new StringBuilder("  [seq ").append(n.seq);
        if (!n.toolCallId.isEmpty()) {
            b.append(", tool-call id ").append(n.toolCallId);
        }
        if (!n.principal.isEmpty()) {
            b.append(", principal ").append(n.principal);
        }
        return b.append(']').toString();
    }

    private static String indent(int depth) {
        return depth <= MAX_INDENT ? INDENTS[depth] : INDENTS[MAX_INDENT] + "[depth " + depth + "] ";
    }

    private static String describeEnd(CausalTree.Node start, CausalTree.Node end) {
        if (end == null) {
            return "  (not ended)";
        }
        String outcome = end.resultPreview.isEmpty() ? "ended" : end.resultPreview;
        return "  (" + outcome + ", " + duration(end.timestamp - start.timestamp) + ")";
    }

    private static String describe(CausalTree.Node n) {
        return switch (n.type) {
            case POLICY_DECISION -> "decision " + label(n.decision)
                    + (n.policy.isEmpty() ? "" : " by " + Text.safe(n.policy))
                    + (n.risk == Risk.NONE ? "" : ", risk " + label(n.risk)) + (n.reason.isEmpty() ? "" : ": " + n.reason);
            case APPROVAL -> "approval " + label(n.decision) + " " + n.paramsPreview;
            case TOOL_RESULT -> "result " + n.resultPreview + durationOf(n);
            case TOOL_ERROR -> "error " + n.resultPreview + durationOf(n);
            default -> n.type.label() + " " + Text.orDash(n.name) + " " + n.paramsPreview;
        };
    }

    private static String durationOf(CausalTree.Node n) {
        long nanos = n.durationNanos;
        return nanos < 0 ? "" : " (" + duration(nanos) + ")";
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

    /**
     * Writes the trees depth first without recursion, nesting at most {@link #MAX_JSON_DEPTH} levels: the children
     * of a node that deep are written as further roots after the others (their {@code parent} says where they hang),
     * in the order they were met.
     */
    private static void writeJson(PrintWriter out, CausalTree tree) throws IOException {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("roots");
            ArrayDeque<CausalTree.Node> pending = new ArrayDeque<>(tree.roots());
            ArrayDeque<JsonFrame> open = new ArrayDeque<>();
            while (!pending.isEmpty()) {
                open.push(writeNode(g, tree, pending.poll(), 1, pending));
                while (!open.isEmpty()) {
                    JsonFrame top = open.peek();
                    if (top.next < top.node.children().size()) {
                        open.push(writeNode(g, tree, top.node.children().get(top.next++), top.depth + 1, pending));
                    } else {
                        open.pop();
                        if (top.nested) {
                            g.writeEndArray();
                        }
                        g.writeEndObject();
                    }
                }
                VouchCli.checkOutput(out);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.println();
    }

    /** A node whose object is open, with its children being written (when {@code nested}). */
    private static final class JsonFrame {
        final CausalTree.Node node;
        final int depth;
        final boolean nested;
        int next;

        JsonFrame(CausalTree.Node node, int depth, boolean nested) {
            this.node = node;
            this.depth = depth;
            this.nested = nested;
            this.next = nested ? 0 : node.children().size();
        }
    }

    /** Opens {@code n}'s object and writes its members; its children follow in it, or in {@code pending}. */
    private static JsonFrame writeNode(JsonGenerator g, CausalTree tree, CausalTree.Node n, int depth,
            ArrayDeque<CausalTree.Node> pending) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", n.seq);
        g.writeStringField("type", n.type.label());
        g.writeStringField("timestamp", Text.iso(n.timestamp));
        g.writeStringField("task", n.task);
        g.writeStringField("name", n.name);
        Json.seqOrNull(g, "parent", n.parent);
        if (!n.toolCallId.isEmpty()) {
            g.writeStringField("tool_call_id", n.toolCallId);
        }
        if (!n.principal.isEmpty()) {
            g.writeStringField("principal", n.principal);
        }
        if (n.traceId != null) {
            g.writeStringField("trace_id", n.traceId);
            g.writeStringField("span_id", n.spanId);
        }
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
                ? n.child(RecordType.TASK_END).timestamp - n.timestamp : n.durationNanos;
        if (nanos >= 0) {
            g.writeNumberField("duration_ns", nanos);
        }
        if (n.type == RecordType.TOOL_CALL) {
            g.writeStringField("outcome", tree.outcome(n.seq).label);
        }
        if (depth >= MAX_JSON_DEPTH && !n.children().isEmpty()) {
            g.writeBooleanField("children_in_roots", true);
            pending.addAll(n.children());
            return new JsonFrame(n, depth, false);
        }
        g.writeArrayFieldStart("children");
        return new JsonFrame(n, depth, true);
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
