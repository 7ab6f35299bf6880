package dev.vouch.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Checks for text that arrives from outside as JSON before anything is judged or recorded. A JSON parser decodes
 * some invalid UTF-8 (over-long forms such as {@code C0 AE} for {@code .}) into valid characters, so the policy would
 * judge one name while the journal, which keeps the exact bytes, and the tool's server, which decodes them its own
 * way, see another; and a JSON escape can name an unpaired surrogate, which UTF-8 cannot store (the journal's text
 * fields would hold {@code ?} in its place, so two names would become one). The front ends refuse both as bad input.
 */
public final class StrictText {
    private StrictText() {
    }

    /**
     * Whether {@code bytes} begin with a UTF-8 byte order mark, which JSON text must not (RFC 8259): Jackson skips it,
     * while a server may not (an outside trial's MCP server dropped such a message silently, after the proxy had
     * recorded the call as allowed).
     */
    public static boolean startsWithByteOrderMark(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
            i++; // JSON's own white space first: Jackson then called the mark "Invalid UTF-8 start byte 0xbb"
        }
        return bytes.length - i >= 3 && (bytes[i] & 0xFF) == 0xEF && (bytes[i + 1] & 0xFF) == 0xBB
                && (bytes[i + 2] & 0xFF) == 0xBF;
    }

    /** The offset of the first byte of {@code bytes} that is not well-formed UTF-8 (RFC 3629), or -1 if none is. */
    public static int firstInvalidUtf8(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n && bytes[i] >= 0) {
            i++; // ASCII, the usual case, without a decoder
        }
        if (i == n) {
            return -1;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, i, n - i);
        CharBuffer out = CharBuffer.allocate(n - i);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            return in.position();
        }
        r = decoder.flush(out);
        return r.isError() ? in.position() : -1;
    }

    /** The index of the first unpaired surrogate in {@code s}, or -1 if there is none. */
    public static int unpairedSurrogate(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code \}{@code uXXXX} for the char at {@code index}, to name it in a message. */
    public static String escaped(CharSequence s, int index) {
        return String.format(Locale.ROOT, "\\u%04x", (int) s.charAt(index));
    }
}
