package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.JournalCorruptException;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.testsupport.StderrCapture;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A power loss can leave a document's header on disk over content that never got there (FORMAT.md, "Durability"):
 * the last records of an unsealed journal then read as zeros. Such a torn tail holds only records no checkpoint
 * signed; the next open sets it aside (the documents become metadata documents, their bytes kept), records that
 * in its recovery and resume records, and the journal verifies INTACT after it. Damage anything signed depends on
 * is still refused, untouched.
 */
class TornTailTest {
    @TempDir
    Path tmp;

    private Path keyFile;
    private VerifyingKey anchor;

    /**
     * An unsealed journal as a power loss finds it before the tear: a genesis, its checkpoint and {@code events}
     * journaled events (a document each), copied while the writer still runs.
     */
    private Path crashedJournal(String name, int events) {
        return crashedJournal(name, events, false);
    }

    /** As above; with {@code straddling}, goes on until the last document straddles a 4 KiB page boundary. */
    private Path crashedJournal(String name, int events, boolean straddling) {
        Path dir = tmp.resolve(name + "-live");
        Path crashed = tmp.resolve(name);
        try (Ledger ledger = openLive(name)) {
            Event e = new Event();
            for (int i = 0; i < events || straddling && pageBoundaryInside(lastDocument(dir)) < 0; i++) {
                ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).name("t").params("{\"i\":" + i + "}"),
                        Durability.JOURNALED);
            }
            JournalFiles.copy(dir, crashed);
        }
        return crashed;
    }

    /** As {@link #crashedJournal}: {@code events} journaled events, then one sealed (a checkpoint after it), then one more. */
    private Path crashedWithACheckpointAfter(String name, int events) {
        Path live = tmp.resolve(name + "-live");
        Path dir = tmp.resolve(name);
        try (Ledger ledger = openLive(name)) {
            for (int i = 0; i < events; i++) {
                ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("t").params("{}"), Durability.JOURNALED);
            }
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("sealed").params("{}"), Durability.SEALED);
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("t").params("{}"), Durability.JOURNALED);
            JournalFiles.copy(live, dir);
        }
        return dir;
    }

    /**
     * A ledger on {@code <name>-live} with this test's key, signing only when asked (one checkpoint after the genesis):
     * a copy taken while it runs is what a crash, or a power loss before the tear, leaves.
     */
    private Ledger openLive(String name) {
        keyFile = tmp.resolve(name + ".vouch_key");
        Ledger ledger = Ledger.builder(tmp.resolve(name + "-live")).keyFile(keyFile).checkpointMaxEvents(100_000)
                .checkpointMaxDelay(Duration.ofHours(1)).shutdownHook(false).open();
        anchor = ledger.verifyingKey();
        return ledger;
    }

    private static Cq4.Document lastDocument(Path dir) {
        List<Cq4.Document> data = Cq4.dataDocuments(onlyCycleFile(dir));
        return data.get(data.size() - 1);
    }

    /** The last 4 KiB page boundary inside {@code d}'s content with 16 or more bytes of it after the boundary, or -1. */
    private static long pageBoundaryInside(Cq4.Document d) {
        long end = d.offset() + 4 + d.length();
        long boundary = (end - 1) / 4096 * 4096;
        return boundary > d.offset() + 4 && end - boundary >= 16 ? boundary : -1;
    }

    /**
     * An unsealed journal whose last document straddles a page boundary, 16 to 40 of its bytes after it, in the
     * middle of its record's long parameters: zeros there still decode.
     */
    private Path crashedWithALongLastRecord(String name) {
        Path dir = tmp.resolve(name + "-live");
        Path crashed = tmp.resolve(name);
        String pad = "p".repeat(200);
        try (Ledger ledger = openLive(name)) {
            for (int i = 0; i < 2_000; i++) {
                ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("t").params("{\"i\":" + i + ",\"pad\":\""
                        + pad.substring(i % 50) + "\"}"), Durability.JOURNALED);
                Cq4.Document last = lastDocument(dir);
                long end = last.offset() + 4 + last.length();
                if (pageBoundaryInside(last) > 0 && end - pageBoundaryInside(last) <= 40) {
                    break;
                }
            }
            JournalFiles.copy(dir, crashed);
        }
        return crashed;
    }

    private static Path onlyCycleFile(Path dir) {
        List<Path> files = JournalFiles.cq4Files(dir);
        assertEquals(1, files.size());
        return files.get(0);
    }

    /** Zeroes the content of data document {@code index} from {@code from} bytes in; its header stays. */
    private static void zeroContent(Path file, int index, int from) {
        Cq4.Document d = Cq4.dataDocuments(file).get(index);
        Cq4.write(file, d.offset() + 4 + from, new byte[d.length() - from]);
    }

    private static byte[] bytes(Path file, long offset, int length) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            ch.read(b, offset);
            return b.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int header(Path file, long offset) {
        return ByteBuffer.wrap(bytes(file, offset, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static RecordView last(List<byte[]> records, RecordType type) {
        for (int i = records.size() - 1; i >= 0; i--) {
            RecordView v = new RecordView().wrap(records.get(i), records.get(i).length);
            if (v.type() == type) {
                return v;
            }
        }
        throw new AssertionError("no " + type);
    }

    /**
     * How the tear looks: the last document's content all zero; the last three's; the last document straddling a
     * 4 KiB page boundary, the page after it lost (its first bytes on disk, the rest zero); and
     * one document's content lost in the middle, the two documents after it on disk.
     */
    @ParameterizedTest(name = "{0}, full verification {1}")
    @CsvSource({"last,false", "last,true", "last-three,false", "last-three,true", "page,false", "page,true",
            "middle,false", "middle,true", "index-point,false", "index-point,true", "lost-header,false",
            "lost-header,true", "page-and-after,false", "page-and-after,true", "lost-page,false", "lost-page,true",
            "lost-end,false", "lost-end,true"})
    void shouldSetAsideATornTailRecordItAndVerifyIntact(String tear, boolean full) {
        Path dir = tear.equals("lost-end") ? crashedWithALongLastRecord("torn")
                : crashedJournal("torn", tear.equals("index-point") || tear.equals("lost-page") ? 300
                : tear.equals("page-and-after") ? 120 : 40, tear.equals("page"));
        Path file = onlyCycleFile(dir);
        List<byte[]> before = RawJournal.read(dir);
        List<Cq4.Document> written = Cq4.dataDocuments(file);
        int documents = written.size();
        int firstTorn;
        switch (tear) {
            case "last" -> {
                firstTorn = documents - 1;
                zeroContent(file, firstTorn, 0);
            }
            case "last-three" -> {
                firstTorn = documents - 3;
                for (int k = firstTorn; k < documents; k++) {
                    zeroContent(file, k, 0);
                }
            }
            case "lost-header" -> {
                // The page holding the third-last document's header and everything after it never reached the disk;
                // the file's header, on its first page, did, and records the last document.
                firstTorn = documents - 3;
                long from = written.get(firstTorn).offset();
                Cq4.write(file, from, new byte[(int) (Cq4.endOfData(file) - from)]);
            }
            case "page-and-after" -> {
                // A document straddling a page boundary, with documents after it: that page and everything after
                // it never reached the disk (an outside trial's most common power loss), while the file's header did.
                firstTorn = -1;
                for (int k = documents / 2; k < documents - 1; k++) {
                    if (pageBoundaryInside(written.get(k)) > 0) {
                        firstTorn = k;
                    }
                }
                assertTrue(firstTorn > 0, "no document straddles a page boundary");
                long boundary = pageBoundaryInside(written.get(firstTorn));
                Cq4.write(file, boundary, new byte[(int) (Cq4.endOfData(file) - boundary)]);
            }
            case "lost-page" -> {
                // One page in the middle of the unsigned tail never reached the disk, the later ones did.
                firstTorn = -1;
                for (int k = documents - 1; k > 0 && firstTorn < 0; k--) {
                    long offset = written.get(k).offset();
                    if (offset % 4096 > 8 && Cq4.endOfData(file) - offset > 3 * 4096) {
                        firstTorn = k;
                    }
                }
                long from = written.get(firstTorn).offset();
                Cq4.write(file, from, new byte[(int) ((from / 4096 + 1) * 4096 - from)]);
            }
            case "index-point" -> {
                // Chronicle indexes every 128th data document: the 256th is in the tail, and its index entry points
                // at a document set aside.
                firstTorn = 250;
                for (int k = firstTorn; k < documents; k++) {
                    zeroContent(file, k, 0);
                }
            }
            case "page", "lost-end" -> {
                firstTorn = documents - 1; // it straddles a page boundary; the page after it never reached the disk
                Cq4.Document d = written.get(firstTorn);
                long boundary = pageBoundaryInside(d);
                Cq4.write(file, boundary, new byte[(int) (d.offset() + 4 + d.length() - boundary)]);
            }
            default -> {
                firstTorn = documents - 3;
                zeroContent(file, firstTorn, 0);
            }
        }
        // A lost end that still decodes shows nowhere but in the document: the verifier sees an unsealed journal.
        assertEquals(tear.equals("lost-end") ? Verdict.INCOMPLETE : Verdict.TAMPERED, Journals.verify(dir, anchor)
                .verdict(), "the tear before the open");
        List<Cq4.Document> left = Cq4.dataDocuments(file);
        boolean headerLost = tear.equals("lost-header") || tear.equals("lost-page");
        List<Cq4.Document> torn = headerLost ? List.of() : left.subList(firstTorn, left.size());
        byte[][] content = torn.stream().map(d -> bytes(file, d.offset() + 4, d.length())).toArray(byte[][]::new);
        // One record per document here: the torn documents held the records from this sequence number on.
        long firstSetAside = firstTorn + (before.size() - documents);

        String log;
        try (StderrCapture err = new StderrCapture();
             Ledger ledger = Ledger.builder(dir).keyFile(keyFile).fullVerificationOnOpen(full).shutdownHook(false).open()) {
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("after").params("{}"), Durability.SEALED);
            log = err.text();
        }

        String said = headerLost ? "where a document header never reached the disk"
                : tear.equals("lost-end") ? "set aside the last document ("
                : "set aside " + torn.size() + " unreadable document(s) (";
        assertTrue(log.contains("did not read back as whole, chained records") && log.contains(said.substring(1)),
                log);
        if (tear.equals("page-and-after")) {
            assertTrue(log.contains("where a document header never reached the disk"), log);
        }
        assertTrue(!log.contains("[CRITICAL]"), log);
        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        List<byte[]> after = RawJournal.read(dir);
        for (int i = 0; i < firstSetAside; i++) {
            assertArrayEquals(before.get(i), after.get(i), "record " + i + " kept");
        }
        RecordView recovery = last(after, RecordType.RECOVERY);
        assertEquals(firstSetAside, recovery.sequence(), "the recovery record follows the last record kept");
        assertTrue(recovery.reason().contains(said) && recovery.reason().contains("from sequence " + firstSetAside
                + " on"), recovery.reason());
        String settings = last(after, RecordType.RESUME).settings();
        assertTrue(settings.contains("torn-tail=set aside ") && settings.contains(said), settings);
        for (int k = 0; k < torn.size(); k++) {
            Cq4.Document d = torn.get(k);
            assertEquals(d.header() | 0x40000000, header(file, d.offset()), "a metadata document now");
            assertArrayEquals(content[k], bytes(file, d.offset() + 4, d.length()), "its bytes are kept as they were");
        }
        // And it opens again as any journal.
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).fullVerificationOnOpen(true).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.NOTE).name("again").params("{}"));
        }
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
        // Chronicle reads it too, skipping what was set aside (its index counts data documents).
        try (net.openhft.chronicle.queue.ChronicleQueue queue = net.openhft.chronicle.queue.impl.single
                .SingleChronicleQueueBuilder.binary(dir.toFile()).readOnly(true).build();
             net.openhft.chronicle.queue.ExcerptTailer tailer = queue.createTailer()) {
            int read = 0;
            while (true) {
                try (net.openhft.chronicle.wire.DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    read++;
                }
            }
            assertEquals(Cq4.dataDocuments(file).size(), read);
        }
    }

    /** The tear reaches the records a sealed end left: the new session's resume record carries what was set aside. */
    @Test
    void shouldSayInTheResumeRecordWhatWasSetAsideAfterASealedEnd() {
        Path live = tmp.resolve("sealed-live");
        keyFile = tmp.resolve("sealed.vouch_key");
        anchor = Journals.writeSealed(live, keyFile, 100, 20);
        int sealedDocuments = Cq4.dataDocuments(onlyCycleFile(live)).size();
        Path dir = tmp.resolve("sealed");
        try (Ledger ledger = Ledger.builder(live).keyFile(keyFile).shutdownHook(false).open()) {
            for (int i = 0; i < 5; i++) {
                ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("t").params("{}"), Durability.JOURNALED);
            }
            JournalFiles.copy(live, dir);
        }
        Path file = onlyCycleFile(dir);
        int documents = Cq4.dataDocuments(file).size();
        for (int k = sealedDocuments; k < documents; k++) {
            zeroContent(file, k, 0);
        }

        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.NOTE).name("after").params("{}"));
        }

        VerificationReport r = Journals.verify(dir, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
        assertEquals(0, r.recoveries(), "a sealed end needs no recovery record");
        List<byte[]> after = RawJournal.read(dir);
        assertTrue(last(after, RecordType.RESUME).settings().contains("torn-tail=set aside " + (documents - sealedDocuments)
                + " unreadable document(s)"), last(after, RecordType.RESUME).settings());
    }

    /**
     * Not a torn tail: a damaged record that a later checkpoint signed (it was sealed; losing it is damage), and
     * damage to the genesis record. Refused as before, with [CRITICAL], and nothing touched. (The default open does
     * not re-read what its last checkpoint covers, so it finds the first only with a full verification.)
     */
    @ParameterizedTest
    @CsvSource({"signed-after,true", "genesis,false", "genesis,true", "lost-header-before-a-checkpoint,false",
            "lost-header-before-a-checkpoint,true", "header-only,false"})
    void shouldRefuseDamageThatIsNotATornTailUntouched(String where, boolean full) {
        Path dir;
        boolean hint = false;
        if (where.equals("genesis")) {
            dir = crashedJournal("genesis", 5);
            zeroContent(onlyCycleFile(dir), 0, 0);
        } else if (where.startsWith("lost-header") || where.equals("header-only")) {
            // A page lost in the middle, with a later page holding a signed checkpoint; or one header zeroed with
            // the content behind it on disk (not what a lost page leaves).
            dir = crashedWithACheckpointAfter("mid", 100);
            Path file = onlyCycleFile(dir);
            long from = Cq4.dataDocuments(file).get(20).offset();
            Cq4.write(file, from, new byte[where.equals("header-only") ? 4 : (int) ((from / 4096 + 1) * 4096 - from)]);
            hint = where.startsWith("lost-header");
        } else {
            dir = crashedWithACheckpointAfter("signed", 10);
            // The fifth event: covered by the checkpoint the SEALED write waited for.
            zeroContent(onlyCycleFile(dir), 6, 0);
            hint = true;
        }
        Map<String, String> snapshot = JournalFiles.snapshot(dir);

        try (StderrCapture err = new StderrCapture()) {
            JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> Ledger.builder(dir)
                    .keyFile(keyFile).fullVerificationOnOpen(full).shutdownHook(false).open().close());
            assertTrue(err.text().contains("[CRITICAL]"), err.text());
            // A lost page before a signed checkpoint may be a power loss's: the refusal says so, and what to do.
            assertEquals(hint, e.getMessage().contains("a power loss can leave this"), e.getMessage());
        }
        assertEquals(snapshot, JournalFiles.snapshot(dir), "a refused journal must not be touched");
        assertEquals(Verdict.TAMPERED, Journals.verify(dir, anchor).verdict());
    }

    /**
     * A power loss that kept a page of Chronicle's index and a later checkpoint's page from after the last document
     * the file header records, while the pages between never reached the disk (an outside trial): the default open
     * reached that checkpoint through the index and appended after the journal's real end, which then failed
     * verification. It now resumes from where a reader gets to.
     */
    @Test
    void shouldNotResumeFromACheckpointBeyondTheLastDocumentTheFileRecords() throws IOException {
        Path live = tmp.resolve("index-live");
        Path older = tmp.resolve("older");
        Path newer = tmp.resolve("newer");
        try (Ledger ledger = openLive("index")) {
            for (int i = 0; i < 100; i++) {
                ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("t").params("{}"), Durability.JOURNALED);
            }
            JournalFiles.copy(live, older);
            for (int i = 0; i < 400; i++) {
                ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("t").params("{}"), Durability.JOURNALED);
            }
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("sealed").params("{}"), Durability.SEALED);
            JournalFiles.copy(live, newer);
        }
        Path file = onlyCycleFile(older);
        byte[] old = java.nio.file.Files.readAllBytes(file);
        byte[] now = java.nio.file.Files.readAllBytes(onlyCycleFile(newer));
        List<Cq4.Document> newerDocs = Cq4.dataDocuments(onlyCycleFile(newer));
        long firstData = Cq4.dataDocuments(file).get(0).offset();
        long lastCheckpoint = -1;
        for (Cq4.Document d : newerDocs) {
            for (int at = (int) d.offset() + 4; at + 56 <= d.offset() + 4 + d.length(); ) {
                if (now[at + 2] == 0x11) {
                    lastCheckpoint = at; // a CHECKPOINT record
                }
                at += 56 + java.nio.ByteBuffer.wrap(now, at + 52, 4).getInt();
            }
        }
        // The older file, with the newer one's index pages (before the first document) and its pages from the 385th
        // data document (Chronicle indexes every 128th) to the last checkpoint.
        long indexed = newerDocs.get(384).offset();
        for (int page = 1; page * 4096 < now.length; page++) {
            long at = page * 4096L;
            if (at + 4096 <= firstData || at / 4096 >= indexed / 4096 && at / 4096 <= lastCheckpoint / 4096) {
                Cq4.write(file, at, java.util.Arrays.copyOfRange(now, (int) at, (int) Math.min(now.length, at + 4096)));
            }
        }
        assertTrue(old.length > 0 && lastCheckpoint > Cq4.endOfData(file), "the checkpoint lies beyond the older end: "
                + lastCheckpoint + " " + Cq4.endOfData(file) + " " + firstData + " " + old.length + " " + now.length);
        assertEquals(0, Journals.verify(older, anchor).failureCount());

        try (Ledger ledger = Ledger.builder(older).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.NOTE).name("after").params("{}"));
        }

        VerificationReport r = Journals.verify(older, anchor);
        assertEquals(Verdict.INTACT, r.verdict(), Journals.describe(r));
    }

    /** A refused open (a wrong key file) leaves a torn journal as it was; the open that succeeds records the tear. */
    @Test
    void shouldPutBackWhatWasSetAsideWhenTheOpenIsRefusedAfterAll() throws IOException {
        Path dir = crashedJournal("wrong-key", 40);
        Path file = onlyCycleFile(dir);
        zeroContent(file, Cq4.dataDocuments(file).size() - 1, 0);
        Path otherKey = tmp.resolve("other.vouch_key");
        Ledger.builder(tmp.resolve("other")).keyFile(otherKey).shutdownHook(false).open().close();
        // The bytes of every file (putting the headers back rewrites them, so modification times change).
        Map<String, String> snapshot = new java.util.TreeMap<>();
        for (Path f : JournalFiles.cq4Files(dir)) {
            snapshot.put(f.getFileName().toString(), JournalFiles.sha256(f));
        }

        try (StderrCapture err = new StderrCapture()) {
            assertThrows(dev.vouch.KeyFileException.class, () -> Ledger.builder(dir).keyFile(otherKey)
                    .shutdownHook(false).open().close());
        }
        for (Path f : JournalFiles.cq4Files(dir)) {
            assertEquals(snapshot.get(f.getFileName().toString()), JournalFiles.sha256(f), "a refused open must leave "
                    + f.getFileName() + " as it was");
        }

        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.NOTE).name("after").params("{}"));
        }
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
        assertTrue(last(RawJournal.read(dir), RecordType.RECOVERY).reason().contains("set aside 1 unreadable document"));
    }

    /**
     * A start that fails after setting a torn tail aside (a full disk refuses its recovery record) puts the tail back,
     * so that the start that succeeds, once there is room, sets it aside again and records it: otherwise the bytes
     * stayed set aside and recorded nowhere. An outside trial's restart on a still-full disk got that far.
     */
    @Test
    void shouldPutBackWhatWasSetAsideWhenTheStartFailsOnAFullDisk() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.vouch.testsupport.Namespaces.work(),
                "unshare -rm (user and mount namespaces) is not available here");
        Path dir = crashedJournal("full-disk", 40);
        Path file = onlyCycleFile(dir);
        zeroContent(file, Cq4.dataDocuments(file).size() - 1, 0);
        Path mount = java.nio.file.Files.createDirectories(tmp.resolve("small-disk"));
        Path out = tmp.resolve("after");
        // The journal copied in sparse; the tmpfs goes with the namespace, so the wrapper copies it out at the end.
        List<String> inOwnTmpfs = List.of("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=32m vouch-torn-full"
                + " \"$0\" && cp -a --sparse=always \"$1\" \"$0\"/journal && out=\"$2\" && shift 2 && \"$@\"; rc=$?;"
                + " cp -a \"$0\"/journal \"$out\"; exit $rc", mount.toString(), dir.toString(), out.toString());
        String refused;
        String stderr;
        try (ChildJvm child = ChildJvm.start(java.nio.file.Files.createDirectories(tmp.resolve("work")), inOwnTmpfs,
                FullDiskReopenChild.class, mount.toString(), keyFile.toString())) {
            child.awaitLine("DONE", 120, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, child.waitFor(), child.stderrText());
            refused = child.lines().stream().filter(l -> l.startsWith("REFUSED ")).findFirst().orElseThrow();
            stderr = child.stderrText();
        }
        assertTrue(refused.contains("no space left"), refused);
        assertTrue(stderr.contains("put back what was set aside as a torn tail, since the start failed"), stderr);
        assertEquals(Verdict.INTACT, Journals.verify(out, anchor).verdict(), Journals.describe(Journals.verify(out,
                anchor)));
        assertTrue(last(RawJournal.read(out), RecordType.RECOVERY).reason().contains("set aside 1 unreadable document"),
                "the start that succeeded records the tear");
    }

    /** A whole page in the middle of a large last record never reached the disk; the record still decodes. */
    @Test
    void shouldSetAsideALastRecordWithALostPageInItsMiddle() throws IOException {
        Path live = tmp.resolve("big-live");
        Path dir = tmp.resolve("big");
        try (Ledger ledger = openLive("big")) {
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("t").params("{}"), Durability.JOURNALED);
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("big").params("{\"pad\":\""
                    + "b".repeat(16_000) + "\"}"), Durability.JOURNALED);
            JournalFiles.copy(live, dir);
        }
        Path file = onlyCycleFile(dir);
        Cq4.Document big = lastDocument(dir);
        long page = (big.offset() + 4 + 4095) / 4096 * 4096 + 4096; // a whole page inside the record
        Cq4.write(file, page, new byte[4096]);
        assertEquals(Verdict.INCOMPLETE, Journals.verify(dir, anchor).verdict(), "it still decodes");

        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.NOTE).name("after").params("{}"));
        }

        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
        List<byte[]> after = RawJournal.read(dir);
        assertTrue(last(after, RecordType.RECOVERY).reason().contains("set aside the last document ("),
                last(after, RecordType.RECOVERY).reason());
        assertTrue(after.stream().noneMatch(r -> new String(r, java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("bbbbbbbb")), "the torn record is not in the journal");
    }
}
