package dev.vouch.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes a file immutable ({@code chattr +i}) and back: a file the writer may read but not write, even as root, as the
 * tests run here (a file owned by another user would not stop root). Needs {@code chattr} and a file system with the
 * flag (ext4, xfs); tests assume it and are skipped elsewhere.
 */
public final class Immutable {
    private Immutable() {
    }

    /** {@code chattr +i file}; false if that is not possible here. */
    public static boolean set(Path file) throws InterruptedException {
        return chattr("+i", file);
    }

    /** {@code chattr -i file}; false if that is not possible here. */
    public static boolean clear(Path file) throws InterruptedException {
        return chattr("-i", file);
    }

    private static boolean chattr(String flag, Path file) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException noChattr) {
            return false;
        }
    }
}
