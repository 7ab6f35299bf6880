package dev.vouch.server;

import dev.vouch.LedgerClosedException;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.LedgerStatus;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the ledger still does its job, for {@code /healthz} and {@code /readyz}. Failed: a recording came back
 * with {@link LedgerClosedException} while the gateway was running, or the ledger counts events lost to a failure;
 * a failed ledger never recovers in this process (restarting reopens and seals the journal), so liveness fails too,
 * and the builder's {@code onLedgerFailure} runs ({@code vouch serve} exits so that its supervisor restarts it).
 * Stale: records are waiting to be signed and the last checkpoint is older than the bound ({@link Ledger#status()}:
 * {@code sealOverdue()}, or older than {@code checkpointStaleAfter}), so the writer is stuck. Sampled every 250 ms;
 * costs nothing on the call path.
 */
final class LedgerHealth {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerHealth.class);

    private final Ledger ledger;
    private final long staleNanos;
    private final Runnable onFailure;
    private final java.util.concurrent.atomic.AtomicBoolean told = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile String failure;
    private volatile String stale;
    private volatile boolean stopping;

    LedgerHealth(Ledger ledger, Duration staleAfter, Runnable onFailure) {
        this.ledger = ledger;
        this.staleNanos = staleAfter.toNanos();
        this.onFailure = onFailure;
    }

    /** A recording failed with {@code t}: if the ledger stopped, the gateway is no longer live. Logged once. */
    void failed(Throwable t) {
        if (stopping || failure != null || !(t instanceof LedgerClosedException)) {
            return;
        }
        failure = "the ledger stopped: " + t.getMessage();
        LOG.error("[CRITICAL] The ledger of {} stopped; the gateway refuses calls until it is restarted: {}",
                ledger.journalDirectory(), t.getMessage());
        tell();
    }

    /** Runs the builder's {@code onLedgerFailure} once; what it throws is logged, never the caller's problem. */
    private void tell() {
        if (told.compareAndSet(false, true)) {
            try {
                onFailure.run();
            } catch (RuntimeException e) {
                LOG.error("onLedgerFailure failed", e);
            }
        }
    }

    /** Whether the ledger stopped for good: nothing can be recorded any more. */
    boolean ledgerFailed() {
        return failure != null || ledger.status().state() == LedgerStatus.State.FAILED;
    }

    void stopping() {
        stopping = true;
    }

    void sample() {
        LedgerStatus status = ledger.status();
        if (status.state() == LedgerStatus.State.FAILED && failure == null && !stopping) {
            failure = "the ledger stopped after a fatal failure: " + status.failure();
            LOG.error("[CRITICAL] {}", failure);
            tell();
        }
        long lost = ledger.stats().lost();
        if (lost > 0 && failure == null && !stopping) {
            failure = "the ledger lost " + lost + " event(s) to a failure";
            LOG.error("[CRITICAL] {}", failure);
            tell();
        }
        // How long the oldest waiting event has waited, not how long ago the last checkpoint was: after 10 s without
        // a call, the next one made the gateway "not ready" for a moment (a CI run's restart test caught it).
        boolean overdue = status.sealOverdue() || status.unsealedAge().toNanos() > staleNanos;
        stale = overdue ? status.unsealedEvents() + " event(s) wait for a signed checkpoint, the oldest for "
                + status.unsealedAge().toMillis() + " ms; the last was signed " + status.checkpointAge().toMillis()
                + " ms ago" : null;
    }

    /** Why the process should be restarted, or null. */
    String notLive() {
        return failure;
    }

    /** Why it should get no traffic now, or null. */
    String notReady() {
        if (failure != null) {
            return failure;
        }
        if (stopping) {
            return "the gateway is stopping";
        }
        return stale;
    }
}
