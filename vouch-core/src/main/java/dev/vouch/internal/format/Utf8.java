package dev.vouch.internal.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 encoding of {@link CharSequence}s straight into a byte array, without the intermediate arrays
 * {@code String.getBytes} makes. Unpaired surrogates become {@code '?'}, as {@code String.getBytes} does.
 */
public final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ASCII_MASK = 0x8080808080808080L;

    private Utf8() {
    }

    /** The number of bytes {@link #encode} writes for {@code s}. */
    public static int encodedLength(CharSequence s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // 4 bytes for 2 chars
                i++;
            } else if (Character.isSurrogate(c)) {
                // replaced by '?': one byte, already counted
                continue;
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    /** Writes {@code s} as UTF-8 at {@code off}; returns the number of bytes written. */
    public static int encode(CharSequence s, byte[] dst, int off) {
        int p = off;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[p++] = (byte) c;
            } else if (c < 0x800) {
                dst[p++] = (byte) (0xC0 | (c >> 6));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                dst[p++] = (byte) (0xF0 | (cp >> 18));
                dst[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                dst[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                dst[p++] = (byte) '?';
            } else {
                dst[p++] = (byte) (0xE0 | (c >> 12));
                dst[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p - off;
    }

    /**
     * Whether {@code len} bytes at {@code off} are well-formed UTF-8 (RFC 3629: shortest form, no surrogates,
     * nothing above U+10FFFF). Allocates nothing.
     */
    public static boolean isWellFormed(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            // Tool calls are mostly ASCII: skip it eight bytes at a time (verification reads every payload).
            while (end - i >= Long.BYTES && ((long) LONGS.get(b, i) & ASCII_MASK) == 0) {
                i += Long.BYTES;
            }
            if (i == end) {
                break;
            }
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + n >= end) {
                return false;
            }
            int cp = c & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }

    /**
     * The text of {@code len} bytes at {@code off}, with each maximal subpart of an ill-formed sequence replaced by
     * one U+FFFD (Unicode 15, section 3.9, "U+FFFD Substitution of Maximal Subparts", as the WHATWG Encoding
     * Standard decodes UTF-8, and Python's {@code bytes.decode("utf-8", "replace")}). {@code new String(b, UTF_8)}
     * does not follow it (a surrogate {@code ED A0 80} is one U+FFFD there, three here): an export line renders
     * settings that are not UTF-8 (FORMAT.md allows any bytes), and a verifier in another language must be able to
     * render the same text (an outside auditor's non-UTF-8 settings could be lied about to verify-journal.py).
     */
    public static String decodeReplacing(byte[] b, int off, int len) {
        if (isWellFormed(b, off, len)) {
            return new String(b, off, len, StandardCharsets.UTF_8);
        }
        StringBuilder out = new StringBuilder(len);
        int i = off;
        int end = off + len;
        while (i < end) {
            int c = b[i++] & 0xFF;
            if (c < 0x80) {
                out.append((char) c);
                continue;
            }
            int need;
            int lo = 0x80; // the range of the next continuation byte (Unicode 15, table 3-7)
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                lo = c == 0xE0 ? 0xA0 : lo;
                hi = c == 0xED ? 0x9F : hi;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                lo = c == 0xF0 ? 0x90 : lo;
                hi = c == 0xF4 ? 0x8F : hi;
            } else {
                out.append('\uFFFD');
                continue;
            }
            int cp = c & (0x3F >> need);
            for (; need > 0 && i < end; need--, i++) {
                int cc = b[i] & 0xFF;
                if (cc < lo || cc > hi) {
                    break;
                }
                cp = cp << 6 | cc & 0x3F;
                lo = 0x80;
                hi = 0xBF;
            }
            if (need == 0) {
                out.appendCodePoint(cp);
            } else {
                out.append('\uFFFD');
            }
        }
        return out.toString();
    }
}
