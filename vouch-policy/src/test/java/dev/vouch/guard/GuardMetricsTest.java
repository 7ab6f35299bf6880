package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.guard.metrics.GuardMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A guard's meters: how many calls wait for a person, and how long the oldest has waited. An outside operator's alert
 * on "pending above zero for 30 minutes" fired for calls seconds old while others came and went; the oldest wait is
 * what "a call has waited too long" means.
 */
class GuardMetricsTest extends GuardTestBase {
    @Test
    void shouldGaugeTheCallsWaitingForApprovalAndTheOldestWait() throws Exception {
        Guard guard = guard((tool, params) -> stall("moves", "moves need a person", Duration.ofMinutes(5)))
                .approvals(request -> new CompletableFuture<>()).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new GuardMetrics(guard).bindTo(registry);
        assertEquals(0, pending(registry));
        assertEquals(0, oldest(registry));

        CallResult<String> first = guard.attempt(ToolCall.of("fs.move", "{}").deferApproval(true), () -> "moved");
        Thread.sleep(200);
        CallResult<String> second = guard.attempt(ToolCall.of("fs.move", "{\"n\":2}").deferApproval(true), () -> "x");
        assertEquals(2, pending(registry));
        double waited = oldest(registry);
        assertTrue(waited >= 0.2 && waited < 60, "the first call's wait, not the second's: " + waited);

        assertTrue(guard.pendingApprovals().refuse(first.callSequence(), "alice", "no"));
        assertEquals(1, pending(registry));
        assertTrue(oldest(registry) < waited, "the oldest now is the second call");
        assertTrue(guard.pendingApprovals().refuse(second.callSequence(), "alice", "no"));
        assertEquals(0, pending(registry));
        assertEquals(0, oldest(registry));
        assertEquals("seconds", registry.get("vouch.guard.approvals.oldest.wait").gauge().getId().getBaseUnit());
    }

    private static double pending(SimpleMeterRegistry registry) {
        return registry.get("vouch.guard.approvals.pending").tag("agent", "refund-bot").gauge().value();
    }

    private static double oldest(SimpleMeterRegistry registry) {
        return registry.get("vouch.guard.approvals.oldest.wait").gauge().value();
    }
}
