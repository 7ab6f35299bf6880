package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the independent checkers in tools/ (Python standard library and openssl, no Vouch code). */
final class ThirdPartyTools {
    record Run(int exit, String output) {
    }

    private ThirdPartyTools() {
    }

    /** Skips the test unless python3 and openssl are on the PATH. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
    }

    static Run python(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", script(script).toString()));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), script + " did not finish");
        return new Run(p.exitValue(), output);
    }

    static Path script(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path script = p.resolve("tools").resolve(name);
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new AssertionError("tools/" + name + " not found");
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
