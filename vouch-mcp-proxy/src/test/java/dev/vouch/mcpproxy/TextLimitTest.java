package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.internal.format.RecordDescriptor;
import org.junit.jupiter.api.Test;

/** The proxy's copy of the journal's text-field limit, which vouch-core keeps in a package the proxy cannot see. */
class TextLimitTest {
    @Test
    void shouldBeTheJournalsOwnLimitCountedInUtf8Bytes() {
        assertEquals(RecordDescriptor.MAX_STR16, TextLimit.MAX_BYTES);
        assertTrue(TextLimit.fits("n".repeat(TextLimit.MAX_BYTES)));
        assertFalse(TextLimit.fits("n".repeat(TextLimit.MAX_BYTES + 1)));
        assertFalse(TextLimit.fits("\u20ac".repeat(TextLimit.MAX_BYTES / 3 + 1)), "3 bytes each: over, in fewer chars");
        assertTrue(TextLimit.fits(null));
    }
}
