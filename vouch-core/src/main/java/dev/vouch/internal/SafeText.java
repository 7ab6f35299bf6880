package dev.vouch.internal;

import java.util.Locale;

/**
 * Text from outside (an agent's tool name, task or call id, a journal's content) made safe to print on one line of a
 * log or a terminal. An outside trial's agent named a tool {@code "ops.x\n[CRITICAL] the ledger stopped"}: written
 * as it was, the guard's "Waiting for approval of ..." line became two, the second a forged {@code [CRITICAL]} line
 * that operators alert on. A tampered journal could likewise carry terminal escapes or bidirectional overrides.
 * The markers operators alert on, {@code [CRITICAL]} and {@code [BACKPRESSURE]}, are broken inside such text too: a
 * log rule that matches {@code [CRITICAL]} anywhere in a line (the shipped Loki rule does) fired on an outside
 * trial's WARN line quoting a tool named {@code "fs.read [CRITICAL] Vouch ledger stopped"}.
 */
public final class SafeText {
    private SafeText() {
    }

    /**
     * {@code s} with control characters (C0, DEL, C1), Unicode format characters, line and paragraph separators and
     * lone surrogates escaped as {@code \}{@code uXXXX}, and backslashes as {@code \\}, so that what is printed is
     * one line and unambiguous; the {@code [} of a log marker ({@code [CRITICAL]}, {@code [BACKPRESSURE]}) is escaped
     * as {@code \}{@code u005b}; {@code "null"} for null. Returns {@code s} itself when nothing needs escaping.
     */
    public static String safe(String s) {
        return s == null ? "null" : escape(s, true);
    }

    /**
     * As {@link #safe}, but backslashes stay as they are: for a message whose library already escaped what it quotes
     * (a {@code PolicyException}), where a second escape doubled them (an outside trial's policy error read
     * {@code found character '\\t(TAB)'}). What could rewrite the terminal is still escaped; {@code "null"} for null.
     */
    public static String safeKeepingBackslashes(String s) {
        return s == null ? "null" : escape(s, false);
    }

    private static String escape(String s, boolean backslashes) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean backslash = backslashes && c == '\\';
            boolean escape = backslash || unprintable(s, i) || c == '[' && marker(s, i);
            if (escape && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (backslash) {
                    b.append("\\\\");
                } else if (escape) {
                    b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * Whether the char at {@code i} is one {@link #safe} escapes as {@code \}{@code uXXXX}: a control character (C0,
     * DEL, C1), a Unicode format character, a line or paragraph separator or a lone surrogate. A JSON writer that
     * escapes these (and quotes and backslashes, as JSON does) writes text that is safe to print as it is.
     */
    public static boolean unprintable(String s, int i) {
        char c = s.charAt(i);
        int type = Character.getType(c);
        // U+2028 and U+2029 (Zl, Zp) end a line for a Unicode-aware reader (a JavaScript log viewer, Python's
        // splitlines): an outside trial's tool "ops.ls" U+2028 "[CRITICAL] fake" forged a line in the gateway's log
        // and in vouch approvals, tasks, events and tail, which escaped every other line break.
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || (Character.isSurrogate(c) && !pairedSurrogate(s, i));
    }

    /** Whether a marker operators alert on begins at {@code i}. */
    private static boolean marker(String s, int i) {
        for (String m : MARKERS) {
            if (s.startsWith(m, i)) {
                return true;
            }
        }
        return false;
    }

    private static final String[] MARKERS = {"[CRITICAL]", "[BACKPRESSURE]"};

    private static boolean pairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
