package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.EventTooLargeException;
import dev.vouch.KeyFileException;
import dev.vouch.RecorderStats;
import dev.vouch.VouchException;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bad keys, bad paths and bad events: each gets a clear error, and nothing is created or changed. */
class BadInputTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tmp;

    private static Ledger open(Path dir, Path keyFile) {
        return Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open();
    }

    private static VerifyingKey writeJournal(Path dir, Path keyFile) {
        try (Ledger ledger = open(dir, keyFile)) {
            for (int i = 0; i < 100; i++) {
                ledger.record(new Event().name("e" + i));
            }
            return ledger.verifyingKey();
        }
    }

    private static Path chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    /** Opening must fail with {@code type}; the journal path and the directory holding the key stay as they were. */
    private <T extends Throwable> T assertOpenFails(Class<T> type, Path dir, Path keyFile) {
        Map<String, String> journalBefore = JournalFiles.snapshot(dir);
        Map<String, String> keyDirBefore = JournalFiles.snapshot(keyFile.toAbsolutePath().getParent());
        T e = assertThrows(type, () -> open(dir, keyFile).close());
        assertEquals(journalBefore, JournalFiles.snapshot(dir), "the journal path changed: " + e);
        assertEquals(keyDirBefore, JournalFiles.snapshot(keyFile.toAbsolutePath().getParent()), "the key's directory changed: " + e);
        return e;
    }

    // ----- key files -----

    @Test
    void shouldRejectAKeyFileReadableByOthersAndCreateNoJournal() throws IOException {
        Path keyFile = tmp.resolve("keys/.vouch_key");
        Files.createDirectories(keyFile.getParent());
        KeyFile.create(keyFile, RANDOM);
        chmod(keyFile, "rw-r--r--");
        Path dir = tmp.resolve("journal");

        KeyFileException e = assertOpenFails(KeyFileException.class, dir, keyFile);

        assertEquals(keyFile, e.file());
        assertTrue(e.getMessage().contains(keyFile.toString()) && e.getMessage().contains("0644"), e.getMessage());
        assertFalse(Files.exists(dir), "a refused open must not leave a journal directory behind");
    }

    /** An outside trial passed the journal directory as the key file: it was created, and the message misled. */
    @Test
    void shouldRefuseAKeyFileThatIsADirectory() throws IOException {
        Path dir = tmp.resolve("journal-as-key");
        KeyFileException e = assertThrows(KeyFileException.class, () -> Ledger.builder(dir).keyFile(tmp).open());
        assertTrue(e.getMessage().contains("is a directory; give the key file's path"), e.getMessage());
        assertFalse(Files.exists(dir), "a refused open must not leave a journal directory behind");
        Files.createDirectories(dir);
        KeyFileException itself = assertThrows(KeyFileException.class, () -> Ledger.builder(dir).keyFile(dir).open());
        assertTrue(itself.getMessage().contains("is a directory, the journal directory itself"), itself.getMessage());
    }

    /**
     * An outside trial under {@code ulimit -f}: open() threw Chronicle's "IORuntimeException: Failed to acquireByteStore
     * start: 0x0", the reason ("File too large") two causes down. It is a VouchException that says why.
     */
    @Test
    void shouldSayWhyUnderAFileSizeLimit() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        List<String> limited = List.of("bash", "-c", "ulimit -f 30000 && exec \"$@\"", "ulimit");
        try (ChildJvm child = ChildJvm.start(work, limited, PreflightChild.class, tmp.resolve("limited").toString(),
                tmp.resolve("limited.key").toString())) {
            assertEquals(3, child.waitFor(), child.stderrText());
            String refused = child.lines().stream().filter(l -> l.startsWith("REFUSED ")).findFirst().orElseThrow();
            assertTrue(refused.contains("cannot write the journal ") && refused.contains("File too large")
                    && refused.contains("ulimit -f"), refused);
        }
    }

    @Test
    void shouldRefuseANewKeyInADirectoryThatDoesNotExistAndCreateNoJournal() {
        Path keyFile = tmp.resolve("no-such-dir/.vouch_key");
        Path dir = tmp.resolve("journal");

        KeyFileException e = assertThrows(KeyFileException.class, () -> Ledger.builder(dir).keyFile(keyFile).open());

        assertEquals(keyFile, e.file());
        assertTrue(e.getMessage().contains("directory " + keyFile.toAbsolutePath().getParent() + " does not exist"),
                e.getMessage());
        assertFalse(Files.exists(dir), "a refused open must not leave a journal directory behind");
    }

    @Test
    void shouldCreateANewKeyInsideTheNewJournalDirectoryOrADirectoryAboveIt() {
        Path inside = tmp.resolve("a/journal");
        try (Ledger ledger = Ledger.builder(inside).keyFile(inside.resolve("vouch.key")).open()) {
            assertTrue(Files.isRegularFile(inside.resolve("vouch.key")));
        }
        Path below = tmp.resolve("b/c/journal");
        try (Ledger ledger = Ledger.builder(below).keyFile(tmp.resolve("b/vouch.key")).open()) {
            assertTrue(Files.isRegularFile(tmp.resolve("b/vouch.key")));
        }
    }

    @Test
    void shouldRejectAKeyFileReadableByOthersForAnExistingJournalAndTouchNothing() throws IOException {
        Path keyFile = tmp.resolve("keys/.vouch_key");
        Files.createDirectories(keyFile.getParent());
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor = writeJournal(dir, keyFile);
        chmod(keyFile, "rw-r-----");

        KeyFileException e = assertOpenFails(KeyFileException.class, dir, keyFile);

        assertEquals(keyFile, e.file());
        assertTrue(e.getMessage().contains("0640"), e.getMessage());
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
    }

    @Test
    void shouldRejectAKeyFileOfGarbage() throws IOException {
        byte[] garbage = new byte[200];
        RANDOM.nextBytes(garbage);
        assertCorruptKeyRejected(garbage, "binary");
    }

    @Test
    void shouldRejectATruncatedPemKeyFile() throws IOException {
        Path full = tmp.resolve("full.pem");
        KeyFile.create(full, RANDOM);
        byte[] pem = Files.readAllBytes(full);
        assertCorruptKeyRejected(Arrays.copyOf(pem, pem.length / 2), "PEM");
    }

    @Test
    void shouldRejectAnEmptyKeyFile() throws IOException {
        assertCorruptKeyRejected(new byte[0], "empty");
    }

    @Test
    void shouldRejectAnEcKeyMadeByOpenssl() throws Exception {
        Path ec = tmp.resolve("ec.pem");
        Process p = new ProcessBuilder("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", ec.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("openssl genpkey failed (the test needs the OpenSSL 3 command line tool): " + output);
        }
        assertTrue(Files.readString(ec).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertCorruptKeyRejected(Files.readAllBytes(ec), "Ed25519");
    }

    private void assertCorruptKeyRejected(byte[] content, String expectedInMessage) throws IOException {
        Path keyFile = tmp.resolve("keys/.vouch_key");
        Files.createDirectories(keyFile.getParent());
        Files.write(keyFile, content);
        chmod(keyFile, "rw-------");
        Path dir = tmp.resolve("journal");

        KeyFileException e = assertOpenFails(KeyFileException.class, dir, keyFile);

        assertEquals(keyFile, e.file());
        assertTrue(e.getMessage().contains(keyFile.toString()) && e.getMessage().contains(expectedInMessage), e.getMessage());
        assertArrayEquals(content, Files.readAllBytes(keyFile), "a bad key file must never be replaced");
        assertFalse(Files.exists(dir), "a refused open must not leave a journal directory behind");
    }

    @Test
    void shouldRejectTheWrongKeyFileForAnExistingJournalAndTouchNothing() throws IOException {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        VerifyingKey anchor = writeJournal(dir, keyFile);
        Path otherKey = tmp.resolve("other/.vouch_key");
        Files.createDirectories(otherKey.getParent());
        SigningKey other = KeyFile.create(otherKey, RANDOM);
        byte[] otherBytes = Files.readAllBytes(otherKey);

        KeyFileException e = assertOpenFails(KeyFileException.class, dir, otherKey);

        assertEquals(otherKey, e.file());
        assertTrue(e.getMessage().contains("wrong key file") && e.getMessage().contains(anchor.toString())
                && e.getMessage().contains(other.verifyingKey().toString()), e.getMessage());
        assertArrayEquals(otherBytes, Files.readAllBytes(otherKey));
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
    }

    /**
     * An outside trial: reopening under another origin threw a bare IllegalArgumentException, which a catch of
     * VouchException around open() (the type of every other refusal of what is on disk) missed.
     */
    @Test
    void shouldRefuseAnotherOriginForAnExistingJournalAsAVouchExceptionAndTouchNothing() {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        VerifyingKey anchor;
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).origin("example.com/first").shutdownHook(false).open()) {
            ledger.record(new Event().name("e"));
            anchor = ledger.verifyingKey();
        }
        Map<String, String> before = JournalFiles.snapshot(dir);

        VouchException e = assertThrows(VouchException.class, () -> Ledger.builder(dir).keyFile(keyFile)
                .origin("example.com/second").shutdownHook(false).open().close());

        assertTrue(e.getMessage().contains("'example.com/second' does not match the journal's origin 'example.com/first'"),
                e.getMessage());
        assertEquals(before, JournalFiles.snapshot(dir));
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
    }

    @Test
    void shouldRefuseToCreateAKeyForAnExistingJournal() {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        VerifyingKey anchor = writeJournal(dir, keyFile);
        Path missing = tmp.resolve("elsewhere/.vouch_key");

        KeyFileException e = assertThrows(KeyFileException.class, () -> open(dir, missing).close());

        assertEquals(missing, e.file());
        assertTrue(e.getMessage().contains("never creates a key"), e.getMessage());
        assertFalse(Files.exists(missing.getParent()));
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
    }

    // ----- journal paths -----

    @Test
    void shouldRejectAJournalPathUnderARegularFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain.txt"), "hello");
        Path dir = file.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");

        VouchException e = assertOpenFails(VouchException.class, dir, keyFile);

        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertEquals("hello", Files.readString(file));
        assertFalse(Files.exists(keyFile), "no key may be created for a journal that cannot be opened");
    }

    @Test
    void shouldRejectAJournalPathThatIsARegularFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("journal"), "hello");
        Path keyFile = tmp.resolve(".vouch_key");

        VouchException e = assertOpenFails(VouchException.class, file, keyFile);

        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        assertEquals("hello", Files.readString(file));
        assertFalse(Files.exists(keyFile));
    }

    @Test
    void shouldRejectAReadOnlyJournalDirectory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("journal"));
        chmod(dir, "r-xr-xr-x");
        try {
            Path probe = dir.resolve("probe");
            boolean writable;
            try {
                Files.createFile(probe);
                Files.delete(probe);
                writable = true;
            } catch (IOException e) {
                writable = false;
            }
            Assumptions.assumeFalse(writable, "mode 0555 does not stop this user (root?) from writing");
            Path keyFile = tmp.resolve(".vouch_key");

            VouchException e = assertOpenFails(VouchException.class, dir, keyFile);

            assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("not writable"), e.getMessage());
        } finally {
            chmod(dir, "rwx------");
        }
    }

    @Test
    void shouldRejectAnOutOfRangeSettingByNameBeforeTouchingAnything() {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ledger.builder(dir).keyFile(keyFile).ringSize(100).shutdownHook(false).open().close());

        assertTrue(e.getMessage().contains("ringSize") && e.getMessage().contains("100"), e.getMessage());
        assertFalse(Files.exists(dir));
        assertFalse(Files.exists(keyFile));

        // An outside embedder: these named no setting, or were accepted.
        Map<String, java.util.function.UnaryOperator<LedgerBuilder>> named = new java.util.LinkedHashMap<>();
        named.put("consumerThreads must be 1 or 2, was 0", b -> b.consumerThreads(0));
        named.put("origin \"a b\" cannot name the journal's signer", b -> b.origin("a b"));
        named.put("origin \"a\\u000ab\" cannot name the journal's signer", b -> b.origin("a\nb"));
        named.put("origin \"\" cannot name the journal's signer", b -> b.origin(""));
        named.put("freshJournalIfCorrupt must be another directory than the journal's own", b -> b.freshJournalIfCorrupt(dir));
        for (var c : named.entrySet()) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> c.getValue().apply(Ledger.builder(dir).keyFile(keyFile).shutdownHook(false)).open().close());
            assertTrue(refused.getMessage().startsWith(c.getKey()), refused.getMessage());
            assertFalse(Files.exists(dir));
        }
        for (var c : Map.<String, Executable>of(
                "backpressure", () -> Ledger.builder(dir).backpressure(null),
                "signingMode", () -> Ledger.builder(dir).signingMode(null),
                "waitMode", () -> Ledger.builder(dir).waitMode(null)).entrySet()) {
            assertEquals(c.getKey(), assertThrows(NullPointerException.class, c.getValue()).getMessage());
        }
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            assertEquals("durability", assertThrows(NullPointerException.class,
                    () -> ledger.recordDurably(new Event().name("x"), (Durability) null)).getMessage());
            assertEquals("durability", assertThrows(NullPointerException.class,
                    () -> ledger.recordDurably(new Event[] {new Event().name("x")}, (Durability) null)).getMessage());
        }
    }

    // ----- events -----

    @Test
    void shouldRefuseAnOversizeEventByNameAndKeepWorking() {
        int limit = 4096;
        int overhead = (int) RecordDescriptor.eventRecordLength(0, 0, 0, 0, 0, 0);
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor;
        long before;
        long after;
        long fitted;
        RecorderStats stats;
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).maxEventSize(limit)
                .slotCapacity(256).shutdownHook(false).open()) {
            anchor = ledger.verifyingKey();
            before = ledger.recordDurably(new Event().name("before"));

            byte[] tooBig = new byte[limit - overhead + 1];
            Arrays.fill(tooBig, (byte) 'X');
            Event big = Event.of(EventKind.TOOL_RESULT).result(tooBig);
            for (Executable call : List.<Executable>of(() -> ledger.record(big), () -> ledger.recordDurably(big),
                    () -> ledger.recordDurably(big, Durability.SEALED))) {
                EventTooLargeException e = assertThrows(EventTooLargeException.class, call);
                assertEquals(limit + 1, e.size());
                assertEquals(limit, e.limit());
                assertTrue(e.getMessage().contains(String.valueOf(limit + 1)) && e.getMessage().contains(String.valueOf(limit)),
                        e.getMessage());
            }
            // Text held as UTF-8 is measured in bytes, not chars: 2 bytes per 'é'.
            String text = "é".repeat((limit - overhead) / 2 + 1);
            EventTooLargeException e = assertThrows(EventTooLargeException.class,
                    () -> ledger.record(new Event().params(text)));
            assertEquals(overhead + 2L * text.length(), e.size());

            byte[] justFits = Arrays.copyOf(tooBig, tooBig.length - 1);
            Event fits = Event.of(EventKind.TOOL_RESULT).result(justFits);
            fitted = ledger.recordDurably(fits);
            assertTrue(fitted > before, "the event at the limit is accepted after the refusals");
            after = ledger.recordDurably(new Event().name("after"));
            assertTrue(after > fitted);
            stats = ledger.stats();
        }
        assertEquals(0, stats.dropped());
        assertEquals(0, stats.lost());
        assertEquals(3, stats.journaled());
        List<byte[]> records = RawJournal.read(dir);
        long eventRecords = records.stream().filter(r -> Forger.type(r).isEvent()).count();
        assertEquals(3, eventRecords);
        assertTrue(records.stream().noneMatch(r -> Forger.type(r) == RecordType.GAP));
        assertEquals(limit, records.get((int) fitted).length, "the accepted event is exactly at the limit");
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
    }

    @Test
    void shouldRefuseATextFieldLongerThanTheFormatAllows() {
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor;
        try (Ledger ledger = open(dir, tmp.resolve(".vouch_key"))) {
            anchor = ledger.verifyingKey();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ledger.record(new Event().name("n".repeat(RecordDescriptor.MAX_STR16 + 1))));
            assertTrue(e.getMessage().contains(String.valueOf(RecordDescriptor.MAX_STR16)), e.getMessage());
            ledger.record(new Event().name("n".repeat(RecordDescriptor.MAX_STR16)));
        }
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
    }
}
