package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command line tool (OpenSSL 3) for interoperability tests. A missing openssl fails
 * the test with a clear message rather than skipping it: these checks are the point of the tests.
 */
final class Openssl {
    /** Exit status and output of one run. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Openssl() {
    }

    /** Runs openssl with {@code args} in {@code dir} and fails the test unless it exits with 0. */
    static String ok(Path dir, String... args) {
        Result r = run(dir, args);
        if (r.exitCode() != 0) {
            fail("openssl " + String.join(" ", args) + " exited with " + r.exitCode() + ":\n" + r.stderr()
                    + r.stdout());
        }
        return r.stdout();
    }

    /** Runs openssl with {@code args} in {@code dir}; fails the test if openssl cannot be started. */
    static Result run(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        } catch (IOException e) {
            return fail("cannot run 'openssl' (" + e.getMessage() + "): the interoperability tests need the"
                    + " OpenSSL 3 command line tool on the PATH, e.g. apt-get install openssl");
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return fail("openssl " + String.join(" ", args) + " did not finish in 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("reading openssl output failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for openssl");
        }
    }
}
