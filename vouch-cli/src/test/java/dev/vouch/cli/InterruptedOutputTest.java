package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export to {@code -o FILE} stopped by SIGTERM (or Ctrl-C) while it writes: an outside auditor's interrupted
 * export of a 5.6 M-record journal left a hidden 673 MB {@code .FILE.N.tmp} beside FILE, and nothing said so.
 */
class InterruptedOutputTest {
    @Test
    void shouldLeaveNoTemporaryFileWhenStoppedWhileWriting(@TempDir Path dir) throws Exception {
        TestJournals.Written journal = TestJournals.write(dir.resolve("j"), 200_000);
        Path out = Files.createDirectories(dir.resolve("out"));
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("vouch.test.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Arrays.stream(System.getProperty("vouch.test.jvmflags", "").split(" ")).filter(s -> !s.isBlank()).forEach(cmd::add);
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), VouchCli.class.getName(),
                "export", journal.dir(), "-o", out.resolve("export.jsonl").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (temporaryFiles(out).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertFalse(temporaryFiles(out).isEmpty(), "the export never started writing: " + Files.readString(dir.resolve("log")));
        Thread.sleep(200);
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));

        assertEquals(143, p.exitValue(), "stopped while writing, as intended: " + Files.readString(dir.resolve("log")));
        assertEquals(List.of(), temporaryFiles(out));
        assertFalse(Files.exists(out.resolve("export.jsonl")), "no partial file in FILE's place either");
    }

    private static List<Path> temporaryFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
