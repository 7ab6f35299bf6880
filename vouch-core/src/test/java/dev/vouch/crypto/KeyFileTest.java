package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.KeyFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The key file fails closed. The tests set modes rather than expect read errors: CI runs as root, and root
 * reads any file regardless of its mode.
 */
class KeyFileTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void shouldCreateOwnerOnlyFileThatLoadsBack() throws IOException {
        Path file = dir.resolve(".vouch_key");
        SigningKey key = KeyFile.create(file, RANDOM);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(key.toPkcs8Pem(), Files.readString(file, StandardCharsets.US_ASCII));
        assertEquals(key.verifyingKey(), KeyFile.load(file).verifyingKey());
        assertEquals(List.of(file), listDir());
    }

    @ParameterizedTest(name = "mode {0}")
    @CsvSource({"rw-r--r--, 0644", "rw-r-----, 0640", "rw----r--, 0604", "rw-rw----, 0660", "rw------x, 0601",
        "rwx---r-x, 0705", "r---w----, 0420"})
    void shouldRejectKeyAccessibleByGroupOrOthers(String perms, String mode) throws IOException {
        Path file = dir.resolve(".vouch_key");
        KeyFile.create(file, RANDOM);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));

        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.load(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains("mode " + mode), e.getMessage());
        assertTrue(e.getMessage().contains("must be 0600 (owner read/write only): chmod 600 " + file),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-------", "r--------"})
    void shouldAcceptOwnerOnlyModes(String perms) throws IOException {
        Path file = dir.resolve(".vouch_key");
        SigningKey key = KeyFile.create(file, RANDOM);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        assertEquals(key.verifyingKey(), KeyFile.load(file).verifyingKey());
    }

    @Test
    void shouldRejectMissingFileWithoutCreatingOne() {
        Path file = dir.resolve(".vouch_key");
        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.load(file));
        assertTrue(e.getMessage().contains("no key file"), e.getMessage());
        assertTrue(Files.notExists(file));
    }

    @Test
    void shouldRejectDirectory() throws IOException {
        Path file = Files.createDirectory(dir.resolve(".vouch_key"));
        assertLoadRejected(file, "is a directory");
    }

    @Test
    void shouldRejectEmptyFile() throws IOException {
        assertLoadRejected(ownerOnly("", ".vouch_key"), "key file is empty");
    }

    @Test
    void shouldRejectCorruptPem() throws IOException {
        String pem = SigningKey.generate(RANDOM).toPkcs8Pem();
        assertLoadRejected(ownerOnly(pem.replace("MC4CAQAw", "MC4CAQAx"), "a"), "PKCS#8");
        assertLoadRejected(ownerOnly(pem.substring(0, 50), "b"), "END PRIVATE KEY");
        assertLoadRejected(ownerOnly("garbage\n", "c"), "not PEM");
        assertLoadRejected(ownerOnly(pem.replace("M", "*"), "d"), "base64");
        Path binary = dir.resolve("e");
        Files.write(binary, new byte[] {(byte) 0x80, 0x01});
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rw-------"));
        assertLoadRejected(binary, "binary data");
    }

    @Test
    void shouldRejectRsaKeyNamingTheAlgorithm() throws IOException {
        Openssl.ok(dir, "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa.pem");
        Path file = dir.resolve("rsa.pem");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertLoadRejected(file, "RSA (OID 1.2.840.113549.1.1.1)");
    }

    @Test
    void shouldRejectEcKeyNamingTheAlgorithm() throws IOException {
        Openssl.ok(dir, "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem");
        Path file = dir.resolve("ec.pem");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertLoadRejected(file, "EC (OID 1.2.840.10045.2.1)");
    }

    @Test
    void shouldRefuseToCreateOverExistingFile() throws IOException {
        Path file = dir.resolve(".vouch_key");
        SigningKey first = KeyFile.create(file, RANDOM);
        byte[] before = Files.readAllBytes(file);

        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.create(file, RANDOM));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertThrows(KeyFileException.class, () -> KeyFile.write(file, SigningKey.generate(RANDOM)));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(first.verifyingKey(), KeyFile.load(file).verifyingKey());
        assertEquals(List.of(file), listDir());
    }

    @Test
    void shouldReportMissingDirectory() {
        Path file = dir.resolve("nowhere").resolve(".vouch_key");
        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.create(file, RANDOM));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void shouldReturnSameKeyFromLoadOrCreateTwice() {
        Path file = dir.resolve(".vouch_key");
        SigningKey first = KeyFile.loadOrCreate(file, RANDOM);
        SigningKey second = KeyFile.loadOrCreate(file, RANDOM);
        assertEquals(first.verifyingKey(), second.verifyingKey());
    }

    @Test
    void shouldAgreeOnOneKeyWhenCreatedConcurrently() throws Exception {
        Path file = dir.resolve(".vouch_key");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<VerifyingKey>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return KeyFile.loadOrCreate(file, RANDOM).verifyingKey();
                }));
            }
            start.countDown();
            Set<VerifyingKey> keys = new HashSet<>();
            for (Future<VerifyingKey> f : results) {
                keys.add(f.get());
            }
            assertEquals(1, keys.size(), "every caller must end up with the key that is on disk");
            assertEquals(KeyFile.load(file).verifyingKey(), keys.iterator().next());
            assertEquals(List.of(file), listDir());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldReplaceAtomicallyLeavingNoTemporaryFiles() throws IOException {
        Path file = dir.resolve(".vouch_key");
        SigningKey old = KeyFile.create(file, RANDOM);
        SigningKey next = SigningKey.generate(RANDOM);

        KeyFile.replace(file, next);

        assertEquals(next.verifyingKey(), KeyFile.load(file).verifyingKey());
        assertNotEquals(old.verifyingKey(), KeyFile.load(file).verifyingKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(file), listDir());
    }

    @Test
    void shouldReplaceOverTooOpenFileWithOwnerOnlyOne() throws IOException {
        Path file = dir.resolve(".vouch_key");
        KeyFile.create(file, RANDOM);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        KeyFile.replace(file, SigningKey.generate(RANDOM));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void shouldStageNextKeyWithWrite() throws IOException {
        Path next = dir.resolve(".vouch_key.next");
        SigningKey key = SigningKey.generate(RANDOM);
        KeyFile.write(next, key);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(next)));
        assertEquals(key.verifyingKey(), KeyFile.load(next).verifyingKey());
    }

    @Test
    void shouldWritePublicPemReadableByAll() throws IOException {
        Path file = dir.resolve("vouch.pub");
        VerifyingKey key = SigningKey.generate(RANDOM).verifyingKey();
        KeyFile.writePublicPem(file, key);
        VerifyingKey other = SigningKey.generate(RANDOM).verifyingKey();
        KeyFile.writePublicPem(file, other);

        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(other.toPem(), Files.readString(file));
        assertEquals(other, VerifyingKey.read(file));
        assertEquals(List.of(file), listDir());
    }

    private Path ownerOnly(String content, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void assertLoadRejected(Path file, String expected) {
        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.load(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().endsWith(".pem")).sorted().collect(Collectors.toList());
        }
    }

    /** Decided: a key file owned by another user (root excepted) is refused; only root can hand a file away. */
    @Test
    void shouldRefuseAKeyFileOwnedByAnotherUserButAcceptRootsOwn() throws IOException {
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        org.junit.jupiter.api.Assumptions.assumeTrue(Integer.valueOf(0).equals(self), "only root can chown");
        Path file = dir.resolve("key");
        KeyFile.create(file, RANDOM);
        Files.setAttribute(file, "unix:uid", 4242);

        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.load(file));

        assertTrue(e.getMessage().contains("owned by uid 4242") && e.getMessage().contains("chown"), e.getMessage());
        Files.setAttribute(file, "unix:uid", 0);
        KeyFile.load(file);
    }

    /**
     * A link to a key, made by another user in a directory all could write, led a writer to sign a new journal with
     * another journal's key (an outside trial); a link of one's own still works, and a dangling one is named as such.
     */
    @Test
    void shouldRefuseAKeyReachedThroughAnotherUsersLinkAndNameADanglingOne() throws IOException {
        Path file = dir.resolve("key");
        KeyFile.create(file, RANDOM);
        Path own = Files.createSymbolicLink(dir.resolve("own-link"), file.getFileName());
        KeyFile.load(own);

        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
        KeyFileException none = assertThrows(KeyFileException.class, () -> KeyFile.create(dangling, RANDOM));
        assertTrue(none.getMessage().contains("symbolic link to a file that does not exist"), none.getMessage());

        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        org.junit.jupiter.api.Assumptions.assumeTrue(Integer.valueOf(0).equals(self), "only root can chown a link");
        Path planted = Files.createSymbolicLink(dir.resolve("planted"), file);
        Files.setAttribute(planted, "unix:uid", 4242, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Path viaPlanted = Files.createSymbolicLink(dir.resolve("via-planted"), planted.getFileName());

        for (Path p : List.of(planted, viaPlanted)) {
            KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFile.load(p));
            assertTrue(e.getMessage().contains("symbolic link " + planted + ", owned by uid 4242"), e.getMessage());
        }
    }
}
