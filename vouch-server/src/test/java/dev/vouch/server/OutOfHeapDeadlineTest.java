package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out of heap, the gateway exits with status 1 even when its shutdown cannot finish: an outside trial's gateway
 * printed "exiting with status 1" and hung for ten minutes, one core spinning, SIGTERM ignored, so that no supervisor
 * restarted it. The exit is bounded ({@code OutOfHeap.EXIT_DEADLINE_MILLIS}, 30 s; 2 s here).
 */
class OutOfHeapDeadlineTest {
    @TempDir
    Path tmp;

    @Test
    void shouldEndTheProcessWhenItsShutdownHangs() throws Exception {
        Path err = tmp.resolve("stderr");
        Path stdout = tmp.resolve("stdout");
        Process p = new ProcessBuilder(ServerProcess.javaCommand("64m", StuckExitChild.class.getName(), "2000"))
                .redirectError(err.toFile()).redirectOutput(stdout.toFile()).start();
        long started = System.nanoTime();
        boolean ended;
        try {
            ended = p.waitFor(30, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly(); // a child that never ends must not outlive the test
        }
        assertTrue(ended, "the process did not end: " + Files.readString(err));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertEquals(1, p.exitValue(), Files.readString(err));
        assertTrue(seconds < 20, "ended after " + seconds + " s");
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        assertTrue(out.contains("READY"), out);
        assertTrue(Files.readString(err).contains("stuck-exit: out of memory: "), Files.readString(err));
    }
}
