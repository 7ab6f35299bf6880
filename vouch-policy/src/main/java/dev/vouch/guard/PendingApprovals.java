package dev.vouch.guard;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The calls of one guard that wait for a person because they {@linkplain ToolCall#deferApproval deferred} their
 * approval, including those rediscovered from the journal after a restart ({@link GuardBuilder#recoverPending}).
 * An answer is recorded as the call's APPROVAL record when it is given; only the first answer counts (the
 * approval handler's, one given here, or the deadline's). The tool runs later through {@link Guard#resume}.
 * Thread-safe.
 */
public interface PendingApprovals {

    /** The calls waiting for an answer, oldest first. */
    List<ApprovalRequest> list();

    /** The waiting call with this TOOL_CALL sequence number, if it is still waiting. */
    Optional<ApprovalRequest> get(long callSequence);

    /**
     * The deferred call that {@code call} asks for again ({@link ToolCall#sameRequestAs}: the same tool, principal
     * and parameters as JSON values): one still waiting for its answer, or answered and not yet resumed. Of calls
     * that deferred the same request at the same time, every caller is told of the same one (the first held), so an
     * adapter can refuse the others as duplicates. How an adapter turns a model's or client's repeat of a call that was answered "awaiting approval"
     * into {@link Guard#resume} of that call, so that one approval runs it once, instead of a second call that
     * waits on its own. A call rediscovered from the journal ({@link GuardBuilder#recoverPending}) is found only
     * if its parameters are on record exactly ({@link ApprovalRequest#paramsStoredExactly}); a call taken back by
     * {@link GuardBuilder#recoverUnfinished} never is (it may have run before the restart). Costs one
     * canonicalisation of {@code call}'s parameters, and nothing while no call is deferred.
     *
     * @return the TOOL_CALL sequence number to resume, or empty if no deferred call is the same request
     */
    OptionalLong repeatOf(ToolCall call);

    /**
     * The approved deferred call that {@code call} asks for again ({@link ToolCall#sameRequestAs}) and that is running
     * now: resumed, its outcome not recorded yet. {@link #repeatOf} no longer names it, and a repeat judged as a new
     * call would wait for a second approval of the same operation (an outside trial's repeats, racing the resumed
     * refund, opened a new approval request for it in every adapter). An adapter answers such a repeat that the
     * call runs for another request, instead. Costs what {@link #repeatOf} costs, and nothing while none runs.
     *
     * @return the running call's TOOL_CALL sequence number, or empty
     */
    default OptionalLong runningAs(ToolCall call) {
        return OptionalLong.empty();
    }

    /**
     * What an adapter tells a model or client whose call waits for a person (an adapter's {@code PENDING} stall
     * mode): the guard's explanation and how to get it run, since a repeat of the call is how the call runs once
     * approved. One sentence for every adapter: an outside trial found it in the MCP adapter and proxy only, and a
     * real model reading the Spring AI or LangChain4j text had no hint that it should call again.
     */
    static String awaitingApproval(CallResult.Pending<?> pending) {
        return pending.explanation() + " Call the tool again with the same arguments to run it once approved.";
    }

    /**
     * What an adapter tells a model or client whose repeat it did not run because the call runs (or ran) for another
     * request of it: {@link #runningAs}, or a repeat that lost the race to resume it. One sentence for every adapter.
     */
    static String sameCallRuns(long callSequence, String tool) {
        return "Vouch did not run this call again: it is the same call as call seq " + callSequence + " (" + tool
                + "), which was approved once and runs, or ran, for another request of the same call; that request"
                + " gets its result. Do not retry it unchanged.";
    }

    /** How many calls wait now (the {@code vouch_guard_approvals_pending} gauge). */
    int size();

    /**
     * Answers a waiting call and records the APPROVAL before returning.
     *
     * @return true if this answer decided the call; false if it was not waiting (never deferred, already
     *     answered, past its deadline): an answer given twice counts once
     */
    boolean answer(long callSequence, Approval approval);

    /** {@code answer(callSequence, Approval.granted(approver, reason))}. */
    default boolean approve(long callSequence, String approver, String reason) {
        return answer(callSequence, Approval.granted(approver, reason));
    }

    /** {@code answer(callSequence, Approval.refused(approver, reason))}. */
    default boolean refuse(long callSequence, String approver, String reason) {
        return answer(callSequence, Approval.refused(approver, reason));
    }
}
