package dev.vouch.crypto;

import dev.vouch.FormatException;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * An Ed25519 private key, held as its 32-byte seed (RFC 8032 "private key") and the derived public key.
 *
 * <p>Thread safety: {@link #sign} may be called from any number of threads at once. {@link #destroy()} must
 * not run concurrently with {@code sign}; a signature made while the seed is being zeroed is garbage. After
 * {@code destroy()} every {@code sign} throws {@link IllegalStateException}.
 *
 * <p>{@link #toString()} never shows key material, and there is no {@code equals}: two handles on the same
 * secret are compared, if ever, through {@link #verifyingKey()}.
 */
public final class SigningKey {
    /** Size of an Ed25519 seed in bytes. */
    public static final int SEED_SIZE = Ed25519.SECRET_KEY_SIZE;
    /** Size of an Ed25519 signature in bytes. */
    public static final int SIGNATURE_SIZE = Ed25519.SIGNATURE_SIZE;

    /** DER of a version 1 PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410) up to the seed; what openssl writes. */
    private static final byte[] PKCS8_PREFIX = {
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
    };
    private static final String PEM_LABEL = "PRIVATE KEY";

    private final byte[] seed;
    private final byte[] publicKey;
    private final VerifyingKey verifyingKey;
    private volatile boolean destroyed;

    /** Takes ownership of {@code seed}. */
    private SigningKey(byte[] seed) {
        this.seed = seed;
        this.publicKey = new byte[VerifyingKey.SIZE];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        this.verifyingKey = VerifyingKey.of(publicKey);
    }

    /** A new random key. {@code random} should be a {@code SecureRandom} seeded by the operating system. */
    public static SigningKey generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] seed = new byte[SEED_SIZE];
        Ed25519.generatePrivateKey(random, seed);
        return new SigningKey(seed);
    }

    /**
     * The key with this 32-byte seed; the array is copied (the caller may zero its own copy).
     *
     * @throws FormatException if {@code seed32} is not 32 bytes
     */
    public static SigningKey fromSeed(byte[] seed32) {
        Objects.requireNonNull(seed32, "seed32");
        if (seed32.length != SEED_SIZE) {
            throw new FormatException("an Ed25519 seed is " + SEED_SIZE + " bytes, got " + seed32.length);
        }
        return new SigningKey(seed32.clone());
    }

    /** The public half. Available even after {@link #destroy()}. */
    public VerifyingKey verifyingKey() {
        return verifyingKey;
    }

    /**
     * Signs {@code msg[off, off + len)} with pure Ed25519 (RFC 8032) and writes the 64-byte signature to
     * {@code sigOut[sigOff]}. Deterministic, thread-safe, and allocates nothing itself (Bouncy Castle
     * allocates a few small temporaries inside).
     *
     * @throws IllegalStateException if the key was destroyed
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    public void sign(byte[] msg, int off, int len, byte[] sigOut, int sigOff) {
        Objects.checkFromIndexSize(off, len, msg.length);
        Objects.checkFromIndexSize(sigOff, SIGNATURE_SIZE, sigOut.length);
        checkNotDestroyed();
        // Passing the public key saves the scalar multiplication Bouncy Castle would otherwise redo per call.
        Ed25519.sign(seed, 0, publicKey, 0, msg, off, len, sigOut, sigOff);
        // Best effort against a racing destroy(): never hand out a signature made from a half-zeroed seed.
        checkNotDestroyed();
    }

    /**
     * Signs all of {@code msg} and returns the 64-byte signature.
     *
     * @throws IllegalStateException if the key was destroyed
     */
    public byte[] sign(byte[] msg) {
        byte[] sig = new byte[SIGNATURE_SIZE];
        sign(msg, 0, msg.length, sig, 0);
        return sig;
    }

    /**
     * Zeroes the seed. Idempotent. Later calls to {@link #sign} and {@link #toPkcs8Pem} throw
     * {@link IllegalStateException}. Copies already written elsewhere (a key file, a PEM string) are not
     * affected. Not thread-safe with respect to {@code sign}.
     */
    public void destroy() {
        destroyed = true;
        Arrays.fill(seed, (byte) 0);
    }

    /** Whether {@link #destroy()} has been called. */
    public boolean isDestroyed() {
        return destroyed;
    }

    /**
     * The key as PKCS#8 PEM, byte for byte what {@code openssl genpkey -algorithm ed25519} writes. The result
     * is a {@code String} and cannot be wiped; {@link KeyFile} writes key files without making one.
     *
     * @throws IllegalStateException if the key was destroyed
     */
    public String toPkcs8Pem() {
        byte[] der = pkcs8Der();
        try {
            return Pem.encode(PEM_LABEL, der);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** {@link #toPkcs8Pem} as ASCII bytes, never a {@code String}, for {@link KeyFile}; the caller zeroes them. */
    byte[] toPkcs8PemBytes() {
        byte[] der = pkcs8Der();
        try {
            return Pem.encodeAscii(PEM_LABEL, der);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    private byte[] pkcs8Der() {
        checkNotDestroyed();
        byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + SEED_SIZE);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, SEED_SIZE);
        checkNotDestroyed();
        return der;
    }

    /**
     * Parses a PKCS#8 {@code PRIVATE KEY} PEM holding an Ed25519 key: the form {@code openssl genpkey} writes
     * (version 1), or version 2 (RFC 5958 OneAsymmetricKey) with the public key attached, in which case the
     * attached key must be the one the seed derives.
     *
     * @throws FormatException saying what was found instead: another key algorithm (with its OID), an
     *     encrypted or legacy-format key, a public key, or malformed PEM or DER
     */
    public static SigningKey fromPkcs8Pem(String pem) {
        Objects.requireNonNull(pem, "pem");
        Pem.Block block = Pem.decode(pem);
        checkLabel(block.label());
        byte[] der = block.der();
        try {
            if (der.length == PKCS8_PREFIX.length + SEED_SIZE
                    && Arrays.equals(der, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)) {
                return new SigningKey(Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length));
            }
            return fromPrivateKeyInfo(der);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    private static void checkLabel(String label) {
        if (label.equals(PEM_LABEL)) {
            return;
        }
        if (label.equals("ENCRYPTED PRIVATE KEY")) {
            throw new FormatException("found an encrypted PKCS#8 key; the key file must be unencrypted and"
                    + " protected by its file mode (decrypt with: openssl pkey -in <in> -out <out>)");
        }
        if (label.equals("OPENSSH PRIVATE KEY")) {
            throw new FormatException("found an OpenSSH private key, expected a PKCS#8 'PRIVATE KEY' (as written"
                    + " by openssl genpkey -algorithm ed25519)");
        }
        if (label.endsWith(" PRIVATE KEY")) {
            throw new FormatException("found a legacy OpenSSL '" + label + "', expected an Ed25519 PKCS#8"
                    + " 'PRIVATE KEY'");
        }
        if (label.equals("PUBLIC KEY")) {
            throw new FormatException("found a PUBLIC KEY, expected the Ed25519 PKCS#8 'PRIVATE KEY'");
        }
        throw new FormatException("expected a PEM 'PRIVATE KEY' block, found '" + label + "'");
    }

    private static SigningKey fromPrivateKeyInfo(byte[] der) {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException e) {
            throw new FormatException("PRIVATE KEY is not valid PKCS#8 DER: " + e.getMessage(), e);
        }
        AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
        String oid = alg.getAlgorithm().getId();
        if (!oid.equals(Pem.ED25519_OID)) {
            throw new FormatException("PRIVATE KEY is " + Pem.algorithmName(oid) + ", expected Ed25519 (OID "
                    + Pem.ED25519_OID + ")");
        }
        if (alg.getParameters() != null) {
            throw new FormatException("Ed25519 PRIVATE KEY has algorithm parameters; RFC 8410 forbids them");
        }
        byte[] seed;
        try {
            ASN1Encodable inner = info.parsePrivateKey();
            if (!(inner instanceof ASN1OctetString)) {
                throw new FormatException("Ed25519 PRIVATE KEY does not hold an OCTET STRING seed (RFC 8410)");
            }
            seed = ((ASN1OctetString) inner).getOctets();
        } catch (IOException | RuntimeException e) {
            if (e instanceof FormatException) {
                throw (FormatException) e;
            }
            throw new FormatException("Ed25519 PRIVATE KEY seed is not valid DER: " + e.getMessage(), e);
        }
        if (seed.length != SEED_SIZE) {
            throw new FormatException("Ed25519 PRIVATE KEY seed is " + seed.length + " bytes, expected "
                    + SEED_SIZE);
        }
        SigningKey key = new SigningKey(seed);
        if (info.hasPublicKey()) {
            ASN1BitString attached = info.getPublicKeyData();
            if (attached.getPadBits() != 0
                    || !MessageDigest.isEqual(attached.getBytes(), key.publicKey)) {
                key.destroy();
                throw new FormatException("the public key attached to the PRIVATE KEY (PKCS#8 v2) does not match"
                        + " the one derived from its seed");
            }
        }
        return key;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("signing key destroyed");
        }
    }

    /** The public key's short fingerprint; never any private material. */
    @Override
    public String toString() {
        return "SigningKey[" + verifyingKey + (destroyed ? ", destroyed]" : "]");
    }
}
