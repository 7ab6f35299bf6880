package dev.vouch.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * DSSE signatures (https://github.com/secure-systems-lab/dsse, protocol v1.0.0) with Ed25519: the signature is over
 * the pre-authentication encoding
 *
 * <pre>
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 * </pre>
 *
 * where {@code type} is the UTF-8 payload type, {@code LEN} the ASCII decimal byte length without leading zeros and
 * {@code SP} one space: never over the payload alone, so a signature cannot be replayed under another payload
 * type. The JSON envelope around it is the caller's. Stateless and thread-safe.
 */
public final class Dsse {
    private static final byte[] PREFIX = "DSSEv1 ".getBytes(StandardCharsets.US_ASCII);

    private Dsse() {
    }

    /** The pre-authentication encoding of {@code payload} under {@code payloadType}. */
    public static byte[] pae(String payloadType, byte[] payload) {
        Objects.requireNonNull(payloadType, "payloadType");
        Objects.requireNonNull(payload, "payload");
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] typeLen = (type.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] bodyLen = (" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[PREFIX.length + typeLen.length + type.length + bodyLen.length + payload.length];
        int at = 0;
        for (byte[] part : new byte[][] {PREFIX, typeLen, type, bodyLen, payload}) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /**
     * The Ed25519 signature of {@code PAE(payloadType, payload)} by {@code key}, 64 bytes.
     *
     * @throws IllegalStateException if {@code key} was destroyed
     */
    public static byte[] sign(SigningKey key, String payloadType, byte[] payload) {
        return key.sign(pae(payloadType, payload));
    }

    /**
     * Whether {@code signature} is {@code key}'s valid Ed25519 signature of {@code PAE(payloadType, payload)}. A
     * signature of the payload alone is not. Never throws for a bad signature.
     */
    public static boolean verify(VerifyingKey key, String payloadType, byte[] payload, byte[] signature) {
        return key.verify(signature, pae(payloadType, payload));
    }
}
