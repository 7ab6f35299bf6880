package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.internal.format.RecordDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    private static final Set<String> COMMON = Set.of("seq", "index", "type", "type_code", "format", "timestamp_ns",
            "timestamp", "prev", "leaf_hash", "record_b64");

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static TestJournals.Written journal;

    @BeforeAll
    static void writeJournal() {
        journal = TestJournals.write(shared, 10);
    }

    @Test
    void shouldWriteOneLinePerRecordWhoseLeafHashesRecomputeAndChain() throws Exception {
        Cli.Result r = Cli.run("export", journal.dir(), "--format", "jsonl");

        assertEquals(0, r.exit(), r::toString);
        List<byte[]> records = TestJournals.records(journal.journal());
        List<Map<String, Object>> lines = lines(r.out());
        assertEquals(records.size(), lines.size(), "one line per record");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        String prevLeaf = "00".repeat(32);
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> line = lines.get(i);
            assertTrue(line.keySet().containsAll(COMMON), "line " + i + " lacks a common field: " + line.keySet());
            byte[] bytes = Base64.getDecoder().decode((String) line.get("record_b64"));
            assertArrayEquals(records.get(i), bytes, "record_b64 is the record's exact bytes");
            sha256.update((byte) 0x00);
            String leaf = HexFormat.of().formatHex(sha256.digest(bytes));
            assertEquals(leaf, line.get("leaf_hash"), "leaf hash of line " + i);
            assertEquals(prevLeaf, line.get("prev"), "prev of line " + i + " is the previous record's leaf hash");
            prevLeaf = leaf;
            assertEquals((long) i, Cli.num(line.get("seq")));
            assertEquals((long) i, Cli.num(line.get("index")));
            assertEquals(RecordDescriptor.MAJOR_VERSION + "." + RecordDescriptor.MINOR_VERSION, line.get("format"));
            assertEquals((long) (bytes[RecordDescriptor.TYPE_OFFSET] & 0xFF), Cli.num(line.get("type_code")));
            assertTrue(((String) line.get("timestamp")).endsWith("Z"));
        }
    }

    @Test
    void shouldDecodeEveryFieldOfEachRecordType() {
        List<Map<String, Object>> lines = lines(Cli.run("export", journal.dir()).out());

        Map<String, Object> genesis = lines.get(0);
        assertEquals("genesis", genesis.get("type"));
        assertEquals(TestJournals.ORIGIN, genesis.get("origin"));
        assertEquals(Base64.getEncoder().encodeToString(journal.key().bytes()), genesis.get("public_key_b64"));
        assertEquals(journal.key().fingerprint(), genesis.get("public_key_fingerprint"));
        assertTrue(((String) genesis.get("library_version")).startsWith("vouch-java/"));
        assertEquals("BLOCK", ((Map<?, ?>) genesis.get("settings")).get("backpressure"));

        Map<String, Object> call = first(lines, "tool_call");
        assertEquals("agent-1", call.get("agent"));
        assertEquals("task-0", call.get("task"));
        assertEquals("orders.refund", call.get("name"));
        assertEquals("refunds-under-100", call.get("policy"));
        assertEquals("allow", call.get("decision"));
        assertEquals("low", call.get("risk"));
        assertEquals(Cli.num(first(lines, "task_start").get("seq")), Cli.num(call.get("parent")));
        assertEquals("{\"order\":0,\"marker\":\"MARK0X\"}", call.get("params"));
        assertEquals(Base64.getEncoder().encodeToString("{\"order\":0,\"marker\":\"MARK0X\"}".getBytes(StandardCharsets.UTF_8)),
                call.get("params_b64"));
        assertEquals("", call.get("result"));

        Map<String, Object> result = first(lines, "tool_result");
        assertNull(result.get("parent"), "no parent is null");
        assertEquals("{\"refunded\":true,\"note\":\"d\u00e9j\u00e0 0\"}", result.get("result"));

        Map<String, Object> end = first(lines, "task_end");
        assertNull(end.get("params"), "binary params have no text form");
        assertEquals("/wAB", end.get("params_b64"));

        Map<String, Object> checkpoint = first(lines, "checkpoint");
        String note = (String) checkpoint.get("note");
        assertTrue(note.startsWith(TestJournals.ORIGIN + "\n" + checkpoint.get("tree_size") + "\n"
                + checkpoint.get("root_hash_b64") + "\n\n\u2014 " + TestJournals.ORIGIN + " "), note);
        assertNull(checkpoint.get("note_error"));

        Map<String, Object> seal = first(lines, "seal");
        assertEquals(22L, Cli.num(seal.get("sealed_events")));
        assertEquals(0L, Cli.num(seal.get("dropped_total")));
        assertEquals("checkpoint", lines.get(lines.size() - 1).get("type"));
    }

    @Test
    void shouldExportKeyRotationAndResumeRecords() {
        TestJournals.Written w = TestJournals.write(tmp, 1);
        assertEquals(0, Cli.run("rekey", w.dir(), "--key", w.keyFile().toString()).exit());

        List<Map<String, Object>> lines = lines(Cli.run("export", w.dir()).out());

        Map<String, Object> rotation = first(lines, "key_rotation");
        assertNotNull(rotation.get("new_public_key_b64"));
        assertTrue(((String) rotation.get("note")).startsWith("vouch.key-rotation.v1\n" + TestJournals.ORIGIN + "\n"));
        assertTrue(((String) rotation.get("statement")).endsWith(rotation.get("new_public_key_b64") + "\n"));
        Map<String, Object> resume = first(lines, "resume");
        assertTrue(resume.containsKey("settings") && resume.containsKey("library_version"));
    }

    @Test
    void shouldExportAMalformedRecordAsALineInsteadOfStopping() {
        byte[] junk = "not a record at all".getBytes(StandardCharsets.US_ASCII);
        Path damaged = TestJournals.copyWithExtraRecord(journal.journal(), tmp.resolve("damaged"), junk);

        Cli.Result r = Cli.run("export", damaged.toString());

        assertEquals(0, r.exit(), r::toString);
        List<Map<String, Object>> lines = lines(r.out());
        Map<String, Object> last = lines.get(lines.size() - 1);
        assertTrue(((String) last.get("malformed")).contains("shorter than the 56-byte header"), last::toString);
        assertEquals(Base64.getEncoder().encodeToString(junk), last.get("record_b64"));
        assertEquals((long) lines.size() - 1, Cli.num(last.get("index")));
        assertTrue(last.containsKey("seq"));
    }

    @Test
    void shouldExportATamperedJournalAsItIsBecauseExportDoesNotVerify() {
        TestJournals.Written w = TestJournals.write(tmp, 3);
        TestJournals.flipByteIn(w.journal(), "MARK2X");

        Cli.Result r = Cli.run("export", w.dir());

        assertEquals(0, r.exit(), r::toString);
        // flipByteIn turns the K of MARK2X into a J.
        assertTrue(r.out().contains("MARJ2X") && !r.out().contains("MARK2X"), r::toString);
        assertEquals(TestJournals.records(w.journal()).size(), r.out().lines().count());
    }

    @Test
    void shouldRejectAFormatOtherThanJsonl() {
        Cli.Result r = Cli.run("export", journal.dir(), "--format", "csv");

        assertEquals(2, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("csv"), r::toString);
    }

    @Test
    void shouldWriteAnOutputFileAtomicallyAndNeverInsideTheJournal() throws Exception {
        Path out = tmp.resolve("export.jsonl");
        Cli.Result r = Cli.run("export", journal.dir(), "--output", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out());
        assertEquals(Cli.run("export", journal.dir()).out(), Files.readString(out));
        assertEquals(List.of("export.jsonl"), List.of(tmp.toFile().list()), "no temporary file left behind");

        Path inside = journal.journal().resolve("export.jsonl");
        r = Cli.run("export", journal.dir(), "-o", inside.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("refusing to write inside the journal directory"), r::toString);
        assertFalse(Files.exists(inside));
    }

    @Test
    void shouldSayInItsHelpThatExportDoesNotVerify() {
        Cli.Result r = Cli.run("export", "--help");

        assertEquals(0, r.exit());
        assertTrue(r.out().contains("does NOT verify"), r::toString);
    }

    static List<Map<String, Object>> lines(String out) {
        assertTrue(out.isEmpty() || out.endsWith("\n"), "every line ends with a newline");
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(Cli.parseObject(line));
            }
        }
        return lines;
    }

    private static Map<String, Object> first(List<Map<String, Object>> lines, String type) {
        return lines.stream().filter(l -> type.equals(l.get("type"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " line"));
    }
}
