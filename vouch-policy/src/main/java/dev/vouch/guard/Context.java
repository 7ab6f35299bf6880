package dev.vouch.guard;

import dev.vouch.Event;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * A thread's place in the causal tree: its current task and the sequence number the next record names as
 * its parent (the task's start, or the call being run). Immutable; {@link Guard#context()} captures it and
 * {@link #wrap} carries it to another thread, which is how work handed to executors, {@code
 * CompletableFuture} stages and virtual threads keeps its task and parent. The guard keeps the current
 * context in a plain {@code ThreadLocal} (not inherited: a pool thread created inside a task must not keep
 * that task forever).
 */
public final class Context {
    final RecordingGuard guard;
    final Task task;
    /** The task's name; for a call rediscovered from the journal, the name alone (its Task is gone). */
    private final String taskName;
    final long parent;

    Context(RecordingGuard guard, Task task, long parent) {
        this.guard = guard;
        this.task = task;
        this.taskName = task == null ? "" : task.name();
        this.parent = parent;
    }

    /** A context inside a task known only by name: a deferred call rediscovered after a restart. */
    Context(RecordingGuard guard, String taskName, long parent) {
        this.guard = guard;
        this.task = null;
        this.taskName = taskName;
        this.parent = parent;
    }

    /** The current task's name, or empty outside any task. */
    public String task() {
        return taskName;
    }

    /** The sequence number records made here name as their parent, or {@link Event#NO_PARENT}. */
    public long parent() {
        return parent;
    }

    /** The context a call's tool runs in: this task, with the call as parent. */
    Context insideCall(long callSequence) {
        return task != null ? new Context(guard, task, callSequence) : new Context(guard, taskName, callSequence);
    }

    /** Runs {@code action} with this context installed on the running thread, then restores that thread's own. */
    public Runnable wrap(Runnable action) {
        Objects.requireNonNull(action, "action");
        return () -> {
            Context previous = guard.enter(this);
            try {
                action.run();
            } finally {
                guard.restore(previous);
            }
        };
    }

    /** As {@link #wrap(Runnable)}, for a {@link Callable}. */
    public <V> Callable<V> wrap(Callable<V> action) {
        Objects.requireNonNull(action, "action");
        return () -> {
            Context previous = guard.enter(this);
            try {
                return action.call();
            } finally {
                guard.restore(previous);
            }
        };
    }

    /** As {@link #wrap(Runnable)}, for a {@link Supplier} ({@code CompletableFuture.supplyAsync}). */
    public <V> Supplier<V> wrapSupplier(Supplier<V> action) {
        Objects.requireNonNull(action, "action");
        return () -> {
            Context previous = guard.enter(this);
            try {
                return action.get();
            } finally {
                guard.restore(previous);
            }
        };
    }

    @Override
    public String toString() {
        return "Context[task=" + task() + ", parent=" + parent + "]";
    }
}
