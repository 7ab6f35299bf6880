package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expired calls: one line in full per minute, the rest counted in one line (a soak wrote 84,693 WARN lines an hour). */
class ExpiryLinesTest {
    private static final long S = 1_000_000_000L;

    @Test
    void shouldTellOneInFullAndCountTheRestOfTheMinute() {
        List<String> lines = new ArrayList<>();
        ExpiryLines e = new ExpiryLines(60 * S, lines::add);

        assertTrue(e.tell(0));
        for (int i = 1; i <= 999; i++) {
            assertFalse(e.tell(i * 50_000_000L));
        }
        e.flush(59 * S);
        assertEquals(List.of(), lines, "not before the minute is over");
        e.flush(60 * S);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("999 more call(s) ended on record as tool errors in the last 60 s"), lines::toString);

        e.flush(200 * S);
        assertEquals(1, lines.size(), "nothing more to tell");
        assertTrue(e.tell(300 * S), "a quiet spell later, the next one is told in full");
        e.flush(400 * S);
        assertEquals(1, lines.size(), "and alone, it needs no summary");
        assertTrue(e.tell(401 * S));
    }

    /** At a stop the gateway exits before the minute is over: the count is told then (an operator's trial missed it). */
    @Test
    void shouldTellTheCountAtOnceWhenTheGatewayStops() {
        List<String> lines = new ArrayList<>();
        ExpiryLines e = new ExpiryLines(60 * S, lines::add);
        assertTrue(e.tell(0));
        assertFalse(e.tell(1));
        assertFalse(e.tell(2));
        e.flushNow();
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("2 more call(s) ended on record as tool errors"), lines::toString);
        e.flushNow();
        assertEquals(1, lines.size(), "told once");
    }
}
