package dev.vouch.spring.ai;

import dev.vouch.RecorderStats;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.LedgerStatus;
import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The ledger's health ({@code /actuator/health/vouch}) from {@link Ledger#status()}: UP while the ledger is open and
 * its journaled events get their checkpoint within the bound; DOWN once it is closed, has stopped after a fatal
 * failure, or events wait for a checkpoint far past {@code checkpointMaxDelay} ({@link LedgerStatus#sealOverdue()}).
 * Reading the status never blocks and never writes.
 */
final class LedgerHealthIndicator implements HealthIndicator {
    private final Ledger ledger;

    LedgerHealthIndicator(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public Health health() {
        LedgerStatus status = ledger.status();
        Health.Builder health = status.ready() ? Health.up() : Health.down();
        health.withDetail("state", status.state().name().toLowerCase(Locale.ROOT));
        if (status.failure() != null) {
            health.withDetail("error", status.failure().toString());
        }
        if (status.sealOverdue()) {
            health.withDetail("error", status.unsealedEvents() + " events have waited up to " + status.unsealedAge()
                    + " for a checkpoint; the bound is " + status.checkpointMaxDelay());
        }
        RecorderStats now = ledger.stats();
        return health
                .withDetail("journal", ledger.journalDirectory().toString())
                .withDetail("origin", ledger.origin())
                .withDetail("lastCheckpoint", status.lastCheckpoint().toString())
                .withDetail("checkpointAgeMillis", status.checkpointAge().toMillis())
                .withDetail("eventsUnsealed", status.unsealedEvents())
                .withDetail("eventsJournaled", now.journaled())
                .withDetail("eventsSealed", now.sealed())
                .withDetail("eventsDropped", now.dropped())
                .withDetail("eventsLost", now.lost())
                .withDetail("checkpoints", now.checkpoints())
                .withDetail("ringDepth", now.ringCapacity() - now.ringRemaining())
                .build();
    }
}
