package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.KeyFileException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.verify.Failure;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two key rotations mid-stream: the journal verifies from the first key, and the old keys are gone. */
class KeyRotationTest {
    @TempDir
    Path tmp;

    Path dir;
    Path keyFile;
    byte[] firstKeyFileBytes;
    SigningKey firstKey;
    VerifyingKey k1;
    VerifyingKey k2;
    VerifyingKey k3;

    @BeforeEach
    void writeJournalWithTwoRotations() throws IOException {
        dir = tmp.resolve("journal");
        keyFile = tmp.resolve("keys/.vouch_key");
        Files.createDirectories(keyFile.getParent());
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).checkpointMaxEvents(50).shutdownHook(false).open()) {
            k1 = ledger.verifyingKey();
            firstKeyFileBytes = Files.readAllBytes(keyFile);
            firstKey = KeyFile.load(keyFile);
            record(ledger, 0, 200);
            k2 = ledger.rotateKey();
            assertEquals(k2, ledger.verifyingKey());
            record(ledger, 200, 400);
            k3 = ledger.rotateKey();
            record(ledger, 400, 600);
        }
    }

    private static void record(Ledger ledger, int from, int to) {
        Event e = new Event();
        for (int i = from; i < to; i++) {
            ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("rotating").params("{\"i\":" + i + "}"));
        }
    }

    @Test
    void shouldVerifyFromTheFirstKeyAcrossBothRotations() {
        VerificationReport r = Journals.verify(dir, k1);

        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(List.of(k1, k2, k3), r.keys());
        assertEquals(600, r.events());
        assertEquals(2, Forger.indexesOf(RawJournal.read(dir), RecordType.KEY_ROTATION).size());
    }

    @Test
    void shouldLeaveOnlyTheNewestKeyOnDisk() throws IOException {
        assertEquals(k3, KeyFile.load(keyFile).verifyingKey(), "the key file holds the newest key");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
        assertEquals(List.of(".vouch_key"), JournalFiles.names(keyFile.getParent()),
                "no staged .next key, temporary file or backup may be left beside the key");
        // The first key's PEM and its raw seed appear in no file anywhere under the test directory.
        String pem = new String(firstKeyFileBytes, StandardCharsets.US_ASCII).trim();
        String base64 = pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
        byte[] seed = java.util.Arrays.copyOfRange(java.util.Base64.getDecoder().decode(base64), 16, 48);
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                byte[] content = Files.readAllBytes(f);
                assertEquals(-1, Forger.indexOf(content, base64.getBytes(StandardCharsets.US_ASCII), 0), "old PEM in " + f);
                assertEquals(-1, Forger.indexOf(content, seed, 0), "old seed in " + f);
            }
        }
    }

    @Test
    void shouldRefuseTheOldKeyFileWhenReopening() throws IOException {
        Path oldKeyFile = tmp.resolve("backup/.vouch_key");
        Files.createDirectories(oldKeyFile.getParent());
        Files.write(oldKeyFile, firstKeyFileBytes);
        Files.setPosixFilePermissions(oldKeyFile, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> before = JournalFiles.snapshot(dir);

        KeyFileException e = assertThrows(KeyFileException.class,
                () -> Ledger.builder(dir).keyFile(oldKeyFile).shutdownHook(false).open().close());

        assertTrue(e.getMessage().contains("wrong key file") && e.getMessage().contains(k3.toString()), e.getMessage());
        assertEquals(before, JournalFiles.snapshot(dir));

        // The current key file reopens it, and the journal carries on under k3.
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            assertEquals(k3, ledger.verifyingKey());
            record(ledger, 600, 610);
        }
        VerificationReport r = Journals.verify(dir, k1);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(List.of(k1, k2, k3), r.keys());
    }

    @Test
    void shouldRejectACheckpointAfterTheRotationSignedWithTheOldKey() {
        List<byte[]> records = RawJournal.read(dir);
        int rotation = Forger.indexesOf(records, RecordType.KEY_ROTATION).get(0);
        List<Integer> checkpoints = Forger.indexesOf(records, RecordType.CHECKPOINT);
        // The checkpoint right after the rotation record is the old key's last; the next one is k2's first.
        int covering = checkpoints.stream().filter(i -> i > rotation).findFirst().orElseThrow();
        int firstUnderK2 = checkpoints.stream().filter(i -> i > covering).findFirst().orElseThrow();
        assertTrue(SignedNote.parse(Forger.view(records.get(covering)).note()).verifiedBy(Forger.origin(records), k1));
        assertTrue(SignedNote.parse(Forger.view(records.get(firstUnderK2)).note()).verifiedBy(Forger.origin(records), k2));

        // Someone holding the old key alters an event after the rotation and re-signs every later checkpoint
        // over a correctly recomputed tree, with k1 until the second rotation.
        int rotation2 = Forger.indexesOf(records, RecordType.KEY_ROTATION).get(1);
        List<byte[]> list = Forger.copy(records);
        byte[] victim = list.get(firstUnderK2 - 1);
        assertTrue(Forger.type(victim).isEvent());
        int at = Forger.indexOf(victim, "{\"i\":".getBytes(StandardCharsets.US_ASCII), 0);
        victim[at + 5] = (byte) '9';
        List<byte[]> forged = Forger.rebuild(list, i -> i > covering && i < rotation2 ? firstKey : null);
        Path forgedDir = tmp.resolve("forged");
        RawJournal.write(forgedDir, forged);

        VerificationReport r = Journals.verify(forgedDir, k1);

        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
        Failure first = Journals.first(r);
        assertEquals(Failure.Kind.SIGNATURE, first.kind(), Journals.describe(r));
        assertEquals(firstUnderK2, first.sequence());
    }

    @Test
    void shouldRejectACheckpointAfterTheRotationResignedWithTheOldKeyInPlace() {
        List<byte[]> records = RawJournal.read(dir);
        int rotation = Forger.indexesOf(records, RecordType.KEY_ROTATION).get(0);
        List<Integer> checkpoints = Forger.indexesOf(records, RecordType.CHECKPOINT);
        int covering = checkpoints.stream().filter(i -> i > rotation).findFirst().orElseThrow();
        int target = checkpoints.stream().filter(i -> i > covering).findFirst().orElseThrow();
        Checkpoint body = Checkpoint.parse(SignedNote.parse(Forger.view(records.get(target)).note()).text());
        String oldKeyNote = SignedNote.sign(body.body(), Forger.origin(records), firstKey);
        assertNotEquals(Forger.view(records.get(target)).note(), oldKeyNote);
        List<byte[]> list = Forger.copy(records);
        list.set(target, Forger.withNote(records.get(target), oldKeyNote));
        Path forgedDir = tmp.resolve("forged");
        RawJournal.write(forgedDir, Forger.rebuild(list, i -> null));

        VerificationReport r = Journals.verify(forgedDir, k1);

        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
        assertEquals(Failure.Kind.SIGNATURE, Journals.first(r).kind(), Journals.describe(r));
        assertEquals(target, Journals.first(r).sequence());
    }
}
