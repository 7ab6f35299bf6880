package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.testsupport.LoopExt4;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal volume that turns read-only under an idle gateway. An outside trial's volume (ext4,
 * {@code errors=remount-ro}) turned read-only while the gateway was idle; nothing noticed until the SIGTERM that
 * followed, whose last writes failed the ledger: the gateway said "the journal was not sealed" and exited 143, the
 * status a supervisor takes for a clean stop by signal (systemd's {@code SuccessExitStatus=143}). It exits 75, as
 * for any failure of its ledger. And a re-trial's idle gateway stayed ready and healthy for 20 s on such a volume,
 * until its next call: an idle ledger now asks the storage once a second, so the gateway exits 75 on its own. Either
 * way the repaired journal verifies INTACT after the next start recovers it.
 */
class GatewayUnsealedStopTest {
    @TempDir
    Path tmp;

    @Test
    void shouldExitWithStatus75WhenTheStopCannotSealTheJournal() throws Exception {
        Assumptions.assumeTrue(LoopExt4.usable(), "needs root, mkfs.ext4, losetup and e2fsck");
        LoopExt4 disk = LoopExt4.make(tmp, 64);
        String[] args = gatewayArgs(disk);
        try (ServerProcess gateway = startAndCall(disk, args)) {
            Assumptions.assumeTrue(disk.raiseError(), "this kernel has no trigger_fs_error");
            int exit = gateway.stop();
            String log = gateway.log();
            assertEquals(GatewayOptions.LEDGER_FAILED, exit, log);
            // The stop's own writes fail, or the idle ledger's storage check came first (a second after the last call).
            boolean stopFailed = log.contains("[CRITICAL] the journal was not sealed: ");
            boolean checkFailed = log.contains("the journal's storage refused a write");
            assertTrue((stopFailed || checkFailed) && log.contains("Read-only file system")
                    && log.contains("exiting with status 75"), log);
        }
        assertRecovered(disk, args);
    }

    @Test
    void shouldExitWithStatus75OnItsOwnWhenTheVolumeTurnsReadOnlyWhileIdle() throws Exception {
        Assumptions.assumeTrue(LoopExt4.usable(), "needs root, mkfs.ext4, losetup and e2fsck");
        LoopExt4 disk = LoopExt4.make(tmp, 64);
        String[] args = gatewayArgs(disk);
        try (ServerProcess gateway = startAndCall(disk, args)) {
            Thread.sleep(1_500); // idle, well past the first storage check after the calls
            assertTrue(gateway.process.isAlive(), gateway::log);
            Assumptions.assumeTrue(disk.raiseError(), "this kernel has no trigger_fs_error");
            long raised = System.nanoTime();
            boolean exited = gateway.process.waitFor(20, TimeUnit.SECONDS);
            String log = gateway.log();
            assertTrue(exited, "an idle gateway on a read-only volume kept running: " + log);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - raised);
            assertEquals(GatewayOptions.LEDGER_FAILED, gateway.process.exitValue(), log);
            assertTrue(log.contains("the journal's storage refused a write") && log.contains("Read-only file system"),
                    log);
            assertTrue(seconds < 10, "noticed after " + seconds + " s: " + log);
        }
        assertRecovered(disk, args);
    }

    private String[] gatewayArgs(LoopExt4 disk) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        agent = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agent);
        return new String[] {"--journal", disk.mountPoint().resolve("journal").toString(), "--key",
            tmp.resolve(".vouch_key").toString(), "--policy", policy.toString(), "--tokens", tokens.toString(),
            "--port", "0", "--admin-port", "0"};
    }

    private String agent;

    /** Starts the gateway on the loop device and records five calls with their results, written back to the disk. */
    private ServerProcess startAndCall(LoopExt4 disk, String[] args) throws Exception {
        ServerProcess gateway = ServerProcess.start(tmp, disk.mountedFor(""), GatewayMain.class.getName(), args);
        try {
            Http http = new Http(gateway.uri);
            for (int i = 0; i < 5; i++) {
                Http.Reply call = http.post("/v1/calls", agent,
                        "{\"tool\":\"fs.read\",\"params\":{\"i\":" + i + "}}");
                assertEquals(200, call.status(), call::toString);
                Http.Reply result = http.post("/v1/calls/" + call.seq() + "/result", agent, "{\"result\":" + i + "}");
                assertEquals(200, result.status(), result::toString);
            }
            LoopExt4.run("sync");
            return gateway;
        } catch (Exception | Error e) {
            gateway.close();
            throw e;
        }
    }

    private void assertRecovered(LoopExt4 disk, String[] args) throws Exception {
        Path copy = tmp.resolve("repaired");
        disk.repairAndCopy("journal", copy);
        args[1] = copy.toString();
        try (ServerProcess again = ServerProcess.start(tmp, GatewayMain.class.getName(), args)) {
            int exit = again.stop();
            assertTrue(exit == 0 || exit == 143, "a clean stop by SIGTERM (143 = 128 + 15): " + exit + again.log());
        }
        VerificationReport recovered = ServerJournal.verify(copy, tmp.resolve(".vouch_key"));
        assertEquals(Verdict.INTACT, recovered.verdict(), recovered::toString);
        assertTrue(recovered.recoveries() >= 1, "the failed ledger is on record as a recovery: " + recovered);
    }
}
