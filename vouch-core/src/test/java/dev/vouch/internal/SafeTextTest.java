package dev.vouch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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
}
