package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.FormatException;
import dev.vouch.KeyFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyingKeyTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripRawBytesAndPem() {
        VerifyingKey key = SigningKey.generate(RANDOM).verifyingKey();
        byte[] raw = key.bytes();

        assertEquals(key, VerifyingKey.of(raw));
        assertEquals(key.hashCode(), VerifyingKey.of(raw).hashCode());
        assertEquals(key, VerifyingKey.fromPem(key.toPem()));
        byte[] dst = new byte[40];
        key.copyTo(dst, 8);
        assertArrayEquals(raw, Arrays.copyOfRange(dst, 8, 40));
        assertThrows(IndexOutOfBoundsException.class, () -> key.copyTo(new byte[40], 9));
    }

    @Test
    void shouldWritePemInSpkiLayout() {
        VerifyingKey key = SigningKey.generate(RANDOM).verifyingKey();
        String pem = key.toPem();
        String[] lines = pem.split("\n");

        assertEquals(3, lines.length);
        assertEquals("-----BEGIN PUBLIC KEY-----", lines[0]);
        assertEquals("-----END PUBLIC KEY-----", lines[2]);
        assertTrue(pem.endsWith("\n"));
        byte[] der = Base64.getDecoder().decode(lines[1]);
        assertEquals("302a300506032b6570032100", HexFormat.of().formatHex(der, 0, 12));
        assertArrayEquals(key.bytes(), Arrays.copyOfRange(der, 12, 44));
    }

    @Test
    void shouldBeImmutable() {
        byte[] raw = SigningKey.generate(RANDOM).verifyingKey().bytes();
        VerifyingKey key = VerifyingKey.of(raw);
        raw[0] ^= 1;
        key.bytes()[1] ^= 1;
        raw[0] ^= 1;
        assertArrayEquals(raw, key.bytes());
    }

    @Test
    void shouldRejectKeysOfWrongLengthOrNotOnTheCurve() {
        assertThrows(FormatException.class, () -> VerifyingKey.of(new byte[31]));
        assertThrows(FormatException.class, () -> VerifyingKey.of(new byte[33]));
        // y = 2^255 - 1 is not canonical (>= p).
        byte[] nonCanonical = new byte[32];
        Arrays.fill(nonCanonical, (byte) 0xff);
        nonCanonical[31] = 0x7f;
        assertThrows(FormatException.class, () -> VerifyingKey.of(nonCanonical));
        // The identity point (y = 1) has small order: every signature "verifies" under it in lax verifiers.
        byte[] identity = new byte[32];
        identity[0] = 1;
        assertThrows(FormatException.class, () -> VerifyingKey.of(identity));
    }

    @Test
    void shouldReturnFalseForBadSignaturesWithoutThrowing() {
        SigningKey signer = SigningKey.generate(RANDOM);
        VerifyingKey key = signer.verifyingKey();
        byte[] msg = "message".getBytes(StandardCharsets.UTF_8);
        byte[] sig = signer.sign(msg);

        assertTrue(key.verify(sig, msg));
        for (int i = 0; i < sig.length; i += 7) {
            byte[] bad = sig.clone();
            bad[i] ^= 0x10;
            assertFalse(key.verify(bad, msg), "flipped bit in byte " + i);
        }
        assertFalse(key.verify(sig, "messagf".getBytes(StandardCharsets.UTF_8)));
        assertFalse(key.verify(new byte[64], msg));
        byte[] allOnes = new byte[64];
        Arrays.fill(allOnes, (byte) 0xff);
        assertFalse(key.verify(allOnes, msg));
        assertFalse(key.verify(Arrays.copyOf(sig, 63), msg));
        assertFalse(key.verify(Arrays.copyOf(sig, 65), msg));
        assertFalse(SigningKey.generate(RANDOM).verifyingKey().verify(sig, msg));
    }

    @Test
    void shouldRejectSignatureWithNonCanonicalScalar() {
        // Malleability: S + L is the same signature to a lax verifier; RFC 8032 requires S < L.
        SigningKey signer = SigningKey.generate(RANDOM);
        byte[] msg = {1, 2, 3};
        byte[] sig = signer.sign(msg);
        java.math.BigInteger l = java.math.BigInteger.ONE.shiftLeft(252)
                .add(new java.math.BigInteger("27742317777372353535851937790883648493"));
        byte[] sLe = Arrays.copyOfRange(sig, 32, 64);
        java.math.BigInteger s = new java.math.BigInteger(1, reverse(sLe)).add(l);
        byte[] big = reverse(toFixed(s.toByteArray(), 32));
        byte[] malleated = sig.clone();
        System.arraycopy(big, 0, malleated, 32, 32);
        assertFalse(signer.verifyingKey().verify(malleated, msg));
    }

    @Test
    void shouldFormatFingerprintAndToString() {
        VerifyingKey key = SigningKey.generate(RANDOM).verifyingKey();
        String expected = HexFormat.of().formatHex(Encoding.sha256().digest(key.bytes()));

        assertEquals(expected, key.fingerprint());
        assertEquals("ed25519:" + expected.substring(0, 16), key.toString());
    }

    @Test
    void shouldRejectPemOfOtherKindsWithClearMessages() throws IOException {
        SigningKey signer = SigningKey.generate(RANDOM);
        assertPemRejected(signer.toPkcs8Pem(), "private key");
        assertPemRejected("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "'CERTIFICATE'");
        assertPemRejected(signer.verifyingKey().toPem() + "trailing", "exactly one PEM block");
        assertPemRejected(signer.verifyingKey().toPem().replace("MCow", "MCoW"), "not an Ed25519 key");
        Openssl.ok(dir, "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa.pem");
        String rsaPub = Openssl.ok(dir, "pkey", "-in", "rsa.pem", "-pubout");
        assertPemRejected(rsaPub, "RSA (OID 1.2.840.113549.1.1.1)");
    }

    private static void assertPemRejected(String pem, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> VerifyingKey.fromPem(pem));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void shouldReadPemFileAndVerifierKeyFile() throws IOException {
        VerifyingKey key = SigningKey.generate(RANDOM).verifyingKey();
        Path pem = dir.resolve("log.pub");
        Files.writeString(pem, "\n  " + key.toPem() + "\n\n");
        Path vkey = dir.resolve("log.vkey");
        Files.writeString(vkey, NoteKeys.verifierKey("example.com/log", key) + "\n");

        assertEquals(key, VerifyingKey.read(pem));
        assertEquals(key, VerifyingKey.read(vkey));
        // As a Windows editor saves it: a byte-order mark and CRLF (an outside trial's was refused for the mark).
        Path bom = dir.resolve("bom.pub");
        Files.writeString(bom, "\ufeff" + key.toPem().replace("\n", "\r\n"));
        assertEquals(key, VerifyingKey.read(bom));
        Files.writeString(bom, "\ufeff\ufeff" + key.toPem());
        assertEquals(key, VerifyingKey.read(bom), "two byte-order marks, as an editor that adds one leaves");
    }

    @Test
    void shouldRefuseToReadPrivateKeyAsTrustAnchor() throws IOException {
        Path file = dir.resolve(".vouch_key");
        KeyFile.create(file, RANDOM);
        assertReadRejected(file, "holds a private key; pass the public key");

        Path goKey = dir.resolve("note.key");
        Files.writeString(goKey, NoteKeysTest.PETER_SKEY + "\n");
        assertReadRejected(goKey, "private key");
    }

    @Test
    void shouldExplainWhatWasFoundWhenReadingBadFile() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertReadRejected(empty, "file is empty");
        Path text = Files.writeString(dir.resolve("text"), "hello\nworld\n");
        assertReadRejected(text, "found 2 lines of other text");
        Path binary = Files.write(dir.resolve("bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertReadRejected(binary, "binary data");
        Path badVkey = Files.writeString(dir.resolve("bad.vkey"), NoteKeysTest.PETER_VKEY.replace("c7", "c8"));
        assertReadRejected(badVkey, "does not match");
        assertReadRejected(dir.resolve("missing"), "no such file");
        assertReadRejected(dir, "directory");
    }

    private static void assertReadRejected(Path file, String expected) {
        KeyFileException e = assertThrows(KeyFileException.class, () -> VerifyingKey.read(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void shouldHaveValueEquality() {
        VerifyingKey a = SigningKey.generate(RANDOM).verifyingKey();
        VerifyingKey b = SigningKey.generate(RANDOM).verifyingKey();
        assertNotEquals(a, b);
        assertEquals(a, VerifyingKey.of(a.bytes()));
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    private static byte[] toFixed(byte[] bigEndian, int len) {
        byte[] out = new byte[len];
        int n = Math.min(len, bigEndian.length);
        System.arraycopy(bigEndian, bigEndian.length - n, out, len - n, n);
        return out;
    }
}
