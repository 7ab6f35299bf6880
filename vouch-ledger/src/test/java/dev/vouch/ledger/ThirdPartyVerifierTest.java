package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vouch.Decision;
import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.Risk;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.Failure;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A check by an outside tool: {@code tools/verify-journal.py}, written from docs/FORMAT.md alone (Python
 * standard library and the openssl command line, no project code), must reach the same verdict as the Java
 * verifier on a real journal that holds every record type, and on altered copies of it.
 *
 * <p>One journal is written for all tests: a first writer crashes in a child JVM (so the next open writes a
 * recovery record), a second one records events, rotates the key and seals, and a third one reopens with a
 * tiny ring in DROP mode so that a burst leaves gap records.
 */
class ThirdPartyVerifierTest {
    private static final String ORIGIN = "example.com/third-party";

    @TempDir
    static Path tmp;

    private static Path script;
    private static Path pubPem;
    private static VerifyingKey genesisKey;
    private static List<byte[]> records;
    private static long dropped;

    @BeforeAll
    static void writeJournalAndExport() throws Exception {
        script = findScript();
        Assumptions.assumeTrue(runs("python3", "--version"), "python3 is not on the PATH");
        Assumptions.assumeTrue(runs("openssl", "version"), "openssl is not on the PATH");

        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve("vouch_key");
        crashInChildJvm(dir, keyFile);

        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            Event e = new Event();
            for (int i = 0; i < 20; i++) {
                long call = ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).agent("agent-ü").task("t2")
                        .name("http.get").params("{\"url\":\"https://example.com/" + i + "\"}"));
                ledger.record(e.reset().kind(EventKind.POLICY_DECISION).agent("agent-ü").task("t2").parent(call)
                        .name("http.get").policy("allow-example").decision(Decision.ALLOW).risk(Risk.MEDIUM));
                ledger.record(e.reset().kind(EventKind.TOOL_RESULT).agent("agent-ü").task("t2").parent(call)
                        .name("http.get").result("{\"status\":200,\"body\":\"ok " + i + "\"}"));
            }
            ledger.rotateKey();
            ledger.recordDurably(e.reset().kind(EventKind.TASK_END).task("t2").result("done"), Durability.SEALED);
        }

        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false)
                .backpressure(BackpressureMode.DROP).ringSize(64).open()) {
            Event e = new Event();
            for (int i = 0; i < 1_000_000 && dropped < 50; i++) {
                if (!ledger.record(e.reset().kind(EventKind.NOTE).name("burst").params("{\"i\":" + i + "}"))) {
                    dropped++;
                }
            }
            ledger.checkpoint();
            ledger.record(e.reset().kind(EventKind.NOTE).name("after the burst").result("fine"));
        }

        records = new ArrayList<>();
        try (RecordSource source = JournalReader.open(dir)) {
            RecordBuffer buffer = new RecordBuffer(1024);
            while (source.next(buffer)) {
                records.add(Arrays.copyOf(buffer.data(), buffer.length()));
            }
        }
        genesisKey = VerifyingKey.of(new RecordView().wrap(records.get(0), records.get(0).length).publicKey());
        pubPem = tmp.resolve("pub.pem");
        Files.writeString(pubPem, genesisKey.toPem(), StandardCharsets.US_ASCII);
    }

    @Test
    void shouldCoverEveryRecordTypeInTheTestJournal() {
        Set<RecordType> types = EnumSet.noneOf(RecordType.class);
        RecordView view = new RecordView();
        for (byte[] r : records) {
            types.add(view.wrap(r, r.length).type());
        }
        Set<RecordType> expected = EnumSet.of(RecordType.GENESIS, RecordType.CHECKPOINT, RecordType.KEY_ROTATION,
                RecordType.SEAL, RecordType.RECOVERY, RecordType.RESUME, RecordType.TOOL_CALL,
                RecordType.TOOL_RESULT, RecordType.POLICY_DECISION, RecordType.TASK_START, RecordType.TASK_END,
                RecordType.NOTE);
        if (dropped > 0) {
            expected.add(RecordType.GAP);
        }
        assertTrue(types.containsAll(expected), "journal lacks " + missing(expected, types));
    }

    /**
     * Format 1.1: a checkpoint whose signature is fine but whose resume state lies (one event more than the journal
     * holds, another range hash, another next key) is caught by both verifiers, at that checkpoint.
     */
    @Test
    void shouldCatchACheckpointWhoseResumeStateLies() throws IOException {
        RecordView view = new RecordView();
        int at = -1;
        for (int i = records.size() / 2; i < records.size() && at < 0; i++) {
            if (view.wrap(records.get(i), records.get(i).length).type() == RecordType.CHECKPOINT
                    && view.hasCheckpointState() && view.stateRangeCount() > 0) {
                at = i;
            }
        }
        assertTrue(at > 0, "no 1.1 checkpoint in the second half");
        int stateAt = view.stateRangeOffset() - 33 - 24; // events, dropped, last gap (u64 each), next key, k
        String[][] lies = {{"accounting", "0"}, {"checkpoint", "24"}, {"checkpoint", String.valueOf(57 + 5)}};
        for (String[] lie : lies) {
            List<byte[]> forged = copy(records);
            byte[] r = forged.get(at);
            r[stateAt + Integer.parseInt(lie[1]) + 7] ^= 1;

            VerificationReport javaReport = verifyWithJava(forged);
            Result python = verifyWithPython(export("lie-" + lie[1], forged), null);

            assertEquals(Verdict.TAMPERED, javaReport.verdict(), lie[1]);
            assertEquals(at, javaReport.failures().get(0).sequence(), javaReport.failures().get(0).toString());
            assertEquals(lie[0], javaReport.failures().get(0).kind().name().toLowerCase(java.util.Locale.ROOT),
                    javaReport.failures().get(0).toString());
            assertEquals(1, python.exit, python.output);
            assertTrue(python.output.contains("seq " + at + " " + lie[0]) || python.output.contains("seq " + at + ": "
                    + lie[0]), python.output);
            if (lie[1].equals("24")) {
                // Both name the two keys alike, as every other message does: ed25519:<fingerprint>.
                String said = javaReport.failures().get(0).message();
                assertTrue(said.matches(".*names the next signing key ed25519:[0-9a-f]{16} but the journal's is"
                        + " ed25519:[0-9a-f]{16}"), said);
                assertTrue(python.output.contains(said), said + " / " + python.output);
            }
        }
    }

    /** The default open's tail resume gives exactly the full verification's resume point, here with gaps too. */
    @Test
    void shouldResumeFromTheTailLikeAFullVerificationAfterEveryRecord() throws IOException {
        int fromTail = 0;
        for (int cut = 2; cut <= records.size(); cut += 3) {
            Path dir = tmp.resolve("tail-cut-" + cut);
            dev.vouch.ledger.internal.RawJournal.write(dir, records.subList(0, cut));
            VerificationReport full = verifyWithJava(records.subList(0, cut));
            dev.vouch.ledger.internal.JournalTail.Result tail = dev.vouch.ledger.internal.JournalTail.resume(dir);
            if (tail.resume() == null) {
                continue;
            }
            fromTail++;
            String context = "cut after " + cut;
            assertEquals(0, full.failureCount(), context);
            dev.vouch.verify.ResumePoint f = full.resumePoint();
            dev.vouch.verify.ResumePoint t = tail.resume();
            assertEquals(f.nextSequence(), t.nextSequence(), context);
            assertArrayEquals(f.lastLeafHash(), t.lastLeafHash(), context);
            assertArrayEquals(f.tree().root(), t.tree().root(), context);
            assertEquals(f.currentKey(), t.currentKey(), context);
            assertEquals(f.pendingKey(), t.pendingKey(), context);
            assertEquals(List.of(f.lastCheckpoint(), f.droppedTotal(), f.lastGapOrStart(), f.events(), f.sealed()),
                    List.of(t.lastCheckpoint(), t.droppedTotal(), t.lastGapOrStart(), t.events(), t.sealed()), context);
        }
        assertTrue(fromTail > 0);
    }

    @Test
    void shouldJudgeTheUntouchedJournalIntact() throws IOException {
        Result r = verifyWithPython(export("intact", records), null);

        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.startsWith("INTACT:"), r.output);
        assertTrue(r.output.contains("keys=2 "), r.output);
        assertTrue(r.output.contains("recoveries=1 "), r.output);
        assertTrue(r.output.contains(dropped > 0 ? "dropped=" + dropped + " " : "dropped=0 "), r.output);
        assertEquals(Verdict.INTACT, verifyWithJava(records).verdict());
    }

    @Test
    void shouldNameTheSequenceOfAnAlteredRecord() throws IOException {
        int victim = lastIndexOf(RecordType.TOOL_RESULT, records.size());
        List<byte[]> altered = copy(records);
        byte[] r = altered.get(victim);
        r[r.length - 2] ^= 0x01; // inside the result text: the record still parses, its hash changes

        Result result = verifyWithPython(export("altered", altered), null);

        assertEquals(1, result.exit, result.output);
        assertTrue(result.output.startsWith("TAMPERED:"), result.output);
        assertTrue(result.output.contains("seq " + victim + ": chain:"), result.output);
        VerificationReport java = verifyWithJava(altered);
        assertEquals(Verdict.TAMPERED, java.verdict());
        assertEquals(victim, java.failures().get(0).sequence());
    }

    @Test
    void shouldRejectASequenceNumberOf2To63OrMoreAsMalformed() throws IOException {
        int victim = lastIndexOf(RecordType.TOOL_RESULT, records.size());
        List<byte[]> altered = copy(records);
        altered.get(victim)[4] |= (byte) 0x80; // the sequence number's top bit: 2^63 + victim, negative as an i64

        Result result = verifyWithPython(export("huge-seq", altered), null);

        assertEquals(1, result.exit, result.output);
        assertTrue(result.output.contains("seq " + victim + ": malformed: not a valid record: sequence number "
                + Long.toUnsignedString(Long.MIN_VALUE + victim) + " is 2^63 or more"), result.output);
        VerificationReport java = verifyWithJava(altered);
        assertEquals(Verdict.TAMPERED, java.verdict());
        assertEquals(Failure.Kind.MALFORMED, java.failures().get(0).kind(), java.failures()::toString);
        assertEquals(victim, java.failures().get(0).sequence());
        assertTrue(java.failures().get(0).message().contains(Long.toUnsignedString(Long.MIN_VALUE + victim)),
                java.failures()::toString);
        assertTrue(java.failures().stream().allMatch(f -> f.sequence() >= 0), "no negative sequence number shown");
    }

    @Test
    void shouldCatchEventsAppendedWhereNoWriterPutsThem() throws IOException {
        // An outside auditor appended a chained event after a seal (and after a reopen's RESUME): every verifier
        // called it a torn tail with no sign of tampering, and the next writer signed it in with its recovery.
        int resume = lastIndexOf(RecordType.RESUME, records.size());
        int sealCheckpoint = lastIndexOf(RecordType.SEAL, resume) + 1;
        assertEquals(RecordType.CHECKPOINT, new RecordView().wrap(records.get(sealCheckpoint),
                records.get(sealCheckpoint).length).type());
        Event forged = Event.of(EventKind.TOOL_CALL).agent("agent-ü").name("shell.exec").params("{\"rm\":\"-rf /\"}");
        for (int at : new int[] {sealCheckpoint + 1, resume + 1}) {
            List<byte[]> appended = copy(records.subList(0, at));
            appended.add(Forger.eventRecord(forged, at, appended.get(at - 1)));

            Result python = verifyWithPython(export("appended-" + at, appended), null);
            VerificationReport java = verifyWithJava(appended);

            assertEquals(1, python.exit, python.output);
            assertTrue(python.output.startsWith("TAMPERED:"), python.output);
            assertTrue(python.output.contains("seq " + at + ": life_cycle: a tool_call record"), python.output);
            assertEquals(Verdict.TAMPERED, java.verdict(), java.failures()::toString);
            assertEquals(Failure.Kind.LIFE_CYCLE, java.failures().get(0).kind(), java.failures()::toString);
            assertEquals(at, java.failures().get(0).sequence());
        }
        // Where a crash can stop a writer, the same place without the forged event is a torn tail, not tampering.
        for (int at : new int[] {sealCheckpoint + 1, resume + 1}) {
            List<byte[]> cut = records.subList(0, at);
            Result python = verifyWithPython(export("cut-" + at, cut), null);
            assertTrue(python.output.startsWith(at == sealCheckpoint + 1 ? "INTACT" : "INCOMPLETE:"), python.output);
            assertEquals(0, verifyWithJava(cut).failureCount());
        }
    }

    @Test
    void shouldRefuseAnExportLineWithAMemberTwice() throws IOException {
        Path export = export("twice", records);
        List<String> lines = new ArrayList<>(Files.readAllLines(export, StandardCharsets.US_ASCII));
        String first = lines.get(1);
        lines.set(1, first.substring(0, first.length() - 1) + ",\"record_b64\":\""
                + Base64.getEncoder().encodeToString(records.get(2)) + "\"}");
        Files.write(export, lines, StandardCharsets.US_ASCII);

        Result r = verifyWithPython(export, null);

        assertEquals(2, r.exit, r.output);
        assertTrue(r.output.contains("line 2 is not a valid export line: the member 'record_b64' occurs twice"),
                r.output);
    }

    @Test
    void shouldJudgeACutOffJournalIncomplete() throws IOException {
        int lastEvent = lastIndexOf(RecordType.NOTE, records.size());
        List<byte[]> cut = records.subList(0, lastEvent + 1);

        Result r = verifyWithPython(export("cut", cut), null);

        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.startsWith("INCOMPLETE:"), r.output);
        assertEquals(Verdict.INCOMPLETE, verifyWithJava(cut).verdict());
    }

    @Test
    void shouldAcceptASavedCheckpointSignedBeforeTheRotation() throws IOException {
        int rotation = lastIndexOf(RecordType.KEY_ROTATION, records.size());
        int covering = rotation + 1;
        RecordView view = new RecordView().wrap(records.get(covering), records.get(covering).length);
        assertEquals(RecordType.CHECKPOINT, view.type());
        Path saved = tmp.resolve("saved-checkpoint.txt");
        Files.writeString(saved, view.note(), StandardCharsets.UTF_8);

        Result r = verifyWithPython(export("saved", records), saved);

        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("saved-checkpoint=extends"), r.output);
    }

    @Test
    void shouldVerifyTheWorkedExampleOfFormatMd() throws IOException {
        Path examples = repoRoot().resolve("docs").resolve("examples");
        Path jsonl = examples.resolve("tiny-journal.jsonl");
        Path pem = examples.resolve("tiny-journal.pub.pem");

        Result r = run(List.of("python3", script.toString(), jsonl.toString(), "--pubkey", pem.toString()));

        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.startsWith("INTACT:"), r.output);
        List<byte[]> example = new ArrayList<>();
        Matcher m = Pattern.compile("\"record_b64\"\\s*:\\s*\"([^\"]*)\"").matcher(Files.readString(jsonl));
        while (m.find()) {
            example.add(Base64.getDecoder().decode(m.group(1)));
        }
        VerifyingKey key = VerifyingKey.fromPem(Files.readString(pem, StandardCharsets.US_ASCII));
        assertEquals(Verdict.INTACT, verifyWithJava(example, key).verdict());
    }

    /** The shell commands of FORMAT.md, "Verifying by hand with openssl", run as written. */
    @Test
    void shouldRunTheHandVerificationCommandsOfFormatMd() throws IOException {
        for (String tool : List.of("sh", "sed", "base64", "xxd", "sha256sum", "cut", "tail", "head")) {
            Assumptions.assumeTrue(runs("sh", "-c", "command -v " + tool), tool + " is not on the PATH");
        }
        String doc = Files.readString(repoRoot().resolve("docs").resolve("FORMAT.md"), StandardCharsets.UTF_8);
        String section = doc.substring(doc.indexOf("## Verifying by hand with openssl"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        StringBuilder commands = new StringBuilder("set -e\n");
        Matcher block = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (block.find()) {
            commands.append(block.group(1));
        }
        Path work = Files.createDirectories(tmp.resolve("by-hand").resolve("docs").resolve("examples")).getParent()
                .getParent();
        for (String f : List.of("tiny-journal.jsonl", "tiny-journal.pub.pem")) {
            Files.copy(repoRoot().resolve("docs").resolve("examples").resolve(f),
                    work.resolve("docs").resolve("examples").resolve(f));
        }
        Files.writeString(work.resolve("by-hand.sh"), commands, StandardCharsets.UTF_8);

        Result r = run(List.of("sh", "-c", "cd '" + work + "' && sh by-hand.sh"));

        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("Signature Verified Successfully"), r.output);
        String root = "LvQUQWdngcJlCVZWnKlmQDb3FB9Mu8q7R41b47D7pVA=";
        assertTrue(r.output.contains(root + "\n" + root), "computed root differs from the signed one:\n" + r.output);
        assertTrue(r.output.contains("e9b0fbe7\nSignature Verified Successfully\ne9b0fbe7"), r.output);
        String leaf4 = "54451c4c0f77ead7d8e22c642fd81f929eb02109ae71af81b6817933d1662e57";
        assertTrue(r.output.contains(leaf4 + "  -\n" + leaf4 + "\n"), r.output);
    }

    /**
     * The Python sketch of FORMAT.md, "Storage", run as written on a journal the ledger wrote under load (documents
     * holding many records) and on its one-record-per-document copy (the 0.1 layout): it must find exactly the
     * records the Java reader finds.
     */
    @Test
    void shouldSplitDocumentsIntoRecordsWithTheStorageSketchOfFormatMd() throws IOException {
        Path sketch = storageSketch();

        Path batched = tmp.resolve("batched");
        try (Ledger ledger = Ledger.builder(batched).keyFile(tmp.resolve("sketch_key")).shutdownHook(false).open()) {
            Event e = new Event();
            for (int i = 0; i < 5_000; i++) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("t").params("{\"i\":" + i + "}"));
            }
        }
        List<byte[]> expected = dev.vouch.ledger.internal.RawJournal.read(batched);
        assertTrue(Cq4.dataDocuments(JournalFiles.cq4Files(batched).get(0)).size() < expected.size() / 4,
                "the ledger batches records into documents");
        Path single = tmp.resolve("single");
        dev.vouch.ledger.internal.RawJournal.write(single, expected);
        for (Path dir : List.of(batched, single)) {
            Result r = run(List.of("python3", sketch.toString(), dir.toString()));
            assertEquals(0, r.exit, r.output);
            List<String> hashes = new ArrayList<>();
            for (byte[] rec : expected) {
                hashes.add(sha256Hex(rec));
            }
            assertEquals(String.join("\n", hashes), r.output.strip(), dir.toString());
        }
    }

    /**
     * A next day's cycle file a writer was killed creating (a header never completed, zeros behind it): the sketch,
     * as the Java reader, reads the journal without it (an outside trial's journal read as damaged, and every start
     * refused it). Not so for a first file, nor for one with a record's bytes behind the unfinished header.
     */
    @Test
    void shouldReadAJournalWithoutTheNextDaysFileItsWriterWasKilledCreating() throws IOException {
        Path sketch = storageSketch();
        Path dir = tmp.resolve("sketch-unfinished");
        List<byte[]> expected;
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve("sketch_unfinished_key")).shutdownHook(false)
                .open()) {
            ledger.recordDurably(new Event().kind(EventKind.NOTE).name("n"));
        }
        expected = dev.vouch.ledger.internal.RawJournal.read(dir);
        String newest = JournalFiles.cq4Files(dir).get(JournalFiles.cq4Files(dir).size() - 1).getFileName().toString();
        java.time.LocalDate day = java.time.LocalDate.parse(newest.substring(0, 8),
                java.time.format.DateTimeFormatter.BASIC_ISO_DATE).plusDays(1);
        Path stub = dir.resolve(java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(day) + "L.cq4");
        byte[] unfinished = new byte[8192];
        unfinished[3] = (byte) 0x80;
        Files.write(stub, unfinished);
        Result r = run(List.of("python3", sketch.toString(), dir.toString()));
        assertEquals(0, r.exit, r.output);
        List<String> hashes = new ArrayList<>();
        for (byte[] rec : expected) {
            hashes.add(sha256Hex(rec));
        }
        assertEquals(String.join("\n", hashes), r.output.strip());
        assertEquals(expected.size(), dev.vouch.ledger.internal.RawJournal.read(dir).size(), "the Java reader too");

        unfinished[5000] = 7; // bytes behind the unfinished header: not a file that never held anything
        Files.write(stub, unfinished);
        Result damaged = run(List.of("python3", sketch.toString(), dir.toString()));
        assertEquals(1, damaged.exit, damaged.output);
    }

    /**
     * The sketch reports damage where the Java reader does, not silently (an outside auditor who followed an earlier
     * sketch read a file cut short and a zeroed header as a clean end), and then goes on with the next cycle file as
     * the Java reader does, where it stopped at the first damage (an outside trial found the sketch and FORMAT.md's
     * text disagreeing). Four days: a document header zeroed in the middle of the first, the second cut at a document
     * boundary before the last document its header records, the third emptied, the fourth whole.
     */
    @Test
    void shouldReportDamagedStorageAndGoOnWithTheNextCycleFileAsTheJavaReaderDoes() throws IOException {
        Path sketch = storageSketch();
        Path live = tmp.resolve("sketch-damage-live");
        VerifyingKey anchor;
        try (Ledger ledger = Ledger.builder(live).keyFile(tmp.resolve("sketch_damage_key")).shutdownHook(false).open()) {
            anchor = ledger.verifyingKey();
            Event e = new Event();
            for (int i = 0; i < 500; i++) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("t").params("{\"i\":" + i + "}"));
            }
        }
        Path dir = tmp.resolve("sketch-damage");
        List<Path> days = dev.vouch.ledger.internal.RawJournal.writeAcrossDays(dir,
                dev.vouch.ledger.internal.RawJournal.read(live), 130);
        assertEquals(4, days.size(), days.toString());
        List<Cq4.Document> first = Cq4.dataDocuments(days.get(0));
        Cq4.write(days.get(0), first.get(first.size() / 2).offset(), new byte[4]);
        List<Cq4.Document> second = Cq4.dataDocuments(days.get(1));
        Cq4.truncate(days.get(1), second.get(second.size() - 3).offset());
        Cq4.truncate(days.get(2), 0);

        assertEquals(Verdict.TAMPERED, Journals.verify(dir, anchor).verdict());
        List<String> java = javaReading(dir);
        assertEquals(3, java.stream().filter("damage"::equals).count(), java.toString());
        assertTrue(java.indexOf("damage") > 0 && java.lastIndexOf("damage") < java.size() - 50, "records before the"
                + " first damage, and the whole last day after the last: " + java);
        Result r = run(List.of("python3", sketch.toString(), dir.toString()));
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("but the file records a document at"), r.output);
        List<String> python = new ArrayList<>();
        for (String line : r.output.strip().split("\n")) {
            python.add(line.startsWith("damage: ") ? "damage" : line);
        }
        assertEquals(java, python, r.output);
    }

    /** What the Java reader reads of {@code dir}: each record's SHA-256, and "damage" for each damaged place. */
    private static List<String> javaReading(Path dir) throws IOException {
        List<String> read = new ArrayList<>();
        try (RecordSource source = JournalReader.open(dir)) {
            RecordBuffer buffer = new RecordBuffer(1024);
            while (true) {
                try {
                    if (!source.next(buffer)) {
                        return read;
                    }
                    read.add(sha256Hex(Arrays.copyOf(buffer.data(), buffer.length())));
                } catch (dev.vouch.verify.StorageDamageException e) {
                    read.add("damage");
                }
            }
        }
    }

    /**
     * A journal whose torn tail (content a power loss never wrote behind a header that reached the disk) the ledger
     * set aside on open: the storage sketch of FORMAT.md reads exactly the records the Java reader reads, and
     * verify-journal.py calls the export INTACT, as the Java verifier does; neither knows of the repair.
     */
    @Test
    void shouldReadAndVerifyAJournalWhoseTornTailWasSetAside() throws IOException {
        Path live = tmp.resolve("torn-live");
        Path dir = tmp.resolve("torn");
        Path keyFile = tmp.resolve("torn_key");
        VerifyingKey anchor;
        try (Ledger ledger = Ledger.builder(live).keyFile(keyFile).checkpointMaxDelay(java.time.Duration.ofHours(1))
                .shutdownHook(false).open()) {
            anchor = ledger.verifyingKey();
            for (int i = 0; i < 30; i++) {
                ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("t").params("{\"i\":" + i + "}"),
                        Durability.JOURNALED);
            }
            JournalFiles.copy(live, dir);
        }
        Path file = JournalFiles.cq4Files(dir).get(0);
        List<Cq4.Document> data = Cq4.dataDocuments(file);
        for (Cq4.Document d : data.subList(data.size() - 2, data.size())) {
            Cq4.write(file, d.offset() + 4, new byte[d.length()]);
        }
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.NOTE).name("after").params("{}"));
        }
        List<byte[]> expected = dev.vouch.ledger.internal.RawJournal.read(dir);
        assertEquals(Verdict.INTACT, verifyWithJava(expected, anchor).verdict());

        Result sketch = run(List.of("python3", storageSketch().toString(), dir.toString()));
        assertEquals(0, sketch.exit, sketch.output);
        List<String> hashes = new ArrayList<>();
        for (byte[] rec : expected) {
            hashes.add(sha256Hex(rec));
        }
        assertEquals(String.join("\n", hashes), sketch.output.strip());
        Path pem = tmp.resolve("torn.pub.pem");
        Files.writeString(pem, anchor.toPem(), StandardCharsets.US_ASCII);
        Result python = run(List.of("python3", script.toString(), export("torn", expected).toString(), "--pubkey",
                pem.toString()));
        assertEquals(0, python.exit, python.output);
        assertTrue(python.output.startsWith("INTACT:"), python.output);
    }

    /**
     * The Python sketch of FORMAT.md, "Storage", as written, printing the SHA-256 of each record it finds and
     * "damage: ..." for each damaged place; exit 1 if there was any.
     */
    private static Path storageSketch() throws IOException {
        String doc = Files.readString(repoRoot().resolve("docs").resolve("FORMAT.md"), StandardCharsets.UTF_8);
        String section = doc.substring(doc.indexOf("This Python sketch extracts the records"));
        Matcher block = Pattern.compile("```python\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertTrue(block.find(), "no python block after the sketch's sentence");
        Path sketch = tmp.resolve("storage_sketch.py");
        Files.writeString(sketch, block.group(1) + "\nimport hashlib, sys\ndamaged = False\n"
                + "for r in records(sys.argv[1]):\n"
                + "    damaged = damaged or isinstance(r, Damage)\n"
                + "    print('damage: ' + r if isinstance(r, Damage) else hashlib.sha256(r).hexdigest())\n"
                + "sys.exit(1 if damaged else 0)\n", StandardCharsets.UTF_8);
        return sketch;
    }

    private static String sha256Hex(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ----- helpers -----

    private record Result(int exit, String output) {
    }

    private static Result verifyWithPython(Path export, Path savedCheckpoint) {
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), export.toString(),
                "--pubkey", pubPem.toString()));
        if (savedCheckpoint != null) {
            command.addAll(List.of("--checkpoint", savedCheckpoint.toString()));
        }
        return run(command);
    }

    private static VerificationReport verifyWithJava(List<byte[]> recs) throws IOException {
        return verifyWithJava(recs, genesisKey);
    }

    private static VerificationReport verifyWithJava(List<byte[]> recs, VerifyingKey anchor) throws IOException {
        Iterator<byte[]> it = recs.iterator();
        RecordSource source = new RecordSource() {
            @Override
            public boolean next(RecordBuffer into) {
                if (!it.hasNext()) {
                    return false;
                }
                byte[] r = it.next();
                System.arraycopy(r, 0, into.ensureCapacity(r.length), 0, r.length);
                into.length(r.length);
                return true;
            }

            @Override
            public void close() {
            }
        };
        return JournalVerifier.trusting(anchor).verify(source);
    }

    /** The export format of docs/FORMAT.md: one JSON object per record with {@code record_b64}. */
    private static Path export(String name, List<byte[]> recs) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < recs.size(); i++) {
            b.append("{\"seq\":").append(i).append(",\"record_b64\":\"")
                    .append(Base64.getEncoder().encodeToString(recs.get(i))).append("\"}\n");
        }
        Path file = tmp.resolve(name + ".jsonl");
        Files.writeString(file, b, StandardCharsets.US_ASCII);
        return file;
    }

    private static int lastIndexOf(RecordType type, int before) {
        RecordView view = new RecordView();
        for (int i = before - 1; i >= 0; i--) {
            if (view.wrap(records.get(i), records.get(i).length).type() == type) {
                return i;
            }
        }
        return fail("no " + type + " record in the journal");
    }

    private static List<byte[]> copy(List<byte[]> recs) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] r : recs) {
            out.add(r.clone());
        }
        return out;
    }

    private static Set<RecordType> missing(Set<RecordType> expected, Set<RecordType> found) {
        Set<RecordType> m = EnumSet.copyOf(expected);
        m.removeAll(found);
        return m;
    }

    private static Path repoRoot() {
        return script.getParent().getParent();
    }

    /** tools/verify-journal.py, looked for from the module directory upwards. */
    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("tools").resolve("verify-journal.py");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return fail("tools/verify-journal.py not found above " + Path.of("").toAbsolutePath());
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return fail(String.join(" ", command) + " did not finish in 2 minutes");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** Runs {@link CrashingWriter} in a child JVM with the same class path and Chronicle flags. */
    private static void crashInChildJvm(Path dir, Path keyFile) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("vouch.test.java", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        String flags = System.getProperty("vouch.test.jvmflags");
        if (flags != null && !flags.isBlank()) {
            command.addAll(Arrays.asList(flags.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(),
                dir.toString(), keyFile.toString()));
        Result r = run(command);
        assertEquals(CrashingWriter.EXIT_CODE, r.exit, "the crashing writer did not get as far as its crash:\n"
                + r.output);
    }

    /** The first writer: creates the journal, records a few events, and dies without sealing. */
    static final class CrashingWriter {
        static final int EXIT_CODE = 77;

        public static void main(String[] args) {
            Ledger ledger = Ledger.builder(Path.of(args[0])).keyFile(Path.of(args[1])).origin(ORIGIN)
                    .shutdownHook(false).open();
            Event e = new Event();
            ledger.record(e.reset().kind(EventKind.TASK_START).agent("agent-1").task("t1").name("crawl"));
            long call = ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).agent("agent-1").task("t1")
                    .name("fs.read").params("{\"path\":\"/etc/hosts\"}"));
            ledger.record(e.reset().kind(EventKind.TOOL_ERROR).agent("agent-1").task("t1").parent(call)
                    .name("fs.read").result("permission denied"));
            ledger.recordDurably(e.reset().kind(EventKind.APPROVAL).agent("agent-1").task("t1").parent(call)
                    .decision(Decision.REFUSED).risk(Risk.HIGH));
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
