package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.testsupport.LoopExt4;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop that cannot seal the journal is not a clean stop. An outside trial's journal volume (ext4,
 * {@code errors=remount-ro}) turned read-only while the gateway was idle; nothing noticed until the SIGTERM that
 * followed, whose last writes failed the ledger: the gateway said "the journal was not sealed" and exited 143, the
 * status a supervisor takes for a clean stop by signal (systemd's {@code SuccessExitStatus=143}). It exits 75, as
 * for any failure of its ledger; the repaired journal verifies INTACT after the next start recovers it.
 */
class GatewayUnsealedStopTest {
    @TempDir
    Path tmp;

    @Test
    void shouldExitWithStatus75WhenTheStopCannotSealTheJournal() throws Exception {
        Assumptions.assumeTrue(LoopExt4.usable(), "needs root, mkfs.ext4, losetup and e2fsck");
        LoopExt4 disk = LoopExt4.make(tmp, 64);
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        String agent = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agent);
        String[] args = {"--journal", disk.mountPoint().resolve("journal").toString(), "--key",
            tmp.resolve(".vouch_key").toString(), "--policy", policy.toString(), "--tokens", tokens.toString(),
            "--port", "0", "--admin-port", "0"};

        try (ServerProcess gateway = ServerProcess.start(tmp, disk.mountedFor(""), GatewayMain.class.getName(),
                args)) {
            Http http = new Http(gateway.uri);
            for (int i = 0; i < 5; i++) {
                Http.Reply call = http.post("/v1/calls", agent, "{\"tool\":\"fs.read\",\"params\":{\"i\":" + i + "}}");
                assertEquals(200, call.status(), call::toString);
                Http.Reply result = http.post("/v1/calls/" + call.seq() + "/result", agent, "{\"result\":" + i + "}");
                assertEquals(200, result.status(), result::toString);
            }
            LoopExt4.run("sync");
            Assumptions.assumeTrue(disk.raiseError(), "this kernel has no trigger_fs_error");
            int exit = gateway.stop();
            String log = gateway.log();
            assertEquals(GatewayOptions.LEDGER_FAILED, exit, log);
            assertTrue(log.contains("[CRITICAL] the journal was not sealed: ") && log.contains("Read-only file system")
                    && log.contains("exiting with status 75"), log);
        }

        Path copy = tmp.resolve("repaired");
        disk.repairAndCopy("journal", copy);
        args[1] = copy.toString();
        try (ServerProcess again = ServerProcess.start(tmp, GatewayMain.class.getName(), args)) {
            int exit = again.stop();
            assertTrue(exit == 0 || exit == 143, "a clean stop by SIGTERM (143 = 128 + 15): " + exit + again.log());
        }
        VerificationReport recovered = ServerJournal.verify(copy, tmp.resolve(".vouch_key"));
        assertEquals(Verdict.INTACT, recovered.verdict(), recovered::toString);
        assertTrue(recovered.recoveries() >= 1, "the unsealed stop is on record as a recovery: " + recovered);
    }
}
