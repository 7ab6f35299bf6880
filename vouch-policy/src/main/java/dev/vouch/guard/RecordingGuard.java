package dev.vouch.guard;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.Recorder;
import dev.vouch.Risk;
import dev.vouch.internal.SafeText;
import dev.vouch.policy.Action;
import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.PolicyDecision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Guard}: the order of a call's steps (judge, wait for approval, run, record the outcome) for synchronous
 * and asynchronous calls, and which policy is in force. The records themselves are {@link GuardRecords}', the wait
 * for a person {@link ApprovalWait}'s, the per-thread task contexts {@link TaskContexts}'. See docs/GUARD.md.
 */
final class RecordingGuard implements Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final String agent;
    private final Executor asyncExecutor;
    private final GuardRecords records;
    private final ApprovalWait approvals;
    private final TaskContexts contexts;
    private final DeferredCalls deferred;
    private final Observing.Factory observers;
    private volatile PolicyState policy;
    /** Set when the guard follows a PolicyWatcher: synced before each call is judged. */
    private volatile PolicyFollower follower;

    /** An evaluator and the identity of the policy behind it, swapped together. */
    private record PolicyState(PolicyEvaluator evaluator, String sha256Hex, String source) {
    }

    RecordingGuard(GuardBuilder b) {
        this.agent = b.agent;
        this.asyncExecutor = b.asyncExecutor;
        this.records = new GuardRecords(b.recorder, agent, b.durability, b.redactionKey, b.resultEncoder,
                b.writeAheadOutcomes, b.principal);
        this.approvals = new ApprovalWait(b.approvals, agent, records);
        this.deferred = new DeferredCalls(approvals, asyncExecutor);
        this.observers = Observing.factory(b.observer);
        this.contexts = new TaskContexts(new Context(this, (Task) null, Event.NO_PARENT));
        this.policy = new PolicyState(b.policy, null, null);
    }

    /**
     * The rediscovery of the calls a previous run of this agent left waiting or unfinished, and of its open tasks
     * (GuardBuilder.recoverPending, buildAll), for {@link PendingRecovery#readAll} to feed.
     */
    PendingRecovery pendingRecovery(java.util.function.Consumer<ApprovalRequest> unfinished,
            java.util.function.Consumer<Task> openTasks) {
        return new PendingRecovery(this, records, deferred, unfinished, openTasks);
    }

    @Override
    public String agent() {
        return agent;
    }

    // ---------------------------------------------------------------- context and tasks

    @Override
    public Context context() {
        return contexts.current();
    }

    /** Installs {@code c} on this thread; returns what to give {@link #restore}. */
    Context enter(Context c) {
        return contexts.enter(c);
    }

    void restore(Context previous) {
        contexts.restore(previous);
    }

    @Override
    public Executor executor(Executor delegate) {
        Objects.requireNonNull(delegate, "delegate");
        return command -> delegate.execute(context().wrap(command));
    }

    @Override
    public Task task(String name) {
        checkName("task name", name);
        Context ctx = context();
        long start = records.taskStart(name, ctx.parent);
        Task task = new Task(this, name, start, ctx);
        enter(task.inside);
        return task;
    }

    void closeTask(Task task, String state, Throwable failure) {
        TaskContexts.Closing closing = contexts.closing(task);
        try {
            records.taskEnd(task, state, failure);
        } finally {
            if (closing.pop()) {
                restore(task.enclosing);
            }
        }
        if (closing.problem() != null) {
            throw new IllegalStateException(closing.problem());
        }
    }

    // ---------------------------------------------------------------- policy

    /** Follows a watched policy from now on (GuardBuilder.policy(PolicyWatcher)); records the current one. */
    void follow(PolicyFollower f) {
        f.sync();
        follower = f;
    }

    @Override
    public synchronized void policyChanged(String sha256Hex, String source) {
        PolicyState p = policy;
        policyChanged(p.evaluator(), sha256Hex, source);
    }

    @Override
    public synchronized void policyChanged(PolicyEvaluator evaluator, String sha256Hex, String source) {
        Objects.requireNonNull(evaluator, "evaluator");
        checkSha256(sha256Hex);
        String src = source == null ? "" : source;
        PolicyState old = policy;
        if (sha256Hex.equals(old.sha256Hex()) && src.equals(old.source())) {
            // The same policy again (a watcher starting after the builder named it): nothing changed to record.
            policy = new PolicyState(evaluator, sha256Hex, src);
            return;
        }
        records.policyNote(sha256Hex, src);
        policy = new PolicyState(evaluator, sha256Hex, src);
        LOG.info("Policy {} in effect for agent {}: sha256 {}", src, agent, sha256Hex);
    }

    static void checkSha256(String sha256Hex) {
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        if (sha256Hex.length() != 64 || !sha256Hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("a policy sha256 must be 64 lower-case hex digits; found \""
                    + (sha256Hex.length() > 80 ? sha256Hex.substring(0, 80) + "..." : sha256Hex) + "\"");
        }
    }

    // ---------------------------------------------------------------- calls

    @Override
    public <T, E extends Exception> T call(String tool, String jsonParams, ToolAction<T, E> action) throws E {
        return call(ToolCall.of(tool, jsonParams), action);
    }

    @Override
    public <T, E extends Exception> T call(String tool, byte[] jsonParams, ToolAction<T, E> action) throws E {
        return call(ToolCall.of(tool, jsonParams), action);
    }

    @Override
    public <T, E extends Exception> T call(ToolCall call, ToolAction<T, E> action) throws E {
        return attempt(call, action).valueOrThrow();
    }

    @Override
    public <T, E extends Exception> CallResult<T> attempt(ToolCall call, ToolAction<T, E> action) throws E {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(action, "action");
        Observing obs = observers.start(call);
        JudgedCall j;
        try {
            j = judge(context(), call, obs);
        } catch (RuntimeException | Error e) {
            obs.ended(null, e);
            throw e;
        }
        Action decided = j.decision.action();
        if (decided == Action.BLOCK) {
            return obs.end(new CallResult.Refused<>(j.blocked()));
        }
        if (decided == Action.STALL) {
            if (call.defersApproval()) {
                DeferredCalls.Deferred d = deferred.defer(j, call.params(), call.tags(), Instant.now(),
                        ApprovalWait.nonNegative(j.decision.approvalTimeout()));
                // The handler may have answered at once (an auto-approver, the default always-deny).
                GuardException claimed = deferred.claim(d);
                if (claimed == null) {
                    return obs.end(new CallResult.Pending<>(d.request));
                }
                if (!DeferredCalls.isApproval(claimed)) {
                    return obs.end(new CallResult.Refused<>(claimed));
                }
                try {
                    return run(j, action, obs, 0);
                } finally {
                    deferred.ended(d);
                }
            } else {
                GuardException refused = approvals.await(j);
                if (refused != null) {
                    return obs.end(new CallResult.Refused<>(refused));
                }
            }
        }
        return run(j, action, obs, 0);
    }

    @Override
    public <T, E extends Exception> CallResult<T> resume(long callSequence, ToolAction<T, E> action) throws E {
        Objects.requireNonNull(action, "action");
        DeferredCalls.Deferred d = deferred.forResume(callSequence);
        GuardException claimed = deferred.claim(d);
        Observing obs = observers.resumed(d);
        if (claimed == null) {
            return obs.end(new CallResult.Pending<>(d.request));
        }
        if (!DeferredCalls.isApproval(claimed)) {
            return obs.end(new CallResult.Refused<>(claimed));
        }
        try {
            return run(d.call, action, obs, d.ranNanos());
        } finally {
            deferred.ended(d);
        }
    }

    @Override
    public <T> CompletableFuture<CallResult<T>> resumeAsync(long callSequence,
            Supplier<? extends CompletionStage<T>> action) {
        Objects.requireNonNull(action, "action");
        DeferredCalls.Deferred d;
        GuardException claimed;
        try {
            d = deferred.forResume(callSequence);
            claimed = deferred.claim(d);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
        Observing obs = observers.resumed(d);
        if (claimed == null) {
            return CompletableFuture.completedFuture(obs.end(new CallResult.Pending<>(d.request)));
        }
        if (!DeferredCalls.isApproval(claimed)) {
            return CompletableFuture.completedFuture(obs.end(new CallResult.Refused<>(claimed)));
        }
        DeferredCalls.Deferred resumed = d;
        return endedWhenDone(resumed, () -> runAsync(resumed.call, action, obs, resumed.ranNanos()));
    }

    /** Runs a claimed deferred call asynchronously; it counts as running ({@code runningAs}) until it is done. */
    private <T> CompletableFuture<CallResult<T>> endedWhenDone(DeferredCalls.Deferred d,
            Supplier<CompletableFuture<CallResult<T>>> run) {
        CompletableFuture<CallResult<T>> ran;
        try {
            ran = run.get();
        } catch (RuntimeException | Error e) {
            deferred.ended(d);
            throw e;
        }
        ran.whenComplete((r, e) -> deferred.ended(d));
        return ran;
    }

    @Override
    public boolean alwaysBlocks(String tool) {
        PolicyFollower f = follower;
        if (f != null) {
            f.sync();
        }
        try {
            return policy.evaluator().alwaysBlocks(tool);
        } catch (RuntimeException e) {
            return false; // listed, and judged when called
        }
    }

    @Override
    public PendingApprovals pendingApprovals() {
        return deferred;
    }

    @Override
    public <T> CompletableFuture<T> callAsync(String tool, String jsonParams,
            Supplier<? extends CompletionStage<T>> action) {
        return callAsync(tool, utf8(jsonParams), action);
    }

    @Override
    public <T> CompletableFuture<T> callAsync(String tool, byte[] jsonParams,
            Supplier<? extends CompletionStage<T>> action) {
        Context ctx = context();
        CompletableFuture<T> out = new CompletableFuture<>();
        CompletableFuture<CallResult<T>> attempted;
        try {
            attempted = attemptAsync(ToolCall.of(tool, jsonParams), action);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        out.whenComplete((r, err) -> {
            if (out.isCancelled()) {
                attempted.cancel(true); // the caller gave up: so does the call (see attemptAsync)
            }
        });
        attempted.whenComplete((r, err) -> {
            if (err != null) {
                complete(out, ctx, null, err);
            } else if (r instanceof CallResult.Completed<T> c) {
                complete(out, ctx, c.value(), null);
            } else {
                Throwable refusal;
                try {
                    r.valueOrThrow();
                    refusal = new IllegalStateException("unreachable");
                } catch (RuntimeException e) {
                    refusal = e;
                }
                complete(out, ctx, null, refusal);
            }
        });
        return out;
    }

    @Override
    public <T> CompletableFuture<CallResult<T>> attemptAsync(ToolCall call,
            Supplier<? extends CompletionStage<T>> action) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(action, "action");
        Observing obs = observers.start(call);
        JudgedCall j;
        try {
            j = judge(context(), call, obs);
        } catch (RuntimeException e) {
            obs.ended(null, e);
            return CompletableFuture.failedFuture(e);
        }
        Action decided = j.decision.action();
        if (decided == Action.BLOCK) {
            return CompletableFuture.completedFuture(obs.end(new CallResult.Refused<>(j.blocked())));
        }
        if (decided == Action.ALLOW) {
            return runAsync(j, action, obs, 0);
        }
        Instant requestedAt = Instant.now();
        Duration timeout = ApprovalWait.nonNegative(j.decision.approvalTimeout());
        if (call.defersApproval()) {
            DeferredCalls.Deferred d = deferred.defer(j, call.params(), call.tags(), requestedAt, timeout);
            GuardException claimed = deferred.claim(d);
            if (claimed == null) {
                return CompletableFuture.completedFuture(obs.end(new CallResult.Pending<>(d.request)));
            }
            if (!DeferredCalls.isApproval(claimed)) {
                return CompletableFuture.completedFuture(obs.end(new CallResult.Refused<>(claimed)));
            }
            return endedWhenDone(d, () -> runAsync(j, action, obs, 0));
        }
        CompletableFuture<CallResult<T>> out = new CompletableFuture<>();
        CompletableFuture<Approval> answer = approvals.askWithDeadline(j, requestedAt, timeout);
        // Cancelling the returned future refuses a call still waiting (recorded), and cancels a tool that runs.
        AtomicReference<CompletableFuture<CallResult<T>>> running = new AtomicReference<>();
        out.whenComplete((r, err) -> {
            if (out.isCancelled()) {
                ApprovalWait.callerCancelled(answer);
                CompletableFuture<CallResult<T>> run = running.get();
                if (run != null) {
                    run.cancel(true);
                }
            }
        });
        Runnable settle = () -> {
            GuardException refused;
            try {
                refused = approvals.settle(j, answer, requestedAt, timeout);
            } catch (Throwable t) {
                obs.ended(null, t);
                complete(out, j.ctx, null, t);
                return;
            }
            if (refused != null) {
                complete(out, j.ctx, obs.end(new CallResult.Refused<>(refused)), null);
                return;
            }
            if (out.isCancelled()) { // approved, but the caller gave up before the tool started: it never runs
                cancelledBeforeRunning(j, obs);
                return;
            }
            CompletableFuture<CallResult<T>> run = runAsync(j, action, obs, 0);
            running.set(run);
            if (out.isCancelled()) {
                run.cancel(true);
            }
            run.whenComplete((v, err) -> complete(out, j.ctx, v, err));
        };
        // Off the approver's thread and the JDK's timeout thread: recording and starting the tool may block a little.
        answer.whenComplete((a, err) -> {
            try {
                asyncExecutor.execute(settle);
            } catch (RejectedExecutionException rejected) {
                settle.run(); // the executor is shut down: settle here rather than leave the call undecided
            }
        });
        return out;
    }

    /** Evaluates, then records TOOL_CALL (write-ahead) and POLICY_DECISION. */
    private JudgedCall judge(Context ctx, ToolCall call, Observing obs) {
        PolicyFollower f = follower;
        if (f != null) {
            f.sync(); // a new version of a watched policy is recorded before it decides anything
        }
        PolicyState ps = policy;
        PolicyDecision d;
        Throwable failure = null;
        try {
            d = ps.evaluator().evaluate(call.tool(), call.params());
            if (d == null) {
                throw new NullPointerException("the policy evaluator returned no decision");
            }
        } catch (RuntimeException e) {
            failure = e;
            d = new PolicyDecision(Action.BLOCK, List.of(), Risk.NONE, EVALUATOR_FAILED,
                    // The class only: an evaluator's message may quote the parameters (the log has the whole exception).
                    "the policy evaluator failed (" + e.getClass().getName() + "), so the call is blocked",
                    PayloadLogging.FULL_PAYLOAD, Duration.ZERO);
            LOG.error("[CRITICAL] policy evaluator failed on {}; the call is blocked", SafeText.safe(call.tool()), e);
        }
        String traceId = obs.traceId();
        String spanId = traceId == null ? null : obs.spanId();
        if (traceId == null) {
            traceId = call.traceId();
            spanId = call.spanId();
        }
        JudgedCall j = records.recordCall(ctx, call, traceId, spanId, d, ps.sha256Hex(), failure);
        obs.judged(j);
        return j;
    }

    // ---------------------------------------------------------------- running

    /** Runs the action and records its outcome; {@code ranNanos}: how long the call ran before (see Deferred). */
    private <T, E extends Exception> CallResult<T> run(JudgedCall j, ToolAction<T, E> action, Observing obs,
            long ranNanos) throws E {
        Context previous = enter(j.ctx.insideCall(j.callSeq));
        AutoCloseable scope = obs.running();
        long start = System.nanoTime() - ranNanos;
        T value;
        try {
            value = action.run();
        } catch (Throwable t) {
            long duration = System.nanoTime() - start;
            Observing.close(scope);
            restore(previous);
            records.recordError(j, t, duration);
            obs.ended(null, t);
            throw RecordingGuard.<E>rethrow(t);
        }
        long duration = System.nanoTime() - start;
        Observing.close(scope);
        restore(previous);
        try {
            records.recordResult(j, value, duration);
        } catch (RuntimeException | Error e) {
            obs.ended(null, e);
            throw e;
        }
        return obs.end(new CallResult.Completed<>(j.callSeq, value));
    }

    private <T> CompletableFuture<CallResult<T>> runAsync(JudgedCall j, Supplier<? extends CompletionStage<T>> action,
            Observing obs, long ranNanos) {
        CompletableFuture<CallResult<T>> out = new CompletableFuture<>();
        Context previous = enter(j.ctx.insideCall(j.callSeq));
        AutoCloseable scope = obs.running();
        long start = System.nanoTime() - ranNanos;
        CompletionStage<T> stage;
        try {
            stage = action.get();
            if (stage == null) {
                throw new NullPointerException("the async tool action returned no CompletionStage");
            }
        } catch (Throwable t) {
            long duration = System.nanoTime() - start;
            Observing.close(scope);
            restore(previous);
            records.recordError(j, t, duration);
            obs.ended(null, t);
            out.completeExceptionally(t);
            return out;
        }
        Observing.close(scope);
        restore(previous);
        out.whenComplete((r, err) -> {
            if (out.isCancelled()) {
                cancel(stage); // the caller gave up: the tool's future ends (and is recorded) as cancelled
            }
        });
        stage.whenComplete((value, err) -> {
            long duration = System.nanoTime() - start;
            if (err != null) {
                Throwable cause = unwrap(err);
                if (cause instanceof CancellationException && out.isCancelled()) {
                    // What the record can say: the caller stopped waiting; the tool may have done its work anyway.
                    cause = new CancellationException("the caller cancelled the call while the tool ran; the tool"
                            + " was told to stop and may have finished its work anyway");
                }
                records.recordError(j, cause, duration);
                obs.ended(null, cause);
                complete(out, j.ctx, null, cause);
            } else {
                try {
                    records.recordResult(j, value, duration);
                } catch (Throwable t) {
                    obs.ended(null, t);
                    complete(out, j.ctx, null, t);
                    return;
                }
                complete(out, j.ctx, obs.end(new CallResult.Completed<>(j.callSeq, value)), null);
            }
        });
        return out;
    }

    /** Cancels a running tool's future, if its kind of stage can be cancelled. */
    private static void cancel(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException e) {
            // a stage with no future behind it: the tool runs on, and its outcome is recorded when it ends
        }
    }

    /** An approved call whose caller cancelled it before the tool started: recorded as ended by the cancellation. */
    private void cancelledBeforeRunning(JudgedCall j, Observing obs) {
        CancellationException cancelled = new CancellationException("the caller cancelled the call after its"
                + " approval, before the tool started; the tool did not run");
        try {
            records.recordError(j, cancelled, 0);
        } finally {
            obs.ended(null, cancelled);
        }
    }

    /** Completes {@code out} with the caller's context installed, so its synchronous dependents run in it. */
    private <T> void complete(CompletableFuture<T> out, Context ctx, T value, Throwable err) {
        Context previous = enter(ctx);
        try {
            if (err != null) {
                out.completeExceptionally(unwrap(err));
            } else {
                out.complete(value);
            }
        } finally {
            restore(previous);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] utf8(String s) {
        return s == null ? GuardRecords.EMPTY : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void checkName(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Rethrows the action's exception as the type it declared (it can only be E or unchecked). */
    @SuppressWarnings("unchecked")
    private static <E extends Exception> RuntimeException rethrow(Throwable t) throws E {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw (E) t;
    }
}
