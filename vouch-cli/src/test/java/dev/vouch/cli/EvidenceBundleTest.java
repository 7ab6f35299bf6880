package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.Ledger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vouch export --format bundle} and {@code vouch verify evidence.zip}: a bundle verifies on its own, after
 * copying it to a fresh directory with the journal gone; it fails after tampering with any part of it; nothing in it
 * can reach outside; and taken from a journal whose writer is still running it is complete up to a checkpoint.
 */
class EvidenceBundleTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static TestJournals.Written journal;
    static Path bundle;

    @BeforeAll
    static void writeBundle() {
        journal = TestJournals.writeEventful(shared.resolve("eventful"));
        bundle = shared.resolve("evidence.zip");
        Cli.Result r = Cli.run("export", journal.dir(), "--format", "bundle", "--pubkey", journal.pub(), "-o",
                bundle.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("(sealed), 2 public key(s)"), r::toString);
    }

    @Test
    void shouldVerifyOnItsOwnAfterCopyingItToAFreshDirectory() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("gone"), 4);
        Path made = tmp.resolve("made.zip");
        assertEquals(0, Cli.run("export", w.dir(), "--format", "bundle", "--pubkey", w.pub(), "-o", made.toString()).exit());
        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        Path copy = Files.copy(made, fresh.resolve("evidence.zip"));
        Path pub = Files.copy(w.pubkey(), tmp.resolve("auditor.pub"));
        deleteTree(w.journal().getParent());

        Cli.Result r = Cli.run("verify", copy.toString(), "--pubkey", pub.toString());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("INTACT: all "), r::toString);
        assertTrue(r.out().contains("all 3 files match the manifest and it is complete up to its checkpoint"), r::toString);
        Map<String, Object> json = Cli.run("verify", copy.toString(), "--pubkey", pub.toString(), "--json").json();
        assertEquals("intact", json.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) json.get("bundle");
        assertEquals(3L, Cli.num(b.get("manifest_files")), "journal, checkpoint, one key: no rotation");
        assertEquals(0L, Cli.num(b.get("problems")));
        assertEquals(Boolean.TRUE, b.get("sealed_when_made"));
        assertEquals(List.of("evidence.zip"), List.of(fresh.toFile().list()), "verifying extracted nothing");
    }

    @Test
    void shouldHoldEveryRecordTheKeysTheRotationsAndTheLatestCheckpoint() throws Exception {
        Map<String, byte[]> entries = read(bundle);

        assertEquals(List.of("journal.jsonl", "checkpoint.txt", "keys/key-1.pem", "keys/key-2.pem", "keys/rotations.txt",
                "manifest.json"), List.copyOf(entries.keySet()));
        List<byte[]> records = TestJournals.records(journal.journal());
        assertEquals(records.size(), new String(entries.get("journal.jsonl"), StandardCharsets.UTF_8).split("\n").length);
        assertEquals(Cli.run("checkpoint", journal.dir(), "--pubkey", journal.pub()).out(),
                new String(entries.get("checkpoint.txt"), StandardCharsets.UTF_8));
        assertEquals(journal.key().toPem(), new String(entries.get("keys/key-1.pem"), StandardCharsets.US_ASCII));
        assertTrue(new String(entries.get("keys/rotations.txt"), StandardCharsets.UTF_8).startsWith("vouch.key-rotation.v1\n"));
        Map<String, Object> manifest = Cli.parseObject(new String(entries.get("manifest.json"), StandardCharsets.UTF_8));
        assertEquals("vouch-evidence-bundle.v1", manifest.get("bundle"));
        assertEquals(ExportSchemaDocTest.sections(Files.readAllLines(ExportSchemaDocTest.docs())).get("The manifest"),
                List.copyOf(manifest.keySet()), "docs/EXPORT.md lists the manifest's members");
        assertEquals((long) records.size(), Cli.num(manifest.get("records")));
        for (Object f : (List<?>) manifest.get("files")) {
            Map<?, ?> file = (Map<?, ?>) f;
            assertEquals(TestJournals.sha256Hex(entries.get((String) file.get("path"))), file.get("sha256"));
            assertFalse(((String) file.get("proves")).isBlank());
        }
    }

    @Test
    void shouldBeReadableByTheIndependentVerifier() throws Exception {
        ThirdPartyTools.assumeAvailable();
        Map<String, byte[]> entries = read(bundle);
        Path export = Files.write(tmp.resolve("journal.jsonl"), entries.get("journal.jsonl"));
        Path checkpoint = Files.write(tmp.resolve("checkpoint.txt"), entries.get("checkpoint.txt"));

        ThirdPartyTools.Run r = ThirdPartyTools.python("verify-journal.py", export.toString(), "--pubkey", journal.pub(),
                "--checkpoint", checkpoint.toString());

        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void shouldFailAfterTamperingWithAnyPartOfIt() throws Exception {
        Map<String, byte[]> entries = read(bundle);
        String lines = new String(entries.get("journal.jsonl"), StandardCharsets.UTF_8);

        // A changed record, manifest left as it was: the hash and the verifier both object.
        Map<String, byte[]> altered = new LinkedHashMap<>(entries);
        altered.put("journal.jsonl", alterRecord(lines, "MARK2X").getBytes(StandardCharsets.UTF_8));
        Cli.Result r = verify(write("altered.zip", altered));
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("FAILURE bundle: journal.jsonl: its SHA-256 or size does not match the manifest"), r::toString);
        assertTrue(r.out().contains("TAMPERED"), r::toString);

        // The same, with the manifest recomputed by whoever altered it: the signatures still object.
        Cli.Result resigned = verify(write("remanifested.zip", withManifest(altered)));
        assertEquals(1, resigned.exit(), resigned::toString);
        assertFalse(resigned.out().contains("does not match the manifest"), resigned::toString);
        assertTrue(resigned.out().contains("FAILURE seq "), resigned::toString);

        // A readable member changed, record_b64 and the signatures left alone, the manifest recomputed: an outside
        // auditor's forged amount verified INTACT, though a reader of the line with jq saw it.
        Map<String, byte[]> readable = new LinkedHashMap<>(entries);
        String forgedLines = lines.replaceFirst("MARK2X", "MARK2Y");
        assertNotEquals(lines, forgedLines);
        readable.put("journal.jsonl", forgedLines.getBytes(StandardCharsets.UTF_8));
        Cli.Result misleading = verify(write("readable.zip", withManifest(readable)));
        assertEquals(1, misleading.exit(), misleading::toString);
        assertTrue(misleading.out().matches("(?s).*FAILURE seq \\d+ bundle: journal\\.jsonl: line .*") && misleading.out().contains(
                "does not say what its record_b64 says"), misleading::toString);
        assertTrue(misleading.out().contains("TAMPERED"), misleading::toString);
        // The derived outcome forged (a re-trial turned a refused call's not_run into result), and a member twice
        // (jq and Python read the last copy): each is the same finding, never a stopped verification.
        String outcomeForged = lines.contains("\"outcome\":\"result\"")
                ? lines.replaceFirst("\"outcome\":\"result\"", "\"outcome\":\"not_run\"")
                : lines.replaceFirst("\"outcome\":\"[a-z_]+\"", "\"outcome\":\"result\"");
        assertNotEquals(lines, outcomeForged);
        Map<String, byte[]> forgedOutcome = new LinkedHashMap<>(entries);
        forgedOutcome.put("journal.jsonl", outcomeForged.getBytes(StandardCharsets.UTF_8));
        Cli.Result outcome = verify(write("outcome.zip", withManifest(forgedOutcome)));
        assertEquals(1, outcome.exit(), outcome::toString);
        assertTrue(outcome.out().contains("does not say what its record_b64 says: outcome differs"), outcome::toString);
        Map<String, byte[]> twice = new LinkedHashMap<>(entries);
        String[] split = lines.split("\n");
        split[3] = split[3].substring(0, split[3].length() - 1) + ",\"type\":\"note\"}";
        twice.put("journal.jsonl", (String.join("\n", split) + "\n").getBytes(StandardCharsets.UTF_8));
        Cli.Result duplicated = verify(write("twice.zip", withManifest(twice)));
        assertEquals(1, duplicated.exit(), duplicated::toString);
        assertTrue(duplicated.out().contains("line 4 (record seq 3) does not say what its record_b64 says"), duplicated::toString);
        assertFalse(duplicated.out().contains("Exception") || duplicated.err().contains("Exception"), duplicated::toString);

        // Cut back to an earlier checkpoint, with its note and a consistent manifest: not the latest checkpoint.
        int cut = (int) TestJournals.sequenceOf(journal.journal(), "MARK8X");
        List<byte[]> records = TestJournals.records(journal.journal());
        int earlier = cut;
        while (new RecordView().wrap(records.get(earlier), records.get(earlier).length).type() != RecordType.CHECKPOINT) {
            earlier--;
        }
        String note = new RecordView().wrap(records.get(earlier), records.get(earlier).length).note();
        Map<String, byte[]> shorter = new LinkedHashMap<>(entries);
        shorter.put("journal.jsonl", String.join("\n", List.of(lines.split("\n")).subList(0, earlier + 1))
                .concat("\n").getBytes(StandardCharsets.UTF_8));
        shorter.put("checkpoint.txt", note.getBytes(StandardCharsets.UTF_8));
        Cli.Result cutBack = verify(write("cut.zip", withManifest(shorter)));
        assertEquals(1, cutBack.exit(), cutBack::toString);
        assertTrue(cutBack.out().contains("manifest.json: gives checkpoint_tree_size"), cutBack::toString);
        // Even with a manifest rewritten with care it is only unsealed; a checkpoint saved earlier exposes it.
        Map<String, byte[]> careful = withManifest(shorter);
        String manifest = new String(careful.get("manifest.json"), StandardCharsets.UTF_8);
        String earlierRoot = java.util.Base64.getEncoder().encodeToString(
                Checkpoint.parse(SignedNote.parse(note).text()).rootHash());
        careful.put("manifest.json", manifest.replaceAll("\"checkpoint_tree_size\":\\d+", "\"checkpoint_tree_size\":"
                + earlier).replaceAll("\"checkpoint_root_hash_b64\":\"[^\"]*\"", "\"checkpoint_root_hash_b64\":\""
                + earlierRoot + "\"").replace("\"sealed\":true", "\"sealed\":false").getBytes(StandardCharsets.UTF_8));
        Path carefulZip = write("careful.zip", careful);
        Cli.Result looksFine = verify(carefulZip);
        assertEquals(1, looksFine.exit(), looksFine::toString);
        assertTrue(looksFine.out().startsWith("INCOMPLETE (not sealed, no sign of tampering)"), looksFine::toString);
        Path saved = Files.write(tmp.resolve("saved.txt"), entries.get("checkpoint.txt"));
        Cli.Result exposed = Cli.run("verify", carefulZip.toString(), "--pubkey", journal.pub(), "--checkpoint",
                saved.toString());
        assertEquals(1, exposed.exit(), exposed::toString);
        assertTrue(exposed.out().contains("saved_checkpoint"), exposed::toString);

        // A file slipped in, and one with a name that would lead out of any directory it was extracted to.
        Map<String, byte[]> extra = new LinkedHashMap<>(entries);
        extra.put("keys/key-3.pem", journal.key().toPem().getBytes(StandardCharsets.US_ASCII));
        Cli.Result slipped = verify(write("extra.zip", extra));
        assertEquals(1, slipped.exit(), slipped::toString);
        assertTrue(slipped.out().contains("keys/key-3.pem: in the bundle but not in its manifest"), slipped::toString);

        Map<String, byte[]> evil = new LinkedHashMap<>(entries);
        evil.put("../../evil.txt", "owned".getBytes(StandardCharsets.UTF_8));
        evil.put("/tmp/evil-absolute.txt", "owned".getBytes(StandardCharsets.UTF_8));
        Path evilZip = write("sub/dir/evil.zip", evil);
        Cli.Result refused = verify(evilZip);
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.out().contains("FAILURE bundle: ../../evil.txt: an entry name a bundle never holds"), refused::toString);
        assertFalse(Files.exists(tmp.resolve("evil.txt")));
        assertFalse(Files.exists(Path.of("/tmp/evil-absolute.txt")));

        // The manifest's claims verification can check: an outside auditor set sealed to false, emptied keys and
        // added a claim of its own, and the bundle verified INTACT.
        for (String[] lie : List.of(new String[] {"\"sealed\"\\s*:\\s*true", "\"sealed\":false", "says sealed false"},
                new String[] {"\"keys\"\\s*:\\s*\\[", "\"keys\":[],\"was\":[", "lists keys []"},
                new String[] {"\"bundle\"\\s*:", "\"extra_claim\":\"verified by KPMG\",\"bundle\":",
                        "has a member extra_claim that no bundle has"})) {
            Map<String, byte[]> lying = new LinkedHashMap<>(entries);
            String m = new String(lying.get("manifest.json"), StandardCharsets.UTF_8);
            assertTrue(java.util.regex.Pattern.compile(lie[0]).matcher(m).find(), m);
            lying.put("manifest.json", m.replaceFirst(lie[0], java.util.regex.Matcher.quoteReplacement(lie[1]))
                    .getBytes(StandardCharsets.UTF_8));
            Cli.Result caught = verify(write("lie-" + lie[2].length() + ".zip", lying));
            assertEquals(1, caught.exit(), caught::toString);
            assertTrue(caught.out().contains("manifest.json: " + lie[2]), caught::toString);
        }

        // A re-trial: another key in keys/key-1.pem with its hash fixed in files[], a file no bundle has listed with
        // its hash, and a key entry naming a key file that does not exist: each verified INTACT.
        Map<String, byte[]> swapped = new LinkedHashMap<>(entries);
        swapped.put("keys/key-1.pem", dev.vouch.crypto.SigningKey.generate(new java.security.SecureRandom())
                .verifyingKey().toPem().getBytes(StandardCharsets.US_ASCII));
        Cli.Result swappedKey = verify(write("swapped-key.zip", withManifest(swapped)));
        assertEquals(1, swappedKey.exit(), swappedKey::toString);
        assertTrue(swappedKey.out().contains("keys/key-1.pem: holds key "), swappedKey::toString);
        Map<String, byte[]> listedExtra = new LinkedHashMap<>(entries);
        listedExtra.put("notes.txt", "verified by an auditor".getBytes(StandardCharsets.UTF_8));
        Cli.Result extraListed = verify(write("extra-listed.zip", withManifest(listedExtra)));
        assertEquals(1, extraListed.exit(), extraListed::toString);
        assertTrue(extraListed.out().contains("lists a file no bundle of this journal has"), extraListed::toString);
        Map<String, byte[]> wrongFile = new LinkedHashMap<>(entries);
        String plain = new String(wrongFile.get("manifest.json"), StandardCharsets.UTF_8);
        wrongFile.put("manifest.json", plain.replaceFirst("keys/key-1\\.pem", "keys/key-9.pem")
                .getBytes(StandardCharsets.UTF_8));
        Cli.Result keyFileNamed = verify(write("wrong-key-file.zip", wrongFile));
        assertEquals(1, keyFileNamed.exit(), keyFileNamed::toString);
        assertTrue(keyFileNamed.out().contains("key entry 1 names the file keys/key-9.pem"), keyFileNamed::toString);

        // The wrong key.
        TestJournals.Written other = TestJournals.write(tmp.resolve("other"), 1);
        Cli.Result wrongKey = Cli.run("verify", bundle.toString(), "--pubkey", other.pub());
        assertEquals(1, wrongKey.exit(), wrongKey::toString);
        assertTrue(wrongKey.out().contains("genesis"), wrongKey::toString);
    }

    @Test
    void shouldRefuseFilesThatAreNotBundles() throws Exception {
        Path notZip = Files.writeString(tmp.resolve("not.zip"), "hello");
        Cli.Result r = verify(notZip);
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("not a zip file"), r::toString);

        Path plainZip = write("plain.zip", Map.of("readme.txt", new byte[] {1}));
        r = verify(plainZip);
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("without manifest.json, so not a Vouch evidence bundle"), r::toString);

        Cli.Result noOutput = Cli.run("export", journal.dir(), "--format", "bundle", "--pubkey", journal.pub());
        assertEquals(2, noOutput.exit(), noOutput::toString);
        Cli.Result inside = Cli.run("export", journal.dir(), "--format", "bundle", "--pubkey", journal.pub(), "-o",
                journal.journal().resolve("e.zip").toString());
        assertEquals(2, inside.exit(), inside::toString);
    }

    @Test
    void shouldBeCompleteUpToACheckpointWhenTakenWhileTheWriterRuns() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("live"), 2);
        Path evidence = tmp.resolve("live.zip");
        Event e = new Event();
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            for (int i = 0; i < 20; i++) {
                ledger.recordDurably(e.reset().kind(EventKind.NOTE).agent("live").name("before").params("{\"i\":" + i + "}"));
            }
            ledger.checkpoint();

            Cli.Result r = Cli.run("export", w.dir(), "--format", "bundle", "--pubkey", w.pub(), "-o", evidence.toString());

            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.err().contains("not sealed: a running writer's journal, complete up to that checkpoint"), r::toString);
            ledger.recordDurably(e.reset().kind(EventKind.NOTE).agent("live").name("after").params("{}"));
        }
        Cli.Result after = Cli.run("verify", w.dir(), "--pubkey", w.pub(), "-q");
        assertEquals(0, after.exit(), "the writer was not disturbed: its journal is sealed and intact");

        Cli.Result r = Cli.run("verify", evidence.toString(), "--pubkey", w.pub(), "--json");
        Map<String, Object> json = r.json();
        assertEquals("unsealed", json.get("status"), r::toString);
        assertEquals(List.of(), json.get("failures"));
        Map<String, byte[]> entries = read(evidence);
        Checkpoint cp = Checkpoint.parse(SignedNote.parse(new String(entries.get("checkpoint.txt"), StandardCharsets.UTF_8)).text());
        assertEquals(cp.size() + 1, Cli.num(json.get("records")), "every record through the checkpoint, nothing after");
        assertTrue(cp.size() > 20, "the events recorded before it are in");
        assertEquals(Boolean.FALSE, ((Map<?, ?>) json.get("bundle")).get("sealed_when_made"));
        assertNull(json.get("pending_key"));
    }

    @Test
    void shouldLeaveTheBundleAndItsDirectoryUnchanged() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ro"));
        Path copy = Files.copy(bundle, dir.resolve("evidence.zip"));
        Map<String, TestJournals.FileState> before = TestJournals.snapshot(dir);

        assertEquals(0, verify(copy).exit());
        assertEquals(0, Cli.run("verify", copy.toString(), "--pubkey", journal.pub(), "--json").exit());
        assertEquals(1, Cli.run("verify", copy.toString(), copy.toString(), "--pubkey", journal.pub()).exit(),
                "the same origin twice");

        assertEquals(before, TestJournals.snapshot(dir));
    }

    private static Cli.Result verify(Path zip) {
        return Cli.run("verify", zip.toString(), "--pubkey", journal.pub());
    }

    private static String alterRecord(String lines, String marker) {
        StringBuilder out = new StringBuilder();
        for (String line : lines.split("\n")) {
            if (line.contains(marker)) {
                Map<String, Object> o = Cli.parseObject(line);
                byte[] rec = java.util.Base64.getDecoder().decode((String) o.get("record_b64"));
                int at = TestJournals.indexOf(rec, marker.getBytes(StandardCharsets.UTF_8), 0);
                rec[at + 4] = '7';
                line = line.replace((String) o.get("record_b64"), java.util.Base64.getEncoder().encodeToString(rec));
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** The entries with manifest.json recomputed for them, as someone altering a bundle would. */
    private static Map<String, byte[]> withManifest(Map<String, byte[]> entries) {
        Map<String, Object> old = Cli.parseObject(new String(entries.get("manifest.json"), StandardCharsets.UTF_8));
        StringBuilder files = new StringBuilder();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!e.getKey().equals("manifest.json")) {
                files.append(files.length() == 0 ? "" : ",").append("{\"path\":\"").append(e.getKey()).append("\",\"size\":")
                        .append(e.getValue().length).append(",\"sha256\":\"").append(TestJournals.sha256Hex(e.getValue()))
                        .append("\",\"proves\":\"x\"}");
            }
        }
        long records = new String(entries.get("journal.jsonl"), StandardCharsets.UTF_8).split("\n").length;
        StringBuilder keys = new StringBuilder();
        for (Object k : (List<?>) old.get("keys")) {
            Map<?, ?> key = (Map<?, ?>) k;
            keys.append(keys.length() == 0 ? "" : ",").append("{\"fingerprint\":\"").append(key.get("fingerprint"))
                    .append("\",\"note_key\":").append(key.get("note_key") == null ? "null" : "\"" + key.get("note_key") + "\"")
                    .append(",\"file\":\"").append(key.get("file")).append("\"}");
        }
        String manifest = "{\"bundle\":\"vouch-evidence-bundle.v1\",\"origin\":\"" + old.get("origin") + "\",\"records\":"
                + records + ",\"checkpoint_tree_size\":" + old.get("checkpoint_tree_size") + ",\"checkpoint_root_hash_b64\":\""
                + old.get("checkpoint_root_hash_b64") + "\",\"sealed\":" + old.get("sealed") + ",\"keys\":[" + keys
                + "],\"files\":[" + files + "]}";
        Map<String, byte[]> out = new LinkedHashMap<>(entries);
        out.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private Path write(String name, Map<String, byte[]> entries) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        try (OutputStream o = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(o)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return p;
    }

    static Map<String, byte[]> read(Path zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                try (InputStream in = z.getInputStream(entry)) {
                    out.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
