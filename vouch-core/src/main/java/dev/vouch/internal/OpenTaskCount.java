package dev.vouch.internal;

/**
 * A recorder that counts the tasks open in its journal (the {@code vouch_engine_tasks_open} meter) and can be told of
 * tasks a previous run left open that a restart took back, which it did not see start. The guard tells it
 * ({@code GuardBuilder.recoverOpenTasks}); then their TASK_END ends them in the count too.
 */
public interface OpenTaskCount {
    /** A task a previous run started (its TASK_START has this sequence number) is open again. */
    void taskTakenBack(long taskStartSequence);
}
