package dev.vouch.internal;

import dev.vouch.KeyFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The one owner of how Vouch keeps a secret in a file (the signing key, the redaction key): who may own it, what
 * mode it may have, and how it is written so that it is never readable by others, never half-written and never
 * silently replaced. Not API: public only so that both the core and the policy module use it.
 */
public final class SecretFiles {
    /** Mode 0600. */
    public static final Set<PosixFilePermission> OWNER_ONLY =
            Collections.unmodifiableSet(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFiles() {
    }

    /**
     * Refuses a secret file that group or others can access, or that another user than the one running Vouch owns
     * (root excepted: root can rewrite any file anyway, and platforms mount secrets as root). Unix only.
     *
     * @param what the file's name in messages, e.g. "key file"
     * @throws KeyFileException naming the file and the command that fixes it
     */
    public static void checkPrivate(Path file, PosixFileAttributes attrs, String what) {
        checkLinks(file, what);
        checkOwner(file, what);
        Set<PosixFilePermission> perms = attrs.permissions();
        if (!Collections.disjoint(perms, GROUP_OR_OTHER)) {
            throw new KeyFileException(file, what + " has mode " + mode(perms) + ", which lets group or others access"
                    + " it; it must be 0600 (owner read/write only): chmod 600 " + file);
        }
    }

    private static void checkOwner(Path file, String what) {
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
                    throw notOwned(file, what, "uid " + fileUid, "uid " + processUid);
                }
                return;
            }
            String owner = Files.getOwner(file).getName();
            String user = System.getProperty("user.name");
            if (user != null && !owner.equals(user) && !owner.equals("root")) {
                throw notOwned(file, what, owner, user);
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // Cannot tell who runs us: the mode check still applies.
        }
    }

    /**
     * Each symbolic link on the way to the file must be the user's own (or root's), as the file must: in an outside
     * trial another user put, in a directory all could write, a link to another journal's key under the name a
     * writer was given; the writer signed with that key, and a rotation then replaced it, leaving the other journal
     * without its key.
     */
    private static void checkLinks(Path file, String what) {
        Object processUid;
        try {
            Path self = Path.of("/proc/self");
            if (!Files.isSymbolicLink(file) || !Files.exists(self)) {
                return;
            }
            processUid = Files.getAttribute(self, "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return; // no Unix owner to check
        }
        Path link = file;
        for (int hops = 0; hops < 40 && Files.isSymbolicLink(link); hops++) {
            try {
                Object linkUid = Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (!Integer.valueOf(0).equals(linkUid) && !processUid.equals(linkUid)) {
                    throw new KeyFileException(file, what + " is reached through the symbolic link " + link
                            + ", owned by uid " + linkUid + ", not by the user running Vouch (uid " + processUid
                            + "): its owner can point it at any file, another journal's key among them; use the file"
                            + " itself, or a link of your own");
                }
                link = link.resolveSibling(Files.readSymbolicLink(link));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return; // the owner check of the file itself still applies
            }
        }
    }

    private static KeyFileException notOwned(Path file, String what, String owner, String user) {
        return new KeyFileException(file, what + " is owned by " + owner + ", not by the user running Vouch (" + user
                + "), who alone may hold its secret; another owner can replace it or its mode at any time: chown it"
                + " to the user running Vouch");
    }

    /**
     * Writes {@code content} to {@code file}: a temporary file created with {@code perms} (so a secret is never
     * readable by others, even for a moment), written, forced to disk, then moved into place and the directory
     * synced.
     *
     * @param replace whether an existing file is replaced (atomically: readers see the old content or the new);
     *     if false, {@link FileAlreadyExistsException} when the file exists, decided atomically by a hard link
     *     where the file system has them, so two processes never both create a key
     */
    public static void write(Path file, byte[] content, Set<PosixFilePermission> perms, boolean replace)
            throws IOException {
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
     * Deletes what a process killed in the middle of {@link #write} left beside {@code file}: its temporary copies
     * ({@code .<name>.<random>.tmp}, also those of {@code <name>.next}), which may hold a secret key nobody tracks.
     * Only copies older than a minute, so that a write in progress elsewhere is never touched.
     *
     * @return how many were deleted
     */
    public static int deleteAbandonedCopies(Path file) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        String prefix = "." + target.getFileName() + ".";
        long cutoff = System.currentTimeMillis() - 60_000;
        int deleted = 0;
        try (java.nio.file.DirectoryStream<Path> copies = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        })) {
            for (Path copy : copies) {
                if (Files.getLastModifiedTime(copy, LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff
                        && Files.deleteIfExists(copy)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            // Best effort: a copy that stays is no worse than before.
        }
        return deleted;
    }

    /**
     * Moves {@code tmp} to {@code target} only if {@code target} does not exist. A hard link is the one portable
     * atomic "create if absent" for a complete file: rename would silently replace a key another process created a
     * moment earlier, and both would then sign with different keys.
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

    /** Makes a rename durable; best effort (some platforms cannot open a directory). */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform; nothing more can be done.
        }
    }

    public static boolean isPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** "0644" style. */
    public static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return String.format(Locale.ROOT, "%04o", m);
    }
}
