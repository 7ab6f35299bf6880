package dev.vouch.cli;

import dev.vouch.internal.SafeText;
import dev.vouch.internal.format.Utf8;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Formatting shared by the commands: times, hex, and making untrusted journal text safe to print. */
final class Text {
    private static final HexFormat HEX = HexFormat.of();
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final long NANOS = 1_000_000_000L;

    private Text() {
    }

    /**
     * A record timestamp (i64 nanoseconds since the epoch, docs/FORMAT.md) as ISO-8601 UTC with the fraction
     * digits it needs, e.g. {@code 2026-11-23T11:28:01.376476911Z}.
     */
    static String iso(long nanos) {
        return instant(nanos).toString();
    }

    /** As {@link #iso} but always with milliseconds, for fixed-width columns. */
    static String isoMillis(long nanos) {
        return MILLIS.format(instant(nanos));
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS), Math.floorMod(nanos, NANOS));
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** The bytes as text if they are valid UTF-8, else null. */
    static String utf8OrNull(byte[] bytes) {
        return Utf8.isWellFormed(bytes, 0, bytes.length) ? new String(bytes, StandardCharsets.UTF_8) : null;
    }

    /**
     * Journal content is untrusted: a tampered record could carry terminal escape sequences or bidirectional
     * overrides that rewrite what an auditor sees. {@link SafeText#safe} escapes them; {@code ""} for null.
     */
    static String safe(String s) {
        return s == null ? "" : SafeText.safe(s);
    }

    /** As {@link #safe}, but backslashes stay as they are ({@link SafeText#safeKeepingBackslashes}). */
    static String safeMessage(String s) {
        return s == null ? "" : SafeText.safeKeepingBackslashes(s);
    }

    /**
     * A one-line preview of a payload: its text made {@link #safe} and cut to {@code max} characters, or
     * {@code <N bytes, binary>} when it is not UTF-8; {@code ""} when empty.
     */
    static String preview(byte[] payload, int max) {
        if (payload.length == 0) {
            return "";
        }
        String text = utf8OrNull(payload);
        if (text == null) {
            return "<" + payload.length + " bytes, binary>";
        }
        return cut(safe(text), max);
    }

    /** {@code s} cut to {@code max} characters, ending in "..." when cut. */
    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Math.max(0, max - 3);
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "...";
    }

    /**
     * {@code s} in a column {@code width} terminal cells wide: padded with spaces, or cut to fit and ending in
     * "...". {@code String.format}'s {@code %-16s} counts UTF-16 units, so a CJK or emoji name (two cells a
     * character) pushed the rest of its row to the right, and a combining accent (no cell) pulled it left.
     */
    static String column(String s, int width) {
        int cells = cells(s, 0, s.length());
        if (cells <= width) {
            return s + " ".repeat(width - cells);
        }
        int budget = Math.max(0, width - 3);
        int end = 0;
        int used = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int w = cells(cp);
            if (used + w > budget) {
                break;
            }
            used += w;
            end += Character.charCount(cp);
        }
        String cut = s.substring(0, end) + "...";
        return cut + " ".repeat(Math.max(0, width - used - 3));
    }

    /** {@code s} padded with spaces to {@code width} terminal cells, never cut; as {@link #column} otherwise. */
    static String pad(String s, int width) {
        int cells = cells(s, 0, s.length());
        return cells >= width ? s : s + " ".repeat(width - cells);
    }

    /** The terminal cells {@code s[from, to)} takes (see {@link #cells(int)}). */
    static int cells(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; ) {
            int cp = s.codePointAt(i);
            n += cells(cp);
            i += Character.charCount(cp);
        }
        return n;
    }

    /**
     * The terminal cells one code point takes, as terminals count them (wcwidth): 0 for combining marks and
     * format characters, 2 for East Asian wide and fullwidth characters and emoji, 1 otherwise. The wide ranges
     * are Unicode's East Asian Width W and F blocks, compacted; a rare wide character outside them costs one
     * cell of alignment, never a wrong value.
     */
    static int cells(int cp) {
        if (cp < 0x300) {
            return 1;
        }
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || (cp >= 0x1160 && cp <= 0x11FF)) {
            return 0;
        }
        return wide(cp) ? 2 : 1;
    }

    private static boolean wide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F)
                || (cp >= 0x231A && cp <= 0x231B) || (cp >= 0x2329 && cp <= 0x232A)
                || (cp >= 0x23E9 && cp <= 0x23EC) || cp == 0x23F0 || cp == 0x23F3
                || (cp >= 0x25FD && cp <= 0x25FE) || (cp >= 0x2614 && cp <= 0x2615)
                || (cp >= 0x2648 && cp <= 0x2653) || cp == 0x267F || cp == 0x2693 || cp == 0x26A1
                || (cp >= 0x26AA && cp <= 0x26AB) || (cp >= 0x26BD && cp <= 0x26BE) || (cp >= 0x26C4 && cp <= 0x26C5)
                || cp == 0x26CE || cp == 0x26D4 || cp == 0x26EA || (cp >= 0x26F2 && cp <= 0x26F3) || cp == 0x26F5
                || cp == 0x26FA || cp == 0x26FD || cp == 0x2705 || (cp >= 0x270A && cp <= 0x270B) || cp == 0x2728
                || cp == 0x274C || cp == 0x274E || (cp >= 0x2753 && cp <= 0x2755) || cp == 0x2757
                || (cp >= 0x2795 && cp <= 0x2797) || cp == 0x27B0 || cp == 0x27BF || (cp >= 0x2B1B && cp <= 0x2B1C)
                || cp == 0x2B50 || cp == 0x2B55
                || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) || (cp >= 0xA960 && cp <= 0xA97F)
                || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE10 && cp <= 0xFE19)
                || (cp >= 0xFE30 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x16FE0 && cp <= 0x18CFF) || (cp >= 0x1B000 && cp <= 0x1B2FF)
                || cp == 0x1F004 || cp == 0x1F0CF || cp == 0x1F18E || (cp >= 0x1F191 && cp <= 0x1F19A)
                || (cp >= 0x1F200 && cp <= 0x1F251) || (cp >= 0x1F300 && cp <= 0x1F320)
                || (cp >= 0x1F32D && cp <= 0x1F335) || (cp >= 0x1F337 && cp <= 0x1F37C)
                || (cp >= 0x1F37E && cp <= 0x1F393) || (cp >= 0x1F3A0 && cp <= 0x1F3CA)
                || (cp >= 0x1F3CF && cp <= 0x1F3D3) || (cp >= 0x1F3E0 && cp <= 0x1F3F0) || cp == 0x1F3F4
                || (cp >= 0x1F3F8 && cp <= 0x1F43E) || cp == 0x1F440 || (cp >= 0x1F442 && cp <= 0x1F4FC)
                || (cp >= 0x1F4FF && cp <= 0x1F53D) || (cp >= 0x1F54B && cp <= 0x1F54E)
                || (cp >= 0x1F550 && cp <= 0x1F567) || cp == 0x1F57A || (cp >= 0x1F595 && cp <= 0x1F596)
                || cp == 0x1F5A4 || (cp >= 0x1F5FB && cp <= 0x1F64F) || (cp >= 0x1F680 && cp <= 0x1F6C5)
                || cp == 0x1F6CC || (cp >= 0x1F6D0 && cp <= 0x1F6D2) || (cp >= 0x1F6D5 && cp <= 0x1F6D7)
                || (cp >= 0x1F6DC && cp <= 0x1F6DF) || (cp >= 0x1F6EB && cp <= 0x1F6EC)
                || (cp >= 0x1F6F4 && cp <= 0x1F6FC) || (cp >= 0x1F7E0 && cp <= 0x1F7EB) || cp == 0x1F7F0
                || (cp >= 0x1F90C && cp <= 0x1F93A) || (cp >= 0x1F93C && cp <= 0x1F945)
                || (cp >= 0x1F947 && cp <= 0x1F9FF) || (cp >= 0x1FA70 && cp <= 0x1FAFF)
                || (cp >= 0x20000 && cp <= 0x2FFFD) || (cp >= 0x30000 && cp <= 0x3FFFD);
    }

    /** {@code s} made safe, or "-" when empty, for columns. */
    static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : safe(s);
    }
}
