package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI in a child JVM whose standard output is a real pipe, closed by its reader after one line: an outside trial's
 * {@code vouch show ... | less}, quit early, ended in "standard output could not be written (closed early, or the disk
 * is full)" and exit 2. A reading command now ends quietly (141); a command whose output is a file to keep, and any
 * command writing to a full disk, still says it.
 */
class ClosedPipeTest {
    @TempDir
    static Path shared;

    static TestJournals.Written journal;

    @BeforeAll
    static void write() {
        // Far more than a pipe's 64 KiB and the CLI's 64 KiB buffer, so the writer is still writing when the reader leaves.
        journal = TestJournals.write(shared, 1_000);
    }

    record Run(int exit, String err) {
    }

    @Test
    void shouldEndAReadingCommandQuietlyWhenItsReaderLeaves() throws Exception {
        for (String command : List.of("show", "events", "tasks")) {
            Run r = runAndCloseAfterOneLine(command, journal.dir());

            assertEquals(VouchCli.EXIT_READER_LEFT, r.exit(), command + ": " + r.err());
            assertFalse(r.err().contains("could not be written"), command + ": " + r.err());
        }
    }

    @Test
    void shouldStillSayAnExportToAPipeIsIncomplete() throws Exception {
        Run r = runAndCloseAfterOneLine("export", journal.dir());

        assertEquals(VouchCli.EXIT_USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("vouch export: standard output could not be written (closed early, or the disk is"
                + " full): what it received is incomplete"), r.err());
    }

    @Test
    void shouldStillSayAReadingCommandsOutputWasNotWrittenToAFullDisk(@TempDir Path tmp) throws Exception {
        File full = new File("/dev/full");
        Assumptions.assumeTrue(full.exists(), "no /dev/full here");
        Process p = start("show", journal.dir()).redirectOutput(full).redirectError(tmp.resolve("err").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(tmp.resolve("err"));

        assertEquals(VouchCli.EXIT_USAGE, p.exitValue(), err);
        assertTrue(err.contains("vouch show: standard output could not be written"), err);
    }

    /** A re-trial's DSSE export to /dev/full said "exported 3 DSSE envelope(s)", then that nothing could be written. */
    @Test
    void shouldNotSayTheDsseEnvelopesWereExportedWhenStandardOutputFailed(@TempDir Path tmp) throws Exception {
        File full = new File("/dev/full");
        Assumptions.assumeTrue(full.exists(), "no /dev/full here");
        Process p = start("export", journal.dir(), "--format", "dsse", "--pubkey", journal.pub(), "--key",
                journal.keyFile().toString()).redirectOutput(full).redirectError(tmp.resolve("err").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(tmp.resolve("err"));

        assertEquals(VouchCli.EXIT_USAGE, p.exitValue(), err);
        assertTrue(err.contains("vouch export: standard output could not be written"), err);
        assertFalse(err.contains("exported"), err);
    }

    private static Run runAndCloseAfterOneLine(String... args) throws Exception {
        Path err = Files.createTempFile(shared, "err", ".txt");
        Process p = start(args).redirectError(err.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(out.readLine() != null, "no output: " + Files.readString(err));
        out.close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running after its reader left");
        return new Run(p.exitValue(), Files.readString(err));
    }

    private static ProcessBuilder start(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("vouch.test.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Arrays.stream(System.getProperty("vouch.test.jvmflags", "").split(" ")).filter(s -> !s.isBlank()).forEach(cmd::add);
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), VouchCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }
}
