package dev.vouch.crypto;

import dev.vouch.FormatException;
import dev.vouch.KeyFileException;
import dev.vouch.internal.SecretFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code .vouch_key} file: an unencrypted PKCS#8 PEM Ed25519 private key, exactly as
 * {@code openssl genpkey -algorithm ed25519} writes it, readable and writable by its owner only (mode 0600).
 *
 * <pre>
 * -----BEGIN PRIVATE KEY-----
 * base64 of 48 bytes of DER (RFC 5208 / RFC 8410), one line:
 *   offset  0  30 2e               SEQUENCE, 46 bytes
 *   offset  2  02 01 00            INTEGER version 0 (v1)
 *   offset  5  30 05 06 03 2b6570  SEQUENCE { OID 1.3.101.112 id-Ed25519 }, no parameters
 *   offset 12  04 22 04 20         OCTET STRING { OCTET STRING, 32 bytes }
 *   offset 16  seed (32 bytes)     the RFC 8032 private key
 * -----END PRIVATE KEY-----
 * </pre>
 *
 * <p>Loading also accepts the version 2 form (RFC 5958) with the public key attached, if it matches.
 *
 * <p>Loading fails closed: a missing, malformed, foreign or group/world-accessible file is an error, never a
 * reason to make a new key. (On file systems without POSIX permissions, such as NTFS, the mode check is
 * skipped.) Writes are atomic: the content goes to a temporary file in the same directory, created with mode
 * 0600 from the start, is forced to disk, renamed over the target, and the directory is synced, so a crash
 * leaves either the old file or the new one, never a torn one.
 *
 * <p>All methods are stateless and thread-safe; concurrent writers to one path are resolved by the file
 * system ({@link #create} lets exactly one of them win where hard links are supported).
 */
public final class KeyFile {
    private static final Set<PosixFilePermission> PUBLIC_READ = PosixFilePermissions.fromString("rw-r--r--");
    /** Bound on what {@link #load} reads: an Ed25519 PEM key is about 120 bytes. */
    private static final int MAX_FILE_BYTES = 64 * 1024;

    private KeyFile() {
    }

    /**
     * Loads the private key in {@code file}. Symbolic links are followed.
     *
     * @throws KeyFileException naming the file if it is missing, not a regular file, accessible to group or
     *     others (the message names the mode and the {@code chmod} that fixes it), owned by another user than the
     *     one running Vouch (root excepted), unreadable, or not an
     *     Ed25519 PKCS#8 PEM key (the message says what was found)
     */
    public static SigningKey load(Path file) {
        Objects.requireNonNull(file, "file");
        checkAttributes(file);
        byte[] bytes = readBounded(file);
        try {
            if (bytes.length == 0) {
                throw new KeyFileException(file, "key file is empty; expected an Ed25519 PKCS#8 PEM private key"
                        + " (-----BEGIN PRIVATE KEY-----)");
            }
            String pem;
            try {
                pem = StandardCharsets.US_ASCII.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new KeyFileException(file, "key file holds binary data, expected an Ed25519 PKCS#8 PEM"
                        + " private key (-----BEGIN PRIVATE KEY-----)", e);
            }
            return SigningKey.fromPkcs8Pem(pem);
        } catch (FormatException e) {
            throw new KeyFileException(file, "not a usable Ed25519 key file: " + e.getMessage(), e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void checkAttributes(Path file) {
        BasicFileAttributes attrs;
        try {
            attrs = SecretFiles.isPosix(file)
                    ? Files.readAttributes(file, PosixFileAttributes.class)
                    : Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file, "no key file; create one with KeyFile.create, or with: openssl genpkey"
                    + " -algorithm ed25519 -out " + file + " && chmod 600 " + file, e);
        } catch (IOException e) {
            throw new KeyFileException(file, "cannot read the key file's attributes: " + e, e);
        }
        if (attrs.isDirectory()) {
            throw new KeyFileException(file, "is a directory, expected a key file (PKCS#8 PEM Ed25519 private key)");
        }
        if (!attrs.isRegularFile()) {
            throw new KeyFileException(file, "is not a regular file, expected a key file (PKCS#8 PEM Ed25519"
                    + " private key)");
        }
        if (attrs instanceof PosixFileAttributes posixAttrs) {
            SecretFiles.checkPrivate(file, posixAttrs, "key file");
        }
    }

    private static byte[] readBounded(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (AccessDeniedException e) {
            throw new KeyFileException(file, "permission denied reading the key file (running as user "
                    + System.getProperty("user.name") + ")", e);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file, "key file disappeared while loading it", e);
        } catch (IOException e) {
            throw new KeyFileException(file, "cannot read the key file: " + e, e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new KeyFileException(file, "key file is larger than " + MAX_FILE_BYTES
                    + " bytes; an Ed25519 PEM key is about 120 bytes");
        }
        return bytes;
    }

    /**
     * Generates a key with {@code random} and writes it to {@code file} (mode 0600, atomically).
     *
     * @throws KeyFileException if {@code file} already exists (it is never overwritten: use {@link #replace}
     *     to rotate) or cannot be written
     */
    public static SigningKey create(Path file, SecureRandom random) {
        Objects.requireNonNull(file, "file");
        SigningKey key = SigningKey.generate(random);
        try {
            write(file, key);
        } catch (RuntimeException e) {
            key.destroy();
            throw e;
        }
        return key;
    }

    /**
     * Loads {@code file}, or creates it with a new key if it does not exist. If another process creates the
     * file at the same moment, the key it wrote is loaded and returned, so both use the same key.
     *
     * @throws KeyFileException if an existing file fails {@link #load}, or the new one cannot be written
     */
    public static SigningKey loadOrCreate(Path file, SecureRandom random) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(random, "random");
        if (Files.exists(file)) {
            return load(file);
        }
        SigningKey key = SigningKey.generate(random);
        try {
            writeNew(file, key);
            return key;
        } catch (FileAlreadyExistsException e) {
            key.destroy();
            return load(file);
        } catch (IOException e) {
            key.destroy();
            throw writeFailure(file, e);
        }
    }

    /**
     * Writes {@code key} to a new file {@code file} (mode 0600, atomically); used to stage
     * {@code .vouch_key.next} during rotation.
     *
     * @throws KeyFileException if {@code file} already exists or cannot be written
     * @throws IllegalStateException if {@code key} was destroyed
     */
    public static void write(Path file, SigningKey key) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        try {
            writeNew(file, key);
        } catch (FileAlreadyExistsException e) {
            if (Files.isSymbolicLink(file) && !Files.exists(file)) {
                // An outside trial's dangling link was told "already exists ... rotate", though there was no key.
                throw new KeyFileException(file, "is a symbolic link to a file that does not exist, so there is no key"
                        + " to load and a new one is not written through it; restore the key file it leads to, or"
                        + " remove the link to make a new key here", e);
            }
            throw new KeyFileException(file, "key file already exists; refusing to overwrite a key (rotate with"
                    + " KeyFile.replace)", e);
        } catch (IOException e) {
            throw writeFailure(file, e);
        }
    }

    /**
     * Atomically replaces the content of {@code file} with {@code newKey} (mode 0600), creating it if absent;
     * used by key rotation. Readers see the old key or the new one, never a mix, and no copy of the old key
     * is left in another file. If {@code file} is a symbolic link, the link itself is replaced.
     *
     * @throws KeyFileException if the file cannot be written
     * @throws IllegalStateException if {@code newKey} was destroyed
     */
    public static void replace(Path file, SigningKey newKey) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(newKey, "newKey");
        byte[] pem = newKey.toPkcs8PemBytes();
        try {
            SecretFiles.write(file, pem, SecretFiles.OWNER_ONLY, true);
        } catch (IOException e) {
            throw writeFailure(file, e);
        } finally {
            Arrays.fill(pem, (byte) 0);
        }
    }

    /**
     * Writes {@code key} as a {@code PUBLIC KEY} PEM ({@link VerifyingKey#toPem}) to {@code file}, mode 0644,
     * atomically, replacing any file already there: the public key is meant to be handed out.
     *
     * @throws KeyFileException if the file cannot be written
     */
    public static void writePublicPem(Path file, VerifyingKey key) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        try {
            SecretFiles.write(file, key.toPem().getBytes(StandardCharsets.US_ASCII), PUBLIC_READ, true);
        } catch (IOException e) {
            throw writeFailure(file, e);
        }
    }

    private static void writeNew(Path file, SigningKey key) throws IOException {
        byte[] pem = key.toPkcs8PemBytes();
        try {
            SecretFiles.write(file, pem, SecretFiles.OWNER_ONLY, false);
        } finally {
            Arrays.fill(pem, (byte) 0);
        }
    }

    private static KeyFileException writeFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            Path dir = file.toAbsolutePath().getParent();
            return new KeyFileException(file, "cannot write the key file: directory " + dir + " does not exist", e);
        }
        if (e instanceof AccessDeniedException) {
            return new KeyFileException(file, "cannot write the key file: permission denied", e);
        }
        return new KeyFileException(file, "cannot write the key file: " + e, e);
    }


    /** "0644" style. */
    static String mode(Set<PosixFilePermission> perms) {
        return SecretFiles.mode(perms);
    }
}
