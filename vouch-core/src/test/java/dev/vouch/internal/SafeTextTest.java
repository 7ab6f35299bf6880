package dev.vouch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafeTextTest {
    @Test
    void shouldEscapeWhatCouldBreakOrDisguiseALine() {
        String plain = "plain text \u00e9\u20ac \ud83d\ude00";
        assertSame(plain, SafeText.safe(plain));
        assertEquals("a\\u001b[31mb\\u0007\\u000a\\u202e\\u0085\\\\", SafeText.safe("a\u001b[31mb\u0007\n\u202e\u0085\\"));
        assertEquals("x\\ud800y", SafeText.safe("x\ud800y"));
        assertEquals("ops.x\\u000a\\u005bCRITICAL] forged\\u0000", SafeText.safe("ops.x\n[CRITICAL] forged\u0000"));
        assertEquals("null", SafeText.safe(null));
    }

    /**
     * A rule matching {@code [CRITICAL]} anywhere in a line (the shipped Loki rule) fired on an outside trial's WARN
     * line quoting a tool named so: the markers operators alert on never appear whole in an agent's text.
     */
    @Test
    void shouldBreakTheMarkersOperatorsAlertOn() {
        String tool = "fs.read [CRITICAL] Vouch ledger stopped [BACKPRESSURE] ring full";
        String safe = SafeText.safe(tool);
        assertEquals("fs.read \\u005bCRITICAL] Vouch ledger stopped \\u005bBACKPRESSURE] ring full", safe);
        assertFalse(safe.contains("[CRITICAL]") || safe.contains("[BACKPRESSURE]"), safe);
        assertFalse(SafeText.safeKeepingBackslashes(tool).contains("[CRITICAL]"));
        String brackets = "list[0] [critical] [CRITICAL";
        assertSame(brackets, SafeText.safe(brackets), "other brackets are left as they are");
    }

    @Test
    void shouldEscapeLineAndParagraphSeparators() {
        // Zl and Zp are line breaks to a JavaScript log viewer and to Python's splitlines (an outside trial's find).
        assertEquals("ops.ls\\u2028\\u005bCRITICAL] a\\u2029b", SafeText.safe("ops.ls\u2028[CRITICAL] a\u2029b"));
        assertTrue(SafeText.unprintable("\u2028", 0));
        assertTrue(SafeText.unprintable("\u2029", 0));
        assertFalse(SafeText.unprintable("\u00a0 ", 0)); // a no-break space (Zs) breaks no line
    }
}
