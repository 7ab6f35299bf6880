package dev.vouch.cli;

import dev.vouch.internal.format.RecordView;
import java.util.HashSet;
import java.util.Set;

/**
 * One task and everything its records caused, as {@code vouch tasks TASK_ID} shows it ({@link CausalTree}): an event
 * record is in scope if it names the task, or if its parent is in scope (a child always comes after its parent, so
 * one pass in journal order decides). Ledger records are always in scope. Holds the sequence numbers in scope.
 */
final class TaskScope {
    private final String task;
    private final Set<Long> members = new HashSet<>();

    TaskScope(String task) {
        this.task = task;
    }

    boolean includes(RecordView v) {
        if (!v.type().isEvent()) {
            return true;
        }
        if (task.equals(v.task()) || (v.parent() >= 0 && members.contains(v.parent()))) {
            members.add(v.sequence());
            return true;
        }
        return false;
    }

    /** Whether any event record was in scope. */
    boolean found() {
        return !members.isEmpty();
    }
}
