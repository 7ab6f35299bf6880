package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in a heap too small for it: an outside trial's gateway at -Xmx16m printed three OutOfMemoryError traces
 * (the policy watcher, a timer, main) and exited 1, and nothing said what to do. Now one line says how much heap to
 * give it; what it recorded is not damaged (sealed, or left as a crash leaves it), and a start with enough heap
 * recovers it and verifies INTACT.
 */
class GatewayOutOfMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void shouldSayHowMuchHeapToGiveAndLeaveTheJournalRecoverable() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", AccessTokens.newToken());
        String[] args = {"--journal", "journal", "--key", ".vouch_key", "--policy", policy.toString(), "--tokens",
            tokens.toString(), "--port", "0", "--admin-port", "0", "--origin", "test.vouch.dev/oom"};
        List<String> cmd = ServerProcess.javaCommand("12m", GatewayMain.class.getName(), args);
        Path err = tmp.resolve("err");
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(tmp.resolve("out").toFile())
                .redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String stderr = Files.readString(err);

        assertTrue(p.exitValue() == 1 || p.exitValue() == 2, stderr);
        assertTrue(stderr.contains("vouch-server: out of memory") && stderr.contains("the Java heap (at most 12 MiB) is"
                + " too small for the gateway; give it at least 64 MiB (-Xmx64m"), stderr);
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception in thread"), "no stack trace: " + stderr);

        try (ServerProcess again = ServerProcess.start(tmp, GatewayMain.class.getName(), args)) {
            int exit = again.stop();
            assertTrue(exit == 0 || exit == 143, "stopped by SIGTERM (143 = 128 + 15): " + exit + again.log());
        }
        VerificationReport report = ServerJournal.verify(tmp.resolve("journal"), tmp.resolve(".vouch_key"));
        assertEquals(Verdict.INTACT, report.verdict(), report::toString);
    }
}
