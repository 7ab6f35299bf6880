package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian package {@code chromium}), to look at the HTML report as a browser builds it. A missing
 * Chromium fails the test that needs it, with how to install it: the report's checks are never skipped.
 */
final class Chromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final long TIMEOUT_S = 120;

    private Chromium() {
    }

    /** The browser on the PATH; fails the test if there is none. */
    static Path binary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return fail("headless Chromium is needed to test the HTML report and none of " + NAMES + " is on the PATH;"
                + " install it (Debian: apt-get install -y chromium)");
    }

    /** The DOM Chromium built from {@code html}, serialized ({@code --dump-dom}). */
    static String dumpDom(Path html, Path profile) throws IOException, InterruptedException {
        return run(profile, "--dump-dom", html.toUri().toString());
    }

    /** A screenshot of {@code html} as {@code png}. */
    static void screenshot(Path html, Path png, Path profile) throws IOException, InterruptedException {
        run(profile, "--screenshot=" + png, "--window-size=1200,2400", html.toUri().toString());
        assertTrue(Files.isRegularFile(png), "chromium wrote no screenshot " + png);
    }

    private static String run(Path profile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in " + TIMEOUT_S + " s: " + cmd);
        }
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + cmd + "\n" + read(err));
        return read(out);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
