package dev.vouch.crypto;

import dev.vouch.FormatException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/** Small shared helpers: SHA-256, strict base64, and the character rules of signed notes. */
final class Encoding {
    private Encoding() {
    }

    /**
     * A fresh SHA-256 digest. The JDK's implementation uses the SHA-NI intrinsic and is several times faster
     * than Bouncy Castle's.
     */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE runtime must provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * Decodes standard base64 (RFC 4648 section 4, with padding) and returns null unless {@code text} is the
     * one canonical encoding of its bytes. The JDK decoder alone accepts missing padding and non-zero trailing
     * bits; accepting those would let two different strings carry the same signature or key.
     */
    static byte[] decodeBase64(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return Base64.getEncoder().encodeToString(bytes).equals(text) ? bytes : null;
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Checks the C2SP rule for note text: well-formed Unicode (so it encodes to valid UTF-8) and no control
     * character below U+0020 other than newline.
     *
     * @param what names the text in the error, e.g. "note" or "checkpoint"
     * @throws FormatException naming the 1-based line of the first offending character
     */
    static void checkNoteChars(String text, String what) {
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            } else if (c < 0x20) {
                String hint = c == '\r' ? " (CRLF line endings are not allowed)" : "";
                throw new FormatException(what + " line " + line + ": control character " + codePoint(c)
                        + " is not allowed" + hint);
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    throw new FormatException(what + " line " + line + ": unpaired surrogate " + codePoint(c)
                            + " (not valid UTF-8)");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new FormatException(what + " line " + line + ": unpaired surrogate " + codePoint(c)
                        + " (not valid UTF-8)");
            }
        }
    }

    /** "U+000D" style, for error messages. */
    static String codePoint(int c) {
        return String.format(Locale.ROOT, "U+%04X", c);
    }

    /**
     * Quotes untrusted text for an error message: at most {@code max} characters, with control and other
     * non-printing characters escaped so a hostile input cannot forge log lines.
     */
    static String quote(String text, int max) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), max) + 8).append('"');
        int end = Math.min(text.length(), max);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.CONTROL
                    || Character.isSurrogate(c) || Character.getType(c) == Character.FORMAT) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
        if (text.length() > max) {
            b.append("... (").append(text.length()).append(" chars)");
        }
        return b.toString();
    }
}
