package dev.vouch.server;

import dev.vouch.guard.Approval;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.ApprovalRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The approval handler of each agent's guard: it never answers by itself. Every stalled call (the gateway defers them
 * all) waits until an operator answers through the guard's {@code pendingApprovals()} or its deadline passes; the
 * handler only tells the gateway's call table that a call is pending, and when it is answered, so that the table can
 * resume it ({@link Calls#settle}). Also asked about calls rediscovered from the journal at start-up.
 */
final class GatewayApprovals implements ApprovalHandler {
    private final AgentGuard agent;
    private final Calls calls;

    GatewayApprovals(AgentGuard agent, Calls calls) {
        this.agent = agent;
        this.calls = calls;
    }

    @Override
    public CompletionStage<Approval> requestApproval(ApprovalRequest request) {
        CompletableFuture<Approval> answer = new CompletableFuture<>();
        Call call = calls.pending(agent, request, answer);
        answer.whenComplete((a, err) -> calls.settleSoon(call));
        return answer;
    }
}
