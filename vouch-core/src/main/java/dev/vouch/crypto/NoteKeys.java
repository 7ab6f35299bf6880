package dev.vouch.crypto;

import dev.vouch.FormatException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Key names, key IDs and verifier keys of C2SP signed notes (https://c2sp.org/signed-note), Ed25519 only
 * (signature type 0x01). A verifier key is the one-line text form of a public key that Go's
 * {@code golang.org/x/mod/sumdb/note} and transparency-log witnesses read:
 * {@code name+<key ID as 8 hex digits>+base64(0x01 || 32-byte key)}.
 *
 * <p>All methods are pure functions and thread-safe.
 */
public final class NoteKeys {
    /** Signature type byte of Ed25519 in the signed-note registry. */
    static final byte ED25519 = 0x01;

    private NoteKeys() {
    }

    /**
     * The key ID of an Ed25519 key: the first 4 bytes, big-endian, of
     * {@code SHA-256(name || 0x0A || 0x01 || 32-byte key)}.
     *
     * @throws FormatException if {@code name} is not a valid key name ({@link #checkName})
     */
    public static int keyId(String name, VerifyingKey key) {
        checkName(name);
        Objects.requireNonNull(key, "key");
        MessageDigest sha = Encoding.sha256();
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        sha.update(ED25519);
        sha.update(key.rawBytes());
        byte[] h = sha.digest();
        return (h[0] & 0xff) << 24 | (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
    }

    /**
     * The verifier key {@code name+<8 lowercase hex>+base64(0x01 || key)}, readable by Go's note package.
     *
     * @throws FormatException if {@code name} is not a valid key name
     */
    public static String verifierKey(String name, VerifyingKey key) {
        byte[] typed = new byte[1 + VerifyingKey.SIZE];
        typed[0] = ED25519;
        key.copyTo(typed, 1);
        return name + "+" + String.format(Locale.ROOT, "%08x", keyId(name, key)) + "+" + Encoding.base64(typed);
    }

    /**
     * Parses a verifier key strictly: a valid name, exactly 8 lowercase hex digits that equal the key ID
     * recomputed from the name and key, and canonical base64 of 0x01 followed by a valid 32-byte Ed25519 key.
     * No surrounding whitespace is allowed.
     *
     * @throws FormatException saying which part is wrong
     */
    public static VerifyingKey parseVerifierKey(String vkey) {
        return parse(vkey).key;
    }

    /**
     * The name part of a verifier key, after checking the whole key exactly as {@link #parseVerifierKey} does.
     *
     * @throws FormatException if {@code vkey} is not a valid verifier key
     */
    public static String nameOfVerifierKey(String vkey) {
        return parse(vkey).name;
    }

    private static final class Parsed {
        final String name;
        final VerifyingKey key;

        Parsed(String name, VerifyingKey key) {
            this.name = name;
            this.key = key;
        }
    }

    private static Parsed parse(String vkey) {
        Objects.requireNonNull(vkey, "vkey");
        int plus1 = vkey.indexOf('+');
        int plus2 = plus1 < 0 ? -1 : vkey.indexOf('+', plus1 + 1);
        if (plus2 < 0) {
            throw new FormatException("verifier key " + Encoding.quote(vkey, 40)
                    + " is not of the form name+keyid+base64key");
        }
        String name = vkey.substring(0, plus1);
        String hex = vkey.substring(plus1 + 1, plus2);
        String b64 = vkey.substring(plus2 + 1);
        try {
            checkName(name);
        } catch (FormatException e) {
            throw new FormatException("verifier key: " + e.getMessage(), e);
        }
        if (!isLowerHex8(hex)) {
            throw new FormatException("verifier key for " + name + ": key ID " + Encoding.quote(hex, 20)
                    + " is not 8 lowercase hex digits");
        }
        byte[] typed = Encoding.decodeBase64(b64);
        if (typed == null || typed.length == 0) {
            throw new FormatException("verifier key for " + name + ": key " + Encoding.quote(b64, 60)
                    + " is not canonical standard base64");
        }
        if (typed[0] != ED25519) {
            throw new FormatException(String.format(Locale.ROOT,
                    "verifier key for %s: unsupported signature type 0x%02x"
                    + " (only Ed25519, 0x01, is supported)", name, typed[0] & 0xff));
        }
        if (typed.length != 1 + VerifyingKey.SIZE) {
            throw new FormatException("verifier key for " + name + ": Ed25519 key is " + (typed.length - 1)
                    + " bytes, expected " + VerifyingKey.SIZE);
        }
        VerifyingKey key = VerifyingKey.of(Arrays.copyOfRange(typed, 1, typed.length));
        int id = keyId(name, key);
        if (id != Integer.parseUnsignedInt(hex, 16)) {
            throw new FormatException(String.format(Locale.ROOT, "verifier key for %s: key ID %s does not match the key"
                    + " (computed %08x)", name, hex, id));
        }
        return new Parsed(name, key);
    }

    private static boolean isLowerHex8(String s) {
        if (s.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a key name: non-empty, well-formed Unicode (valid UTF-8 once encoded), no Unicode space
     * (including U+0085 and U+00A0, as Go's {@code unicode.IsSpace}), no {@code +}, and no control
     * character. The spec's rule is the first four; control characters are refused too because a note
     * may not contain them anyway.
     *
     * @throws FormatException naming the offending character and its position
     */
    public static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new FormatException("key name is empty");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
                throw new FormatException("key name " + Encoding.quote(name, 60) + " has an unpaired surrogate at"
                        + " index " + i + " (not valid UTF-8)");
            }
            if (cp == '+') {
                throw new FormatException("key name " + Encoding.quote(name, 60) + " contains '+' at index " + i);
            }
            if (isSpace(cp)) {
                throw new FormatException("key name " + Encoding.quote(name, 60) + " contains a space character ("
                        + Encoding.codePoint(cp) + ") at index " + i);
            }
            if (Character.getType(cp) == Character.CONTROL) {
                throw new FormatException("key name " + Encoding.quote(name, 60) + " contains control character "
                        + Encoding.codePoint(cp) + " at index " + i);
            }
            i += Character.charCount(cp);
        }
    }

    /** Go's {@code unicode.IsSpace}: Unicode White_Space. Java's isWhitespace misses U+0085 and no-break spaces. */
    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }
}
