package dev.vouch.internal.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void encodesLikeTheJdk() {
        for (String s : new String[] {"", "ascii", "naïve", "日本語", "emoji 😀 end", "\u0000\u007f\u0080\u07ff\u0800\uffff"}) {
            byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
            byte[] ours = new byte[Utf8.encodedLength(s)];
            assertEquals(ours.length, Utf8.encode(s, ours, 0));
            assertArrayEquals(jdk, ours, s);
            assertTrue(Utf8.isWellFormed(ours, 0, ours.length), s);
        }
    }

    @Test
    void replacesUnpairedSurrogatesLikeTheJdk() {
        String s = "a\ud800b\udc00";
        byte[] ours = new byte[Utf8.encodedLength(s)];
        Utf8.encode(s, ours, 0);
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), ours);
    }

    @Test
    void rejectsMalformedSequences() {
        int[][] bad = {
            {0x80},                   // lone continuation
            {0xC0, 0x80},             // overlong NUL
            {0xC1, 0xBF},             // overlong
            {0xE0, 0x80, 0x80},       // overlong 3-byte
            {0xED, 0xA0, 0x80},       // surrogate U+D800
            {0xF0, 0x80, 0x80, 0x80}, // overlong 4-byte
            {0xF4, 0x90, 0x80, 0x80}, // above U+10FFFF
            {0xF5, 0x80, 0x80, 0x80}, // invalid lead
            {0xE2, 0x80},             // truncated
            {0xC3},                   // truncated at end
            {0xC3, 0x41},             // bad continuation
        };
        for (int[] seq : bad) {
            byte[] b = new byte[seq.length + 2];
            b[0] = 'x';
            for (int i = 0; i < seq.length; i++) {
                b[i + 1] = (byte) seq[i];
            }
            b[b.length - 1] = 'y';
            assertFalse(Utf8.isWellFormed(b, 0, b.length), java.util.Arrays.toString(seq));
            assertFalse(Utf8.isWellFormed(b, 1, seq.length), "alone: " + java.util.Arrays.toString(seq));
        }
    }

    @Test
    void checksOnlyTheGivenRange() {
        byte[] b = {(byte) 0xFF, 'o', 'k', (byte) 0xFF};
        assertTrue(Utf8.isWellFormed(b, 1, 2));
        assertFalse(Utf8.isWellFormed(b, 0, 2));
    }

    /** The ASCII fast path reads eight bytes at a time: a bad byte must be found at every offset and alignment. */
    @Test
    void findsABadByteAtEveryPositionAroundTheEightByteSteps() {
        for (int start = 0; start < 9; start++) {
            for (int len = 0; len <= 40; len++) {
                byte[] b = new byte[start + len + 9];
                java.util.Arrays.fill(b, (byte) 0xFF); // outside the range: must never be looked at
                java.util.Arrays.fill(b, start, start + len, (byte) 'a');
                assertTrue(Utf8.isWellFormed(b, start, len), start + "+" + len);
                for (int bad = 0; bad < len; bad++) {
                    b[start + bad] = (byte) 0x80;
                    assertFalse(Utf8.isWellFormed(b, start, len), start + "+" + len + " bad at " + bad);
                    if (bad + 1 < len) {
                        b[start + bad] = (byte) 0xC3; // a valid two-byte sequence straddling a step
                        b[start + bad + 1] = (byte) 0xA9;
                        assertTrue(Utf8.isWellFormed(b, start, len), start + "+" + len + " e-acute at " + bad);
                        b[start + bad + 1] = 'a';
                    }
                    b[start + bad] = 'a';
                }
            }
        }
    }

    /**
     * Settings may be any bytes, and an export line renders them as text that a verifier in another language must
     * render the same (an outside auditor's lie about {@code a=\xff} passed verify-journal.py): one U+FFFD per
     * maximal subpart, as Unicode 15 section 3.9 shows, where {@code new String(b, UTF_8)} differs on surrogates.
     */
    @Test
    void replacesEachMaximalSubpartOfAnIllFormedSequenceByOneReplacementCharacter() {
        assertEquals("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd", Utf8.decodeReplacing(bytes(0x61, 0xF1, 0x80, 0x80, 0xE1,
                0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64), 0, 13), "Unicode 15, table 3-8");
        assertEquals("\uFFFD\uFFFD\uFFFD", Utf8.decodeReplacing(bytes(0xED, 0xA0, 0x80), 0, 3), "a surrogate");
        assertEquals("\uFFFD\uFFFD\u008F", Utf8.decodeReplacing(bytes(0xED, 0xBF, 0xC2, 0x8F), 0, 4));
        assertEquals("\uFFFD\uFFFD\uFFFD", Utf8.decodeReplacing(bytes(0xC0, 0xAF, 0xF5), 0, 3), "overlong, never a lead");
        assertEquals("\uFFFD\uFFFD", Utf8.decodeReplacing(bytes(0xF4, 0x90, 0x41), 0, 2), "above U+10FFFF, cut");
        assertEquals("\uFFFD", Utf8.decodeReplacing(bytes(0xF0, 0x9F, 0x98), 0, 3), "a truncated sequence is one");
        assertEquals("é\uD83D\uDE00", Utf8.decodeReplacing("xé😀".getBytes(StandardCharsets.UTF_8), 1, 6));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
