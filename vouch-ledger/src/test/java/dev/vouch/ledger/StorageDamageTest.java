package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.vouch.testsupport.StderrCapture;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.JournalCorruptException;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.verify.Failure;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Storage damaged the way disks, crashes and careless copies damage it (files cut short, zeroed, emptied, deleted,
 * headers overwritten, stray and broken side files): every read ends in a verdict that names the file and offset,
 * never a JVM fault, and the ledger refuses such a journal with [CRITICAL] or starts fresh when asked.
 */
class StorageDamageTest {
    @TempDir
    static Path shared;
    static Path journal;
    static Path multiDay;
    static Path keyFile;
    static VerifyingKey anchor;
    static List<byte[]> records;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeJournals() {
        Path written = shared.resolve("written");
        keyFile = shared.resolve(".vouch_key");
        anchor = Journals.writeSealed(written, keyFile, 40, 400);
        records = RawJournal.read(written);
        // One record per document, as format 1.0 journals and single writes are laid out, so that the cuts and
        // overwrites below can aim at a given record's document (StorageFuzzTest damages batched documents).
        journal = shared.resolve("journal");
        RawJournal.write(journal, records);
        try {
            Files.createFile(journal.resolve(".vouch-writer.lock")); // as the ledger leaves it
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        multiDay = shared.resolve("multi-day");
        assertEquals(4, RawJournal.writeAcrossDays(multiDay, records, (records.size() + 3) / 4).size());
        assertEquals(Verdict.INTACT, Journals.verify(journal, anchor).verdict());
    }

    private Path copy(Path from, String name) {
        return Cq4.compactCopy(from, tmp.resolve(name), 4096);
    }

    private static Path onlyCycleFile(Path dir) {
        List<Path> files = JournalFiles.cq4Files(dir);
        assertEquals(1, files.size());
        return files.get(0);
    }

    private static void assertDamageNamed(VerificationReport r, Path file) {
        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
        assertTrue(r.storageDamage() > 0, Journals.describe(r));
        Failure damage = r.failures().stream().filter(f -> f.message().contains("damaged storage")).findFirst()
                .orElseThrow(() -> new AssertionError(Journals.describe(r)));
        assertEquals(Failure.Kind.MALFORMED, damage.kind());
        assertTrue(damage.message().contains(file.getFileName().toString()) && damage.position().contains("offset"),
                damage.toString());
    }

    /** Refused by a full verification on open; for damage in the tail, see the tail tests below. */
    private static void assertRefusedUntouched(Path dir) {
        try {
            // Every journal the ledger wrote has its lock file; the raw multi-day copies get one here.
            if (!Files.exists(dir.resolve(".vouch-writer.lock"))) {
                Files.createFile(dir.resolve(".vouch-writer.lock"));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> before = JournalFiles.snapshot(dir);
        String log;
        try (StderrCapture err = new StderrCapture()) {
            assertThrows(JournalCorruptException.class,
                    () -> Ledger.builder(dir).keyFile(keyFile).fullVerificationOnOpen(true).shutdownHook(false).open().close());
            log = err.text();
        }
        assertTrue(log.contains("[CRITICAL]") && log.contains(dir.toString()), log);
        assertEquals(before, JournalFiles.snapshot(dir), "a refused journal must not be touched");
    }

    /** Cut at a document header, inside one, inside the file header, and a few bytes in. */
    @ParameterizedTest
    @ValueSource(strings = {"3", "100", "data-header+2", "record-middle", "last-record-middle", "index-middle"})
    void shouldReportACycleFileCutShortAndRefuseToAppend(String where) {
        Path dir = copy(journal, "cut-" + where);
        Path file = onlyCycleFile(dir);
        List<Cq4.Document> docs = Cq4.documents(file);
        List<Cq4.Document> data = Cq4.dataDocuments(file);
        long at = switch (where) {
            case "data-header+2" -> data.get(100).offset() + 2;
            case "record-middle" -> data.get(100).offset() + 4 + data.get(100).length() / 2;
            case "last-record-middle" -> data.get(data.size() - 1).offset() + 10;
            case "index-middle" -> docs.get(1).offset() + 100;
            default -> Long.parseLong(where);
        };
        Cq4.truncate(file, at);

        VerificationReport r = Journals.verify(dir, anchor);

        assertDamageNamed(r, file);
        assertRefusedUntouched(dir);
    }

    @Test
    void shouldStartAFreshJournalElsewhereWhenACutShortJournalIsRefusedAndAsked() throws IOException {
        Path dir = copy(journal, "cut-then-fresh");
        Path file = onlyCycleFile(dir);
        Cq4.truncate(file, Cq4.dataDocuments(file).get(200).offset() + 30);
        Path fresh = tmp.resolve("fresh");

        try (StderrCapture err = new StderrCapture();
             Ledger ledger = Ledger.builder(dir).keyFile(keyFile).freshJournalIfCorrupt(fresh).shutdownHook(false).open()) {
            assertEquals(fresh, ledger.journalDirectory());
            assertTrue(err.text().contains("[CRITICAL]"), err.text());
        }
        assertEquals(Verdict.INTACT, Journals.verify(fresh, anchor).verdict());
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "zero-filled"})
    void shouldRecogniseAnEmptyOrZeroFilledCycleFileAtOnce(String how) throws IOException {
        Path dir = copy(multiDay, how);
        Path second = JournalFiles.cq4Files(dir).get(1);
        long size = Files.size(second);
        Cq4.truncate(second, 0);
        if (how.equals("zero-filled")) {
            Cq4.write(second, 0, new byte[(int) size]);
            Cq4.write(second, 80L << 20, new byte[1]); // as large as Chronicle makes them, mostly sparse
        }

        long started = System.nanoTime();
        VerificationReport r = Journals.verify(dir, anchor);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertDamageNamed(r, second);
        assertTrue(millis < 5_000, "took " + millis + " ms");
        assertTrue(r.failures().stream().anyMatch(f -> f.kind() == Failure.Kind.SEQUENCE), Journals.describe(r));
        assertRefusedUntouched(dir);
    }

    @Test
    void shouldReportAHeaderZeroedInTheMiddleRatherThanATornTail() {
        Path dir = copy(journal, "zeroed-header");
        Path file = onlyCycleFile(dir);
        Cq4.write(file, Cq4.dataDocuments(file).get(150).offset(), new byte[4]);

        VerificationReport r = Journals.verify(dir, anchor);

        assertDamageNamed(r, file);
        assertEquals(150, r.records(), Journals.describe(r));
        assertRefusedUntouched(dir);
    }

    @Test
    void shouldVerifyAMultiDayJournalWithOrWithoutChroniclesTableStore() throws IOException {
        Path dir = copy(multiDay, "no-table-store");
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
        Files.delete(dir.resolve("metadata.cq4t"));
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(records.size(), r.records());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldCallAJournalWithoutItsFirstDayTampered(boolean keepTableStore) throws IOException {
        Path dir = copy(multiDay, "no-first-day-" + keepTableStore);
        if (!keepTableStore) {
            Files.delete(dir.resolve("metadata.cq4t"));
        }
        Files.delete(JournalFiles.cq4Files(dir).get(0));

        VerificationReport r = Journals.verify(dir, anchor);

        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
        assertTrue(r.records() > 0, "the other days are still read and checked");
        assertEquals(Failure.Kind.SEQUENCE, Journals.first(r).kind(), Journals.describe(r));
        assertTrue(r.failures().stream().anyMatch(f -> f.kind() == Failure.Kind.GENESIS), Journals.describe(r));
    }

    /**
     * An outside trial archived its oldest day files and removed them to free disk: the writer refused the journal
     * and advised a new one, where putting the files back is the fix. The refusal names the first file left and says
     * so; with the file back, the journal opens and verifies.
     */
    @Test
    void shouldSayToPutBackTheOldestDaysOfAJournal() throws IOException {
        Path dir = copy(multiDay, "oldest-day-archived");
        Path first = JournalFiles.cq4Files(dir).get(0);
        Path archived = Files.move(first, tmp.resolve(first.getFileName()));
        Files.createFile(dir.resolve(".vouch-writer.lock")); // as the ledger leaves it
        Map<String, String> before = JournalFiles.snapshot(dir);
        JournalCorruptException refused;
        try (StderrCapture err = new StderrCapture()) {
            refused = assertThrows(JournalCorruptException.class, () -> Ledger.builder(dir).keyFile(keyFile)
                    .shutdownHook(false).open().close());
        }
        assertTrue(refused.getMessage().contains("its first record is sequence ") && refused.getMessage().contains(
                ", in " + JournalFiles.cq4Files(dir).get(0).getFileName() + ", so the cycle files before that one were"
                        + " removed or moved") && refused.getMessage().contains("Put them back"), refused.getMessage());
        assertEquals(before, JournalFiles.snapshot(dir), "a refused journal must not be touched");

        Files.move(archived, first);
        Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open().close();
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
    }

    @Test
    void shouldCallAJournalWithADayMissingInTheMiddleTamperedAndNameWhereTheGapIs() throws IOException {
        Path dir = copy(multiDay, "no-middle-day");
        List<Path> files = JournalFiles.cq4Files(dir);
        Files.delete(files.get(2));

        VerificationReport r = Journals.verify(dir, anchor);

        assertEquals(Verdict.TAMPERED, r.verdict(), Journals.describe(r));
        Failure first = Journals.first(r);
        assertEquals(Failure.Kind.SEQUENCE, first.kind(), first.toString());
        assertTrue(first.message().contains("missing") && first.position().startsWith(files.get(3).getFileName().toString()),
                first.toString());
        assertRefusedUntouched(dir);
    }

    /**
     * The last days removed: what is left reads like a crash (no signature is missing), but the file now last ends
     * with the marker Chronicle writes when its writer moves on to the next day's file, and that is reported.
     */
    @Test
    void shouldTellThatTheLastFileRolledOverWhenTheLaterDaysAreRemoved() throws IOException {
        Path dir = copy(multiDay, "no-last-day");
        List<Path> files = JournalFiles.cq4Files(dir);
        assertEquals(null, JournalReader.lastFileRolledOver(dir), "the whole journal's last file was not rolled over");
        Files.delete(files.get(files.size() - 1));

        Path rolled = JournalReader.lastFileRolledOver(dir);

        assertEquals(files.get(files.size() - 2).getFileName(), rolled == null ? null : rolled.getFileName());
        assertEquals(null, JournalReader.lastFileRolledOver(journal), "one day, not rolled over");
    }

    /**
     * An outside trial deleted every cycle file and kept Chronicle's table store: the ledger took the directory for a
     * start that died early and began a new journal whose genesis said so, signed; `vouch verify` then called it
     * INTACT. The table store records which cycle files Chronicle made, so the loss is seen and the open refused.
     */
    @Test
    void shouldRefuseAJournalWhoseCycleFilesWereAllDeletedRatherThanStartAfresh() throws IOException {
        Path dir = copy(journal, "all-cycle-files-deleted");
        for (Path f : JournalFiles.cq4Files(dir)) {
            Files.delete(f);
        }
        assertTrue(Files.exists(dir.resolve("metadata.cq4t")));
        assertMissingFilesRefused(dir, "but the directory holds none");
    }

    /** The newest days deleted: what is left reads like a crash, but the table store knows a later day's file. */
    @Test
    void shouldRefuseToAppendToAJournalWhoseNewestDaysWereDeleted() throws IOException {
        Path dir = copy(multiDay, "newest-days-deleted");
        List<Path> files = JournalFiles.cq4Files(dir);
        Files.delete(files.get(files.size() - 1));
        assertMissingFilesRefused(dir, "but the directory holds only older ones");
    }

    /**
     * A backup copied while its writer ran: the day files before a day roll, the table store after it. Its last file
     * has no end-of-cycle marker (it was copied before its writer moved on), and the refusal says how to open it; with
     * the table store moved out, the journal opens and verifies.
     */
    @Test
    void shouldSayHowToOpenABackupWhoseTableStoreIsNewerThanItsDayFiles() throws IOException {
        Path live = tmp.resolve("live");
        assertEquals(2, RawJournal.writeAcrossDays(live, records.subList(0, 200), 100).size());
        Path backup = tmp.resolve("backup");
        assertEquals(1, RawJournal.writeAcrossDays(backup, records.subList(0, 100), 100).size());
        Files.copy(live.resolve("metadata.cq4t"), backup.resolve("metadata.cq4t"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        JournalCorruptException refused;
        try (StderrCapture err = new StderrCapture()) {
            refused = assertThrows(JournalCorruptException.class, () -> Ledger.builder(backup).keyFile(keyFile)
                    .shutdownHook(false).open().close());
        }
        assertTrue(refused.getMessage().contains("a backup copied while its writer ran") && refused.getMessage()
                .contains("move metadata.cq4t out of it"), refused.getMessage());

        Files.move(backup.resolve("metadata.cq4t"), tmp.resolve("metadata.cq4t"));
        Ledger.builder(backup).keyFile(keyFile).shutdownHook(false).open().close();
        VerificationReport r = Journals.verify(backup, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
    }

    /**
     * The newest day deleted and the table store moved out, with the clock before the last file's day: the writer
     * would append into a file that ended with Chronicle's end-of-cycle marker, and a re-trial got Chronicle's bare
     * "You should not be able to write at EOF". The refusal says what happened.
     */
    @Test
    void shouldRefuseToAppendAfterTheEndOfCycleMarkerWhileTheClockIsBehind() throws IOException {
        Path dir = tmp.resolve("future-days");
        List<Path> files = RawJournal.writeAcrossDays(dir, records.subList(0, 200), 100,
                java.time.Instant.parse("2099-01-01T12:00:00Z"));
        assertEquals(2, files.size());
        Files.delete(files.get(1));
        Files.delete(dir.resolve("metadata.cq4t"));
        Files.createFile(dir.resolve(".vouch-writer.lock"));
        Map<String, String> before = JournalFiles.snapshot(dir);
        JournalCorruptException refused;
        try (StderrCapture err = new StderrCapture()) {
            refused = assertThrows(JournalCorruptException.class, () -> Ledger.builder(dir).keyFile(keyFile)
                    .shutdownHook(false).open().close());
        }
        assertTrue(refused.getMessage().contains("ends with " + files.get(0).getFileName() + ", whose data ends with"
                + " Chronicle's end-of-cycle marker") && refused.getMessage().contains("Restore the later day file"),
                refused.getMessage());
        assertEquals(before, JournalFiles.snapshot(dir), "a refused journal must not be touched");
    }

    private void assertMissingFilesRefused(Path dir, String holds) throws IOException {
        if (!Files.exists(dir.resolve(".vouch-writer.lock"))) {
            Files.createFile(dir.resolve(".vouch-writer.lock"));
        }
        Map<String, String> before = JournalFiles.snapshot(dir);
        for (boolean full : new boolean[] {false, true}) {
            JournalCorruptException refused;
            try (StderrCapture err = new StderrCapture()) {
                refused = assertThrows(JournalCorruptException.class, () -> Ledger.builder(dir).keyFile(keyFile)
                        .fullVerificationOnOpen(full).shutdownHook(false).open().close());
            }
            assertTrue(refused.getMessage().contains("is missing its newest cycle file(s): Chronicle's table store"
                    + " (metadata.cq4t) records a cycle file for ") && refused.getMessage().contains(holds),
                    refused.getMessage());
            // Moving the table store out would hide the deletion (a re-trial followed that advice when it was given
            // here): it is given only where a backup copied while its writer ran is as likely.
            assertFalse(refused.getMessage().contains("move metadata.cq4t"), refused.getMessage());
            assertEquals(before, JournalFiles.snapshot(dir), "a refused journal must not be touched");
        }
    }

    /**
     * Random bytes in Chronicle's table store: Chronicle blames a lock; the ledger says the store is damaged and what to
     * do, and once it is moved aside the journal opens, goes on and verifies.
     */
    @Test
    void shouldNameADamagedTableStoreAndOpenOnceItIsMovedAside() throws IOException {
        Path dir = tmp.resolve("broken-table-store");
        Journals.writeSealed(dir, keyFile, 40, 30);
        Path store = dir.resolve("metadata.cq4t");
        byte[] garbage = new byte[64 << 10];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(store, garbage);

        RuntimeException refused;
        try (StderrCapture err = new StderrCapture()) {
            refused = assertThrows(RuntimeException.class,
                    () -> Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open().close());
        }
        assertTrue(refused.getMessage().contains("table store (metadata.cq4t) is damaged"), refused.getMessage());

        Files.move(store, tmp.resolve("metadata.cq4t.evidence"));
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.NOTE).name("after the table store was moved aside"));
        }
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
    }

    @Test
    void shouldIgnoreStrayAndBrokenSideFilesQuietly() throws IOException {
        Path dir = copy(journal, "side-files");
        Files.write(dir.resolve("b.cq4"), "not a cycle".getBytes());
        Files.write(dir.resolve("metadata.cq4t"), new byte[0]);
        VerificationReport r;
        String stderr;
        try (StderrCapture err = new StderrCapture()) {
            r = Journals.verify(dir, anchor);
            stderr = err.text();
        }
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals("", stderr, "reading logs nothing");
        assertEquals(List.of(dir.resolve("b.cq4")), JournalReader.ignoredFiles(dir));
    }

    /**
     * A copy of a cycle file kept beside it (a re-trial's backup.cq4): readers skip it, but Chronicle refused the
     * directory with its own parse error, after touching its table store. The ledger names the file and touches
     * nothing.
     */
    @Test
    void shouldNameAStrayCycleFileCopyAndRefuseToOpenWithoutTouchingAnything() throws IOException {
        Path dir = copy(journal, "stray-copy");
        Path cycleFile = onlyCycleFile(dir);
        Files.copy(cycleFile, dir.resolve("backup.cq4"));
        Map<String, String> before = JournalFiles.snapshot(dir);
        long tableStoreModified = Files.getLastModifiedTime(dir.resolve("metadata.cq4t")).toMillis();
        dev.vouch.VouchException refused = assertThrows(dev.vouch.VouchException.class,
                () -> Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open().close());
        assertTrue(refused.getMessage().contains("holds .cq4 files that are not journal cycle files")
                && refused.getMessage().contains("backup.cq4; move them out"), refused.getMessage());
        assertEquals(before, JournalFiles.snapshot(dir));
        assertEquals(tableStoreModified, Files.getLastModifiedTime(dir.resolve("metadata.cq4t")).toMillis());

        // A copy named like a day of another roll cycle (no letter): taken for a cycle file by its name.
        String letterless = cycleFile.getFileName().toString().replace("L.cq4", ".cq4");
        Files.move(dir.resolve("backup.cq4"), dir.resolve(letterless));
        Map<String, String> again = JournalFiles.snapshot(dir);
        dev.vouch.VouchException mixed = assertThrows(dev.vouch.VouchException.class,
                () -> Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open().close());
        assertTrue(mixed.getMessage().contains("holds cycle files of more than one roll cycle"), mixed.getMessage());
        assertEquals(again, JournalFiles.snapshot(dir));
        assertEquals(tableStoreModified, Files.getLastModifiedTime(dir.resolve("metadata.cq4t")).toMillis());
    }

    /**
     * The file header's length word changed (an outside trial flipped its first byte): reading would start inside
     * the header and take its bytes for documents, none a Vouch record, and call the journal "not a journal".
     */
    @ParameterizedTest
    @ValueSource(ints = {0x34, 0x41, 0x08})
    void shouldReportAFileHeaderWithAChangedLengthAsDamageNotAsAnotherQueue(int lowByte) throws IOException {
        Path dir = copy(journal, "header-length-" + lowByte);
        Path file = onlyCycleFile(dir);
        Cq4.write(file, 0, new byte[] {(byte) lowByte});

        VerificationReport r = Journals.verify(dir, anchor);

        assertDamageNamed(r, file);
        assertTrue(r.failures().get(0).message().contains("writePosition"), Journals.describe(r));
        assertEquals(null, JournalReader.notAJournal(dir), "damage, not another kind of queue");
        assertRefusedUntouched(dir);
    }

    @Test
    void shouldTellAChronicleQueueThatIsNotAJournal() throws IOException {
        Path dir = tmp.resolve("other-queue");
        RawJournal.write(dir, List.of("hello".getBytes(), "world".getBytes()));

        String why = JournalReader.notAJournal(dir);

        assertTrue(why != null && why.contains("none of its first 2"), String.valueOf(why));
        assertEquals(null, JournalReader.notAJournal(journal));
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "zero-filled", "header-only", "header-not-completed",
            "index-position-not-yet-recorded", "half-written-table-store-only"})
    void shouldStartAJournalWhoseFirstStartDiedBeforeItsGenesisKeepingTheFilesAside(String left) throws IOException {
        Path dir = tmp.resolve("abandoned-" + left);
        Files.createDirectories(dir);
        Path file = dir.resolve(left.startsWith("half") ? "metadata.cq4t" : "20261205L.cq4");
        switch (left) {
            case "empty" -> Files.write(file, new byte[0]);
            case "half-written-table-store-only" -> {
                // Chronicle claimed the table store's header (not complete) and the writer died: Chronicle itself
                // would wait on it for its timeout and then give up.
                byte[] store = new byte[65536];
                store[3] = (byte) 0x80;
                Files.write(file, store);
            }
            case "zero-filled" -> Cq4.write(Files.createFile(file), 80L << 20, new byte[1]);
            case "header-not-completed" -> {
                // Killed after Chronicle wrote the index skeleton behind the header, before it completed the header
                // (createIndexThenUpdateHeader): the header word is still "not complete, length unknown".
                RawJournal.createWithoutRecords(dir);
                file = onlyCycleFile(dir);
                Cq4.write(file, 0, new byte[] {0, 0, 0, (byte) 0x80});
            }
            case "index-position-not-yet-recorded" -> {
                // Killed inside SCQIndexing.initIndex: the index skeleton is written but the header does not yet
                // record where (index2Index unset); its writePosition points there meanwhile. EarlyKillTest hit it.
                RawJournal.createWithoutRecords(dir);
                file = onlyCycleFile(dir);
                byte[] b = Files.readAllBytes(file);
                int index = valueAfter(b, "index2Index", 0xA7);
                long skeleton = java.nio.ByteBuffer.wrap(b, index, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                int positions = valueAfter(b, "writePosition", 0x8D) + 16; // after the array's capacity and used
                Cq4.write(file, index, new byte[8]);
                Cq4.write(file, positions, java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putLong(skeleton).array());
                Cq4.write(file, 0, new byte[] {0, 0, 0, (byte) 0x80});
            }
            default -> RawJournal.createWithoutRecords(dir);
        }
        if (left.equals("header-only")) {
            assertTrue(Files.exists(dir.resolve("metadata.cq4t")));
        }
        Path key = tmp.resolve("abandoned-key-" + left);
        VerifyingKey k;
        String log;
        try (StderrCapture err = new StderrCapture();
             Ledger ledger = Ledger.builder(dir).keyFile(key).shutdownHook(false).open()) {
            k = ledger.verifyingKey();
            log = err.text();
        }

        VerificationReport r = Journals.verify(dir, k);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertTrue(log.contains("WARN") && log.contains("never wrote a record"), log);
        byte[] genesis = RawJournal.read(dir).get(0);
        String settings = new RecordView().wrap(genesis, genesis.length).settings();
        assertTrue(settings.contains("abandoned-start=abandoned-start-"), settings);
        try (Stream<Path> s = Files.list(dir)) {
            Path aside = s.filter(Files::isDirectory).findFirst().orElseThrow();
            assertTrue(aside.getFileName().toString().startsWith("abandoned-start-"));
            assertTrue(Files.exists(aside.resolve(file.getFileName())) || left.equals("header-only"), "kept as evidence");
            assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(aside)), "as private as the journal directory");
        }
    }

    @Test
    void shouldNotTakeAJournalWhoseHeaderWasMarkedUnfinishedForAnAbandonedStart() {
        Path dir = copy(journal, "unfinished-header-not-abandoned");
        Cq4.write(onlyCycleFile(dir), 0, new byte[] {0, 0, 0, (byte) 0x80}); // its records are behind the skeleton

        assertRefusedUntouched(dir);
    }

    @Test
    void shouldNotTakeADamagedJournalForAnAbandonedStart() {
        Path dir = copy(journal, "damaged-not-abandoned");
        Path file = onlyCycleFile(dir);
        byte[] zeros = new byte[4096];
        Cq4.write(file, 0, zeros); // the file header is gone, the records are still there

        assertRefusedUntouched(dir);
    }

    @Test
    void shouldRefuseAJournalWhoseTailIsCutShortEvenWithoutAFullVerification() {
        Path dir = copy(journal, "cut-tail");
        Path file = onlyCycleFile(dir);
        List<Cq4.Document> data = Cq4.dataDocuments(file);
        Cq4.truncate(file, data.get(data.size() - 3).offset() + 20);
        Map<String, String> before = JournalFiles.snapshot(dir);

        try (StderrCapture err = new StderrCapture()) {
            assertThrows(JournalCorruptException.class,
                    () -> Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open().close());
            assertTrue(err.text().contains("[CRITICAL]"), err.text());
        }
        assertEquals(before, JournalFiles.snapshot(dir));
    }

    /**
     * The documented trade of the default open: damage before the last resumable checkpoint is not re-read (vouch
     * verify finds it), so the writer carries on after it; a full verification on open refuses the journal.
     */
    @Test
    void shouldLeaveDamageBeforeTheLastCheckpointToFullVerification() {
        Path dir = copy(journal, "zeroed-early");
        Path file = onlyCycleFile(dir);
        Cq4.write(file, Cq4.dataDocuments(file).get(50).offset() + 60, new byte[8]);
        assertEquals(Verdict.TAMPERED, Journals.verify(dir, anchor).verdict());

        assertRefusedUntouched(dir);
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.TOOL_CALL).name("after").params("{}"));
        }
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.TAMPERED, r.verdict(), "still reported, by the auditor's verification");
        assertEquals(50, Journals.first(r).sequence(), "the damaged record, found first: " + Journals.describe(r));
    }

    /** Where the value of the header field {@code name} begins, behind its type byte {@code code} (padding skipped). */
    private static int valueAfter(byte[] b, String name, int code) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length < b.length; i++) {
            for (int k = 0; k < n.length; k++) {
                if (b[i + k] != n[k]) {
                    continue outer;
                }
            }
            int at = i + n.length;
            while ((b[at] & 0xFF) != code) {
                at++; // padding
            }
            return at + 1;
        }
        throw new AssertionError("no field " + name);
    }

}
