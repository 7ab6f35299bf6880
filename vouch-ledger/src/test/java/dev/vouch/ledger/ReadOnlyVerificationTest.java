package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifying reads and nothing else: every file's SHA-256, size and modification time, and the names in the
 * journal directory and its parent, are the same before and after, whatever state the journal is in.
 */
class ReadOnlyVerificationTest {
    @TempDir
    Path tmp;

    private VerifyingKey writeSealedJournal(Path dir, Path keyFile) {
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).checkpointMaxEvents(100).shutdownHook(false).open()) {
            Event e = new Event();
            for (int i = 0; i < 1_000; i++) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("read-only").params("{\"marker\":\"RO-" + (10_000 + i) + "\"}"));
            }
            return ledger.verifyingKey();
        }
    }

    /** Verifies twice (reading the whole journal each time) and asserts that nothing under or beside it changed. */
    private static VerificationReport verifyUntouched(Path dir, VerifyingKey anchor) throws IOException {
        Map<String, String> before = JournalFiles.snapshot(dir);
        VerificationReport first;
        try (RecordSource source = JournalReader.open(dir)) {
            first = JournalVerifier.trusting(anchor).verify(source);
        }
        try (RecordSource source = JournalReader.open(dir)) {
            source.next(new RecordBuffer(16)); // a reader closed half-way through
        }
        VerificationReport second = Journals.verify(dir, anchor);
        assertEquals(first.verdict(), second.verdict());
        assertEquals(before, JournalFiles.snapshot(dir), "verifying " + dir + " changed something");
        return first;
    }

    @Test
    void shouldNotChangeAnythingWhenVerifyingAnIntactJournal() throws IOException {
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor = writeSealedJournal(dir, tmp.resolve(".vouch_key"));

        VerificationReport r = verifyUntouched(dir, anchor);

        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
    }

    @Test
    void shouldNotChangeAnythingWhenVerifyingATamperedJournal() throws IOException {
        Path dir = tmp.resolve("journal");
        VerifyingKey anchor = writeSealedJournal(dir, tmp.resolve(".vouch_key"));
        Path cq4 = JournalFiles.cq4Files(dir).get(0);
        byte[] content = Files.readAllBytes(cq4);
        int at = Forger.indexOf(content, "RO-10500".getBytes(StandardCharsets.UTF_8), 0);
        assertTrue(at > 0);
        try (var ch = java.nio.channels.FileChannel.open(cq4, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) '9'}), at + 4);
        }

        VerificationReport r = verifyUntouched(dir, anchor);

        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
    }

    @Test
    void shouldNotChangeAnythingWhenVerifyingAnUnsealedJournalLeftByAHaltedWriter() throws Exception {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (ChildJvm child = ChildJvm.start(work, "halt", dir.toString(), keyFile.toString(), "h", "5000")) {
            assertEquals(3, child.waitFor(), child.stderrText());
            assertEquals(1, child.numbers("DURABLE ").size(), child.stderrText());
        }
        VerifyingKey anchor = KeyFile.load(keyFile).verifyingKey();

        VerificationReport r = verifyUntouched(dir, anchor);

        assertEquals(Verdict.INCOMPLETE, r.verdict(), Journals.describe(r));
        assertEquals(0, r.failureCount());
        assertFalse(r.sealed());
    }

    @Test
    void shouldRefuseAnEmptyDirectoryAndCreateNothing() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        Map<String, String> before = JournalFiles.snapshot(dir);

        IOException e = assertThrows(IOException.class, () -> JournalReader.open(dir).close());

        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("not a Vouch journal"), e.getMessage());
        assertEquals(before, JournalFiles.snapshot(dir));
    }

    @Test
    void shouldRefuseADirectoryOfOtherFilesAndChangeNothing() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("other"));
        Files.writeString(dir.resolve("notes.txt"), "not a journal");
        Files.writeString(dir.resolve("metadata.cq4t"), "not chronicle either");
        Map<String, String> before = JournalFiles.snapshot(dir);

        IOException e = assertThrows(IOException.class, () -> JournalReader.open(dir).close());

        assertTrue(e.getMessage().contains("not a Vouch journal"), e.getMessage());
        assertEquals(before, JournalFiles.snapshot(dir));
    }

    @Test
    void shouldRefuseAMissingDirectoryAndNotCreateIt() {
        Path dir = tmp.resolve("missing").resolve("journal");
        Map<String, String> before = JournalFiles.snapshot(tmp);

        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> JournalReader.open(dir).close());

        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertFalse(Files.exists(dir.getParent()));
        assertEquals(before, JournalFiles.snapshot(tmp));
    }

    @Test
    void shouldRefuseARegularFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("journal.cq4"), "x");

        assertThrows(NotDirectoryException.class, () -> JournalReader.open(file).close());

        assertEquals("x", Files.readString(file));
    }

    @Test
    void shouldSeeTheSnapshotChangeWhenSomethingDoesWrite() throws Exception {
        // The check above must be able to fail: appending through a ledger changes the snapshot.
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        writeSealedJournal(dir, keyFile);
        Map<String, String> before = JournalFiles.snapshot(dir);
        TimeUnit.MILLISECONDS.sleep(5);
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().name("one more"));
        }
        assertNotEquals(before, JournalFiles.snapshot(dir));
    }
}
