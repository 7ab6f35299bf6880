package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.VerifyingKey;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PubkeyCommandTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static TestJournals.Written journal;

    @BeforeAll
    static void writeJournal() {
        journal = TestJournals.write(shared, 1);
    }

    @Test
    void shouldPrintThePemThatOpensslDerivesFromTheKeyFile() throws Exception {
        Cli.Result r = Cli.run("pubkey", "--key", journal.keyFile().toString());

        assertEquals(0, r.exit(), r::toString);
        assertEquals(journal.key().toPem(), r.out());
        assertEquals(journal.key(), VerifyingKey.fromPem(r.out()));
        Assumptions.assumeTrue(onPath("openssl"), "openssl is not installed");
        Process openssl = new ProcessBuilder("openssl", "pkey", "-in", journal.keyFile().toString(), "-pubout")
                .redirectErrorStream(true).start();
        String expected = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, openssl.exitValue(), expected);
        assertEquals(expected, r.out(), "byte for byte what openssl pkey -pubout prints");
    }

    /** {@code vouch pubkey KEYFILE}, the way most tools take a file, is the same as {@code --key KEYFILE}. */
    @Test
    void shouldTakeTheKeyFileAsAnArgumentToo() {
        Cli.Result positional = Cli.run("pubkey", journal.keyFile().toString());
        Cli.Result both = Cli.run("pubkey", journal.keyFile().toString(), "--key", journal.keyFile().toString());

        assertEquals(0, positional.exit(), positional::toString);
        assertEquals(journal.key().toPem(), positional.out());
        assertEquals(2, both.exit(), both::toString);
        assertTrue(both.err().contains("give KEYFILE or --key, not both"), both::toString);
        assertEquals("", both.out());
    }

    @Test
    void shouldPrintANoteVerifierKeyNamedByTheJournalsOrigin() {
        String expected = NoteKeys.verifierKey(TestJournals.ORIGIN, journal.key()) + "\n";

        Cli.Result fromJournal = Cli.run("pubkey", "--key", journal.keyFile().toString(), "--format", "note",
                "--journal", journal.dir());
        Cli.Result fromOrigin = Cli.run("pubkey", "--key", journal.keyFile().toString(), "--format", "NOTE",
                "--origin", TestJournals.ORIGIN);

        assertEquals(0, fromJournal.exit(), fromJournal::toString);
        assertEquals(expected, fromJournal.out());
        assertEquals(expected, fromOrigin.out());
        assertEquals(journal.key(), NoteKeys.parseVerifierKey(fromJournal.out().strip()));
    }

    @Test
    void shouldNeedAnOriginForTheNoteFormat() {
        Cli.Result r = Cli.run("pubkey", "--key", journal.keyFile().toString(), "--format", "note");

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--origin NAME or --journal DIR"), r::toString);
        assertEquals(2, Cli.run("pubkey", "--key", journal.keyFile().toString(), "--format", "note", "--origin", "a b").exit());
        assertEquals(2, Cli.run("pubkey", "--origin", "x", "--journal", journal.dir()).exit(), "one or the other");
    }

    @Test
    void shouldNeverCreateAKey() {
        Path missing = tmp.resolve(".vouch_key");

        Cli.Result r = Cli.run("pubkey", "--key", missing.toString());

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(missing.toString()) && r.err().contains("no key file"), r::toString);
        assertFalse(Files.exists(missing), "no key was created");
        assertEquals(0, tmp.toFile().list().length);
    }

    @Test
    void shouldRefuseAKeyFileOthersCanRead() throws Exception {
        Path key = tmp.resolve("k");
        KeyFile.create(key, new SecureRandom()).destroy();
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        Cli.Result r = Cli.run("pubkey", "--key", key.toString());

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("mode 0644") && r.err().contains("chmod 600"), r::toString);
        assertEquals("", r.out());
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
