package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a readiness probe or health indicator reads: state, last checkpoint, events waiting for one. */
class LedgerStatusTest {
    @TempDir
    Path tmp;

    @Test
    void shouldReportOpenSealedAndThenClosed() {
        Instant before = Instant.now().minusSeconds(1);
        Ledger ledger = Ledger.builder(tmp.resolve("journal")).keyFile(tmp.resolve(".vouch_key")).shutdownHook(false)
                .checkpointMaxDelay(Duration.ofMinutes(10)).open();
        LedgerStatus opened = ledger.status();
        assertEquals(LedgerStatus.State.OPEN, opened.state());
        assertNull(opened.failure());
        assertTrue(opened.ready());
        assertEquals(Duration.ofMinutes(10), opened.checkpointMaxDelay());

        ledger.recordDurably(Event.of(EventKind.TOOL_CALL).name("a"), Durability.JOURNALED);
        LedgerStatus waiting = ledger.status();
        assertEquals(1, waiting.unsealedEvents(), "journaled, not sealed: the delay bound is 10 minutes");
        assertFalse(waiting.sealOverdue());

        ledger.recordDurably(Event.of(EventKind.TOOL_CALL).name("b"), Durability.SEALED);
        LedgerStatus sealed = ledger.status();
        assertEquals(0, sealed.unsealedEvents());
        assertTrue(sealed.lastCheckpoint().isAfter(before), sealed::toString);
        assertTrue(sealed.checkpointAge().compareTo(Duration.ofMinutes(1)) < 0);

        ledger.close();
        assertEquals(LedgerStatus.State.CLOSED, ledger.status().state());
        assertFalse(ledger.status().ready());
    }

    @Test
    void shouldCallEventsWaitingFarPastTheBoundOverdue() {
        LedgerStatus stuck = new LedgerStatus(LedgerStatus.State.OPEN, null, Instant.now().minusSeconds(30), 5,
                Duration.ofSeconds(1));
        assertTrue(stuck.sealOverdue());
        assertFalse(stuck.ready());
        LedgerStatus idle = new LedgerStatus(LedgerStatus.State.OPEN, null, Instant.now().minusSeconds(30), 0,
                Duration.ofSeconds(1));
        assertFalse(idle.sealOverdue(), "nothing waits: an old checkpoint is fine");
        LedgerStatus busy = new LedgerStatus(LedgerStatus.State.OPEN, null, Instant.now().minusMillis(1000), 5,
                Duration.ofMillis(200));
        assertFalse(busy.sealOverdue(), "within the bound plus a second of slack");
        // After an idle spell: the last checkpoint is old, but the event waiting was journaled a moment ago. A CI run
        // found the gateway "not ready" for such a moment after 10 s without a call.
        LedgerStatus afterIdle = new LedgerStatus(LedgerStatus.State.OPEN, null, Instant.now().minusSeconds(30), 1,
                Duration.ofMillis(50), Instant.now());
        assertFalse(afterIdle.sealOverdue(), afterIdle::toString);
        assertTrue(afterIdle.unsealedAge().compareTo(Duration.ofSeconds(1)) < 0);
        LedgerStatus stuckSince = new LedgerStatus(LedgerStatus.State.OPEN, null, Instant.now().minusSeconds(30), 1,
                Duration.ofMillis(50), Instant.now().minusSeconds(20));
        assertTrue(stuckSince.sealOverdue(), stuckSince::toString);
    }

    @Test
    void shouldMeasureHowLongTheOldestUnsealedEventWaitedNotTheTimeSinceTheLastCheckpoint() throws Exception {
        try (Ledger ledger = Ledger.builder(tmp.resolve("idle")).keyFile(tmp.resolve("idle_key")).shutdownHook(false)
                .checkpointMaxDelay(Duration.ofSeconds(30)).open()) {
            Thread.sleep(1200); // idle: the checkpoint written at open ages
            ledger.recordDurably(Event.of(EventKind.NOTE).name("after a pause"));
            LedgerStatus s = ledger.status();
            assertEquals(1, s.unsealedEvents(), s::toString);
            assertTrue(s.checkpointAge().compareTo(Duration.ofSeconds(1)) > 0, s::toString);
            assertTrue(s.unsealedAge().compareTo(Duration.ofSeconds(1)) < 0, s::toString);
        }
    }
}
