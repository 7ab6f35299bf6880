package dev.vouch.ledger.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks open in the journal, by the sequence number of their TASK_START: those started in this run, added by the
 * journal stage as their records pass, and those a previous run left open that a restart took back
 * ({@link dev.vouch.internal.OpenTaskCount}). A TASK_END ends the task its parent names; one that names no open task
 * (no parent, a task already ended, one a restart did not take back) changes nothing. So the count is what is open,
 * and never negative: a count of starts minus ends went below zero when a task taken back after a restart ended (and
 * every scrape of the gateway's metrics failed), and missed the tasks taken back. Thread-safe.
 */
final class OpenTasks {
    private final Set<Long> open = ConcurrentHashMap.newKeySet();

    void started(long taskStartSequence) {
        open.add(taskStartSequence);
    }

    void ended(long parent) {
        open.remove(parent);
    }

    long count() {
        return open.size();
    }
}
