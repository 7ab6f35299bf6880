package dev.vouch.server;

import dev.vouch.internal.SafeText;

/** Text from a request, made safe to quote in a message or a log line: short, without control characters. */
final class Texts {
    private static final int MAX = 80;

    private Texts() {
    }

    static String clip(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX + 3));
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            // What the log escapes (U+2028 too, which an outside trial's error message passed through), shown as ?.
            b.append(SafeText.unprintable(s, i) ? '?' : c);
        }
        return s.length() > MAX ? b + "..." : b.toString();
    }
}
