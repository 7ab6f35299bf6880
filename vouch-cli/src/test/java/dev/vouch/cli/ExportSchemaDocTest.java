package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.internal.format.RecordBuilder;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.Ledger;
import dev.vouch.merkle.Rfc6962;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/EXPORT.md is the export's schema: every member it lists, type by type and in order, is what export writes. */
class ExportSchemaDocTest {
    private static final Pattern HEADING = Pattern.compile("^## (.*)$");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_0-9]+)` \\|");

    @TempDir
    Path tmp;

    @Test
    void shouldWriteExactlyTheMembersDocsExportMdListsForEachType() throws IOException {
        Map<String, List<String>> sections = sections(Files.readAllLines(docs()));
        List<String> common = sections.remove("Every record");
        List<String> malformed = sections.remove("Malformed records");
        List<String> events = sections.remove("Events");
        assertTrue(common != null && malformed != null && events != null, "sections: " + sections.keySet());

        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (RecordType t : RecordType.values()) {
            List<String> own = sections.get("`" + t.label() + "`");
            List<String> specific = t.isEvent() ? events : own;
            assertTrue(specific != null, "docs/EXPORT.md has no section for " + t.label() + ": " + sections.keySet());
            List<String> members = new ArrayList<>(common.subList(0, common.size() - 1));
            members.addAll(specific);
            if (t.isEvent() && own != null) {
                members.addAll(own); // an event type with members of its own (tool_call's outcome)
            }
            members.add("record_b64");
            expected.put(t.label(), members);
        }

        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (Map<String, Object> line : ExportCommandTest.lines(Cli.run("export", everyType().toString()).out())) {
            String type = line.containsKey("malformed") ? "malformed" : (String) line.get("type");
            List<String> keys = new ArrayList<>(line.keySet());
            List<String> before = actual.putIfAbsent(type, keys);
            assertTrue(before == null || before.equals(keys), "one set of members per type: " + type);
        }
        assertEquals(malformed, actual.remove("malformed"), "malformed line");
        assertEquals(expected.keySet(), actual.keySet(), "the journal holds every record type");
        for (String type : expected.keySet()) {
            assertEquals(expected.get(type), actual.get(type), "members of a " + type + " line");
        }
    }

    /** A journal holding every record type, and one malformed record. */
    private Path everyType() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("w"), 1);
        // Every event kind, a resume record (reopening) and a key rotation, through the real ledger.
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            for (EventKind k : EventKind.values()) {
                ledger.record(Event.of(k).name(k.name()));
            }
            ledger.rotateKey();
        }
        List<byte[]> records = TestJournals.records(w.journal());
        byte[] prev = Rfc6962.leafHash(records.get(records.size() - 1));
        long seq = records.size();
        // Gap and recovery records need dropped events and a crash; export decodes what is there, so craft them.
        byte[] gap = build(new RecordBuilder(256).begin(RecordType.GAP, seq, 1L, prev).u64(3).u64(3).u64(seq - 1));
        byte[] recovery = build(new RecordBuilder(256).begin(RecordType.RECOVERY, seq + 1, 2L, Rfc6962.leafHash(gap))
                .u64(-1).u64(seq + 1).str16("test"));
        byte[] junk = {1, 0};
        Path withGap = TestJournals.copyWithExtraRecord(w.journal(), tmp.resolve("a"), gap);
        Path withRecovery = TestJournals.copyWithExtraRecord(withGap, tmp.resolve("b"), recovery);
        return TestJournals.copyWithExtraRecord(withRecovery, tmp.resolve("c"), junk);
    }

    private static byte[] build(RecordBuilder b) {
        return Arrays.copyOf(b.buffer(), b.finish());
    }

    /** The members listed in each "## heading" section's table, by heading. */
    static Map<String, List<String>> sections(List<String> lines) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = null;
        for (String line : lines) {
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                current = h.group(1).trim();
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (current != null && row.find()) {
                out.computeIfAbsent(current, k -> new ArrayList<>()).add(row.group(1));
            }
        }
        out.values().removeIf(List::isEmpty);
        return out.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
                LinkedHashMap::new));
    }

    static Path docs() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path doc = p.resolve("docs/EXPORT.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new AssertionError("docs/EXPORT.md not found above " + here);
    }
}
