package dev.vouch.crypto;

import dev.vouch.FormatException;
import dev.vouch.KeyFileException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
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
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> PUBLIC_READ = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
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
            attrs = isPosix(file)
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
        if (attrs instanceof PosixFileAttributes) {
            checkOwner(file);
            Set<PosixFilePermission> perms = ((PosixFileAttributes) attrs).permissions();
            if (!Collections.disjoint(perms, GROUP_OR_OTHER)) {
                throw new KeyFileException(file, "key file has mode " + mode(perms)
                        + ", which lets group or others access it; it must be 0600 (owner read/write only):"
                        + " chmod 600 " + file);
            }
        }
    }

    /**
     * Refuses a key file owned by another user than the one running Vouch, root excepted: its owner can replace
     * the key or loosen its mode at any time, whatever the mode is now. Root-owned keys are accepted because root
     * can do that to any file anyway (a secret mounted by the platform is often root's). Unix only; the process's
     * user is the owner of {@code /proc/self} where that exists, else the {@code user.name} property.
     */
    private static void checkOwner(Path file) {
        Object fileUid;
        try {
            fileUid = Files.getAttribute(file, "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return; // no Unix owner to check
        }
        if (Integer.valueOf(0).equals(fileUid)) {
            return;
        }
        Path self = Path.of("/proc/self");
        try {
            if (Files.exists(self)) {
                Object processUid = Files.getAttribute(self, "unix:uid");
                if (!processUid.equals(fileUid)) {
                    throw notOwned(file, "uid " + fileUid, "uid " + processUid);
                }
                return;
            }
            String owner = Files.getOwner(file).getName();
            String user = System.getProperty("user.name");
            if (user != null && !owner.equals(user) && !owner.equals("root")) {
                throw notOwned(file, owner, user);
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // Cannot tell who runs us: the mode check still applies.
        }
    }

    private static KeyFileException notOwned(Path file, String owner, String user) {
        return new KeyFileException(file, "key file is owned by " + owner + ", not by the user running Vouch (" + user
                + "), who alone may hold its signing key; another owner can replace the key or its mode at any time:"
                + " chown it to the user running Vouch");
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
            writeAtomically(file, pem, OWNER_ONLY, true);
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
            writeAtomically(file, key.toPem().getBytes(StandardCharsets.US_ASCII), PUBLIC_READ, true);
        } catch (IOException e) {
            throw writeFailure(file, e);
        }
    }

    private static void writeNew(Path file, SigningKey key) throws IOException {
        byte[] pem = key.toPkcs8PemBytes();
        try {
            writeAtomically(file, pem, OWNER_ONLY, false);
        } finally {
            Arrays.fill(pem, (byte) 0);
        }
    }

    /**
     * Temporary file (created with {@code perms}, so a private key is never readable by others even for a
     * moment), write, fsync, rename into place, fsync the directory.
     *
     * @param replace whether an existing target is replaced; if false, {@link FileAlreadyExistsException} is
     *     thrown when the target exists
     */
    private static void writeAtomically(Path file, byte[] content, Set<PosixFilePermission> perms,
            boolean replace) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        boolean posix = isPosix(target);
        String prefix = "." + target.getFileName() + ".";
        Path tmp = posix
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(perms))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            if (posix && !perms.equals(OWNER_ONLY)) {
                // The umask may have narrowed a public file's mode; only ever widened for non-secret content.
                Files.setPosixFilePermissions(tmp, perms);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (replace) {
                // rename(2): atomic, replaces the target. With ATOMIC_MOVE the JDK does exactly this.
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                publishNew(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /**
     * Moves {@code tmp} to {@code target} only if {@code target} does not exist. A hard link is the one
     * portable atomic "create if absent" for a complete file: rename would silently replace a key another
     * process created a moment earlier, and both would then sign with different keys.
     */
    private static void publishNew(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // No hard links here (FAT, some network file systems): check, then rename.
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes the rename durable. Best effort: some platforms (Windows) cannot open a directory, and there
     * the rename is as durable as the file system makes it.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not supported on this platform; nothing more can be done.
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

    private static boolean isPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** "0644" style. */
    static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", m);
    }
}
