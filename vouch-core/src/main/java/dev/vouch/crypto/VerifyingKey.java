package dev.vouch.crypto;

import dev.vouch.FormatException;
import dev.vouch.KeyFileException;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An Ed25519 public key: the trust anchor an auditor hands to the verifier.
 *
 * <p>Immutable and thread-safe. Keys are checked on construction (canonical encoding, a point on the curve,
 * in the prime-order subgroup), so a {@code VerifyingKey} that exists is usable; the decoded point is kept, so
 * {@link #verify} does not decompress it again on every call.
 */
public final class VerifyingKey {
    /** Size of an Ed25519 public key in bytes. */
    public static final int SIZE = Ed25519.PUBLIC_KEY_SIZE;

    /** DER of SubjectPublicKeyInfo for Ed25519 (RFC 8410) up to the key bytes. */
    private static final byte[] SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };
    private static final String PEM_LABEL = "PUBLIC KEY";
    /** Bound on what {@link #read} reads: a public key file is well under 1 KiB. */
    private static final int MAX_FILE_BYTES = 64 * 1024;

    private final byte[] key;
    private final Ed25519.PublicPoint point;
    private final String fingerprint;

    private VerifyingKey(byte[] key, Ed25519.PublicPoint point) {
        this.key = key;
        this.point = point;
        this.fingerprint = HexFormat.of().formatHex(Encoding.sha256().digest(key));
    }

    /**
     * The key with these 32 raw bytes (RFC 8032 encoding); the array is copied.
     *
     * @throws FormatException if {@code raw32} is not 32 bytes, or is not the canonical encoding of a point
     *     of the prime-order subgroup (small-order and mixed-order keys are refused: no honest key is one)
     */
    public static VerifyingKey of(byte[] raw32) {
        Objects.requireNonNull(raw32, "raw32");
        if (raw32.length != SIZE) {
            throw new FormatException("an Ed25519 public key is " + SIZE + " bytes, got " + raw32.length);
        }
        byte[] copy = raw32.clone();
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(copy, 0);
        if (point == null) {
            throw new FormatException("not a valid Ed25519 public key: the 32 bytes do not encode a point of"
                    + " the prime-order subgroup");
        }
        return new VerifyingKey(copy, point);
    }

    /** A copy of the 32 raw key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    /**
     * Copies the 32 raw key bytes into {@code dst} at {@code off}.
     *
     * @throws IndexOutOfBoundsException if fewer than 32 bytes fit
     */
    public void copyTo(byte[] dst, int off) {
        Objects.checkFromIndexSize(off, SIZE, dst.length);
        System.arraycopy(key, 0, dst, off, SIZE);
    }

    /** The raw bytes without a copy, for this package only. */
    byte[] rawBytes() {
        return key;
    }

    /**
     * Whether the 64 bytes at {@code sig[sigOff]} are a valid Ed25519 signature (RFC 8032, pure Ed25519) of
     * {@code msg[msgOff, msgOff + msgLen)} by this key. Never throws for a bad signature: it returns false.
     * Thread-safe; allocates only inside Bouncy Castle.
     *
     * @throws IndexOutOfBoundsException if the signature or message range lies outside its array
     */
    public boolean verify(byte[] sig, int sigOff, byte[] msg, int msgOff, int msgLen) {
        Objects.checkFromIndexSize(sigOff, Ed25519.SIGNATURE_SIZE, sig.length);
        Objects.checkFromIndexSize(msgOff, msgLen, msg.length);
        return Ed25519.verify(sig, sigOff, point, msg, msgOff, msgLen);
    }

    /**
     * Whether {@code sig} is a valid Ed25519 signature of all of {@code msg} by this key. A signature that is
     * not exactly 64 bytes is simply invalid: this returns false rather than throwing.
     */
    public boolean verify(byte[] sig, byte[] msg) {
        if (sig.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(sig, 0, point, msg, 0, msg.length);
    }

    /** Hex SHA-256 of the 32 raw key bytes: 64 lowercase hex characters. */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * The key as SubjectPublicKeyInfo PEM, byte for byte what {@code openssl pkey -pubout} writes:
     * {@code -----BEGIN PUBLIC KEY-----}, one base64 line, {@code -----END PUBLIC KEY-----}, final newline.
     */
    public String toPem() {
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + SIZE);
        System.arraycopy(key, 0, der, SPKI_PREFIX.length, SIZE);
        return Pem.encode(PEM_LABEL, der);
    }

    /**
     * Parses a {@code PUBLIC KEY} PEM block holding an Ed25519 key. Strict: one block, only whitespace around
     * it, canonical base64, and exactly the DER that {@link #toPem} writes.
     *
     * @throws FormatException saying what was found instead (a private key, another algorithm, bad PEM)
     */
    public static VerifyingKey fromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        Pem.Block block = Pem.decode(pem);
        if (block.label().endsWith("PRIVATE KEY")) {
            throw new FormatException("found a private key (" + block.label() + "), expected a PUBLIC KEY;"
                    + " pass the public key (openssl pkey -in <key> -pubout)");
        }
        if (!block.label().equals(PEM_LABEL)) {
            throw new FormatException("expected a PEM 'PUBLIC KEY' block, found '" + block.label() + "'");
        }
        byte[] der = block.der();
        if (der.length == SPKI_PREFIX.length + SIZE
                && Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            return of(Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length));
        }
        throw new FormatException("PUBLIC KEY is not an Ed25519 key: " + describeSpki(der));
    }

    /** Names the algorithm of a SubjectPublicKeyInfo that is not the one Ed25519 form we accept. */
    private static String describeSpki(byte[] der) {
        String oid;
        try {
            oid = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der)).getAlgorithm().getAlgorithm()
                    .getId();
        } catch (IOException | RuntimeException e) {
            return "its DER is not a valid SubjectPublicKeyInfo";
        }
        if (oid.equals(Pem.ED25519_OID)) {
            return "Ed25519 SubjectPublicKeyInfo with unexpected DER (parameters or a key that is not 32 bytes)";
        }
        return "found " + Pem.algorithmName(oid) + ", expected Ed25519 (OID " + Pem.ED25519_OID + ")";
    }

    /**
     * Reads an auditor's trust anchor from {@code file}: either a {@code PUBLIC KEY} PEM (as written by
     * {@link #toPem} or {@code openssl pkey -pubout}) or a single C2SP note verifier key line
     * {@code name+keyid+base64} (see {@link NoteKeys#verifierKey}). Surrounding whitespace is ignored.
     *
     * <p>A file holding a private key is refused on purpose, even though the public key could be derived
     * from it: an auditor who verifies with the signer's own key file is trusting the evidence.
     *
     * @throws KeyFileException naming {@code file} and what it holds instead
     */
    public static VerifyingKey read(Path file) {
        Objects.requireNonNull(file, "file");
        String text = readText(file);
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new KeyFileException(file, "file is empty; expected an Ed25519 PUBLIC KEY PEM or a note"
                    + " verifier key line (name+keyid+base64)");
        }
        String label = Pem.firstLabel(trimmed);
        if ((label != null && label.contains("PRIVATE KEY")) || trimmed.startsWith("PRIVATE+KEY+")
                || trimmed.contains("PRIVATE KEY-----")) {
            throw new KeyFileException(file, "holds a private key; pass the public key instead (vouch pubkey --key "
                    + file + " > key.pub writes it; for any PEM key, openssl pkey -in " + file + " -pubout -out"
                    + " key.pub). An auditor's trust anchor must never be a private key file");
        }
        try {
            if (label != null || trimmed.startsWith("-----")) {
                return fromPem(trimmed);
            }
            if (trimmed.indexOf('\n') < 0 && trimmed.indexOf('+') >= 0) {
                return NoteKeys.parseVerifierKey(trimmed);
            }
        } catch (FormatException e) {
            throw new KeyFileException(file, "not a valid Ed25519 public key: " + e.getMessage(), e);
        }
        long lines = trimmed.lines().count();
        throw new KeyFileException(file, "expected an Ed25519 PUBLIC KEY PEM (-----BEGIN PUBLIC KEY-----) or"
                + " one note verifier key line (name+keyid+base64), found " + lines
                + (lines == 1 ? " line" : " lines") + " of other text");
    }

    private static String readText(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file, "no such file; expected the public key to verify with", e);
        } catch (AccessDeniedException e) {
            throw new KeyFileException(file, "permission denied reading the public key file", e);
        } catch (IOException e) {
            String what = Files.isDirectory(file) ? "is a directory, expected a public key file" : "cannot read: "
                    + e;
            throw new KeyFileException(file, what, e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new KeyFileException(file, "file is larger than " + MAX_FILE_BYTES
                    + " bytes; a public key file is under 1 KiB");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new KeyFileException(file, "holds binary data (not UTF-8 text); expected an Ed25519 PUBLIC KEY"
                    + " PEM or a note verifier key line", e);
        }
    }

    /** Equal when the raw key bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof VerifyingKey && Arrays.equals(key, ((VerifyingKey) o).key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** {@code ed25519:} and the first 16 hex characters of the {@link #fingerprint()}. */
    @Override
    public String toString() {
        return "ed25519:" + fingerprint.substring(0, 16);
    }
}
