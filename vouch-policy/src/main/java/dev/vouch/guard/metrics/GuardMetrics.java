package dev.vouch.guard.metrics;

import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.Guard;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Micrometer meters for a guard: {@code vouch.guard.approvals.pending} (Prometheus
 * {@code vouch_guard_approvals_pending}), the deferred calls waiting for a person now, and
 * {@code vouch.guard.approvals.oldest.wait} ({@code vouch_guard_approvals_oldest_wait_seconds}), how long the oldest
 * of them has waited, tagged with the guard's {@code agent}. Read when scraped; the guard works with Micrometer absent. The ledger's own meters are
 * {@code dev.vouch.ledger.metrics.VouchMetrics}.
 */
// "exports": MeterBinder comes from an optional module that dev.vouch.policy does not re-export (modules that use
// the guard without Micrometer must still compile); whoever binds GuardMetrics has Micrometer anyway.
@SuppressWarnings("exports")
public final class GuardMetrics implements MeterBinder {
    /** The tag that tells guards apart on one registry. */
    public static final String AGENT_TAG = "agent";

    private final Guard guard;
    private final Iterable<Tag> tags;

    public GuardMetrics(Guard guard) {
        this(guard, Tags.empty());
    }

    /** Meters for {@code guard} with these extra tags, plus {@code agent}. */
    public GuardMetrics(Guard guard, Iterable<Tag> tags) {
        this.guard = Objects.requireNonNull(guard, "guard");
        Tags all = Tags.of(Objects.requireNonNull(tags, "tags"));
        if (all.stream().noneMatch(t -> t.getKey().equals(AGENT_TAG))) {
            all = all.and(AGENT_TAG, guard.agent());
        }
        this.tags = all;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("vouch.guard.approvals.pending", guard, g -> g.pendingApprovals().size())
                .description("Deferred tool calls waiting for a person's approval")
                .tags(tags)
                .register(registry);
        // An alert on "pending > 0 for 30 minutes" (an outside operator's trial) fired for calls seconds old while
        // others came and went, and never for one call, whose approval_timeout was shorter: the oldest wait says it.
        Gauge.builder("vouch.guard.approvals.oldest.wait", guard, GuardMetrics::oldestWaitSeconds)
                .description("How long the oldest call waiting for a person's approval has waited; 0 if none waits")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry);
    }

    private static double oldestWaitSeconds(Guard guard) {
        Instant oldest = null;
        for (ApprovalRequest r : guard.pendingApprovals().list()) {
            if (oldest == null || r.requestedAt().isBefore(oldest)) {
                oldest = r.requestedAt();
            }
        }
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toNanos() / 1e9);
    }
}
