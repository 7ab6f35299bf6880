package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Risk;
import dev.vouch.guard.Approval;
import dev.vouch.guard.ApprovalRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A final outside trial: after a restart the console asked about a taken-back call the proxy had already refused,
 * because the guard announced it while it was built. The gate asks the approver only once the proxy is ready.
 */
class ApprovalGateTest {
    @Test
    void shouldAskOnlyAboutHeldRequestsStillUndecidedOnceOpened() {
        List<Long> asked = new ArrayList<>();
        ApprovalGate gate = new ApprovalGate(r -> {
            asked.add(r.callSequence());
            return CompletableFuture.completedFuture(Approval.granted("alice", "ok"));
        });

        CompletableFuture<Approval> refusedAtStart = gate.requestApproval(request(4)).toCompletableFuture();
        CompletableFuture<Approval> waiting = gate.requestApproval(request(7)).toCompletableFuture();
        assertTrue(asked.isEmpty(), "nobody is asked before the proxy is ready");
        refusedAtStart.complete(Approval.refused("vouch-mcp-proxy", "no repeat can reach it"));
        gate.open();

        assertEquals(List.of(7L), asked, "the call refused at start is never shown");
        assertTrue(waiting.join().approved());
        assertFalse(refusedAtStart.join().approved());
        assertTrue(gate.requestApproval(request(9)).toCompletableFuture().join().approved(), "then at once");
        assertEquals(List.of(7L, 9L), asked);
    }

    private static ApprovalRequest request(long seq) {
        return new ApprovalRequest(seq, "agent", "", "get-sum", "{}", "needs-ok", "", Risk.HIGH, Instant.now(),
                Instant.now().plusSeconds(60));
    }
}
