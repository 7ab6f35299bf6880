package dev.vouch.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ext4 file system in an image file, mounted on a loop device in a child process's own mount namespace
 * ({@code unshare -m}: the mount goes with the process, none is left behind), whose storage a test can fail under
 * the writer: {@link #raiseError()} makes the kernel treat the file system as damaged, and with
 * {@code errors=remount-ro} (the common default) ext4 turns read-only at once, as it does after an I/O error. Needs
 * root, {@code mkfs.ext4}, {@code losetup}, {@code unshare} and {@code e2fsck}; see {@link #usable()}.
 */
public final class LoopExt4 {
    private final Path image;
    private final Path mountPoint;

    private LoopExt4(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
    }

    /** Whether this machine can make and mount one (tests assume it, and skip otherwise). */
    public static boolean usable() {
        return "root".equals(System.getProperty("user.name")) && onPath("mkfs.ext4") && onPath("losetup")
                && onPath("unshare") && onPath("e2fsck");
    }

    /**
     * Makes an image of {@code mib} MiB in {@code dir} with {@code mkfs.ext4 -q -F} and the given extra options (for
     * example {@code -O ^extent,^flex_bg,^64bit} for ext4 without extents, which has no {@code fallocate}), to be
     * mounted at {@code dir/mnt}.
     */
    public static LoopExt4 make(Path dir, int mib, String... mkfsOptions) throws IOException, InterruptedException {
        Path image = dir.resolve("ext4.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength((long) mib << 20);
        }
        List<String> mkfs = new ArrayList<>(List.of("mkfs.ext4", "-q", "-F"));
        mkfs.addAll(Arrays.asList(mkfsOptions));
        mkfs.add(image.toString());
        run(mkfs.toArray(new String[0]));
        return new LoopExt4(image, Files.createDirectories(dir.resolve("mnt")));
    }

    /** Where it is mounted, inside the namespace of a command run by {@link #mountedFor}. */
    public Path mountPoint() {
        return mountPoint;
    }

    /**
     * A prefix for a command (a child JVM): it runs in a mount namespace of its own, where the image is mounted with
     * {@code errors=remount-ro} plus {@code mountOptions} (empty for none, else a leading comma), and is exec'd, so
     * that the command's process is the one a signal reaches.
     */
    public List<String> mountedFor(String mountOptions) {
        return List.of("unshare", "-m", "sh", "-c", "mount -o loop,errors=remount-ro" + mountOptions
                + " \"$0\" \"$1\" && shift && exec \"$@\"", image.toString(), mountPoint.toString());
    }

    /**
     * Raises an error in the mounted file system as the kernel would after a failed write, through ext4's
     * {@code trigger_fs_error}; mounted with {@code errors=remount-ro}, it turns read-only at once.
     *
     * @return false if this kernel has no {@code trigger_fs_error} (the test should skip)
     */
    public boolean raiseError() throws IOException, InterruptedException {
        String out = run("losetup", "-j", image.toString());
        if (!out.startsWith("/dev/loop")) {
            throw new IllegalStateException("the image is not attached to a loop device: losetup -j says " + out);
        }
        Path trigger = Path.of("/sys/fs/ext4", out.substring("/dev/".length(), out.indexOf(':')), "trigger_fs_error");
        if (!Files.exists(trigger)) {
            return false;
        }
        Files.writeString(trigger, "vouch storage trial\n");
        return true;
    }

    /**
     * Repairs the file system ({@code e2fsck -fy}, as an operator would before mounting it again) and copies
     * {@code relative} (a directory on it) to {@code to}.
     */
    public void repairAndCopy(String relative, Path to) throws IOException, InterruptedException {
        run("unshare", "-m", "sh", "-c", "e2fsck -fy \"$0\" >/dev/null 2>&1; mount -o loop \"$0\" \"$1\""
                + " && cp -a \"$1\"/\"$2\" \"$3\"", image.toString(), mountPoint.toString(), relative, to.toString());
    }

    /** Runs a command to its end, failing unless it exits 0; returns its output. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(Arrays.toString(command) + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(Arrays.toString(command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    private static boolean onPath(String tool) {
        List<String> dirs = new ArrayList<>(Arrays.asList(String.valueOf(System.getenv("PATH"))
                .split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        return dirs.stream().anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
