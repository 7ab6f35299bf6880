package dev.vouch.guard;

import dev.vouch.Recorder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The safety brake in front of an agent's tools: every call is judged by the policy and recorded, write-ahead,
 * in the journal; blocked calls never run, stalled calls run only once someone approved them, and redacted
 * parameters never reach the journal in clear. Build one with {@link #builder(Recorder)}.
 *
 * <pre>{@code
 * Guard guard = Guard.builder(ledger).agent("refund-bot")
 *         .policy(Policy.load(Path.of("vouch-policy.yaml")))
 *         .approvals(approvals)
 *         .redactionKey(RedactionKey.load(Path.of("redaction.key")))
 *         .build();
 * try (Task task = guard.task("refund-order-42")) {
 *     String receipt = guard.call("payments.refund", "{\"order\":42,\"amount\":17.25}",
 *             () -> payments.refund(42, 17.25));  // the tool's own result type
 * }
 * }</pre>
 *
 * <p>Per call, linked by parent sequence numbers: TOOL_CALL (write-ahead, parent = the enclosing task or
 * call), POLICY_DECISION, for a stall an APPROVAL, then TOOL_RESULT or TOOL_ERROR with the duration. Every
 * guard record is written with {@link Recorder#recordDurably} (the builder's durability, by default
 * journaled), so when a method returns, what it recorded is in the journal; the tool never runs before its
 * call, decision and approval are. docs/GUARD.md describes every record.
 *
 * <p>Thread-safe. The current task and parent are per thread ({@link #context()}); they follow work to other
 * threads through {@link Context#wrap}, {@link #executor} and {@link #callAsync}.
 */
public interface Guard {
    /** The policy id recorded when the policy evaluator failed and the call was blocked. */
    String EVALUATOR_FAILED = "vouch.evaluator-failed";
    /** The policy id recorded when no rule decided (the rule id was {@code null}). */
    String DEFAULT_POLICY_ID = "default";
    /** The name of the NOTE that records a policy taking effect. */
    String POLICY_NOTE = "vouch.policy";

    /** Starts configuring a guard that records into {@code recorder} (usually a {@code Ledger}). */
    static GuardBuilder builder(Recorder recorder) {
        return new GuardBuilder(recorder);
    }

    /** The agent every record names. */
    String agent();

    /**
     * Opens a task nested in the current one: records TASK_START (write-ahead; parent = the current task's
     * start, or the call being run) and makes it the current task of this thread until {@link Task#close()}.
     *
     * @param name the task's id in the journal: every record made inside it carries it
     */
    Task task(String name);

    /** As {@link #call(String, byte[], ToolAction)}, for parameters held as text (encoded as UTF-8). */
    <T, E extends Exception> T call(String tool, String jsonParams, ToolAction<T, E> action) throws E;

    /**
     * Runs a tool call under the policy. Records TOOL_CALL before anything else can happen, then the decision;
     * then blocks, waits for approval, or runs the action and records its result or exception with the
     * duration. While the action runs, the call is this thread's current parent: tasks and calls made inside
     * it nest under it.
     *
     * @param jsonParams the parameters as UTF-8 JSON; the action receives them unchanged (capture them), only
     *                   the journal's copy is redacted; {@code null} means none
     * @return the action's result
     * @throws ToolBlockedException      if the policy blocked the call (the action did not run)
     * @throws ApprovalRefusedException  if the call was stalled and refused, or timed out
     *                                   ({@link ApprovalTimedOutException}); the action did not run
     * @throws E                         the action's own exception, after it was recorded as TOOL_ERROR
     * @throws dev.vouch.LedgerClosedException if the journal cannot record the call (the action did not run)
     *                                   or its outcome (the action ran)
     */
    <T, E extends Exception> T call(String tool, byte[] jsonParams, ToolAction<T, E> action) throws E;

    /**
     * As {@link #call(String, byte[], ToolAction)}, for a call that carries its tool-call id, principal or trace
     * context (recorded in the TOOL_CALL record). A call that {@linkplain ToolCall#deferApproval defers} its
     * approval and is stalled throws {@link ApprovalPendingException}.
     */
    <T, E extends Exception> T call(ToolCall call, ToolAction<T, E> action) throws E;

    /**
     * Runs a tool call under the policy, as {@link #call(ToolCall, ToolAction)} does, but says how it ended instead
     * of throwing a refusal: what framework adapters use, so that a blocked or refused call becomes a message the
     * model can read ({@link CallResult#explanation()}) rather than an exception that ends its turn. A stalled call
     * waits for its approval on this thread, or, if the call {@linkplain ToolCall#deferApproval defers} it,
     * returns {@link CallResult.Pending} at once.
     *
     * @return {@link CallResult.Completed} with the action's result, {@link CallResult.Refused} if the action did
     *     not run and will not, {@link CallResult.Pending} if it waits for a person
     * @throws E the action's own exception, after it was recorded as TOOL_ERROR
     * @throws dev.vouch.LedgerClosedException if the journal cannot record the call or its outcome
     */
    <T, E extends Exception> CallResult<T> attempt(ToolCall call, ToolAction<T, E> action) throws E;

    /**
     * The asynchronous form of {@link #attempt}: as {@link #callAsync(String, byte[], Supplier)}, but a blocked,
     * refused or pending call completes the future normally with its {@link CallResult}; the future fails only
     * with the action's own exception or the journal's.
     */
    <T> CompletableFuture<CallResult<T>> attemptAsync(ToolCall call, Supplier<? extends CompletionStage<T>> action);

    /**
     * Runs a call that {@linkplain ToolCall#deferApproval deferred} its approval, once it is approved: the action
     * runs with the call as its parent and its outcome is recorded linked to the call, as if {@link #attempt} had
     * waited. Works for calls rediscovered from the journal after a restart, too ({@link GuardBuilder#recoverPending}):
     * give the action again, with the original parameters (the journal holds only their redacted form).
     *
     * @return {@link CallResult.Completed} when the action ran, {@link CallResult.Pending} if nobody answered yet,
     *     {@link CallResult.Refused} if it was refused or timed out (the action did not run)
     * @throws IllegalStateException if no deferred call with this sequence number waits here: never deferred,
     *     already resumed (a call runs once), or another guard's
     * @throws E the action's own exception, after it was recorded as TOOL_ERROR
     */
    <T, E extends Exception> CallResult<T> resume(long callSequence, ToolAction<T, E> action) throws E;

    /**
     * For an adapter that deferred {@code duplicate} at the same moment as an identical call (tool, principal and
     * parameters), when {@link PendingApprovals#repeatOf} names {@code first} for both: refuses {@code duplicate} on
     * record, by {@code approver}, as made at the same time as {@code first}, so that one approval runs the call once.
     * Adapters that run tools in parallel met this (an outside trial approved both, and the refund ran twice).
     *
     * @return what the duplicate's caller should hear: {@code first}'s {@link CallResult.Pending} while it waits, else
     *     the duplicate's own refusal; {@code duplicate} itself if it was answered meanwhile (it then stays a call of
     *     its own, resumed by its number)
     */
    default <T> CallResult<T> mergeDuplicate(CallResult.Pending<T> duplicate, long first, String approver) {
        long seq = duplicate.callSequence();
        if (!pendingApprovals().refuse(seq, approver, "made at the same time as call seq " + first
                + ", with the same tool, arguments and principal; that call waits for approval in its place")) {
            return duplicate;
        }
        CallResult<T> settled = resume(seq, () -> {
            throw new IllegalStateException("a refused call never runs");
        });
        return pendingApprovals().get(first).<CallResult<T>>map(CallResult.Pending::new)
                .orElse(settled instanceof CallResult.Refused<T> ? settled : duplicate);
    }

    /** The asynchronous form of {@link #resume}: the future fails with IllegalStateException as resume throws it. */
    <T> CompletableFuture<CallResult<T>> resumeAsync(long callSequence, Supplier<? extends CompletionStage<T>> action);

    /**
     * Whether the policy in force blocks every call of {@code tool}, whatever its parameters
     * ({@link PolicyEvaluator#alwaysBlocks}): adapters hide such tools from {@code tools/list}. False when the
     * evaluator cannot tell (a lambda).
     */
    boolean alwaysBlocks(String tool);

    /** The calls that wait for a person because they deferred their approval; answer them here. */
    PendingApprovals pendingApprovals();

    /** As {@link #callAsync(String, byte[], Supplier)}, for parameters held as text. */
    <T> CompletableFuture<T> callAsync(String tool, String jsonParams, Supplier<? extends CompletionStage<T>> action);

    /**
     * The asynchronous form of {@link #call}. The TOOL_CALL and decision are recorded before this returns; a
     * blocked call returns a future failed with {@link ToolBlockedException}; a stalled call waits for its
     * approval without blocking this thread. The action starts the tool and returns its stage; it is invoked
     * with the call as current parent (on this thread, or, after an approval, on the builder's async
     * executor). When the stage completes, the result or exception is recorded on the completing thread and
     * the returned future completes the same way, with the caller's context installed while its dependent
     * stages run.
     */
    <T> CompletableFuture<T> callAsync(String tool, byte[] jsonParams, Supplier<? extends CompletionStage<T>> action);

    /** This thread's current task and parent, to carry to another thread ({@link Context#wrap}). */
    Context context();

    /**
     * An executor that runs each command under the context current when it was submitted: use it for
     * {@code CompletableFuture.*Async} stages and thread pools so work keeps its task and parent.
     */
    Executor executor(Executor delegate);

    /**
     * Records that a new policy took effect, identified by the SHA-256 of its file: a NOTE named
     * {@value #POLICY_NOTE} with {@code {"sha256":..., "source":...}}. Later decisions carry this sha256.
     * Use this when the evaluator follows policy changes by itself; to swap the evaluator and its identity
     * atomically, use {@link #policyChanged(PolicyEvaluator, String, String)}. The same sha256 and source as
     * the policy already in force record nothing.
     *
     * @throws IllegalArgumentException if {@code sha256Hex} is not 64 lower-case hex digits
     */
    void policyChanged(String sha256Hex, String source);

    /**
     * Records that a new policy took effect (as {@link #policyChanged(String, String)}) and judges every later
     * call with {@code evaluator}: each POLICY_DECISION then names exactly the policy that judged it. With a
     * {@code PolicyWatcher}: {@code p -> guard.policyChanged(p::evaluate, p.sha256Hex(), p.source())}.
     */
    void policyChanged(PolicyEvaluator evaluator, String sha256Hex, String source);
}
