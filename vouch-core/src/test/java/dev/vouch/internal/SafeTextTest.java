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
        assertEquals("ops.x\\u000a[CRITICAL] forged\\u0000", SafeText.safe("ops.x\n[CRITICAL] forged\u0000"));
        assertEquals("null", SafeText.safe(null));
    }

    @Test
    void shouldEscapeLineAndParagraphSeparators() {
        // Zl and Zp are line breaks to a JavaScript log viewer and to Python's splitlines (an outside trial's find).
        assertEquals("ops.ls\\u2028[CRITICAL] a\\u2029b", SafeText.safe("ops.ls\u2028[CRITICAL] a\u2029b"));
        assertTrue(SafeText.unprintable("\u2028", 0));
        assertTrue(SafeText.unprintable("\u2029", 0));
        assertFalse(SafeText.unprintable("\u00a0 ", 0)); // a no-break space (Zs) breaks no line
    }
}
