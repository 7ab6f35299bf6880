package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextsTest {
    @Test
    void shouldShowWhatCouldBreakALineAsQuestionMarks() {
        // An outside trial's error message passed U+2028 through while it replaced the other line breaks.
        assertEquals("ops.ls?[CRITICAL] a?b?c?d", Texts.clip("ops.ls\u2028[CRITICAL] a\u2029b\nc\u0085d"));
        assertEquals("x".repeat(80) + "...", Texts.clip("x".repeat(81)));
    }
}
