package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.KeyFileException;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key files reached the way operators mount them (symbolic links, mounted secrets, extra hard links): after a
 * rotation no path that reached the old private key still does, and a rotation that cannot promise that is refused
 * before anything changes. And the journal a ledger creates is not readable by other users of the host.
 */
class KeyHygieneTest {
    @TempDir
    Path tmp;

    private static void record(Ledger ledger, int n) {
        Event e = new Event();
        for (int i = 0; i < n; i++) {
            ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("hygiene").params("{\"i\":" + i + "}"));
        }
    }

    /** The base64 body of a PEM file: what must not be found anywhere once the key is rotated away. */
    private static byte[] pemBody(byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII).trim();
        return text.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat).getBytes(StandardCharsets.US_ASCII);
    }

    private void assertNowhereUnder(Path root, byte[] oldPem) throws IOException {
        byte[] body = pemBody(oldPem);
        byte[] seed = java.util.Arrays.copyOfRange(Base64.getDecoder().decode(body), 16, 48);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                byte[] content = Files.readAllBytes(f);
                assertEquals(-1, Forger.indexOf(content, body, 0), "old PEM in " + f);
                assertEquals(-1, Forger.indexOf(content, seed, 0), "old seed in " + f);
            }
        }
    }

    @Test
    void shouldDeleteTheCopiesOfAKeyThatAKilledRotationLeftBehind() throws IOException {
        // An outside crash trial: kill -9 during rotateKey() left .<key>.next.<random>.tmp files (a staged private
        // key each) that no later open removed.
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve("vouch_key");
        Ledger.builder(dir).keyFile(key).shutdownHook(false).open().close();
        Path abandoned = Files.write(tmp.resolve(".vouch_key.next.4711.tmp"), new byte[119]);
        Path abandonedToo = Files.write(tmp.resolve(".vouch_key.8080.tmp"), new byte[0]);
        Path inProgress = Files.write(tmp.resolve(".vouch_key.next.9999.tmp"), new byte[119]);
        Path unrelated = Files.write(tmp.resolve(".other_key.next.1.tmp"), new byte[1]);
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 120_000);
        for (Path p : List.of(abandoned, abandonedToo, unrelated)) {
            Files.setLastModifiedTime(p, old);
        }

        Ledger.builder(dir).keyFile(key).shutdownHook(false).open().close();

        assertFalse(Files.exists(abandoned));
        assertFalse(Files.exists(abandonedToo));
        assertTrue(Files.exists(inProgress), "a copy less than a minute old may be another process's write");
        assertTrue(Files.exists(unrelated), "another key's copies are not this ledger's");
    }

    @Test
    void shouldRotateTheFileASymlinkedKeyPathLeadsToAndKeepTheLink() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("secrets")).resolve("real");
        Path link = tmp.resolve("key");
        KeyFile.create(real, new java.security.SecureRandom()); // provisioned beforehand, as a mounted secret is
        Files.createSymbolicLink(link, Path.of("secrets/real"));
        Path dir = tmp.resolve("journal");
        VerifyingKey k1;
        VerifyingKey k2;
        byte[] oldPem;
        try (Ledger ledger = Ledger.builder(dir).keyFile(link).shutdownHook(false).open()) {
            k1 = ledger.verifyingKey();
            oldPem = Files.readAllBytes(real);
            record(ledger, 20);
            k2 = ledger.rotateKey();
            record(ledger, 20);
        }

        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals(k2, KeyFile.load(real).verifyingKey(), "the file it leads to holds the new key");
        assertEquals(List.of("real"), JournalFiles.names(real.getParent()), "nothing staged is left behind");
        assertNowhereUnder(tmp, oldPem);
        try (Ledger ledger = Ledger.builder(dir).keyFile(link).shutdownHook(false).open()) {
            assertEquals(k2, ledger.verifyingKey());
        }
        VerificationReport r = Journals.verify(dir, k1);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(List.of(k1, k2), r.keys());
    }

    @Test
    void shouldRotateThroughAChainOfLinksAsAMountedSecretLaysThemOut() throws IOException {
        // Kubernetes: key -> ..data/key, ..data -> ..2026_12_05 (a directory of the real files).
        Path versions = Files.createDirectories(tmp.resolve("mount/..2026_12_05"));
        Files.createSymbolicLink(tmp.resolve("mount/..data"), Path.of("..2026_12_05"));
        Path key = tmp.resolve("mount/key");
        KeyFile.create(versions.resolve("key"), new java.security.SecureRandom());
        Files.createSymbolicLink(key, Path.of("..data/key"));
        Path dir = tmp.resolve("journal");
        byte[] oldPem;
        VerifyingKey k2;
        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open()) {
            oldPem = Files.readAllBytes(versions.resolve("key"));
            k2 = ledger.rotateKey();
        }
        assertTrue(Files.isSymbolicLink(key));
        assertEquals(k2, KeyFile.load(key).verifyingKey());
        assertNowhereUnder(tmp, oldPem);
    }

    @Test
    void shouldRefuseToRotateAKeyFileWithASecondHardLinkBeforeAnythingChanges() throws IOException {
        Path key = tmp.resolve("key");
        Path dir = tmp.resolve("journal");
        VerifyingKey k1;
        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open()) {
            record(ledger, 10);
            ledger.checkpoint();
            Path other = Files.createLink(tmp.resolve("backup-of-key"), key);
            byte[] before = Files.readAllBytes(key);
            Map<String, String> journalBefore = JournalFiles.snapshot(dir);
            k1 = ledger.verifyingKey();

            KeyFileException e = assertThrows(KeyFileException.class, ledger::rotateKey);

            assertTrue(e.getMessage().contains("2 hard links") && e.getMessage().contains("remove the other links"),
                    e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(key));
            assertArrayEquals(before, Files.readAllBytes(other));
            assertFalse(Files.exists(tmp.resolve("key.next")));
            assertEquals(journalBefore, JournalFiles.snapshot(dir), "the journal is untouched by the refusal");
            assertEquals(k1, ledger.verifyingKey());
            record(ledger, 10); // and the ledger carries on

            Files.delete(other);
            assertNotEquals(k1, ledger.rotateKey(), "once the other link is gone the rotation goes ahead");
        }
        assertEquals(Verdict.INTACT, Journals.verify(dir, k1).verdict());
    }

    @Test
    void shouldRefuseToRotateAKeyInADirectoryItCannotWrite() throws IOException {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root can write any directory");
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Path key = keys.resolve("key");
        Path dir = tmp.resolve("journal");
        try (Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open()) {
            keys.toFile().setWritable(false);
            try {
                KeyFileException e = assertThrows(KeyFileException.class, ledger::rotateKey);
                assertTrue(e.getMessage().contains("not writable"), e.getMessage());
            } finally {
                keys.toFile().setWritable(true);
            }
        }
    }

    /**
     * The journal holds every call's parameters and results: a directory the ledger creates is 0750 (the group may
     * read, for a backup or an auditor's pod sharing a Kubernetes fsGroup; other users may not), the directories
     * above it as usual; a directory that exists is left as the operator made it.
     */
    @Test
    void shouldCreateTheJournalDirectoryClosedToOtherUsers() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path journal = tmp.resolve("new").resolve("journal");
        try (Ledger ledger = Ledger.builder(journal).keyFile(tmp.resolve("key")).shutdownHook(false).open()) {
            record(ledger, 1);
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = Files.getPosixFilePermissions(journal);
        assertEquals(java.util.Set.of(), java.util.EnumSet.copyOf(mode).stream().filter(p -> p.name().startsWith("OTHERS"))
                .collect(java.util.stream.Collectors.toSet()), "others: " + mode);
        assertTrue(mode.contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), mode.toString());
        assertTrue(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("new")))
                .matches("rwx(r-x|---)---"), "a parent the ledger creates is closed to others too");

        Path existing = Files.createDirectories(tmp.resolve("existing"));
        Files.setPosixFilePermissions(existing, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Ledger ledger = Ledger.builder(existing).keyFile(tmp.resolve("key2")).shutdownHook(false).open()) {
            record(ledger, 1);
        }
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(existing)));
    }

    /**
     * A key file others may read is refused before the journal is read: a new user's 0644 key got a log line that
     * the journal resumed, then the refusal. Nothing in the journal changes.
     */
    @Test
    void shouldRefuseAReadableKeyBeforeReadingTheJournal() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path journal = tmp.resolve("readable-key");
        Path key = tmp.resolve("readable_key");
        try (Ledger ledger = Ledger.builder(journal).keyFile(key).shutdownHook(false).open()) {
            record(ledger, 3);
        }
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.util.Map<String, String> before = JournalFiles.snapshot(journal);
        String log;
        dev.vouch.KeyFileException e;
        try (dev.vouch.testsupport.StderrCapture err = new dev.vouch.testsupport.StderrCapture()) {
            e = org.junit.jupiter.api.Assertions.assertThrows(dev.vouch.KeyFileException.class,
                    () -> Ledger.builder(journal).keyFile(key).shutdownHook(false).open().close());
            log = err.text();
        }
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
        assertFalse(log.contains("tail verified") || log.contains("verified in full"), log);
        before.keySet().removeIf(name -> name.endsWith(".lock"));
        java.util.Map<String, String> after = new java.util.TreeMap<>(JournalFiles.snapshot(journal));
        after.keySet().removeIf(name -> name.endsWith(".lock"));
        assertEquals(before, after, "the journal is untouched");
    }
}
