package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.internal.VouchVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliUsageTest {
    @Test
    void shouldListEveryCommandInTheHelp() {
        Cli.Result r = Cli.run("--help");

        assertEquals(0, r.exit(), r::toString);
        for (String command : List.of("verify", "status", "stats", "events", "risk", "tail", "report", "export", "show",
                "tasks, trace", "checkpoint", "prove", "pubkey", "rekey", "help")) {
            assertTrue(r.out().contains("\n  " + command + " "), "help lists " + command + ": " + r);
        }
        assertTrue(r.out().contains("Exit codes:"), r::toString);
    }

    /**
     * An outside trial: {@code vouch export journal > /dev/full} and {@code vouch checkpoint ... > saved.txt} on a full
     * disk exited 0, the file empty. Output that cannot be written is exit 2, said on standard error.
     */
    @Test
    void shouldExitTwoWhenStandardOutputCannotBeWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        TestJournals.Written w = TestJournals.write(tmp.resolve("j"), 5);
        for (String[] args : List.of(new String[] {"export", w.dir()}, new String[] {"verify", w.dir(), "--pubkey", w.pub()},
                new String[] {"--version"})) {
            StringWriter err = new StringWriter();
            PrintWriter full = new PrintWriter(new java.io.OutputStreamWriter(new java.io.OutputStream() {
                @Override
                public void write(int b) throws java.io.IOException {
                    throw new java.io.IOException("No space left on device");
                }
            }, java.nio.charset.StandardCharsets.UTF_8));

            int exit = VouchCli.run(full, new PrintWriter(err), args);

            assertEquals(2, exit, String.join(" ", args) + ": " + err);
            assertTrue(err.toString().contains("standard output could not be written (closed early, or the disk is"
                    + " full)"), err::toString);
        }
        assertEquals(0, Cli.run("verify", w.dir(), "--pubkey", w.pub(), "-q").exit(), "a writable output changes nothing");

        // -o renames a finished file into place: as root, -o /dev/full replaced the device with a regular file.
        java.nio.file.Path device = java.nio.file.Path.of("/dev/null");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(device));
        Cli.Result refused = Cli.run("export", w.dir(), "-o", device.toString());
        assertEquals(2, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("/dev/null: not a regular file"), refused::toString);
        assertFalse(java.nio.file.Files.isRegularFile(device), "the device is still a device");

        // -o through a symbolic link writes where it points, and the link stays (a re-trial's find).
        java.nio.file.Path real = tmp.resolve("real.jsonl");
        java.nio.file.Path link = tmp.resolve("link.jsonl");
        try {
            java.nio.file.Files.writeString(real, "old");
            java.nio.file.Files.createSymbolicLink(link, real);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(0, Cli.run("export", w.dir(), "-o", link.toString()).exit());
        assertTrue(java.nio.file.Files.isSymbolicLink(link), "still a link");
        try {
            assertTrue(java.nio.file.Files.readString(real).contains("record_b64"), "written where it points");
            java.nio.file.Files.delete(real);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Cli.Result dangling = Cli.run("export", w.dir(), "-o", link.toString());
        assertEquals(2, dangling.exit(), dangling::toString);
        assertTrue(dangling.err().contains("a symbolic link to nothing"), dangling::toString);
    }

    @Test
    void shouldPrintTheLibraryVersion() {
        Cli.Result r = Cli.run("--version");

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("vouch " + VouchVersion.LIBRARY + "\n"), r::toString);
        assertFalse(VouchVersion.LIBRARY.endsWith("unknown"), "the version resource is filtered");
    }

    @Test
    void shouldShowHelpForEachCommand() {
        for (String command : List.of("verify", "status", "stats", "events", "risk", "tail", "report", "export", "show",
                "tasks", "checkpoint", "prove", "check-proof", "consistency", "check-consistency", "pubkey", "rekey")) {
            Cli.Result help = Cli.run(command, "--help");
            Cli.Result viaHelp = Cli.run("help", command);
            assertEquals(0, help.exit(), help::toString);
            assertTrue(help.out().startsWith("Usage: vouch " + command), help::toString);
            assertEquals(help.out(), viaHelp.out());
        }
    }

    @Test
    void shouldExitTwoOnUsageErrors() {
        for (String[] args : List.of(new String[0], new String[] {"verfy"}, new String[] {"verify", "dir"},
                new String[] {"verify", "--pubkey"}, new String[] {"prove", "dir", "--seq", "x", "--pubkey", "p"},
                new String[] {"show", "dir", "--bogus"})) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exit(), r::toString);
            assertEquals("", r.out(), "usage errors go to standard error");
            assertTrue(r.err().contains("--help"), r::toString);
        }
        assertTrue(Cli.run("verfy").err().contains("Did you mean"), "suggests the command");
        assertTrue(Cli.run("verify", "dir").err().contains("--pubkey"), "names the missing option");
    }

    @Test
    void shouldDrawAProgressBarOnlyWhenEnabledAndTheJournalIsLarge() {
        StringWriter err = new StringWriter();
        ProgressBar off = new ProgressBar(new PrintWriter(err), false, "verifying");
        off.update(1 << 20, 1 << 21);
        assertEquals("", err.toString());

        ProgressBar on = new ProgressBar(new PrintWriter(err), true, "verifying");
        on.update(1000, 2000);
        assertEquals("", err.toString(), "no bar for a small journal");
        on.update(1 << 20, 1 << 21);
        assertTrue(err.toString().startsWith("\rverifying [###############---------------]  50%  1,048,576 / 2,097,152"),
                err.toString());
        on.clear();
        assertTrue(err.toString().endsWith("\r"), "cleared back to the start of the line");
        assertFalse(ProgressBar.interactive(), "tests run without a terminal");
    }

    @Test
    void shouldEscapeWhatCouldRewriteAnAuditorsTerminal() {
        assertEquals("plain text \u00e9\u20ac \ud83d\ude00", Text.safe("plain text \u00e9\u20ac \ud83d\ude00"));
        assertEquals("a\\u001b[31mb\\u0007\\u000a\\u202e\\u0085\\\\", Text.safe("a\u001b[31mb\u0007\n\u202e\u0085\\"));
        assertEquals("x\\ud800y", Text.safe("x\ud800y"));
        assertEquals("a\\u2028b\\u2029\\\\", Text.safe("a\u2028b\u2029\\"));
        assertEquals("a\\u2028b\\u2029\\", Text.safeMessage("a\u2028b\u2029\\"));
        assertEquals("<3 bytes, binary>", Text.preview(new byte[] {(byte) 0xff, 0, 1}, 10));
        assertEquals("abcdefg...", Text.preview("abcdefghijklmnop".getBytes(java.nio.charset.StandardCharsets.UTF_8), 10));
        assertEquals("2026-11-23T11:28:01.376476911Z", Text.iso(1795433281376476911L));
        assertEquals("1677-09-21T00:12:43.145224192Z", Text.iso(Long.MIN_VALUE), "timestamps are signed (i64)");
    }
}
