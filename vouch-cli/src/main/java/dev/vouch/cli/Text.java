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

    /** {@code s} made safe, or "-" when empty, for columns. */
    static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : safe(s);
    }
}
