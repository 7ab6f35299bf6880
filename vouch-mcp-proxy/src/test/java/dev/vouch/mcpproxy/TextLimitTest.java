package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The journal's text-field limit, counted as the journal counts it: in UTF-8 bytes. */
class TextLimitTest {
    @Test
    void shouldBeTheJournalsOwnLimitCountedInUtf8Bytes() {
        assertEquals(65_535, TextLimit.MAX_BYTES, "a str16 of docs/FORMAT.md");
        assertTrue(TextLimit.fits("n".repeat(TextLimit.MAX_BYTES)));
        assertFalse(TextLimit.fits("n".repeat(TextLimit.MAX_BYTES + 1)));
        assertFalse(TextLimit.fits("\u20ac".repeat(TextLimit.MAX_BYTES / 3 + 1)), "3 bytes each: over, in fewer chars");
        assertTrue(TextLimit.fits(null));
    }
}
