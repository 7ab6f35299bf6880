package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.FormatException;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Test;

class SigningKeyTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72). */
    @Test
    void shouldMatchRfc8032TestVectors() {
        SigningKey k1 = SigningKey.fromSeed(HEX.parseHex(
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                HEX.formatHex(k1.verifyingKey().bytes()));
        assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e397"
                + "01cf9b46bd25bf5f0595bbe24655141438e7a100b", HEX.formatHex(k1.sign(new byte[0])));

        SigningKey k2 = SigningKey.fromSeed(HEX.parseHex(
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
        assertEquals("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                HEX.formatHex(k2.verifyingKey().bytes()));
        assertEquals("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
                + "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00", HEX.formatHex(k2.sign(new byte[] {0x72})));
    }

    @Test
    void shouldSignIntoBufferAtOffset() {
        SigningKey key = SigningKey.generate(new SecureRandom());
        byte[] msg = "..payload..".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[70];
        key.sign(msg, 2, 7, out, 3);

        byte[] sig = java.util.Arrays.copyOfRange(out, 3, 67);
        assertArrayEquals(key.sign(java.util.Arrays.copyOfRange(msg, 2, 9)), sig);
        assertTrue(key.verifyingKey().verify(out, 3, msg, 2, 7));
        assertThrows(IndexOutOfBoundsException.class, () -> key.sign(msg, 0, 7, new byte[63], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> key.sign(msg, 5, 7, out, 0));
    }

    @Test
    void shouldRefuseToSignAfterDestroy() {
        SigningKey key = SigningKey.generate(new SecureRandom());
        VerifyingKey pub = key.verifyingKey();
        key.destroy();

        assertTrue(key.isDestroyed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> key.sign(new byte[1]));
        assertEquals("signing key destroyed", e.getMessage());
        assertThrows(IllegalStateException.class, key::toPkcs8Pem);
        assertEquals(pub, key.verifyingKey());
        assertTrue(key.toString().contains("destroyed"));
        key.destroy();
    }

    @Test
    void shouldNotShowKeyMaterialInToString() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        SigningKey key = SigningKey.fromSeed(seed);
        String s = key.toString();

        assertFalse(s.contains(HEX.formatHex(seed).substring(0, 8)), s);
        assertFalse(s.contains(Base64.getEncoder().encodeToString(seed).substring(0, 8)), s);
        assertEquals("SigningKey[" + key.verifyingKey() + "]", s);
    }

    @Test
    void shouldCopySeedOnConstruction() {
        byte[] seed = new byte[32];
        SigningKey key = SigningKey.fromSeed(seed);
        byte[] before = key.sign(new byte[] {1});
        seed[0] = 1;
        assertArrayEquals(before, key.sign(new byte[] {1}));
    }

    @Test
    void shouldRejectSeedOfWrongLength() {
        assertThrows(FormatException.class, () -> SigningKey.fromSeed(new byte[31]));
        assertThrows(FormatException.class, () -> SigningKey.fromSeed(new byte[33]));
    }

    @Test
    void shouldRoundTripPkcs8Pem() {
        SigningKey key = SigningKey.generate(new SecureRandom());
        String pem = key.toPkcs8Pem();

        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"), pem);
        assertTrue(pem.endsWith("\n-----END PRIVATE KEY-----\n"), pem);
        assertEquals(3, pem.lines().count());
        assertEquals(key.verifyingKey(), SigningKey.fromPkcs8Pem(pem).verifyingKey());
        assertEquals(key.verifyingKey(), SigningKey.fromPkcs8Pem(pem.replace("\n", "\r\n")).verifyingKey());
    }

    @Test
    void shouldAcceptPkcs8V2WithMatchingPublicKey() throws IOException {
        SigningKey key = SigningKey.generate(new SecureRandom());
        String pem = v2Pem(seedOf(key), key.verifyingKey().bytes());
        assertEquals(key.verifyingKey(), SigningKey.fromPkcs8Pem(pem).verifyingKey());
    }

    @Test
    void shouldRejectPkcs8V2WithMismatchedPublicKey() throws IOException {
        SigningKey key = SigningKey.generate(new SecureRandom());
        byte[] other = SigningKey.generate(new SecureRandom()).verifyingKey().bytes();
        FormatException e = assertThrows(FormatException.class,
                () -> SigningKey.fromPkcs8Pem(v2Pem(seedOf(key), other)));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void shouldRejectOtherAlgorithmNamingItsOid() throws IOException {
        // An Ed448 key: same structure, different OID and a 57-byte seed.
        PrivateKeyInfo info = new PrivateKeyInfo(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.101.113")),
                new DEROctetString(new byte[57]));
        FormatException e = assertThrows(FormatException.class,
                () -> SigningKey.fromPkcs8Pem(Pem.encode("PRIVATE KEY", info.getEncoded())));
        assertTrue(e.getMessage().contains("Ed448 (OID 1.3.101.113)"), e.getMessage());
    }

    @Test
    void shouldRejectWrongPemKinds() {
        String der = Base64.getEncoder().encodeToString(new byte[48]);
        assertRejected("-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + der + "\n-----END ENCRYPTED PRIVATE KEY-----\n",
                "encrypted");
        assertRejected("-----BEGIN OPENSSH PRIVATE KEY-----\n" + der + "\n-----END OPENSSH PRIVATE KEY-----\n",
                "OpenSSH");
        assertRejected("-----BEGIN RSA PRIVATE KEY-----\n" + der + "\n-----END RSA PRIVATE KEY-----\n",
                "legacy OpenSSL 'RSA PRIVATE KEY'");
        assertRejected(SigningKey.generate(new SecureRandom()).verifyingKey().toPem(), "found a PUBLIC KEY");
        assertRejected("-----BEGIN PRIVATE KEY-----\n" + der + "\n-----END PRIVATE KEY-----\n", "PKCS#8");
        assertRejected("", "empty");
        assertRejected("hello", "not PEM");
        String pem = SigningKey.generate(new SecureRandom()).toPkcs8Pem();
        assertRejected(pem + pem, "exactly one PEM block");
        assertRejected(pem.replace("-----END PRIVATE KEY-----", "-----END PUBLIC KEY-----"), "expected '-----END PRIVATE KEY-----'");
        assertRejected(pem.replace("MC4", "MC*"), "not valid base64");
        assertRejected(pem.replace("-----BEGIN PRIVATE KEY-----\n",
                "-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"), "headers");
    }

    private static void assertRejected(String pem, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> SigningKey.fromPkcs8Pem(pem));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void shouldGenerateDistinctKeys() {
        SecureRandom random = new SecureRandom();
        assertNotEquals(SigningKey.generate(random).verifyingKey(), SigningKey.generate(random).verifyingKey());
    }

    static byte[] seedOf(SigningKey key) {
        byte[] der = Base64.getDecoder().decode(key.toPkcs8Pem().lines().skip(1).findFirst().orElseThrow());
        return java.util.Arrays.copyOfRange(der, 16, 48);
    }

    static String v2Pem(byte[] seed, byte[] publicKey) throws IOException {
        PrivateKeyInfo info = new PrivateKeyInfo(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.101.112")),
                new DEROctetString(seed), null, publicKey);
        assertEquals(1, info.getVersion().intValueExact(), "BC should write version 2 (value 1)");
        return Pem.encode("PRIVATE KEY", info.getEncoded("DER"));
    }
}
