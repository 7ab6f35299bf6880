package dev.vouch.internal.format;

import java.util.Base64;

/**
 * The text the current key signs (as a C2SP signed note) to name its successor, bound to one journal and
 * one position so it cannot be replayed elsewhere (docs/FORMAT.md, "KEY_ROTATION").
 */
public final class KeyRotationStatement {
    public static final String HEADER = "vouch.key-rotation.v1";

    private KeyRotationStatement() {
    }

    public static String text(String origin, long sequence, byte[] newPublicKey) {
        return HEADER + "\n" + origin + "\n" + sequence + "\n" + Base64.getEncoder().encodeToString(newPublicKey) + "\n";
    }
}
