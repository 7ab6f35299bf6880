package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.Risk;
import dev.vouch.guard.Guard;
import dev.vouch.guard.Task;
import dev.vouch.guard.ToolCall;
import dev.vouch.ledger.Ledger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TasksCommandTest {
    @TempDir
    static Path shared;

    static Path journal;

    /** An agent run the way the guard records one: nested tasks, calls with decisions, an approval, results. */
    @BeforeAll
    static void writeRun() {
        journal = shared.resolve("journal");
        try (Ledger ledger = Ledger.builder(journal).keyFile(shared.resolve(".vouch_key")).origin("test.vouch.dev/tasks").open()) {
            Event e = new Event();
            long ticket = ledger.recordDurably(e.reset().kind(EventKind.TASK_START).agent("bot").task("ticket-7").name("ticket-7"));
            long lookup = ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).agent("bot").task("ticket-7")
                    .name("crm.lookup").parent(ticket).params("{\"ticket\":7}"));
            ledger.recordDurably(e.reset().kind(EventKind.POLICY_DECISION).agent("bot").task("ticket-7").name("crm.lookup")
                    .parent(lookup).decision(Decision.ALLOW).policy("read-only").params("{\"reason\":\"reads are fine\"}"));
            ledger.recordDurably(e.reset().kind(EventKind.TOOL_RESULT).agent("bot").task("ticket-7").name("crm.lookup")
                    .parent(lookup).params("{\"duration_ns\":2500000}").result("{\"customer\":\"c-7\"}"));

            long refund = ledger.recordDurably(e.reset().kind(EventKind.TASK_START).agent("bot").task("refund-42")
                    .name("refund-42").parent(ticket));
            long pay = ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).agent("bot").task("refund-42")
                    .name("payments.refund").parent(refund).params("{\"amount\":900}"));
            ledger.recordDurably(e.reset().kind(EventKind.POLICY_DECISION).agent("bot").task("refund-42").name("payments.refund")
                    .parent(pay).decision(Decision.STALL).risk(Risk.HIGH).policy("big-refunds")
                    .params("{\"reason\":\"refunds over 500 need a person\"}"));
            ledger.recordDurably(e.reset().kind(EventKind.APPROVAL).agent("bot").task("refund-42").name("payments.refund")
                    .parent(pay).decision(Decision.APPROVED).params("{\"approver\":\"alice\",\"reason\":\"known customer\"}"));
            ledger.recordDurably(e.reset().kind(EventKind.TOOL_RESULT).agent("bot").task("refund-42").name("payments.refund")
                    .parent(pay).params("{\"duration_ns\":41000000}").result("{\"refund\":\"r-1\"}"));
            ledger.recordDurably(e.reset().kind(EventKind.TASK_END).agent("bot").task("refund-42").name("refund-42")
                    .parent(refund).result("completed"));
            ledger.recordDurably(e.reset().kind(EventKind.TASK_END).agent("bot").task("ticket-7").name("ticket-7")
                    .parent(ticket).result("completed"));

            ledger.recordDurably(e.reset().kind(EventKind.TASK_START).agent("bot").task("other").name("other"));
        }
    }

    @Test
    void shouldPrintTheCausalTreeIndented() {
        Cli.Result r = Cli.run("tasks", journal.toString());

        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().collect(Collectors.toList());
        assertTrue(lines.get(0).startsWith("task ticket-7  (completed, "), r::toString);
        assertTrue(lines.get(1).startsWith("  call crm.lookup {\"ticket\":7}"), r::toString);
        assertTrue(lines.get(2).startsWith("    decision allow by read-only: reads are fine"), r::toString);
        assertTrue(lines.get(3).startsWith("    result {\"customer\":\"c-7\"} (2.5 ms)"), r::toString);
        assertTrue(lines.get(4).startsWith("  task refund-42  (completed, "), r::toString);
        assertTrue(lines.get(5).startsWith("    call payments.refund {\"amount\":900}"), r::toString);
        assertTrue(lines.get(6).startsWith("      decision stall by big-refunds, risk high: refunds over 500 need a person"), r::toString);
        assertTrue(lines.get(7).startsWith("      approval approved {\"approver\":\"alice\""), r::toString);
        assertTrue(lines.get(8).startsWith("      result {\"refund\":\"r-1\"} (41.0 ms)"), r::toString);
        assertTrue(lines.get(9).startsWith("task other  (not ended)"), r::toString);
        assertEquals(10, lines.size(), r::toString);
    }

    /**
     * The tool-call id the model gave a call and the principal it acted for are what an auditor matches against the
     * agent's own logs: the tree shows them on the call's line, and {@code --json} gives them with the trace context.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shouldShowTheToolCallIdAndPrincipalTheGuardRecorded(@TempDir Path dir) throws Exception {
        Path correlated = dir.resolve("journal");
        try (Ledger ledger = Ledger.builder(correlated).keyFile(dir.resolve(".vouch_key")).origin("test.vouch.dev/ids").open()) {
            Guard guard = Guard.builder(ledger).agent("bot").principal("service:refund-bot")
                    .policy(dev.vouch.policy.Policy.parse("defaults:\n  default_action: allow\n", "inline")).build();
            try (Task ticket = guard.task("ticket-9")) {
                guard.call(ToolCall.of("crm.lookup", "{\"ticket\":9}").id("call_7Qx").principal("user:ann@example.com")
                        .trace("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"), () -> "{\"customer\":\"c-9\"}");
                guard.call("crm.note", "{\"text\":\"called back\"}", () -> "ok");
            }
        }

        Cli.Result text = Cli.run("tasks", correlated.toString());
        assertEquals(0, text.exit(), text::toString);
        List<String> lines = text.out().lines().collect(Collectors.toList());
        assertTrue(lines.get(2).matches("  call crm\\.lookup \\{\"ticket\":9\\}  \\[seq \\d+, tool-call id call_7Qx,"
                + " principal user:ann@example\\.com\\]"), text::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("  call crm\\.note .*  \\[seq \\d+, principal service:refund-bot\\]")),
                text::toString);

        Cli.Result json = Cli.run("tasks", correlated.toString(), "--json");
        assertEquals(0, json.exit(), json::toString);
        Map<String, Object> task = (Map<String, Object>) ((List<Object>) Cli.parseObject(json.out()).get("roots")).get(1);
        Map<String, Object> call = (Map<String, Object>) ((List<Object>) task.get("children")).get(0);
        assertEquals("call_7Qx", call.get("tool_call_id"), json::toString);
        assertEquals("user:ann@example.com", call.get("principal"));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", call.get("trace_id"));
        assertEquals("00f067aa0ba902b7", call.get("span_id"));
        Map<String, Object> note = (Map<String, Object>) ((List<Object>) task.get("children")).get(1);
        assertFalse(note.containsKey("tool_call_id"), json::toString);
        assertFalse(note.containsKey("trace_id"), json::toString);
    }

    @Test
    void shouldShowOneTaskWithEverythingItCaused() {
        Cli.Result r = Cli.run("tasks", journal.toString(), "refund-42");

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("task refund-42  (completed, "), r::toString);
        assertFalse(r.out().contains("ticket-7"), r::toString);
        assertFalse(r.out().contains("other"), r::toString);
        assertTrue(r.out().contains("approval approved"), r::toString);
    }

    @Test
    void shouldFailForAnUnknownTask() {
        Cli.Result r = Cli.run("tasks", journal.toString(), "no-such-task");

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("no record of task 'no-such-task'"), r::toString);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteTheTreeAsJson() {
        Cli.Result r = Cli.run("tasks", journal.toString(), "--json");

        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> root = Cli.parseObject(r.out());
        List<Object> roots = (List<Object>) root.get("roots");
        assertEquals(2, roots.size());
        Map<String, Object> ticket = (Map<String, Object>) roots.get(0);
        assertEquals("task_start", ticket.get("type"));
        assertEquals("ticket-7", ticket.get("task"));
        assertTrue(Cli.num(ticket.get("duration_ns")) > 0);
        List<Object> children = (List<Object>) ticket.get("children");
        Map<String, Object> refundTask = (Map<String, Object>) children.get(1);
        assertEquals("refund-42", refundTask.get("task"));
        Map<String, Object> call = (Map<String, Object>) ((List<Object>) refundTask.get("children")).get(0);
        List<Object> story = (List<Object>) call.get("children");
        assertEquals(List.of("policy_decision", "approval", "tool_result"),
                story.stream().map(o -> ((Map<String, Object>) o).get("type")).collect(Collectors.toList()));
        assertEquals(41_000_000L, Cli.num(((Map<String, Object>) story.get(2)).get("duration_ns")));
    }

    /**
     * A parent chain as long as the journal (an agent that makes each step the parent of the next): the tree was
     * walked by recursion, and 30,000 levels overflowed the stack ({@code StackOverflowError} out of {@code vouch
     * tasks}); {@code --json} stopped at Jackson's 1,000 nesting levels with exit 2 and half a document written.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shouldPrintAParentChainDeeperThanAnyStack(@TempDir Path dir) {
        int steps = 30_000;
        Path deep = dir.resolve("journal");
        try (Ledger ledger = Ledger.builder(deep).keyFile(dir.resolve("k")).origin("test.vouch.dev/deep").open()) {
            Event e = new Event();
            long parent = ledger.recordDurably(e.reset().kind(EventKind.TASK_START).agent("bot").task("chain").name("chain"));
            for (int i = 1; i < steps; i++) {
                parent = ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).agent("bot").task("chain").name("step")
                        .parent(parent).params("{\"i\":" + i + "}"));
            }
        }

        for (String[] args : new String[][] {{"tasks", deep.toString()}, {"tasks", deep.toString(), "chain"}}) {
            Cli.Result text = Cli.run(args);
            assertEquals(0, text.exit(), () -> text.err());
            List<String> lines = text.out().lines().collect(Collectors.toList());
            // Every call's line and its 'outcome not recorded' line.
            assertEquals(1 + 2 * (steps - 1), lines.size());
            assertTrue(lines.get(1).startsWith("  call step {\"i\":1}"), lines.get(1));
            String indent = " ".repeat(2 * TasksCommand.MAX_INDENT);
            assertTrue(lines.get(TasksCommand.MAX_INDENT).startsWith(indent + "call step {\"i\":64}"),
                    lines.get(TasksCommand.MAX_INDENT));
            assertTrue(lines.get(TasksCommand.MAX_INDENT + 1).startsWith(indent + "[depth 65] call step {\"i\":65}"),
                    lines.get(TasksCommand.MAX_INDENT + 1));
            assertTrue(lines.get(steps - 1).startsWith(indent + "[depth 29999] call step {\"i\":29999}"),
                    lines.get(steps - 1));
            assertTrue(lines.get(steps).startsWith(indent + "[depth 30000] outcome not recorded"), lines.get(steps));
        }

        Cli.Result json = Cli.run("tasks", deep.toString(), "--json");
        assertEquals(0, json.exit(), () -> json.err());
        List<Object> roots = (List<Object>) Cli.parseObject(json.out()).get("roots");
        int depth = TasksCommand.MAX_JSON_DEPTH;
        assertEquals((steps + depth - 1) / depth, roots.size());
        long expected = -1;
        int seen = 0;
        for (Object r : roots) {
            Map<String, Object> node = (Map<String, Object>) r;
            if (expected >= 0) {
                assertEquals(expected, Cli.num(node.get("parent")), "a further root hangs from the last node nested");
            }
            while (true) {
                seen++;
                List<Object> children = (List<Object>) node.get("children");
                if (children == null) {
                    assertEquals(Boolean.TRUE, node.get("children_in_roots"));
                    expected = Cli.num(node.get("seq"));
                    break;
                }
                if (children.isEmpty()) {
                    break;
                }
                assertEquals(1, children.size());
                node = (Map<String, Object>) children.get(0);
            }
        }
        assertEquals(steps, seen);
    }
}
