package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RekeyCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRotateTheKeySealTheJournalAndPrintTheNewPublicKey() {
        TestJournals.Written w = TestJournals.write(tmp, 2);

        Cli.Result r = Cli.run("rekey", w.dir(), "--key", w.keyFile().toString());

        assertEquals(0, r.exit(), r::toString);
        SigningKey now = KeyFile.load(w.keyFile());
        VerifyingKey next = now.verifyingKey();
        now.destroy();
        assertNotEquals(w.key(), next, "the key file holds a new key");
        assertEquals(next.toPem() + NoteKeys.verifierKey(TestJournals.ORIGIN, next) + "\n", r.out());
        assertTrue(r.err().contains("journal is sealed"), r::toString);
        assertFalse(Files.exists(tmp.resolve("vouch.key.next")), "no staged key left behind");
        Cli.Result verify = Cli.run("verify", w.dir(), "--pubkey", w.pub());
        assertEquals(0, verify.exit(), verify::toString);
        assertTrue(verify.out().contains("sealed:            yes"), verify::toString);
    }

    @Test
    void shouldRefuseADirectoryWithoutAJournalAndCreateNothing() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path key = tmp.resolve("new.key");

        Cli.Result r = Cli.run("rekey", empty.toString(), "--key", key.toString());
        Cli.Result missing = Cli.run("rekey", tmp.resolve("nowhere").toString(), "--key", key.toString());

        assertEquals(2, r.exit(), r::toString);
        assertEquals(2, missing.exit(), missing::toString);
        assertEquals(List.of(), List.of(empty.toFile().list()));
        assertFalse(Files.exists(key), "rekey never creates a key");
        assertFalse(Files.exists(tmp.resolve("nowhere")));
    }

    @Test
    void shouldRefuseATamperedJournalWithExitOne() {
        TestJournals.Written w = TestJournals.write(tmp, 2);
        TestJournals.flipByteIn(w.journal(), "MARK0X");
        byte[] keyBefore = TestJournals.readAll(w.keyFile());

        Cli.Result r = Cli.run("rekey", w.dir(), "--key", w.keyFile().toString());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("failed verification"), r::toString);
        assertEquals(TestJournals.sha256Hex(keyBefore), TestJournals.sha256Hex(TestJournals.readAll(w.keyFile())));
    }

    @Test
    void shouldRefuseAKeyWithASecondHardLinkAndWriteNothing() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp, 2);
        java.nio.file.Files.createLink(tmp.resolve("copy-of-the-key"), w.keyFile());
        var before = TestJournals.snapshot(w.journal());
        byte[] keyBefore = TestJournals.readAll(w.keyFile());

        Cli.Result r = Cli.run("rekey", w.dir(), "--key", w.keyFile().toString());

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("hard links") && r.err().contains("remove the other links"), r::toString);
        assertEquals(before, TestJournals.snapshot(w.journal()), "nothing written to the journal");
        assertEquals(TestJournals.sha256Hex(keyBefore), TestJournals.sha256Hex(TestJournals.readAll(w.keyFile())));
    }
}
