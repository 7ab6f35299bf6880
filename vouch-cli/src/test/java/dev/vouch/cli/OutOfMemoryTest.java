package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.ledger.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that holds more of a journal than its heap takes, in a child JVM with a small heap: the JVM printed
 * {@code Exception in thread "main" java.lang.OutOfMemoryError} and its trace, and the user learnt neither the limit
 * nor how to raise it.
 */
class OutOfMemoryTest {
    @Test
    void shouldSayTheHeapIsTooSmallAndHowToRaiseIt(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("journal");
        String big = "{\"blob\":\"" + "x".repeat(60_000) + "\"}";
        try (Ledger ledger = Ledger.builder(journal).keyFile(dir.resolve("k")).origin("test.vouch.dev/oom").open()) {
            Event e = new Event();
            for (int i = 0; i < 1_500; i++) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).agent("bot").task("t").name("step").params(big));
            }
        }
        Path err = dir.resolve("err");
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("vouch.test.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Arrays.stream(System.getProperty("vouch.test.jvmflags", "").split(" ")).filter(s -> !s.isBlank()).forEach(cmd::add);
        cmd.addAll(List.of("-Xmx48m", "-cp", System.getProperty("java.class.path"), VouchCli.class.getName(),
                "tasks", journal.toString(), "--json"));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String stderr = Files.readString(err);

        assertEquals(VouchCli.EXIT_USAGE, p.exitValue(), stderr);
        assertTrue(stderr.startsWith("vouch tasks: out of memory: the Java heap (at most "), stderr);
        assertTrue(stderr.contains("VOUCH_JAVA_OPTS=-Xmx8g"), stderr);
        assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
    }

    /** A heap too small for any command: the journal is not what fills it, and 8 GiB is not the advice. */
    @Test
    void shouldAskForATinyHeapToBeRaisedToWhatACommandNeeds() {
        assertTrue(VouchCli.outOfMemory(8L << 20).startsWith("the Java heap (at most 8 MiB) is too small for the"
                + " command itself; give it at least 64 MiB, e.g. VOUCH_JAVA_OPTS=-Xmx64m"));
        assertTrue(VouchCli.outOfMemory(48L << 20).contains("VOUCH_JAVA_OPTS=-Xmx8g"));
    }
}
