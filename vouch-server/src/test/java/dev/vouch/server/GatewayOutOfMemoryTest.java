package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * Out of heap while serving: an outside trial's gateway at -Xmx40m, sent stalled calls of about 1 MB each, logged
     * 60 lines of traces from the request handler ("Unexpected failure on POST /v1/calls") and Jetty's thread pool
     * ("Job failed") before its one line. Now the one line is all, and the exit status is 1.
     */
    @Test
    void shouldExitWithOneLineWhenTheHeapFillsWhileServing() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        String token = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", token);
        String[] args = {"--journal", "journal", "--key", ".vouch_key", "--policy", policy.toString(), "--tokens",
            tokens.toString(), "--port", "0", "--admin-port", "0", "--origin", "test.vouch.dev/oom",
            "--max-body", "2000000"};
        String blob = "\u00fc" + "x".repeat(900_000);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (ServerProcess gw = ServerProcess.startWithHeap(tmp, List.of(), "40m", GatewayMain.class.getName(), args)) {
            for (int i = 0; i < 200 && gw.process.isAlive(); i++) {
                String body = "{\"tool\":\"payments.refund\",\"call_id\":\"c" + i + "\",\"params\":{\"amount\":900,"
                        + "\"blob\":\"" + blob + "\"}}";
                HttpRequest r = HttpRequest.newBuilder(gw.uri.resolve("/v1/calls")).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                http.sendAsync(r, HttpResponse.BodyHandlers.discarding());
                Thread.sleep(100);
            }
            assertTrue(gw.process.waitFor(120, TimeUnit.SECONDS), "the gateway did not run out of heap");
            String stderr = gw.log();
            assertEquals(1, gw.process.exitValue(), stderr);
            assertTrue(stderr.contains("vouch-server: out of memory: the Java heap (at most 40 MiB) is too small"),
                    stderr);
            assertFalse(stderr.contains("\tat ") || stderr.contains("Unexpected failure")
                    || stderr.contains("Job failed"), "no stack trace: " + stderr);
        }
        try (ServerProcess again = ServerProcess.start(tmp, GatewayMain.class.getName(), args)) {
            int exit = again.stop();
            assertTrue(exit == 0 || exit == 143, "stopped by SIGTERM (143 = 128 + 15): " + exit + again.log());
        }
        VerificationReport report = ServerJournal.verify(tmp.resolve("journal"), tmp.resolve(".vouch_key"));
        assertEquals(Verdict.INTACT, report.verdict(), report::toString);
    }
}
