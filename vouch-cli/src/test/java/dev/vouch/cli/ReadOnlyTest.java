package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vouch.internal.format.RecordType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auditing must never change the evidence: after every read command, each file in the journal directory has the
 * same SHA-256, size and modification time, the directory's own modification time is unchanged (nothing was
 * created and deleted again) and no file appeared, whether verification passes or fails.
 */
class ReadOnlyTest {
    @TempDir
    Path tmp;

    @Test
    void shouldLeaveAnIntactJournalByteForByteUnchanged() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("intact"), 10);
        assertReadCommandsChangeNothing(w, w.journal(), 0);
    }

    @Test
    void shouldLeaveATamperedJournalByteForByteUnchanged() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("tampered"), 10);
        TestJournals.flipByteIn(w.journal(), "MARK4X");
        assertReadCommandsChangeNothing(w, w.journal(), 1);
    }

    @Test
    void shouldLeaveAJournalWithATornTailUnchanged() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("source"), 3);
        int keep = TestJournals.lastIndexOf(w.journal(), RecordType.TASK_END) + 1;
        Path torn = TestJournals.truncatedCopy(w.journal(), tmp.resolve("torn"), keep);
        assertReadCommandsChangeNothing(w, torn, 1);
    }

    @Test
    void shouldLeaveAJournalThatHasLivedUnchanged() {
        TestJournals.Written w = TestJournals.writeEventful(tmp.resolve("eventful"));
        assertReadCommandsChangeNothing(w, w.journal(), 0);
    }

    private void assertReadCommandsChangeNothing(TestJournals.Written w, Path journal, int verifyExit) {
        Map<String, TestJournals.FileState> before = TestJournals.snapshot(journal);
        String dir = journal.toString();

        assertEquals(verifyExit, Cli.run("verify", dir, "--pubkey", w.pub()).exit());
        assertEquals(verifyExit, Cli.run("verify", dir, "--pubkey", w.pub(), "--json").exit());
        assertEquals(0, Cli.run("export", dir).exit());
        assertEquals(0, Cli.run("show", dir).exit());
        assertEquals(verifyExit == 0 ? 0 : 1, Cli.run("checkpoint", dir, "--pubkey", w.pub(), "--require-sealed").exit());
        Cli.run("prove", dir, "--seq", "1", "--pubkey", w.pub(), "--format", "json");
        assertEquals(0, Cli.run("pubkey", "--key", w.keyFile().toString(), "--format", "note", "--journal", dir).exit());
        assertEquals(0, Cli.run("status", dir).exit());
        assertEquals(0, Cli.run("status", dir, "--json").exit());
        assertEquals(0, Cli.run("stats", dir).exit());
        assertEquals(0, Cli.run("stats", dir, "--json").exit());
        assertEquals(0, Cli.run("events", dir, "--limit", "5").exit());
        assertEquals(0, Cli.run("events", dir, "--json").exit());
        assertEquals(0, Cli.run("risk", dir).exit());
        assertEquals(0, Cli.run("tail", dir, "-n", "3").exit());
        assertEquals(0, Cli.run("tasks", dir).exit());
        Path report = journal.resolveSibling(journal.getFileName() + "-report.html");
        assertEquals(verifyExit, Cli.run("report", dir, "-o", report.toString(), "--pubkey", w.pub()).exit());
        assertEquals(0, Cli.run("trace", dir, "--html", report.toString()).exit());

        // Proofs, DSSE, bundles and several journals at once (issue 14): outputs go outside the journal.
        Path out = tmp.resolve("out-" + journal.getFileName() + "-" + System.nanoTime());
        try {
            java.nio.file.Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String proof = out.resolve("p.tlog-proof").toString();
        String saved = out.resolve("saved.txt").toString();
        int proved = Cli.run("prove", dir, "--seq", "1", "--pubkey", w.pub(), "-o", proof).exit();
        assertEquals(verifyExit == 0 ? 0 : 1, proved == 0 ? 0 : 1);
        if (proved == 0) {
            assertEquals(0, Cli.run("check-proof", proof, "--record", ProofCommandsTest.recordOf(Path.of(proof)).toString(),
                    "--pubkey", w.pub()).exit());
        }
        Cli.run("checkpoint", dir, "--pubkey", w.pub(), "-o", saved);
        Cli.run("consistency", dir, "--from", saved, "--pubkey", w.pub(), "-o", out.resolve("c.proof").toString());
        Cli.run("check-consistency", out.resolve("c.proof").toString(), "--from", saved, "--pubkey", w.pub());
        Cli.run("export", dir, "--format", "dsse", "--pubkey", w.pub(), "--key", w.keyFile().toString(), "--events");
        Cli.run("export", dir, "--format", "bundle", "--pubkey", w.pub(), "-o", out.resolve("e.zip").toString());
        Cli.run("verify", dir, dir, "--pubkey", w.pub());
        Cli.run("verify", dir, dir, "--pubkey", w.pub(), "--json");
        Cli.run("verify", "--all", journal.getParent().toString(), "--pubkey", w.pub());

        assertEquals(before, TestJournals.snapshot(journal), "the journal directory changed");
    }
}
