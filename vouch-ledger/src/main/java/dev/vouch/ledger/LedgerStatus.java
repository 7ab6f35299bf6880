package dev.vouch.ledger;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of a ledger's health, for readiness probes and health indicators ({@link Ledger#status()}).
 *
 * @param state              open, failed (it stopped after a fatal error: see {@code failure}) or closed
 * @param failure            the fatal error that stopped it, or null
 * @param lastCheckpoint     when the last signed checkpoint reached the journal (when the ledger opened, before the
 *                           first)
 * @param unsealedEvents     events journaled but not yet covered by a signed checkpoint
 * @param checkpointMaxDelay the ledger's bound on how long a journaled record waits for its checkpoint
 * @param unsealedSince      when the oldest event still waiting for a checkpoint was journaled, or null if none waits
 */
public record LedgerStatus(State state, Throwable failure, Instant lastCheckpoint, long unsealedEvents,
        Duration checkpointMaxDelay, Instant unsealedSince) {

    /** A status whose unsealed events are taken to wait since the last checkpoint (the form before unsealedSince). */
    public LedgerStatus(State state, Throwable failure, Instant lastCheckpoint, long unsealedEvents,
            Duration checkpointMaxDelay) {
        this(state, failure, lastCheckpoint, unsealedEvents, checkpointMaxDelay,
                unsealedEvents == 0 ? null : lastCheckpoint);
    }

    /** Where a ledger is in its life. */
    public enum State {
        /** Accepting and journaling events. */
        OPEN,
        /** Stopped after a fatal failure (logged as {@code [CRITICAL]}); accepts nothing. */
        FAILED,
        /** Closed (and sealed) by its owner. */
        CLOSED
    }

    /** How long ago the last checkpoint reached the journal. */
    public Duration checkpointAge() {
        Duration age = Duration.between(lastCheckpoint, Instant.now());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /**
     * How long the oldest event still waiting for a checkpoint has waited; zero if none waits. Not the time since the
     * last checkpoint: after an idle spell that is long while a new event has waited only a moment.
     */
    public Duration unsealedAge() {
        if (unsealedEvents == 0 || unsealedSince == null) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(unsealedSince, Instant.now());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /**
     * Whether events wait for a checkpoint well past the bound: twice {@code checkpointMaxDelay}, and at least one
     * second more than it, so a busy machine's scheduling delay is not taken for a stuck signer. A readiness probe
     * reports not ready then. Measured from when the oldest waiting event was journaled ({@link #unsealedAge}): from
     * the last checkpoint, every event after an idle spell of a second made it true for a moment.
     */
    public boolean sealOverdue() {
        if (unsealedEvents == 0 || state != State.OPEN) {
            return false;
        }
        Duration bound = checkpointMaxDelay.multipliedBy(2);
        Duration slack = checkpointMaxDelay.plusSeconds(1);
        return unsealedAge().compareTo(bound.compareTo(slack) > 0 ? bound : slack) > 0;
    }

    /** Open and not overdue: what a readiness probe wants. */
    public boolean ready() {
        return state == State.OPEN && !sealOverdue();
    }
}
