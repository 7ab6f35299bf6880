package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an outside trial's SRE found scripting {@code vouch verify} for a nightly check: a FIFO named like a day file
 * hung {@code verify}, {@code verify --all} and {@code status} at its open, so the job never reported; a journal whose
 * day files were all removed dropped out of {@code verify --all}, which said ALL INTACT; and {@code verify --json}
 * on the default two threads left its object open ({@code {"failures":[}) when a day file could not be read.
 */
class ScriptedChecksTest {
    @TempDir
    Path tmp;

    @Test
    void shouldNotHangOnAFifoNamedLikeADayFile() throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("journals"));
        TestJournals.Written w = TestJournals.write(tmp.resolve("source"), 3);
        List<byte[]> records = TestJournals.records(w.journal());
        Path journal = parent.resolve("agent");
        List<Path> days = TestJournals.journalAcrossDays(journal, records, (records.size() + 2) / 3);
        Path middle = days.get(1);
        Files.delete(middle);
        Process mkfifo = new ProcessBuilder("mkfifo", middle.toString()).inheritIO().start();
        Assumptions.assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "no mkfifo");

        Cli.Result one = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run("verify", journal.toString(), "--pubkey", w.pub()));
        assertEquals(1, one.exit(), one::toString);
        assertTrue(one.out().contains("TAMPERED"), one::toString);
        assertTrue(one.err().contains("warning: ignoring " + middle.getFileName() + ": not a regular file"),
                one::toString);
        Cli.Result all = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run("verify", "--all", parent.toString(), "--pubkey", w.pub()));
        assertEquals(1, all.exit(), all::toString);
        Cli.Result status = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.run("status", journal.toString()));
        assertEquals(1, status.exit(), status::toString);
    }

    @Test
    void shouldNotLeaveOutOfARunAJournalWhoseDayFilesWereAllRemoved() throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("journals"));
        TestJournals.Written intact = TestJournals.write(tmp.resolve("a"), 2);
        Files.move(intact.journal(), parent.resolve("host-a"));
        TestJournals.Written wiped = TestJournals.write(tmp.resolve("b"), 2);
        Path hostB = Files.move(wiped.journal(), parent.resolve("host-b"));
        try (var files = Files.list(hostB)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".cq4")).toList()) {
                Files.delete(f);
            }
        }
        assertTrue(Files.exists(hostB.resolve("metadata.cq4t")), "the writer's table store stays");

        Cli.Result all = Cli.run("verify", "--all", parent.toString(), "--pubkey", intact.pub());
        assertEquals(2, all.exit(), all::toString);
        assertTrue(all.out().contains("ERROR") && all.out().contains("host-b") && all.out().contains("removed or moved")
                && all.out().contains("NOT ALL INTACT"), all::toString);
        Map<String, Object> json = Cli.run("verify", "--all", parent.toString(), "--pubkey", intact.pub(), "--json")
                .json();
        assertEquals(2L, Cli.num(json.get("exit_code")), json::toString);

        Cli.Result alone = Cli.run("verify", hostB.toString(), "--pubkey", wiped.pub());
        assertEquals(2, alone.exit(), alone::toString);
        assertTrue(alone.err().contains("not a Vouch journal (no .cq4 journal files in it, though it holds metadata.cq4t"),
                alone::toString);
    }

    /**
     * A backup script's {@code vouch export J > day.jsonl && ship}: the export of a journal whose first or a middle
     * day file was removed exited 0 with nothing said (a missing last one was already warned of, exit 1).
     */
    @Test
    void shouldWarnAndExitOneWhenTheExportedJournalLacksADayFile() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("source"), 3);
        List<byte[]> records = TestJournals.records(w.journal());
        int perDay = (records.size() + 2) / 3;
        List<Path> whole = TestJournals.journalAcrossDays(tmp.resolve("whole"), records, perDay);
        Cli.Result intact = Cli.run("export", whole.get(0).getParent().toString());
        assertEquals(0, intact.exit(), intact::toString);
        assertFalse(intact.err().contains("warning"), intact::toString);

        List<Path> first = TestJournals.journalAcrossDays(tmp.resolve("first"), records, perDay);
        Files.delete(first.get(0));
        Cli.Result noStart = Cli.run("export", first.get(1).getParent().toString());
        assertEquals(1, noStart.exit(), noStart::toString);
        assertTrue(noStart.err().contains("warning: the journal's beginning is missing: its first record is sequence "
                + perDay), noStart::toString);
        assertEquals(records.size() - perDay, noStart.out().lines().count());

        List<Path> middle = TestJournals.journalAcrossDays(tmp.resolve("middle"), records, perDay);
        Files.delete(middle.get(1));
        Path saved = tmp.resolve("middle.jsonl");
        Cli.Result gap = Cli.run("export", middle.get(0).getParent().toString(), "-o", saved.toString());
        assertEquals(1, gap.exit(), gap::toString);
        assertTrue(gap.err().contains("warning: records are missing: the sequence numbers jump from " + (perDay - 1)
                + " to " + (2 * perDay)), gap::toString);
        assertTrue(Files.exists(saved), "what can be read is still exported");
        // And every command that shows what it reads (status says it in its own words, on standard output).
        for (String command : List.of("show", "events", "tasks", "stats", "risk", "tail")) {
            Cli.Result r = Cli.run(command, middle.get(0).getParent().toString());
            assertEquals(1, r.exit(), command + ": " + r);
            assertTrue(r.err().contains("vouch " + command + ": warning: records are missing: the sequence numbers jump"
                    + " from " + (perDay - 1)), command + ": " + r);
        }
        Cli.Result status = Cli.run("status", middle.get(0).getParent().toString());
        assertEquals(1, status.exit(), status::toString);
        assertFalse(status.err().contains("warning: records are missing"), status::toString);
        Cli.Result report = Cli.run("report", middle.get(0).getParent().toString(), "-o",
                tmp.resolve("report.html").toString());
        assertEquals(1, report.exit(), report::toString);
    }

    /**
     * A day file the CLI cannot read, partway through: as root with the capabilities that bypass file modes dropped
     * ({@code setpriv}), the middle day file owned by another user. The JSON object is completed with status
     * {@code error} on one thread and on two alike.
     */
    @Test
    void shouldCompleteTheJsonObjectWhenADayFileCannotBeReadOnAnyNumberOfThreads() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(
                "/usr/bin/setpriv")), "needs root and setpriv");
        TestJournals.Written w = TestJournals.write(tmp.resolve("source"), 3);
        List<byte[]> records = TestJournals.records(w.journal());
        Path journal = tmp.resolve("days");
        List<Path> days = TestJournals.journalAcrossDays(journal, records, (records.size() + 2) / 3);
        Files.setPosixFilePermissions(days.get(1), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.getFileAttributeView(days.get(1), java.nio.file.attribute.PosixFileAttributeView.class)
                .setOwner(journal.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        for (String threads : List.of("1", "2")) {
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search"));
            cmd.add(System.getProperty("vouch.test.java", Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            Arrays.stream(System.getProperty("vouch.test.jvmflags", "").split(" ")).filter(s -> !s.isBlank())
                    .forEach(cmd::add);
            cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), VouchCli.class.getName(),
                    "verify", journal.toString(), "--pubkey", w.pub(), "--json", "--threads", threads));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "verify did not finish");
            assertEquals(2, p.exitValue(), out);
            Object parsed = JsonTree.parse(out.strip());
            assertTrue(parsed instanceof Map<?, ?>, threads + " thread(s): " + out);
            Map<?, ?> json = (Map<?, ?>) parsed;
            assertEquals("error", json.get("status"), out);
            assertTrue(String.valueOf(json.get("reason")).contains("permission denied"), out);
            assertFalse(json.containsKey("verdict") && json.get("verdict") != null, out);
        }
    }
}
