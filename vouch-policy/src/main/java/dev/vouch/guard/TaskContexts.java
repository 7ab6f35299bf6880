package dev.vouch.guard;

import java.util.ArrayList;
import java.util.List;

/**
 * The task-context stack: which {@link Context} each thread is in (the guard's root when none is installed), and
 * what closing a task out of order means for it. Context and Task move threads in and out through here.
 */
final class TaskContexts {
    private final ThreadLocal<Context> current = new ThreadLocal<>();
    private final Context root;

    TaskContexts(Context root) {
        this.root = root;
    }

    Context current() {
        Context c = current.get();
        return c == null ? root : c;
    }

    /** Installs {@code c} on this thread; returns what to give {@link #restore}. */
    Context enter(Context c) {
        Context previous = current.get();
        if (c == root) {
            current.remove();
        } else {
            current.set(c);
        }
        return previous;
    }

    void restore(Context previous) {
        if (previous == null || previous == root) {
            current.remove();
        } else {
            current.set(previous);
        }
    }

    /**
     * What closing {@code task} on this thread does to the stack.
     *
     * @param pop     whether the thread goes back to the context the task was opened in
     * @param problem why the close is out of order (thrown after the end is recorded), or null
     */
    record Closing(boolean pop, String problem) {
    }

    Closing closing(Task task) {
        Context cur = current();
        if (cur == task.inside) {
            return new Closing(true, null);
        }
        if (Thread.currentThread() != task.opener) {
            return new Closing(false, "task '" + task.name() + "' was opened on thread " + task.opener.getName()
                    + " and closed on thread " + Thread.currentThread().getName()
                    + "; close a task on the thread that opened it (try-with-resources does). Its end is recorded;"
                    + " the opening thread's context still names it until that thread leaves it");
        }
        if (task.orphaned) {
            return new Closing(false, null);
        }
        List<Task> inner = new ArrayList<>();
        for (Context c = cur; c.task != null; c = c.task.enclosing) {
            if (c.task == task) {
                if (inner.isEmpty()) {
                    return new Closing(true, "task '" + task.name() + "' was closed inside a tool call it made;"
                            + " close it after the call returns. The thread is back in the context it was opened in");
                }
                List<String> names = new ArrayList<>();
                for (Task t : inner) {
                    t.orphaned = true;
                    names.add("'" + t.name() + "'");
                }
                return new Closing(true, "task '" + task.name() + "' was closed while tasks opened inside it are"
                        + " still open: " + String.join(", ", names) + " (innermost first). Close nested tasks first"
                        + " (try-with-resources does). The thread is back in the context '" + task.name()
                        + "' was opened in; the nested tasks end when they are closed");
            }
            inner.add(c.task);
        }
        return new Closing(false, "task '" + task.name() + "' is not open in this thread's context (a context"
                + " installed by Context.wrap or an executor hides it); close it where it was opened. Its end is"
                + " recorded");
    }
}
