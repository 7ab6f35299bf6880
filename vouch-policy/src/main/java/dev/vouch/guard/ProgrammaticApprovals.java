package dev.vouch.guard;

import dev.vouch.internal.SafeText;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approvals decided by code: each stalled call becomes a pending request, keyed by its call sequence number,
 * until {@link #approve}, {@link #refuse} or the guard's deadline ends it. For embedding in an application, a
 * chat bot (post each request from the {@link RequestListener}, approve from the reply) or an HTTP endpoint
 * (list {@link #pending()}, approve or refuse by id). Thread-safe. Use one instance per guard: sequence
 * numbers are unique within one journal.
 */
public final class ProgrammaticApprovals implements ApprovalHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProgrammaticApprovals.class);

    /** Told about each new request, on the thread of the stalled call; must return quickly. */
    @FunctionalInterface
    public interface RequestListener {
        /**
         * A call is waiting. If this throws, the request is refused at once, with the error recorded: an
         * approval nobody can see should not wait out its timeout.
         */
        void onApprovalRequested(ApprovalRequest request);
    }

    private record Pending(ApprovalRequest request, CompletableFuture<Approval> answer) {
    }

    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final RequestListener listener;

    /** Requests wait in {@link #pending()} until decided. */
    public ProgrammaticApprovals() {
        this(request -> { });
    }

    /** As {@link #ProgrammaticApprovals()}, and tells {@code listener} about each request. */
    public ProgrammaticApprovals(RequestListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public CompletionStage<Approval> requestApproval(ApprovalRequest request) {
        CompletableFuture<Approval> answer = new CompletableFuture<>();
        Pending p = new Pending(request, answer);
        pending.put(request.callSequence(), p);
        // However the request ends (an answer, the guard's deadline), it is no longer pending.
        answer.whenComplete((a, err) -> pending.remove(request.callSequence(), p));
        try {
            listener.onApprovalRequested(request);
        } catch (RuntimeException e) {
            LOG.warn("Approval listener failed for call seq {} ({}); the call is refused", request.callSequence(),
                    SafeText.safe(request.tool()), e);
            answer.completeExceptionally(e);
        }
        return answer;
    }

    /** The requests waiting for a decision, oldest first. */
    public List<ApprovalRequest> pending() {
        List<ApprovalRequest> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            out.add(p.request());
        }
        return out;
    }

    /**
     * Approves the call with this sequence number.
     *
     * @return false if no such request is pending (never asked, already decided, or past its deadline): the
     *     call will not run on this approval
     */
    public boolean approve(long callSequence, String approver, String reason) {
        return decide(callSequence, Approval.granted(approver, reason));
    }

    /**
     * Refuses the call with this sequence number.
     *
     * @return false if no such request is pending
     */
    public boolean refuse(long callSequence, String approver, String reason) {
        return decide(callSequence, Approval.refused(approver, reason));
    }

    /**
     * Answers the call with this sequence number.
     *
     * @return whether this answer decided it (false if it was not pending, or another answer or the deadline
     *     came first)
     */
    public boolean decide(long callSequence, Approval approval) {
        Objects.requireNonNull(approval, "approval");
        Pending p = pending.get(callSequence);
        return p != null && p.answer().complete(approval);
    }
}
