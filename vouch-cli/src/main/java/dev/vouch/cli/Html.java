package dev.vouch.cli;

import java.util.Locale;

/**
 * Writing HTML text that journal content cannot break out of. Every string from a journal goes through
 * {@link #text}: it is made {@link Text#safe} (control and bidirectional-override characters shown as escapes) and
 * then escaped for HTML, so that it is text wherever it lands, in an element or in a quoted attribute value. The
 * report adds no script of its own and forbids any with its Content-Security-Policy, as a second wall.
 */
final class Html {
    private final StringBuilder b = new StringBuilder(1 << 16);

    /** Escapes {@code & < > " '} so that {@code s} is text in element content and in quoted attribute values. */
    static String escape(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                // Invisible in the file too: an attribute (data-stat names an agent) kept a raw U+202E (an outside
                // auditor's find); a character reference reads back as the same character in the DOM. U+2028 and
                // U+2029 too, which break the line for a reader of the file (another trial's find).
                default -> c < 0x20 || c == 0x7f || invisible(Character.getType(c))
                        ? "&#x" + Integer.toHexString(c).toUpperCase(Locale.ROOT) + ";" : null;
            };
            if (rep != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (rep != null) {
                    out.append(rep);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    private static boolean invisible(int type) {
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** Untrusted text (from a journal) as HTML text; null as an empty string. */
    static String text(String s) {
        return escape(Text.safe(s == null ? "" : s));
    }

    /** Untrusted text cut to {@code max} characters, as HTML text; "(none)" when empty. */
    static String name(String s, int max) {
        return s == null || s.isEmpty() ? "<span class=\"dim\">(none)</span>" : escape(Text.cut(Text.safe(s), max));
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Appends markup written by this program (never journal text). */
    Html raw(String markup) {
        b.append(markup);
        return this;
    }

    /** Appends untrusted text, escaped. */
    Html esc(Object value) {
        b.append(text(String.valueOf(value)));
        return this;
    }

    /**
     * A table cell holding a figure of {@code vouch stats --json}: {@code data-stat} names its JSON Pointer there, so
     * a test can check every figure the report shows against the statistics.
     */
    Html stat(String tag, String pointer, long value) {
        b.append('<').append(tag).append(" class=\"num\" data-stat=\"").append(escape(pointer)).append("\">")
                .append(number(value)).append("</").append(tag).append('>');
        return this;
    }

    /** As {@link #stat(String, String, long)} for a text figure (a time). */
    Html stat(String tag, String pointer, String value) {
        b.append('<').append(tag).append(" data-stat=\"").append(escape(pointer)).append("\">").append(text(value))
                .append("</").append(tag).append('>');
        return this;
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
