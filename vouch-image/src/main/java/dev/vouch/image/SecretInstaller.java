package dev.vouch.image;

import dev.vouch.KeyFileException;
import dev.vouch.internal.SecretFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Copies secrets mounted by Kubernetes into files the gateway accepts; the image's init container runs it before the
 * gateway starts ({@code deploy/kubernetes}, {@code deploy/helm}, docs/DEPLOYMENT.md).
 *
 * <p>Why it exists: the gateway refuses a signing key or token file that group or others may read, or that another
 * user than its own owns (root excepted). A Kubernetes Secret volume cannot give it such a file while it runs as a
 * non-root user: without {@code fsGroup} its files are root's, mode {@code 0400} ({@code defaultMode}), which user
 * 65532 cannot read; with {@code fsGroup} the kubelet adds group read ({@code 0440}; kubernetes/kubernetes#57923),
 * which the check refuses. So the pod sets {@code fsGroup}, the init container (same user) reads the Secret through
 * that group and writes private copies it owns, mode {@code 0600}, with the same atomic writer the ledger uses for
 * keys.
 *
 * <pre>
 * java -cp @/app/jib-classpath-file dev.vouch.image.SecretInstaller \
 *     --copy /etc/vouch/secret/tokens /run/vouch/tokens \
 *     --seed /etc/vouch/secret/vouch.key /var/lib/vouch/vouch.key
 * </pre>
 *
 * <ul>
 *   <li>{@code --copy SOURCE TARGET}: writes TARGET from SOURCE, replacing it (the token file: a changed Secret takes
 *       effect at the next start).</li>
 *   <li>{@code --seed SOURCE TARGET}: writes TARGET from SOURCE only if TARGET does not exist (the signing key: after
 *       the first start the key lives beside the journal on the persistent volume, where {@code vouch rekey --server}
 *       replaces it; the Secret only seeds the first one). A missing SOURCE is no error: the gateway then creates the
 *       key. An existing TARGET, and its staged rotation {@code TARGET.next}, lose any group or other permission bits
 *       (the kubelet adds group bits to a volume's files when it applies {@code fsGroup}).</li>
 * </ul>
 *
 * Exit code 0 when every file is in place and passes the gateway's check, 1 otherwise (the reason on standard error),
 * 2 for a usage error.
 */
public final class SecretInstaller {
    private static final long MAX_BYTES = 1 << 20;

    private SecretInstaller() {
    }

    /** One file to install. */
    record Step(boolean seed, Path source, Path target) {
    }

    public static void main(String[] args) {
        List<Step> steps;
        try {
            steps = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("secret-installer: " + e.getMessage());
            System.err.println("usage: SecretInstaller (--copy SOURCE TARGET | --seed SOURCE TARGET)...");
            System.exit(2);
            return;
        }
        System.exit(run(steps, System.out, System.err));
    }

    static List<Step> parse(String[] args) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < args.length; i += 3) {
            if (!args[i].equals("--copy") && !args[i].equals("--seed")) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (i + 2 >= args.length) {
                throw new IllegalArgumentException(args[i] + " takes SOURCE and TARGET");
            }
            steps.add(new Step(args[i].equals("--seed"), Path.of(args[i + 1]), Path.of(args[i + 2])));
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("nothing to install");
        }
        return steps;
    }

    /** Installs every step in order, stopping at the first failure; returns the exit code. */
    static int run(List<Step> steps, PrintStream out, PrintStream err) {
        for (Step s : steps) {
            try {
                out.println("secret-installer: " + install(s));
            } catch (IOException | RuntimeException e) {
                err.println("secret-installer: " + s.target() + ": " + e);
                return 1;
            }
        }
        return 0;
    }

    /** Installs one file; what was done, in words. */
    static String install(Step s) throws IOException {
        if (s.seed() && Files.exists(s.target(), LinkOption.NOFOLLOW_LINKS)) {
            String tightened = tighten(s.target());
            Path staged = s.target().resolveSibling(s.target().getFileName() + ".next");
            if (Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
                tighten(staged);
            }
            return "kept " + s.target() + " (" + tightened + ")";
        }
        if (!Files.exists(s.source())) {
            if (s.seed()) {
                return "no " + s.source() + ": the gateway creates " + s.target();
            }
            throw new IOException("no such file: " + s.source());
        }
        if (Files.size(s.source()) > MAX_BYTES) {
            throw new IOException(s.source() + " is larger than " + MAX_BYTES + " bytes");
        }
        byte[] content = Files.readAllBytes(s.source());
        try {
            SecretFiles.write(s.target(), content, SecretFiles.OWNER_ONLY, !s.seed());
        } catch (FileAlreadyExistsException e) {
            return "kept " + s.target() + " (another process created it first: " + tighten(s.target()) + ")";
        }
        check(s.target());
        return (s.seed() ? "seeded " : "copied ") + s.source() + " -> " + s.target() + " (mode 0600)";
    }

    /** Removes group and other bits from a file this user owns, then applies the gateway's own check. */
    private static String tighten(Path file) throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        perms.addAll(a.permissions());
        boolean changed = perms.retainAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        if (changed) {
            Files.setPosixFilePermissions(file, perms);
        }
        check(file);
        return changed ? "mode " + SecretFiles.mode(a.permissions()) + " tightened to " + SecretFiles.mode(perms)
                : "mode " + SecretFiles.mode(perms);
    }

    private static void check(Path file) throws IOException {
        try {
            SecretFiles.checkPrivate(file, Files.readAttributes(file, PosixFileAttributes.class), "secret file");
        } catch (KeyFileException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
