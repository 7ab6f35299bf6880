package dev.vouch.server;

import dev.vouch.guard.Approval;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.ApprovalRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The approval handler of each agent's guard: it never answers by itself. Every stalled call (the gateway defers them
 * all) waits until an operator answers through the guard's {@code pendingApprovals()} or its deadline passes; the
 * handler only tells the gateway's call table that a call is pending, and when it is answered, so that the table can
 * resume it ({@link Calls#settle}). Also asked about calls rediscovered from the journal at start-up.
 */
final class GatewayApprovals implements ApprovalHandler {
    /** Who refuses a call that stalls beyond the agent's limit, in its APPROVAL record. */
    static final String LIMIT_APPROVER = "vouch-gateway";

    private final AgentGuard agent;
    private final Calls calls;
    private final int maxPendingCalls;
    private final long maxPendingBytes;
    private final AtomicLong pendingCalls = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();

    GatewayApprovals(AgentGuard agent, Calls calls, int maxPendingCalls, long maxPendingBytes) {
        this.agent = agent;
        this.calls = calls;
        this.maxPendingCalls = maxPendingCalls;
        this.maxPendingBytes = maxPendingBytes;
    }

    @Override
    public CompletionStage<Approval> requestApproval(ApprovalRequest request) {
        long size = Math.max(request.storedParams().length(), Calls.submittedBytes());
        boolean rediscovered = agent.guard == null; // asked while the guard is built: taken back from the journal
        long calls = pendingCalls.incrementAndGet();
        long bytes = pendingBytes.addAndGet(size);
        if (!rediscovered && (calls > maxPendingCalls || bytes > maxPendingBytes)) {
            release(size);
            // Refused on record rather than held: an outside red team filled the gateway's heap with stalled calls.
            return CompletableFuture.completedFuture(Approval.refused(LIMIT_APPROVER, "agent " + agent.name
                    + " already has " + (calls - 1) + " call(s) awaiting approval, holding " + (bytes - size)
                    + " bytes of parameters; the gateway's limit per agent is " + maxPendingCalls + " calls and "
                    + maxPendingBytes + " bytes (maxPendingPerAgent): answer or refuse those first"));
        }
        CompletableFuture<Approval> answer = new CompletableFuture<>();
        Call call = this.calls.pending(agent, request, answer);
        answer.whenComplete((a, err) -> {
            release(size);
            this.calls.settleSoon(call);
        });
        return answer;
    }

    private void release(long size) {
        pendingCalls.decrementAndGet();
        pendingBytes.addAndGet(-size);
    }
}
