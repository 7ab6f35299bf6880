package dev.vouch.guard;

import java.util.Objects;

/**
 * A unit of an agent's work, opened by {@link Guard#task(String)}: its TASK_START record is the parent of
 * everything done inside it, so the journal holds the run's causal tree. Close it on the thread that opened
 * it, innermost first; try-with-resources does both:
 *
 * <pre>{@code
 * try (Task task = guard.task("refund-order-42")) {
 *     guard.call("payments.refund", params, () -> payments.refund(42));
 * } // TASK_END "completed"
 * }</pre>
 *
 * <p>The outcome follows MCP's task states: {@code completed} unless {@link #failed(Throwable)} or
 * {@link #cancelled()} was called before {@link #close()} (the last call wins). {@code close()} records
 * TASK_END (write-ahead; parent = the TASK_START, result = the state) and restores the thread's previous
 * context. Thread-safe; {@code close()} is idempotent.
 */
public final class Task implements AutoCloseable {
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";

    private final RecordingGuard guard;
    private final String name;
    private final long startSequence;
    final Context enclosing;
    final Context inside;
    final Thread opener;
    private volatile String state = COMPLETED;
    private volatile Throwable failure;
    /** Set when an enclosing task was closed first: this one is no longer on any thread's context. */
    volatile boolean orphaned;
    private boolean closed; // guarded by this

    Task(RecordingGuard guard, String name, long startSequence, Context enclosing) {
        this.guard = guard;
        this.name = name;
        this.startSequence = startSequence;
        this.enclosing = enclosing;
        this.inside = new Context(guard, this, startSequence);
        this.opener = Thread.currentThread();
    }

    /** The task's name, the {@code task} field of every record made inside it. */
    public String name() {
        return name;
    }

    /** The sequence number of its TASK_START record. */
    public long startSequence() {
        return startSequence;
    }

    /**
     * The context inside this task: records made in it name the task and its TASK_START as their parent. Work done
     * on another thread joins the task through {@link Context#wrap}; so does this task's {@link #close()}, when it is
     * closed elsewhere than where it was opened (a task that spans a client's requests, or one taken back after a
     * restart: {@link GuardBuilder#recoverOpenTasks}).
     */
    public Context context() {
        return inside;
    }

    /** The parent its TASK_START names: the enclosing task's start, the call it was opened in, or -1. */
    public long parentSequence() {
        return enclosing.parent;
    }

    /** Marks the task failed: {@code close()} records state {@code failed} with the exception's class and message. */
    public Task failed(Throwable cause) {
        this.failure = Objects.requireNonNull(cause, "cause");
        this.state = FAILED;
        return this;
    }

    /** Marks the task cancelled: {@code close()} records state {@code cancelled}. */
    public Task cancelled() {
        this.failure = null;
        this.state = CANCELLED;
        return this;
    }

    /** Whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Records TASK_END and restores the context that was current when the task was opened.
     *
     * @throws IllegalStateException after recording TASK_END, if the task was closed out of order: while tasks
     *     opened inside it are still open (they are then ended when they are closed, without another error),
     *     or on a thread other than the one that opened it. The message names the tasks concerned.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        guard.closeTask(this, state, failure);
    }

    @Override
    public String toString() {
        return "Task[" + name + ", start seq " + startSequence + "]";
    }
}
