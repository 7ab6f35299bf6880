package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import dev.vouch.testsupport.Namespaces;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's disk fills up (a real one: a 24 MiB tmpfs in the process's own mount namespace): the ledger stops,
 * calls are refused, and the process exits with status 75 for its supervisor to restart it, rather than staying up
 * unhealthy until someone notices, as the original Vouch did. The restart on the same journal, with room again,
 * recovers it, and the journal verifies INTACT.
 */
class GatewayLedgerFailureTest {
    @TempDir
    Path tmp;

    @Test
    void shouldExitWithStatus75WhenTheDiskFillsAndRecoverWhenRestarted() throws Exception {
        Assumptions.assumeTrue(Namespaces.work(), "unshare -rm (user and mount namespaces) is not available here");
        Path mount = Files.createDirectories(tmp.resolve("small-disk"));
        Path copy = tmp.resolve("copy");
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        String agent = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agent);
        // The tmpfs goes with the namespace: the wrapper copies the journal out once the gateway has exited.
        List<String> smallDisk = List.of("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=24m vouch-full \"$0\""
                + " && \"$@\"; rc=$?; cp -a \"$0\"/journal '" + copy + "'; exit $rc", mount.toString());
        String[] args = {"--journal", mount.resolve("journal").toString(), "--key", tmp.resolve(".vouch_key").toString(),
            "--policy", policy.toString(), "--tokens", tokens.toString(), "--port", "0", "--admin-port", "0"};
        String big = "x".repeat(600_000);

        int refused = 0;
        int allowed = 0;
        try (ServerProcess gateway = ServerProcess.start(tmp, smallDisk, GatewayMain.class.getName(), args)) {
            Http http = new Http(gateway.uri);
            for (int i = 0; i < 200 && gateway.process.isAlive(); i++) {
                try {
                    Http.Reply r = http.post("/v1/calls", agent, "{\"tool\":\"fs.read\",\"params\":{\"i\":" + i
                            + ",\"pad\":\"" + big + "\"}}");
                    if (r.status() == 200) {
                        allowed++;
                    } else if (r.status() == 503) {
                        refused++;
                        // Refused because nothing can be recorded, then because the gateway is on its way out.
                        assertTrue(List.of("journal_unavailable", "stopping").contains(r.errorCode()), r::toString);
                        // Words for an agent: neither the server's files nor Java's classes (an outside trial read both).
                        assertFalse(r.errorMessage().contains("java.") || r.errorMessage().contains(".cq4")
                                || r.errorMessage().contains("Exception"), r::toString);
                    }
                } catch (UncheckedIOException | IllegalStateException gone) {
                    break; // the gateway exited between two calls
                }
            }
            assertTrue(gateway.process.waitFor(60, TimeUnit.SECONDS), "the gateway exits by itself: " + gateway.log());
            assertEquals(75, gateway.process.exitValue(), gateway.log());
            String log = gateway.log();
            assertTrue(log.contains("[CRITICAL]") && log.contains("exiting with status 75 so that the supervisor"
                    + " restarts the gateway"), log);
        }
        assertTrue(allowed > 10, "calls were recorded until the disk was full: " + allowed);
        VerificationReport failed = verify(copy);
        assertEquals(0, failed.failureCount(), failed::toString);
        assertEquals(Verdict.INCOMPLETE, failed.verdict(), "an unsealed prefix, as the ledger promises on a full disk");

        // The supervisor's restart, with room on the disk: the journal is recovered and goes on.
        args[1] = copy.toString();
        try (ServerProcess again = ServerProcess.start(tmp, GatewayMain.class.getName(), args)) {
            Http http = new Http(again.uri);
            assertEquals(200, http.post("/v1/calls", agent, "{\"tool\":\"fs.read\",\"params\":{\"after\":true}}")
                    .status());
            int exit = again.stop();
            assertTrue(exit == 0 || exit == 143, "stopped by SIGTERM: " + exit + again.log());
        }
        VerificationReport recovered = verify(copy);
        assertEquals(Verdict.INTACT, recovered.verdict(), recovered::toString);
        assertTrue(recovered.recoveries() >= 1, "the failure is on record as a recovery: " + recovered);
    }

    private VerificationReport verify(Path dir) {
        return ServerJournal.verify(dir, tmp.resolve(".vouch_key"));
    }
}
