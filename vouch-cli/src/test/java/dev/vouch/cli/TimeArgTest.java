package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeArgTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void shouldReadEveryDocumentedForm() {
        long at = TimeArg.parse("2026-12-07T11:15:19.530Z", false, NOW);
        assertEquals(Instant.parse("2026-12-07T11:15:19.530Z").getEpochSecond() * 1_000_000_000L + 530_000_000L, at);
        assertEquals(at, TimeArg.parse("2026-12-07T16:30:19.530+05:15", false, NOW));
        assertEquals(at, TimeArg.parse("2026-12-07T11:15:19.530", false, NOW));
        assertEquals(TimeArg.parse("2026-12-07T00:00:00Z", false, NOW), TimeArg.parse("2026-12-07", false, NOW));
        assertEquals(TimeArg.parse("2026-12-08T00:00:00Z", false, NOW) - 1, TimeArg.parse("2026-12-07", true, NOW));
        assertEquals(TimeArg.parse("2026-12-07T10:00:00Z", false, NOW), TimeArg.parse("2h", false, NOW));
    }

    /** ISO 8601's comma before the fraction, which an outside trial found refused. */
    @Test
    void shouldTakeTheDecimalComma() {
        assertEquals(TimeArg.parse("2026-12-07T11:15:19.530Z", false, NOW),
                TimeArg.parse("2026-12-07T11:15:19,530Z", false, NOW));
        assertEquals(TimeArg.parse("2026-12-07T11:15:19.5+01:00", false, NOW),
                TimeArg.parse("2026-12-07T11:15:19,5+01:00", false, NOW));
        assertThrows(IllegalArgumentException.class, () -> TimeArg.parse("2026-12-07,5", false, NOW));
    }
}
