package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.vouch.testsupport.StderrCapture;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.JournalCorruptException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.ControlRecordEncoder;
import dev.vouch.internal.format.RecordBuilder;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.Failure;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with a real journal, one way at a time. Each record-level attack is made the way someone with
 * write access to the files would make it: read every record, change the list, write a new Chronicle queue.
 * Where the attacker also repairs sequence numbers, prev links or signatures, a control case shows that the
 * repair itself is faithful (an unchanged list rebuilt the same way verifies INTACT, byte for byte).
 */
class TamperMatrixTest {
    private static final int EVENTS = 300;
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path shared;

    static Path journal;
    static Path keyFile;
    static SigningKey key;
    static VerifyingKey anchor;
    static String origin;
    static List<byte[]> records;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeJournal() {
        journal = shared.resolve("journal");
        keyFile = shared.resolve(".vouch_key");
        try (Ledger ledger = Ledger.builder(journal).keyFile(keyFile)
                .checkpointMaxEvents(40)
                .shutdownHook(false)
                .open()) {
            anchor = ledger.verifyingKey();
            origin = ledger.origin();
            Event e = new Event();
            for (int i = 0; i < EVENTS; i++) {
                e.reset().kind(EventKind.TOOL_CALL).agent("agent-7").name("fs.read").params(marker(i));
                if (i % 25 == 24) {
                    ledger.recordDurably(e); // a batch boundary now and then, so checkpoints fall mid-stream
                } else {
                    ledger.record(e);
                }
            }
        }
        key = KeyFile.load(keyFile);
        records = RawJournal.read(journal);
        VerificationReport report = Journals.verify(journal, anchor);
        assertEquals(Verdict.INTACT, report.verdict(), Journals.describe(report));
        assertTrue(report.checkpoints() >= EVENTS / 40, "expected checkpoints mid-stream: " + report.checkpoints());
    }

    static String marker(int i) {
        return String.format("{\"marker\":\"MK-%05d-Q\"}", i);
    }

    /** Index (= sequence number) of the event record carrying marker {@code i}. */
    static int indexOfEvent(int i) {
        byte[] m = marker(i).getBytes(StandardCharsets.UTF_8);
        int found = -1;
        for (int r = 0; r < records.size(); r++) {
            if (Forger.indexOf(records.get(r), m, 0) >= 0) {
                assertEquals(-1, found, "marker " + i + " appears twice");
                found = r;
            }
        }
        assertTrue(found > 0, "marker " + i + " not found");
        return found;
    }

    /** Index of the first checkpoint after record index {@code after}. */
    static int checkpointAfter(int after) {
        for (int r = after + 1; r < records.size(); r++) {
            if (Forger.type(records.get(r)) == RecordType.CHECKPOINT) {
                return r;
            }
        }
        throw new AssertionError("no checkpoint after " + after);
    }

    private Path write(String name, List<byte[]> list) {
        Path dir = tmp.resolve(name);
        RawJournal.write(dir, list);
        return dir;
    }

    private static List<Failure> ofKind(VerificationReport r, Failure.Kind kind) {
        return r.failures().stream().filter(f -> f.kind() == kind).collect(Collectors.toList());
    }

    private static void assertFirstFailure(VerificationReport r, Failure.Kind kind, long seq) {
        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
        Failure f = Journals.first(r);
        assertEquals(kind, f.kind(), Journals.describe(r));
        assertEquals(seq, f.sequence(), Journals.describe(r));
    }

    // ----- controls: the attacker's tools are faithful -----

