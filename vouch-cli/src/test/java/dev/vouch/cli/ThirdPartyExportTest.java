package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code vouch export} writes is a docs/FORMAT.md export: {@code tools/verify-journal.py}, the verifier written
 * from the spec alone (Python standard library and openssl, no Vouch code), reaches the CLI's verdict on it.
 */
class ThirdPartyExportTest {
    @TempDir
    Path tmp;

    @Test
    void shouldBeReadableByTheIndependentVerifierWithTheSameVerdicts() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written intact = TestJournals.write(tmp.resolve("intact"), 5);
        TestJournals.Written tampered = TestJournals.write(tmp.resolve("tampered"), 5);
        TestJournals.flipByteIn(tampered.journal(), "MARK3X");

        assertEquals(0, independentVerdict(script, intact), "intact journal");
        assertEquals(1, independentVerdict(script, tampered), "tampered journal");
        assertEquals(1, Cli.run("verify", tampered.dir(), "--pubkey", tampered.pub(), "-q").exit());
    }

    private int independentVerdict(Path script, TestJournals.Written w) throws Exception {
        Path export = tmp.resolve(w.journal().getParent().getFileName() + ".jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        Process p = new ProcessBuilder("python3", script.toString(), export.toString(), "--pubkey", w.pub())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "verify-journal.py did not finish");
        assertTrue(p.exitValue() != 2, "the export could not be read: " + output);
        return p.exitValue();
    }

    private static Path script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path script = p.resolve("tools/verify-journal.py");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new AssertionError("tools/verify-journal.py not found");
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
