package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vouch.FormatException;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Known answers from Go's golang.org/x/mod/sumdb/note tests, and the strictness those tests demand. */
class NoteKeysTest {
    /** Verifier and signer keys published in golang.org/x/mod/sumdb/note (note.go doc and note_test.go). */
    static final String PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    static final String PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    static final String ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

    /** The seed inside Go's encoded signer key: base64(0x01 || 32-byte seed) after the fourth '+'. */
    static SigningKey peterSigningKey() {
        String prefix = "PRIVATE+KEY+PeterNeumann+c74f20a3+";
        assertTrue(PETER_SKEY.startsWith(prefix));
        String b64 = PETER_SKEY.substring(prefix.length());
        byte[] typed = Base64.getDecoder().decode(b64);
        assertEquals(1, typed[0]);
        return SigningKey.fromSeed(Arrays.copyOfRange(typed, 1, typed.length));
    }

    @Test
    void shouldComputeGoKeyIdAndVerifierKeyForPeterNeumann() {
        VerifyingKey key = peterSigningKey().verifyingKey();

        assertEquals(0xc74f20a3, NoteKeys.keyId("PeterNeumann", key));
        assertEquals(PETER_VKEY, NoteKeys.verifierKey("PeterNeumann", key));
        assertEquals(key, NoteKeys.parseVerifierKey(PETER_VKEY));
        assertEquals("PeterNeumann", NoteKeys.nameOfVerifierKey(PETER_VKEY));
    }

    @Test
    void shouldRoundTripEnochRootVerifierKey() {
        VerifyingKey key = NoteKeys.parseVerifierKey(ENOCH_VKEY);
        assertEquals(0xaf0cfe78, NoteKeys.keyId("EnochRoot", key));
        assertEquals(ENOCH_VKEY, NoteKeys.verifierKey("EnochRoot", key));
    }

    @Test
    void shouldRoundTripGeneratedVerifierKey() {
        VerifyingKey key = SigningKey.generate(new SecureRandom()).verifyingKey();
        String vkey = NoteKeys.verifierKey("example.com/log", key);
        assertTrue(vkey.matches("example\\.com/log\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{44}"), vkey);
        assertEquals(key, NoteKeys.parseVerifierKey(vkey));
    }

    @Test
    void shouldRejectEveryTruncationAndEveryAlteredCharacterOfVerifierKey() {
        // Go's TestNewVerifier: every proper substring and every single-character change must fail.
        String k = PETER_VKEY;
        for (int i = 0; i <= k.length(); i++) {
            for (int j = i + 1; j <= k.length(); j++) {
                if (i != 0 || j != k.length()) {
                    assertRejected(k.substring(i, j));
                }
            }
        }
        char[] c = k.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i]++;
            assertRejected(new String(c));
            c[i]--;
        }
    }

    @Test
    void shouldRejectVerifierKeyOfWrongLengthOrUnknownAlgorithmEvenWithAdjustedKeyId() {
        // From Go's TestNewVerifier: the key IDs were recomputed so only the length or algorithm is wrong.
        // (Go decodes the first one and fails on length; its base64 is not canonical, so it fails here sooner.)
        assertRejected("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==");
        VerifyingKey peter = NoteKeys.parseVerifierKey(PETER_VKEY);
        byte[] longer = new byte[34];
        longer[0] = 1;
        peter.copyTo(longer, 1);
        FormatException length = assertThrows(FormatException.class, () -> NoteKeys.parseVerifierKey(
                "PeterNeumann+00000000+" + Base64.getEncoder().encodeToString(longer)));
        assertTrue(length.getMessage().contains("33 bytes, expected 32"), length.getMessage());
        FormatException alg = assertThrows(FormatException.class, () -> NoteKeys.parseVerifierKey(
                "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
        assertTrue(alg.getMessage().contains("0x65"), alg.getMessage());
    }

    @Test
    void shouldRejectVerifierKeyWhoseIdDoesNotMatch() {
        FormatException e = assertThrows(FormatException.class, () -> NoteKeys.parseVerifierKey(
                "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
        assertTrue(e.getMessage().contains("computed c74f20a3"), e.getMessage());
    }

    @Test
    void shouldRejectUppercaseKeyIdAndSurroundingWhitespace() {
        assertRejected("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
        assertRejected(PETER_VKEY + "\n");
        assertRejected(" " + PETER_VKEY);
    }

    @Test
    void shouldRejectNameWithSpacePlusOrControlCharacters() {
        for (String bad : new String[] {"", "a b", "a+b", "a\tb", "a\nb", "a\u00a0b", "a\u0085b", "a\u2003b",
            "a\u3000b", "a\u0000b", "a\u007fb", "a\ud800b"}) {
            assertThrows(FormatException.class, () -> NoteKeys.checkName(bad), () -> "accepted " + bad);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PeterNeumann", "example.com/log42", "sum.golang.org", "\u00fcber-log", "log\ud83d\udcdc"})
    void shouldAcceptValidNames(String name) {
        assertDoesNotThrow(() -> NoteKeys.checkName(name));
    }

    @Test
    void shouldHashNameAsUtf8() {
        VerifyingKey key = peterSigningKey().verifyingKey();
        String name = "\u00fcber";
        byte[] msg = new byte[name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2 + 32];
        byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(utf8, 0, msg, 0, utf8.length);
        msg[utf8.length] = '\n';
        msg[utf8.length + 1] = 1;
        key.copyTo(msg, utf8.length + 2);
        byte[] h = Encoding.sha256().digest(msg);
        int expected = java.nio.ByteBuffer.wrap(h).getInt();
        assertEquals(expected, NoteKeys.keyId(name, key));
        assertArrayEquals(key.bytes(), NoteKeys.parseVerifierKey(NoteKeys.verifierKey(name, key)).bytes());
    }

    private static void assertRejected(String vkey) {
        try {
            NoteKeys.parseVerifierKey(vkey);
            fail("parseVerifierKey accepted " + vkey);
        } catch (FormatException expected) {
            // Each rejection must explain itself.
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        }
    }
}
