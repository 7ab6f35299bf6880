package dev.vouch.ledger.internal;

import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes C2SP signed checkpoint notes straight into a byte array, allocation-free apart from what Bouncy
 * Castle does inside {@code sign}. The bytes equal what {@code SignedNote.sign(Checkpoint.body(), origin, key)}
 * produces (a test holds it to that). Owned by the consumer thread.
 */
final class CheckpointSigner {
    private static final byte[] SIGNATURE_PREFIX = "\u2014 ".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final byte[] originLine;
    private final byte[] signatureLineName;
    private final byte[] signature = new byte[64];
    private final byte[] keyIdAndSignature = new byte[68];
    private final byte[] digits = new byte[20];
    private SigningKey key;

    public CheckpointSigner(String origin, SigningKey key) {
        this.originLine = (origin + "\n").getBytes(StandardCharsets.UTF_8);
        this.signatureLineName = (origin + " ").getBytes(StandardCharsets.UTF_8);
        this.useKey(key, origin);
    }

    public void useKey(SigningKey key, String origin) {
        this.key = key;
        int id = NoteKeys.keyId(origin, key.verifyingKey());
        keyIdAndSignature[0] = (byte) (id >>> 24);
        keyIdAndSignature[1] = (byte) (id >>> 16);
        keyIdAndSignature[2] = (byte) (id >>> 8);
        keyIdAndSignature[3] = (byte) id;
    }

    /** Upper bound of {@link #write}'s output, to size the destination. */
    public int maxLength() {
        return originLine.length + 21 + 45 + 1 + SIGNATURE_PREFIX.length + signatureLineName.length + 92 + 1;
    }

    /**
     * Writes the signed note for a tree of {@code size} leaves with this root at {@code dst[off]}.
     *
     * @return the number of bytes written
     */
    public int write(long size, byte[] root, byte[] dst, int off) {
        int p = off;
        System.arraycopy(originLine, 0, dst, p, originLine.length);
        p += originLine.length;
        p += decimal(size, dst, p);
        dst[p++] = '\n';
        p += base64(root, dst, p);
        dst[p++] = '\n';
        key.sign(dst, off, p - off, signature, 0);
        dst[p++] = '\n';
        System.arraycopy(SIGNATURE_PREFIX, 0, dst, p, SIGNATURE_PREFIX.length);
        p += SIGNATURE_PREFIX.length;
        System.arraycopy(signatureLineName, 0, dst, p, signatureLineName.length);
        p += signatureLineName.length;
        System.arraycopy(signature, 0, keyIdAndSignature, 4, 64);
        p += base64(keyIdAndSignature, dst, p);
        dst[p++] = '\n';
        return p - off;
    }

    /** {@code Base64.Encoder.encode(byte[], byte[])} writes from index 0, so go through a scratch array. */
    private int base64(byte[] src, byte[] dst, int at) {
        int n = BASE64.encode(src, scratch);
        System.arraycopy(scratch, 0, dst, at, n);
        return n;
    }

    private final byte[] scratch = new byte[128];

    private int decimal(long v, byte[] dst, int at) {
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = 0; i < n; i++) {
            dst[at + i] = digits[n - 1 - i];
        }
        return n;
    }
}
