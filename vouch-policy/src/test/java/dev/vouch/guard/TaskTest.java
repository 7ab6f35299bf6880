package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.internal.format.RecordType;
import dev.vouch.guard.TestJournal.Rec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskTest extends GuardTestBase {

    /** The causal tree rebuilt from parent links alone, one line per record, indented by depth. */
    static String causalTree(List<Rec> events) {
        Map<Long, List<Rec>> children = new HashMap<>();
        List<Rec> roots = new ArrayList<>();
        Map<Long, Rec> bySeq = new LinkedHashMap<>();
        for (Rec r : events) {
            bySeq.put(r.seq(), r);
            if (r.parent() == Event.NO_PARENT) {
                roots.add(r);
            } else {
                assertTrue(bySeq.containsKey(r.parent()), () -> "parent " + r.parent() + " of " + r + " is not an earlier event");
                children.computeIfAbsent(r.parent(), k -> new ArrayList<>()).add(r);
            }
        }
        StringBuilder out = new StringBuilder();
        for (Rec root : roots) {
            print(root, children, "", out);
        }
        return out.toString();
    }

    private static void print(Rec r, Map<Long, List<Rec>> children, String indent, StringBuilder out) {
        out.append(indent).append(r.type().label()).append(' ');
        switch (r.type()) {
            case TASK_START, TOOL_CALL -> out.append(r.name());
            case TASK_END -> out.append(r.result());
            default -> out.append(r.decision() == dev.vouch.Decision.NONE ? "" : r.decision().name().toLowerCase());
        }
        out.append('\n');
        for (Rec c : children.getOrDefault(r.seq(), List.of())) {
            print(c, children, indent + "  ", out);
        }
    }

    /** Every record carries the task of the nearest TASK_START above it in the tree. */
    static void assertTaskIdsFollowTheTree(List<Rec> events) {
        Map<Long, Rec> bySeq = new HashMap<>();
        for (Rec r : events) {
            bySeq.put(r.seq(), r);
            if (r.type() == RecordType.TASK_START) {
                continue;
            }
            Rec up = r;
            while (up.parent() != Event.NO_PARENT && up.type() != RecordType.TASK_START) {
                up = bySeq.get(up.parent());
            }
            String expected = up.type() == RecordType.TASK_START ? up.name() : "";
            assertEquals(expected, r.task(), () -> r + " is not in its task");
        }
    }

    @Test
    void shouldRebuildTheCausalTreeOfNestedTasksFromTheJournal() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        long[] openInside = new long[1];

        try (Task ticket = guard.task("ticket-7")) {
            guard.call("crm.lookup", "{\"ticket\":7}", () -> "c-7");
            try (Task refund = guard.task("refund-order-42")) {
                assertEquals("refund-order-42", guard.context().task());
                assertEquals(refund.startSequence(), guard.context().parent());
                assertEquals(ticket.startSequence(), refund.parentSequence());
                openInside[0] = journal.ledger.stats().activeTasks();
                guard.call("payments.refund", "{\"order\":42}", () -> "r-1");
                guard.call("email.send", "{\"to\":\"c-7\"}", () -> "queued");
            }
            try (Task cleanup = guard.task("cleanup")) {
                try {
                    guard.call("fs.delete", "{\"path\":\"/tmp/lock\"}", () -> {
                        throw new IOException("no such file");
                    });
                } catch (IOException e) {
                    cleanup.failed(e);
                }
            }
            assertEquals("ticket-7", guard.context().task());
        }

        assertEquals(2, openInside[0], "vouch_engine_active_tasks_total inside the nested task");
        assertEquals(0, journal.ledger.stats().activeTasks(), "every task ended");
        assertEquals("", guard.context().task());
        List<Rec> events = journal.events();
        assertEquals(String.join("\n",
                "task_start ticket-7",
                "  tool_call crm.lookup",
                "    policy_decision allow",
                "    tool_result ",
                "  task_start refund-order-42",
                "    tool_call payments.refund",
                "      policy_decision allow",
                "      tool_result ",
                "    tool_call email.send",
                "      policy_decision allow",
                "      tool_result ",
                "    task_end completed",
                "  task_start cleanup",
                "    tool_call fs.delete",
                "      policy_decision allow",
                "      tool_error ",
                "    task_end failed",
                "  task_end completed",
                ""), causalTree(events));
        assertTaskIdsFollowTheTree(events);
        Rec failedEnd = journal.ofType(RecordType.TASK_END).get(1);
        assertEquals("{\"exception\":\"java.io.IOException\",\"message\":\"no such file\"}", failedEnd.params());
    }

    @Test
    void shouldRecordCancelledTasksAndIgnoreASecondClose() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        Task task = guard.task("search");
        task.cancelled();
        task.close();
        task.close();

        List<Rec> ends = journal.ofType(RecordType.TASK_END);
        assertEquals(1, ends.size());
        assertEquals("cancelled", ends.get(0).result());
        assertEquals(task.startSequence(), ends.get(0).parent());
        assertTrue(task.isClosed());
    }

    @Test
    void shouldRestoreNestingAndExplainWhenTasksAreClosedOutOfOrder() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        Task outer = guard.task("outer");
        Task middle = guard.task("middle");
        Task inner = guard.task("inner");

        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);

        assertTrue(e.getMessage().contains("task 'outer' was closed while tasks opened inside it are still open:"
                + " 'inner', 'middle' (innermost first)"), e.getMessage());
        assertEquals("", guard.context().task(), "the thread is back where 'outer' was opened");
        assertEquals(Event.NO_PARENT, guard.context().parent());
        guard.call("after", "{}", () -> "ok");
        assertEquals(Event.NO_PARENT, journal.ofType(RecordType.TOOL_CALL).get(0).parent());
        assertEquals(2, journal.ledger.stats().activeTasks());
        inner.close(); // no second error: it was already reported
        middle.close();
        assertEquals(0, journal.ledger.stats().activeTasks());
        assertEquals(3, journal.ofType(RecordType.TASK_END).size());
    }

    @Test
    void shouldRecordButRefuseACloseOnAnotherThread() throws Exception {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        Task task = guard.task("owned");
        AtomicReference<Throwable> error = new AtomicReference<>();

        Thread other = new Thread(() -> {
            try {
                task.close();
            } catch (Throwable t) {
                error.set(t);
            }
        }, "other-thread");
        other.start();
        other.join();

        assertTrue(error.get() instanceof IllegalStateException, String.valueOf(error.get()));
        assertTrue(error.get().getMessage().contains("closed on thread other-thread"), error.get().getMessage());
        assertEquals(0, journal.ledger.stats().activeTasks(), "its end is recorded");
    }
}
