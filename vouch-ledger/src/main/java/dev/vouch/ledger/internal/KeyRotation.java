package dev.vouch.ledger.internal;

import dev.vouch.KeyFileException;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SigningKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one owner of a key rotation's file steps. A rotation stages the next key beside the key file
 * ({@code <key>.next}), the journal names it, and then the staged file is renamed over the key file, so that at
 * every moment one of the two files holds the key the journal expects.
 *
 * <p>The steps act on the file the key path finally leads to, not on a symbolic link to it: replacing a link would
 * leave the old private key in the file it pointed to, and with that key anyone could rewrite the journal from
 * its start. Where a rotation could not make the old key unreachable (a second hard link to the file, a directory
 * Vouch cannot write, a read-only mount such as a mounted secret), {@link #checkRotatable} refuses it before
 * anything changes.
 */
public final class KeyRotation {
    private static final String STAGED_SUFFIX = ".next";

    private KeyRotation() {
    }

    /** The file a rotation replaces: the key path with every symbolic link followed (as given if it does not exist). */
    public static Path target(Path keyFile) {
        try {
            return keyFile.toRealPath();
        } catch (IOException e) {
            return keyFile.toAbsolutePath();
        }
    }

    /** Where a rotation stages the next key: beside the {@link #target}. */
    public static Path staged(Path keyFile) {
        Path target = target(keyFile);
        return target.resolveSibling(target.getFileName() + STAGED_SUFFIX);
    }

    /**
     * Refuses a rotation that could leave the old private key reachable, or that could not finish.
     *
     * @throws KeyFileException naming the file and why, before anything has changed
     */
    public static void checkRotatable(Path keyFile) {
        Path target = target(keyFile);
        String via = target.equals(keyFile.toAbsolutePath()) ? "" : " (reached through " + keyFile + ")";
        Integer links = linkCount(target);
        if (links != null && links > 1) {
            throw new KeyFileException(keyFile, "refusing to rotate: the key file " + target + via + " has " + links
                    + " hard links, and the old private key would stay readable through the others after the"
                    + " rotation; remove the other links first");
        }
        Path dir = target.getParent();
        try {
            if (Files.getFileStore(target).isReadOnly()) {
                throw new KeyFileException(keyFile, "refusing to rotate: the key file " + target + via + " is on a"
                        + " read-only file system (a mounted secret?); Vouch cannot replace it, so the old key would"
                        + " stay valid. Rotate by replacing the secret and opening a new journal");
            }
        } catch (IOException e) {
            throw new KeyFileException(keyFile, "refusing to rotate: cannot inspect the key file " + target + via
                    + ": " + e, e);
        }
        if (dir == null || !Files.isWritable(dir)) {
            throw new KeyFileException(keyFile, "refusing to rotate: the directory " + dir + " holding the key file "
                    + target + via + " is not writable, so the old key cannot be replaced");
        }
    }

    /** Writes {@code next} to the staged file, owner-only, replacing a stale one. */
    public static void stage(Path keyFile, SigningKey next) throws IOException {
        Path staged = staged(keyFile);
        Files.deleteIfExists(staged);
        KeyFile.write(staged, next);
    }

    /** Atomically replaces the key file's target with the staged key, and makes the rename durable. */
    public static void promote(Path keyFile) throws IOException {
        Path target = target(keyFile);
        Files.move(staged(keyFile), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path dir = target.getParent();
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some platforms cannot fsync a directory; the rename itself is still atomic.
        }
    }

    private static Integer linkCount(Path file) {
        try {
            Object n = Files.getAttribute(file, "unix:nlink");
            return n instanceof Integer ? (Integer) n : null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null; // not a Unix file system: no hard links to worry about that we could see
        }
    }
}
