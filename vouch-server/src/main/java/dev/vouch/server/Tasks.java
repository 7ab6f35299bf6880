package dev.vouch.server;

import dev.vouch.guard.Context;
import dev.vouch.guard.Guard;
import dev.vouch.guard.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Tasks over HTTP. The guard's tasks belong to the thread that opens them; a client's task spans many requests on
 * many threads. So each task is opened inside a {@link Context#wrapSupplier wrapped} block (the thread is left as it
 * was), its inside context is kept, and every call or task made in it later runs in that context, as does its
 * close: the guard records TASK_START and TASK_END and the parent links exactly as for an in-process agent.
 */
final class Tasks {
    /** An open task: the guard's task, the context inside it, the task it is nested in, and its open children. */
    static final class OpenTask {
        final Task task;
        final Context inside;
        final OpenTask parent;
        int children; // guarded by the agent's task map

        OpenTask(Task task, Context inside, OpenTask parent) {
            this.task = task;
            this.inside = inside;
            this.parent = parent;
        }
    }

    private Tasks() {
    }

    /** The open task {@code name} of {@code agent}, or 404. */
    static OpenTask get(AgentGuard agent, String name) {
        OpenTask t = agent.tasks.get(name);
        if (t == null) {
            throw HttpError.notFound("unknown_task", "agent " + agent.name + " has no open task \"" + Texts.clip(name)
                    + "\"; open it first (POST /v1/tasks)");
        }
        return t;
    }

    /**
     * Opens a task, recording TASK_START in the context {@code where} (a running call's, or null for none) or nested in
     * {@code parent}.
     */
    static OpenTask start(AgentGuard agent, String name, OpenTask parent, Context where) {
        synchronized (agent.tasks) {
            if (agent.tasks.containsKey(name)) {
                throw HttpError.conflict("task_open", "agent " + agent.name + " already has an open task \""
                        + Texts.clip(name) + "\"; task names are unique among open tasks");
            }
            if (agent.tasks.size() >= agent.maxOpenTasks) {
                // A client that opens tasks and never ends them held them until the gateway stopped (and a crash's
                // restart takes them back): a soak trial's abandoned tasks grew the heap 36 MB a day.
                throw new HttpError(429, "too_many_tasks", "agent " + agent.name + " has " + agent.tasks.size()
                        + " open tasks, the gateway's limit (--max-open-tasks); end tasks (POST /v1/tasks/end) before"
                        + " opening more");
            }
            Guard g = agent.guard;
            Context at = parent != null ? parent.inside : where != null ? where : g.context();
            Supplier<OpenTask> open = () -> new OpenTask(g.task(name), g.context(), parent);
            OpenTask t = at.wrapSupplier(open).get();
            agent.tasks.put(name, t);
            if (parent != null) {
                parent.children++;
            }
            return t;
        }
    }

    /**
     * Ends a task: TASK_END with {@code completed}, {@code failed} (with the client's message) or {@code cancelled}.
     *
     * @throws HttpError 409 while tasks nested in it are open
     */
    static OpenTask end(AgentGuard agent, String name, String state, String message) {
        synchronized (agent.tasks) {
            OpenTask t = get(agent, name);
            if (t.children > 0) {
                throw HttpError.conflict("nested_tasks_open", "task \"" + Texts.clip(name) + "\" has " + t.children
                        + " open task(s) nested in it; end them first");
            }
            switch (state) {
                case "completed" -> { }
                case "failed" -> t.task.failed(new ReportedTaskFailure(message == null ? "" : message));
                case "cancelled" -> t.task.cancelled();
                default -> throw HttpError.badRequest("\"state\" must be completed, failed or cancelled, not \""
                        + Texts.clip(state) + "\"");
            }
            close(agent, t);
            return t;
        }
    }

    private static void close(AgentGuard agent, OpenTask t) {
        t.inside.wrap(t.task::close).run();
        agent.tasks.remove(t.task.name());
        if (t.parent != null) {
            t.parent.children--;
        }
    }

    /**
     * At a start: the tasks a previous run left open (after a kill or a crash; a stop ends them as cancelled), taken
     * back from the journal, enclosing ones first, so that the client can go on in them and end them. An outside trial
     * retried a call in such a task after a kill -9 and got 404, could never end the task, and opened a second one of
     * the same name.
     */
    static void takeBack(AgentGuard agent, List<Task> reopened) {
        synchronized (agent.tasks) {
            java.util.Map<Long, OpenTask> bySequence = new java.util.HashMap<>();
            for (Task task : reopened) {
                OpenTask parent = bySequence.get(task.parentSequence());
                OpenTask t = new OpenTask(task, task.context(), parent);
                OpenTask was = agent.tasks.putIfAbsent(task.name(), t);
                if (was != null) {
                    // Two open tasks of one name (a journal written before names were unique among open tasks, or
                    // by another writer): the later one is ended, so that the name means one task.
                    org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("Agent {} left two tasks \"{}\" open (start"
                            + " seq {} and {}); the later one is ended as cancelled", agent.name, task.name(),
                            was.task.startSequence(), task.startSequence());
                    task.cancelled();
                    task.context().wrap(task::close).run();
                    continue;
                }
                bySequence.put(task.startSequence(), t);
                if (parent != null) {
                    parent.children++;
                }
            }
        }
    }

    /** At a stop: every open task ends as cancelled, innermost first. */
    static void cancelAll(AgentGuard agent) {
        synchronized (agent.tasks) {
            List<OpenTask> open = new ArrayList<>(agent.tasks.values());
            open.sort(Comparator.comparingLong((OpenTask t) -> t.task.startSequence()).reversed());
            for (OpenTask t : open) {
                t.task.cancelled();
                close(agent, t);
            }
        }
    }
}