    @Test
    void shouldVerifyTheUntouchedJournalAndAFaithfulRewriteOfIt() {
        assertEquals(records.size(), Journals.verify(journal, anchor).records());
        assertEquals(RecordType.SEAL, Forger.type(records.get(records.size() - 2)));
        assertEquals(RecordType.CHECKPOINT, Forger.type(records.get(records.size() - 1)));

        VerificationReport copied = Journals.verify(write("copied", records), anchor);
        assertEquals(Verdict.INTACT, copied.verdict(), Journals.describe(copied));

        // Rebuilding with the real key reproduces the journal byte for byte (Ed25519 is deterministic), so
        // every "repaired" forgery below differs from a genuine journal only by the attack itself.
        List<byte[]> rebuilt = Forger.rebuild(records, i -> key);
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(records.get(i), rebuilt.get(i), "record " + i);
        }
    }

    // ----- the matrix -----

    @Test
    void shouldDetectOneFlippedPayloadByteInTheJournalFile() throws IOException {
        int target = indexOfEvent(150);
        Path dir = flipMarkerByte(JournalFiles.copy(journal, tmp.resolve("flipped")), 150);

        VerificationReport r = Journals.verify(dir, anchor);

        assertFirstFailure(r, Failure.Kind.CHAIN, target);
        int cp = checkpointAfter(target);
        assertTrue(ofKind(r, Failure.Kind.CHECKPOINT).stream().anyMatch(f -> f.sequence() == cp),
                "the covering checkpoint's root must disagree too: " + Journals.describe(r));
        // Only the one record changed: the reader still sees every record, the changed one included.
        List<byte[]> after = RawJournal.read(dir);
        assertEquals(records.size(), after.size());
        int changed = 0;
        for (int i = 0; i < after.size(); i++) {
            changed += java.util.Arrays.equals(records.get(i), after.get(i)) ? 0 : 1;
        }
        assertEquals(1, changed);
    }

    /** Flips one byte of the marker in the one .cq4 file that holds it, in place. */
    static Path flipMarkerByte(Path dir, int marker) throws IOException {
        byte[] m = marker(marker).getBytes(StandardCharsets.UTF_8);
        Path hit = null;
        int at = -1;
        for (Path f : JournalFiles.cq4Files(dir)) {
            byte[] content = Files.readAllBytes(f);
            int i = Forger.indexOf(content, m, 0);
            if (i >= 0) {
                assertNull(hit, "marker in two files");
                assertEquals(-1, Forger.indexOf(content, m, i + 1), "marker twice in " + f);
                hit = f;
                at = i;
            }
        }
        assertTrue(hit != null, "marker " + marker + " not found in any .cq4 file of " + dir);
        int flip = at + m.length - 6; // a digit of the marker number
        try (var ch = java.nio.channels.FileChannel.open(hit, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, flip);
            one.flip();
            byte b = one.get();
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x01)}), flip);
        }
        return dir;
    }

    @Test
    void shouldDetectADeletedRecord() {
        int target = indexOfEvent(150);
        List<byte[]> list = Forger.copy(records);
        list.remove(target);

        VerificationReport r = Journals.verify(write("deleted", list), anchor);

        assertFirstFailure(r, Failure.Kind.SEQUENCE, target + 1);
        assertTrue(Journals.first(r).message().contains("expected sequence " + target), Journals.describe(r));
    }

    @Test
    void shouldDetectADeletedRecordEvenWhenTheChainIsRenumberedAndRelinked() {
        int target = indexOfEvent(150);
        int cp = checkpointAfter(target);
        List<byte[]> list = Forger.copy(records);
        list.remove(target);

        VerificationReport r = Journals.verify(write("deleted-relinked", Forger.rebuild(list, i -> null)), anchor);

        // The checkpoint moved one place up but still signs the old tree size.
        assertFirstFailure(r, Failure.Kind.CHECKPOINT, cp - 1);
    }

    @Test
    void shouldDetectAnInsertedRecordWithACorrectLookingChainLink() {
        int after = indexOfEvent(150);
        Event forged = Event.of(EventKind.TOOL_CALL).agent("agent-7").name("fs.delete").params("{\"path\":\"/etc\"}");
        byte[] record = Forger.eventRecord(forged, after + 1, records.get(after));
        assertEquals(RecordType.TOOL_CALL, Forger.type(record)); // well-formed
        List<byte[]> list = Forger.copy(records);
        list.add(after + 1, record);

        VerificationReport r = Journals.verify(write("inserted", list), anchor);

        // The forged record itself fits; the genuine record after it no longer does.
        assertFirstFailure(r, Failure.Kind.SEQUENCE, after + 1);
        assertTrue(Journals.first(r).message().contains("inserted"), Journals.describe(r));
        assertFalse(ofKind(r, Failure.Kind.CHAIN).isEmpty(), Journals.describe(r));
    }

    @Test
    void shouldDetectAnInsertedRecordEvenWhenTheChainIsRenumberedAndRelinked() {
        int after = indexOfEvent(150);
        int cp = checkpointAfter(after);
        Event forged = Event.of(EventKind.TOOL_CALL).agent("agent-7").name("fs.delete").params("{\"path\":\"/etc\"}");
        List<byte[]> list = Forger.copy(records);
        list.add(after + 1, Forger.eventRecord(forged, after + 1, records.get(after)));

        VerificationReport r = Journals.verify(write("inserted-relinked", Forger.rebuild(list, i -> null)), anchor);

        assertFirstFailure(r, Failure.Kind.CHECKPOINT, cp + 1);
    }

    @Test
    void shouldDetectTwoSwappedRecords() {
        int a = indexOfEvent(150);
        int b = indexOfEvent(160);
        List<byte[]> list = Forger.copy(records);
        list.set(a, records.get(b));
        list.set(b, records.get(a));

        VerificationReport r = Journals.verify(write("swapped", list), anchor);

        assertFirstFailure(r, Failure.Kind.SEQUENCE, b);
        List<Long> sequenceFailures = ofKind(r, Failure.Kind.SEQUENCE).stream().map(Failure::sequence).toList();
        assertTrue(sequenceFailures.contains((long) a) && sequenceFailures.contains((long) b), Journals.describe(r));
    }

    @Test
    void shouldDetectTwoSwappedRecordsEvenWhenTheChainIsRenumberedAndRelinked() {
        int a = indexOfEvent(150);
        int b = indexOfEvent(151);
        List<byte[]> list = Forger.copy(records);
        list.set(a, records.get(b));
        list.set(b, records.get(a));

        VerificationReport r = Journals.verify(write("swapped-relinked", Forger.rebuild(list, i -> null)), anchor);

        assertFirstFailure(r, Failure.Kind.CHECKPOINT, checkpointAfter(a)); // a checkpoint may fall between a and b
        assertTrue(Journals.first(r).message().contains("Merkle root"), Journals.describe(r));
    }

    @Test
    void shouldNeverCallATruncatedJournalIntact() {
        for (int k : new int[] {1, 2, 3, records.size() / 2}) {
            List<byte[]> list = new ArrayList<>(records.subList(0, records.size() - k));

            VerificationReport r = Journals.verify(write("truncated-" + k, list), anchor);

            // The verifier's contract: a cut-off tail is indistinguishable from a crash, so INCOMPLETE, never INTACT.
            assertEquals(Verdict.INCOMPLETE, r.verdict(), "k=" + k + ": " + Journals.describe(r));
            assertFalse(r.sealed(), "k=" + k);
            assertEquals(0, r.failureCount(), "k=" + k);
        }
    }

    @Test
    void shouldCallATruncatedJournalTamperedAgainstTheSavedFinalCheckpoint() {
        String savedFinal = Journals.verify(journal, anchor).lastCheckpointNote();
        List<byte[]> list = new ArrayList<>(records.subList(0, records.size() - 2)); // seal and its checkpoint

        VerificationReport r = Journals.verify(write("cut-seal", list), anchor, savedFinal);

        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
        assertEquals(Boolean.FALSE, r.savedCheckpointMatched());
        assertEquals(Failure.Kind.SAVED_CHECKPOINT, Journals.first(r).kind(), Journals.describe(r));
    }

    @Test
    void shouldRejectACheckpointResignedWithAnotherKey() {
        int cp = checkpointAfter(indexOfEvent(150));
        Checkpoint body = checkpointOf(records.get(cp));
        SigningKey other = SigningKey.generate(RANDOM);
        List<byte[]> list = Forger.copy(records);
        list.set(cp, Forger.withNote(records.get(cp), SignedNote.sign(body.body(), origin, other)));

        VerificationReport r = Journals.verify(write("resigned", list), anchor);

        assertFirstFailure(r, Failure.Kind.SIGNATURE, cp);
    }

    @Test
    void shouldRejectACheckpointWhoseSignatureIsRandomBytes() {
        int cp = checkpointAfter(indexOfEvent(150));
        Checkpoint body = checkpointOf(records.get(cp));
        ByteBuffer sig = ByteBuffer.allocate(68).putInt(NoteKeys.keyId(origin, anchor));
        byte[] random = new byte[64];
        RANDOM.nextBytes(random);
        sig.put(random);
        String note = body.body() + "\n\u2014 " + origin + " " + Base64.getEncoder().encodeToString(sig.array()) + "\n";
        SignedNote.parse(note); // well-formed: only the signature is wrong
        List<byte[]> list = Forger.copy(records);
        list.set(cp, Forger.withNote(records.get(cp), note));

        VerificationReport r = Journals.verify(write("random-signature", list), anchor);

        assertFirstFailure(r, Failure.Kind.SIGNATURE, cp);
    }

    private static Checkpoint checkpointOf(byte[] record) {
        return Checkpoint.parse(SignedNote.parse(Forger.view(record).note()).text());
    }

    @Test
    void shouldRejectTheGenuineJournalUnderTheWrongPublicKey() {
        VerifyingKey wrong = SigningKey.generate(RANDOM).verifyingKey();

        VerificationReport r = Journals.verify(journal, wrong);

        assertFirstFailure(r, Failure.Kind.GENESIS, 0);
        assertFalse(ofKind(r, Failure.Kind.SIGNATURE).isEmpty(), Journals.describe(r));
    }

    @Test
    void shouldRejectAJournalWhoseGenesisWasRewrittenForAnotherKey() {
        SigningKey attacker = SigningKey.generate(RANDOM);
        List<byte[]> list = Forger.copy(records);
        list.set(0, Forger.genesisWithKey(records.get(0), attacker.verifyingKey().bytes()));
        Path dir = write("regenesis", Forger.rebuild(list, i -> attacker));

        VerificationReport underAttackerKey = Journals.verify(dir, attacker.verifyingKey());
        assertEquals(Verdict.INTACT, underAttackerKey.verdict(), "the forgery is self-consistent: "
                + Journals.describe(underAttackerKey));

        VerificationReport r = Journals.verify(dir, anchor);
        assertFirstFailure(r, Failure.Kind.GENESIS, 0);
    }

    @Test
    void shouldExposeAJournalRewrittenWithTheStolenKeyAgainstASavedCheckpoint() {
        int savedAt = checkpointAfter(indexOfEvent(100));
        String saved = Forger.view(records.get(savedAt)).note();
        long savedSize = checkpointOf(records.get(savedAt)).size();
        VerificationReport genuine = Journals.verify(journal, anchor, saved);
        assertEquals(Verdict.INTACT, genuine.verdict(), Journals.describe(genuine));
        assertEquals(Boolean.TRUE, genuine.savedCheckpointMatched());

        // Different events before the saved checkpoint, everything re-chained and re-signed with the real key.
        List<byte[]> list = Forger.copy(records);
        for (int m : new int[] {10, 50, 90}) {
            byte[] r = list.get(indexOfEvent(m));
            byte[] marker = marker(m).getBytes(StandardCharsets.UTF_8);
            int at = Forger.indexOf(r, marker, 0);
            r[at + marker.length - 6] ^= 0x01;
        }
        Path dir = write("stolen-key", Forger.rebuild(list, i -> key));

        VerificationReport withoutSaved = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, withoutSaved.verdict(), "a key thief can rewrite history that nobody saved: "
                + Journals.describe(withoutSaved));

        VerificationReport r = Journals.verify(dir, anchor, saved);
        assertFirstFailure(r, Failure.Kind.SAVED_CHECKPOINT, savedSize);
        assertEquals(Boolean.FALSE, r.savedCheckpointMatched());
    }

    /**
     * History shortened with the stolen key: the saved checkpoint's tree size now falls in the middle of a run of
     * events (which the parallel verifier otherwise takes 16 at a time), and must still be checked right there.
     */
    @Test
    void shouldExposeAShortenedHistoryWhereTheSavedSizeLandsAmongEvents() {
        int savedAt = checkpointAfter(indexOfEvent(100));
        String saved = Forger.view(records.get(savedAt)).note();
        long savedSize = checkpointOf(records.get(savedAt)).size();
        List<byte[]> list = Forger.copy(records);
        // Twenty events go; the tail after the saved size is cut off too, seal and all (its counts would not fit).
        for (int removed = 0, at = indexOfEvent(30); removed < 20; ) {
            if (Forger.type(list.get(at)).isEvent()) {
                list.remove(at);
                removed++;
            } else {
                at++;
            }
        }
        int chunk = (int) (savedSize / 16) * 16;
        List<byte[]> forged = Forger.rebuild(list.subList(0, chunk + 32), i -> key);
        for (int i = chunk; i < chunk + 16; i++) {
            assertTrue(Forger.type(forged.get(i)).isEvent(), "the test needs events only around the saved size, "
                    + "but record " + i + " is a " + Forger.type(forged.get(i)));
        }
        Path dir = write("shortened", forged);
        VerificationReport plain = Journals.verify(dir, anchor);
        assertEquals(0, plain.failureCount(), "self-consistent without the saved note: " + Journals.describe(plain));

        VerificationReport r = Journals.verify(dir, anchor, saved);

        assertFirstFailure(r, Failure.Kind.SAVED_CHECKPOINT, savedSize);
        assertTrue(Journals.first(r).message().contains("do not hash to the saved checkpoint's root"),
                Journals.describe(r));
        assertEquals(Boolean.FALSE, r.savedCheckpointMatched());
    }

    @Test
    void shouldRefuseToAppendToATamperedJournalAndLogCritical() throws IOException {
        int target = indexOfEvent(150);
        Path dir = flipMarkerByte(JournalFiles.copy(journal, tmp.resolve("corrupt")), 150);
        Map<String, String> before = JournalFiles.snapshot(dir);
        JournalCorruptException e;
        String log;
        try (StderrCapture err = new StderrCapture()) {
            e = assertThrows(JournalCorruptException.class,
                    () -> Ledger.builder(dir).keyFile(keyFile).fullVerificationOnOpen(true).shutdownHook(false).open().close());
            log = err.text();
        }

        assertEquals(target, e.sequence(), e.getMessage());
        assertEquals(dir, e.journal());
        assertTrue(log.contains("[CRITICAL]") && log.contains(dir.toString()), "log was: " + log);
        assertEquals(before, JournalFiles.snapshot(dir), "a refused journal must not be touched");
    }

    @Test
    void shouldRefuseToSignInAnEventAppendedAfterTheSeal() {
        // Anyone who can write the files, without the key, appended a chained event after the seal's checkpoint.
        // The writer took it for a crashed writer's tail and signed it in with its recovery record.
        List<byte[]> list = Forger.copy(records);
        assertEquals(RecordType.SEAL, Forger.type(list.get(list.size() - 2)));
        Event forged = Event.of(EventKind.TOOL_CALL).agent("agent-7").name("fs.delete").params("{\"path\":\"/etc\"}");
        list.add(Forger.eventRecord(forged, list.size(), list.get(list.size() - 1)));
        Path dir = write("appended-after-seal", list);
        Map<String, String> before = cycleFiles(dir);

        VerificationReport r = Journals.verify(dir, anchor);
        JournalCorruptException tail = assertThrows(JournalCorruptException.class,
                () -> Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open().close());
        JournalCorruptException full = assertThrows(JournalCorruptException.class,
                () -> Ledger.builder(dir).keyFile(keyFile).fullVerificationOnOpen(true).shutdownHook(false).open().close());

        assertFirstFailure(r, Failure.Kind.LIFE_CYCLE, records.size());
        assertTrue(Journals.first(r).message().contains("after the journal was sealed"), Journals.describe(r));
        assertEquals(records.size(), tail.sequence(), tail.getMessage());
        assertEquals(records.size(), full.sequence(), full.getMessage());
        assertEquals(before, cycleFiles(dir), "a refused journal must not be touched");
    }

    @Test
    void shouldSayWhichRecordsNoWriterSignedWhenARecoverySignsAForgedResume() {
        // Shaped as a writer's own record, a RESUME after the seal cannot be told from a writer that crashed as it
        // reopened the journal (an outside auditor appended one with a made-up version and settings). The recovery
        // signs it as found, and its signed reason says which records no writer had signed.
        List<byte[]> list = Forger.copy(records);
        byte[] last = list.get(list.size() - 1);
        RecordBuilder b = new RecordBuilder(256);
        ControlRecordEncoder.resume(b, list.size(), Forger.timestamp(last) + 1, Rfc6962.leafHash(last), "vouch-java/9.9",
                "forged=yes");
        list.add(Arrays.copyOf(b.buffer(), b.finish()));
        Path dir = write("resume-after-seal", list);

        assertEquals(Verdict.INCOMPLETE, Journals.verify(dir, anchor).verdict(), "a torn tail to every verifier");
        Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open().close();

        List<byte[]> after = RawJournal.read(dir);
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
        RecordView recovery = Forger.view(after.get(list.size()));
        assertEquals(RecordType.RECOVERY, recovery.type());
        assertTrue(recovery.reason().contains("record " + records.size() + ", after the last checkpoint, signed by no "
                + "writer before this recovery"), recovery.reason());
    }

    /** The snapshot of the journal's files alone: a refused open leaves its writer lock file behind, as any open. */
    private static Map<String, String> cycleFiles(Path dir) {
        Map<String, String> files = new java.util.TreeMap<>(JournalFiles.snapshot(dir));
        files.keySet().removeIf(name -> !name.endsWith(".cq4") && !name.endsWith(".cq4t"));
        assertTrue(files.size() >= 2, files::toString);
        return files;
    }

    @Test
    void shouldNotMistakeStorageDamagedMidwayForATornTailAndRefuseToAppend() throws IOException {
        int target = indexOfEvent(150);
        Path dir = JournalFiles.copy(journal, tmp.resolve("damaged-header"));
        damageStorageHeaderOf(dir, records.get(target));

        VerificationReport r = Journals.verify(dir, anchor);

        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
        assertEquals(target, r.records(), "the reader stops at the damaged header");
        assertFirstFailure(r, Failure.Kind.MALFORMED, target);
        Map<String, String> before = JournalFiles.snapshot(dir);
        assertThrows(JournalCorruptException.class,
                () -> Ledger.builder(dir).keyFile(keyFile).fullVerificationOnOpen(true).shutdownHook(false).open().close());
        assertEquals(before, JournalFiles.snapshot(dir), "a refused journal must not be touched");
    }

    /** Overwrites the 4-byte Chronicle document header in front of {@code record} with 0xFF bytes, in place. */
    private static void damageStorageHeaderOf(Path dir, byte[] record) throws IOException {
        for (Path f : JournalFiles.cq4Files(dir)) {
            byte[] content = Files.readAllBytes(f);
            int at = Forger.indexOf(content, record, 0);
            if (at >= 4) {
                try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}), at - 4);
                }
                return;
            }
        }
        throw new AssertionError("record not found in any .cq4 file of " + dir);
    }

    @Test
    void shouldStartAFreshJournalElsewhereOnlyWhenAskedAndLeaveTheCorruptOneUntouched(
            @org.junit.jupiter.api.io.TempDir Path elsewhere) throws IOException {
        int target = indexOfEvent(150);
        Path dir = flipMarkerByte(JournalFiles.copy(journal, tmp.resolve("corrupt-then-fresh")), 150);
        Path fresh = elsewhere.resolve("fresh");
        Map<String, String> before = JournalFiles.snapshot(dir);
        String log;
        Path used;
        try (StderrCapture err = new StderrCapture();
             Ledger ledger = Ledger.builder(dir).keyFile(keyFile).fullVerificationOnOpen(true).shutdownHook(false).freshJournalIfCorrupt(fresh).open()) {
            used = ledger.journalDirectory();
            ledger.recordDurably(new dev.vouch.Event().kind(dev.vouch.EventKind.NOTE).name("after the corruption"));
            log = err.text();
        }

        assertEquals(fresh, used);
        assertTrue(log.contains("[CRITICAL]") && log.contains(fresh.toString()), log);
        assertEquals(before, JournalFiles.snapshot(dir), "the corrupt journal is evidence: untouched");
        VerificationReport r = Journals.verify(fresh, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        byte[] genesis = RawJournal.read(fresh).get(0);
        String text = new String(genesis, StandardCharsets.UTF_8);
        assertTrue(text.contains("replaces=" + dir.toAbsolutePath() + " (failed verification at sequence " + target + ")"),
                "the fresh genesis names the journal it replaces");
    }
}
