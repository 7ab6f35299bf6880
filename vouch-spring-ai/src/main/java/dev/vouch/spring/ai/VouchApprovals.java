package dev.vouch.spring.ai;

import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.PendingApprovals;
import dev.vouch.guard.ProgrammaticApprovals;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a person (or the endpoint, chat bot or job acting for one) answers the tool calls the policy stalled, and
 * runs the approved ones that were deferred. A bean of the starter; a thin layer over the guard's
 * {@link PendingApprovals} and {@link dev.vouch.guard.Guard#resume}: every answer is recorded by the guard as the
 * call's APPROVAL record before it takes effect, and only the first answer to a call counts.
 *
 * <p>With {@code vouch.stall-mode=pending} a stalled call returns at once; the model reads that it awaits approval,
 * with its call sequence number. Later:
 *
 * <pre>{@code
 * for (ApprovalRequest r : approvals.pending()) {
 *     CallResult<String> outcome = approvals.approveAndResume(r.callSequence(), "alice", "checked the order");
 *     // outcome.valueOrThrow() is the tool's result: tell the model, e.g. in the next user message
 * }
 * }</pre>
 *
 * <p>With {@code vouch.stall-mode=wait} (the default) the chat call's thread waits; {@link #approve} or {@link #refuse}
 * from another thread ends the wait, when the approval handler is the starter's default ({@link ProgrammaticApprovals};
 * an application's own {@link ApprovalHandler} bean answers for itself). Thread-safe.
 */
public final class VouchApprovals {
    private final GuardedCalls calls;
    private final PendingApprovals deferred;
    private final ProgrammaticApprovals waiting;

    VouchApprovals(GuardedCalls calls, ApprovalHandler handler) {
        this.calls = calls;
        this.deferred = calls.guard().pendingApprovals();
        this.waiting = handler instanceof ProgrammaticApprovals p ? p : null;
    }

    /** The calls waiting for an answer, oldest first: deferred ones, and those whose chat call waits. */
    public List<ApprovalRequest> pending() {
        Map<Long, ApprovalRequest> all = new LinkedHashMap<>();
        for (ApprovalRequest r : deferred.list()) {
            all.put(r.callSequence(), r);
        }
        if (waiting != null) {
            for (ApprovalRequest r : waiting.pending()) {
                all.putIfAbsent(r.callSequence(), r);
            }
        }
        List<ApprovalRequest> out = new ArrayList<>(all.values());
        out.sort(Comparator.comparingLong(ApprovalRequest::callSequence));
        return out;
    }

    /**
     * Approves a waiting call. A call whose chat call waits then runs on that thread; a deferred call runs when it is
     * {@linkplain #resume resumed}.
     *
     * @param approver who decided: recorded, must not be blank
     * @return whether this answer decided the call (false if it was not waiting: unknown, already answered, timed out)
     */
    public boolean approve(long callSequence, String approver, String reason) {
        return deferred.approve(callSequence, approver, reason)
                || waiting != null && waiting.approve(callSequence, approver, reason);
    }

    /**
     * Refuses a waiting call: the tool never runs. A deferred call's kept input is released when the model repeats
     * the call (it reads the refusal) or the application resumes it (it gets {@link CallResult.Refused}).
     *
     * @return whether this answer decided the call
     */
    public boolean refuse(long callSequence, String approver, String reason) {
        // The call stays answered and not yet resumed, as in the other adapters: the model's repeat finds it and reads
        // the refusal (resumed here at once, the call was forgotten, and an outside trial's repeat opened a new
        // approval request for the refund just refused). A resume, or that repeat, settles it.
        return deferred.refuse(callSequence, approver, reason)
                || waiting != null && waiting.refuse(callSequence, approver, reason);
    }

    /**
     * Runs a deferred call once it was approved (here or by the approval handler), with the arguments and tool
     * context the model's call had; its outcome is recorded linked to the call. A call runs once.
     *
     * @return {@link CallResult.Completed} with the tool's result, {@link CallResult.Refused} if it was refused or
     *     timed out (also when resumed again: the last {@value GuardedCalls#REMEMBERED_REFUSALS} refusals are
     *     remembered), {@link CallResult.Pending} if nobody answered yet
     * @throws IllegalStateException if no deferred call with this number is kept (not deferred, already ran, or
     *     deferred before this application started)
     * @throws org.springframework.ai.tool.execution.ToolExecutionException as the tool threw it, after it was recorded
     */
    public CallResult<String> resume(long callSequence) {
        return calls.resume(callSequence);
    }

    /**
     * {@link #approve} and then {@link #resume}: the tool runs now, on this thread, unless the call had been refused
     * or had timed out.
     *
     * @throws IllegalStateException if no deferred call with this number is kept here (with
     *     {@code vouch.stall-mode=wait}, use {@link #approve}: the waiting chat call runs it)
     */
    public CallResult<String> approveAndResume(long callSequence, String approver, String reason) {
        if (!calls.keeps(callSequence)) {
            calls.resume(callSequence); // throws, saying why for the stall mode in force
        }
        approve(callSequence, approver, reason);
        return calls.resume(callSequence);
    }
}
