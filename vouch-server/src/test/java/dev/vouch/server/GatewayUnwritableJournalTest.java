package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.testsupport.Immutable;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal with a day file the gateway may read but not write (an outside trial's move to a new host left one file
 * root's): the start printed its error after 2 s, then hung 60 s in {@code System.exit}, its shutdown hook waiting
 * for a start that had ended with an exception Chronicle throws undeclared. Now it exits 2 at once, naming the file.
 * The file is made immutable ({@code chattr +i}), which root cannot write either.
 */
class GatewayUnwritableJournalTest {
    @TempDir
    Path tmp;

    @Test
    void shouldExitAtOnceNamingTheFile() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", AccessTokens.newToken());
        String[] args = {"--journal", "journal", "--key", ".vouch_key", "--policy", policy.toString(), "--tokens",
            tokens.toString(), "--port", "0", "--admin-port", "0", "--origin", "test.vouch.dev/unwritable"};
        try (ServerProcess gw = ServerProcess.start(tmp, GatewayMain.class.getName(), args)) {
            assertEquals(143, gw.stop(), gw.log());
        }
        Path cycle;
        try (Stream<Path> s = Files.list(tmp.resolve("journal"))) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".cq4")).sorted().collect(Collectors.toList());
            cycle = files.get(files.size() - 1);
        }
        Assumptions.assumeTrue(Immutable.set(cycle), "chattr +i is not available here");
        Path err = tmp.resolve("err");
        try {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(ServerProcess.javaCommand("256m", GatewayMain.class.getName(), args))
                    .directory(tmp.toFile()).redirectOutput(tmp.resolve("out").toFile()).redirectError(err.toFile())
                    .start();
            boolean exited = p.waitFor(40, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            String stderr = Files.readString(err);
            assertTrue(exited, "still running after 40 s: " + stderr);
            assertEquals(2, p.exitValue(), stderr);
            assertTrue(stderr.contains("vouch-server: cannot open the journal's storage in ")
                    && stderr.contains("journal/" + cycle.getFileName() + " (Operation not permitted) (the writer must be"
                            + " able to read and write every file in the journal directory)"), stderr);
            assertFalse(stderr.contains("\tat "), stderr);
            assertTrue(seconds < 30, "took " + seconds + " s");
        } finally {
            Immutable.clear(cycle);
        }
        try (ServerProcess again = ServerProcess.start(tmp, GatewayMain.class.getName(), args)) {
            assertEquals(143, again.stop(), again.log());
        }
        VerificationReport report = ServerJournal.verify(tmp.resolve("journal"), tmp.resolve(".vouch_key"));
        assertEquals(Verdict.INTACT, report.verdict(), report::toString);
    }
}
