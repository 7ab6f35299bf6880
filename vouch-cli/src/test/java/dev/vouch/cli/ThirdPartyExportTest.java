package dev.vouch.cli;

import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordBuilder;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.merkle.Rfc6962;
import java.io.IOException;
import java.util.Map;
import java.util.List;
import dev.vouch.ledger.Ledger;
import dev.vouch.EventKind;
import dev.vouch.Event;
import dev.vouch.Decision;
import dev.vouch.Durability;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code vouch export} writes is a docs/FORMAT.md export: {@code tools/verify-journal.py}, the verifier written
 * from the spec alone (Python standard library and openssl, no Vouch code), reaches the CLI's verdict on it.
 */
class ThirdPartyExportTest {
    /** A negative number in a message or a JSON value (not a temporary file's name such as journal-123). */
    private static final java.util.regex.Pattern NEGATIVE = java.util.regex.Pattern.compile("[\\s(:]-\\d");

    @TempDir
    Path tmp;

    @Test
    void shouldBeReadableByTheIndependentVerifierWithTheSameVerdicts() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written intact = TestJournals.write(tmp.resolve("intact"), 5);
        TestJournals.Written tampered = TestJournals.write(tmp.resolve("tampered"), 5);
        TestJournals.flipByteIn(tampered.journal(), "MARK3X");

        assertEquals(0, independentVerdict(script, intact), "intact journal");
        assertEquals(1, independentVerdict(script, tampered), "tampered journal");
        assertEquals(1, Cli.run("verify", tampered.dir(), "--pubkey", tampered.pub(), "-q").exit());
    }

    /**
     * Only {@code record_b64} is verified, but a reader of an export reads the other members: a line whose
     * {@code params} were forged verified INTACT with the independent verifier, as with {@code check-proof}.
     */
    @Test
    void shouldFailAnExportLineThatDoesNotSayWhatItsRecordSays() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("forged"), 5);
        Path export = tmp.resolve("forged.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        String text = Files.readString(export);
        assertTrue(text.contains("MARK3X"));

        Files.writeString(export, text.replace("MARK3X", "MARK4Y"));
        String forged = independentOutput(script, export, w);
        assertTrue(forged.startsWith("TAMPERED"), forged);
        assertTrue(forged.contains("export_line: line ") && forged.contains("does not say what its record_b64 says:"
                + " params differs"), forged);
        Files.writeString(export, text.replace("\"risk\":\"none\"", "\"risk\":\"low\""));
        assertTrue(independentOutput(script, export, w).contains("risk differs"));
        // The derived outcome is not the record's to say; a member the format writes, left out, is a finding.
        Files.writeString(export, text.replaceAll(",\"outcome\":\"[a-z_]+\"", ""));
        String noOutcome = independentOutput(script, export, w);
        assertTrue(noOutcome.startsWith("INTACT"), noOutcome);
        Files.writeString(export, text.replaceFirst("\"timestamp\":\"[^\"]*\",", ""));
        assertTrue(independentOutput(script, export, w).contains("timestamp differs"));
        Files.writeString(export, text.replaceFirst("\"risk\":", "\"approver\":\"bob\",\"risk\":"));
        assertTrue(independentOutput(script, export, w).contains("approver differs"), "a member the format does not have");
        // Without type_code, the line was no longer taken for an export line, and a member added went unnoticed.
        Files.writeString(export, text.replaceFirst(",\"type_code\":1,", ",").replaceFirst("\"risk\":",
                "\"approver\":\"bob\",\"risk\":"));
        String noTypeCode = independentOutput(script, export, w);
        assertTrue(noTypeCode.contains("approver") && noTypeCode.contains("type_code"), noTypeCode);
    }

    /**
     * FORMAT.md calls the export the interchange format for third parties, yet {@code vouch verify} refused one ("not a
     * directory": an independent verifier's author could compare verdicts only through Python). It now verifies an
     * export as verify-journal.py does: the records, and each line against its record (as JSON values; the derived
     * outcome is not compared).
     */
    @Test
    void shouldVerifyAnExportFileAsTheIndependentVerifierDoes() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("exported"), 5);
        Path export = tmp.resolve("exported.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        String text = Files.readString(export);

        Cli.Result intact = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        Files.writeString(export, text.replace("MARK3X", "MARK4Y"));
        Cli.Result forged = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        Cli.Result forgedJson = Cli.run("verify", export.toString(), "--pubkey", w.pub(), "--json");
        Files.writeString(export, text.replace("{\"", "{ \"").replaceAll(",\"outcome\":\"[a-z_]+\"", ""));
        Cli.Result reformatted = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        String[] lines = text.split("\n");
        String second = lines[2];
        lines[2] = lines[3];
        lines[3] = second;
        Files.writeString(export, String.join("\n", lines) + "\n");
        Cli.Result swapped = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        Files.writeString(export, text + "{\"not\":\"an export line\"}\n");
        Cli.Result notExport = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        // An outside auditor's forgeries: type_code removed (which turned the check of members added or removed off,
        // here and in verify-journal.py), an outcome on a record that has none, a member twice, a byte not UTF-8.
        String callLine = lines.length > 0 ? java.util.Arrays.stream(text.split("\n"))
                .filter(l -> l.contains("\"type\":\"tool_call\"")).findFirst().orElseThrow() : "";
        Files.writeString(export, text.replace(callLine, callLine.replaceFirst(",\"type_code\":1", "")
                .replaceFirst(",\"decision\":\"[a-z_]+\"", "")));
        Cli.Result noTypeCode = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        String resultLine = java.util.Arrays.stream(text.split("\n"))
                .filter(l -> l.contains("\"type\":\"tool_result\"")).findFirst().orElseThrow();
        Files.writeString(export, text.replace(resultLine, resultLine.substring(0, resultLine.length() - 1)
                + ",\"outcome\":\"result\"}"));
        Cli.Result outcomeOnResult = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        Files.writeString(export, text.replace(resultLine, resultLine.substring(0, resultLine.length() - 1)
                + ",\"seq\":1}"));
        Cli.Result twice = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        Files.write(export, (text + "{\"a\":\"").getBytes(StandardCharsets.UTF_8));
        Files.write(export, new byte[] {(byte) 0xFF, '"', '}', '\n'}, java.nio.file.StandardOpenOption.APPEND);
        Cli.Result notUtf8 = Cli.run("verify", export.toString(), "--pubkey", w.pub());

        assertEquals(0, intact.exit(), intact::toString);
        assertTrue(intact.out().contains("INTACT"), intact::toString);
        assertEquals(1, forged.exit(), forged::toString);
        // The failure names the sequence number of the line's record, as verify-journal.py does (--json said null).
        java.util.regex.Matcher named = java.util.regex.Pattern.compile(
                "FAILURE seq (\\d+) export_line: exported\\.jsonl: line \\d+ \\(record seq (\\d+)\\)")
                .matcher(forged.out());
        assertTrue(named.find() && named.group(1).equals(named.group(2)), forged::toString);
        assertTrue(forged.out().contains("does not say what its record_b64 says: params differs"), forged::toString);
        assertTrue(forged.out().contains("TAMPERED"), forged::toString);
        assertTrue(forgedJson.out().contains("\"seq\":" + named.group(1) + ",\"kind\":\"export_line\""),
                forgedJson::toString);
        assertEquals(0, reformatted.exit(), "a line laid out anew, without the derived outcome, says the same: "
                + reformatted);
        assertEquals(1, swapped.exit(), swapped::toString);
        assertTrue(swapped.out().contains("FAILURE seq 2 sequence"), swapped::toString);
        assertEquals(2, notExport.exit(), notExport::toString);
        assertTrue(notExport.err().contains("no record_b64 in canonical base64, so not an export line"),
                notExport::toString);
        assertEquals(1, noTypeCode.exit(), noTypeCode::toString);
        assertTrue(noTypeCode.out().contains("type_code, decision differ"), noTypeCode::toString);
        assertEquals(1, outcomeOnResult.exit(), outcomeOnResult::toString);
        assertTrue(outcomeOnResult.out().contains("outcome differs"), outcomeOnResult::toString);
        assertEquals(2, twice.exit(), twice::toString);
        assertTrue(twice.err().contains("not one JSON object whose members each occur once"), twice::toString);
        assertEquals(2, notUtf8.exit(), notUtf8::toString);
        assertTrue(notUtf8.err().contains("not UTF-8 text"), notUtf8::toString);
    }

    /**
     * A tool call's derived {@code outcome} is held to what the export's own records say, by both verifiers: an outside
     * re-trial gave a blocked call's line {@code "outcome":"result"} (with {@code type_code} gone from every line,
     * and the call's decision, risk, type and name with it) and the export verified INTACT, while a reader of the
     * line saw a call that ran. An absent outcome claims nothing (0.1.0's exports have none).
     */
    @Test
    void shouldHoldACallsOutcomeToTheExportsOwnRecordsInBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("outcomes"), 1);
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            ledger.recordDurably(new Event().kind(EventKind.TOOL_RESULT).parent(call(ledger, "ran", Decision.ALLOW)));
            ledger.recordDurably(new Event().kind(EventKind.TOOL_ERROR).parent(call(ledger, "failed", Decision.ALLOW)));
            call(ledger, "blocked", Decision.BLOCK);
            ledger.recordDurably(new Event().kind(EventKind.APPROVAL).parent(call(ledger, "refused", Decision.STALL))
                    .decision(Decision.REFUSED));
            long approved = call(ledger, "approved", Decision.STALL);
            ledger.recordDurably(new Event().kind(EventKind.APPROVAL).parent(approved).decision(Decision.APPROVED));
            ledger.recordDurably(new Event().kind(EventKind.TOOL_RESULT).parent(approved));
            call(ledger, "lost", Decision.ALLOW);
            call(ledger, "waiting", Decision.STALL);
        }
        Path export = tmp.resolve("outcomes.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        String text = Files.readString(export);
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("ran", "result");
        expected.put("failed", "error");
        expected.put("blocked", "not_run");
        expected.put("refused", "not_run");
        expected.put("approved", "result");
        expected.put("lost", "not_recorded");
        expected.put("waiting", "awaiting_approval");
        List<String> labels = List.of("result", "error", "not_run", "awaiting_approval", "not_recorded");
        for (Map.Entry<String, String> call : expected.entrySet()) {
            String line = callLine(text, call.getKey());
            assertTrue(line.contains("\"outcome\":\"" + call.getValue() + "\""), line);
            // Every other outcome, forged on this call's line alone.
            String other = labels.get((labels.indexOf(call.getValue()) + 1) % labels.size());
            Files.writeString(export, text.replace(line, line.replace("\"outcome\":\"" + call.getValue() + "\"",
                    "\"outcome\":\"" + other + "\"")));
            Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
            String python = independentOutput(script, export, w);
            assertEquals(1, ours.exit(), call.getKey() + " as " + other + ": " + ours);
            assertTrue(ours.out().contains("does not say what its record_b64 says: outcome differs"), ours::toString);
            assertTrue(python.startsWith("TAMPERED") && python.contains("outcome differs"), python);
        }

        // The re-trial's minimal export: no type_code anywhere, the blocked call's line stripped to say it ran.
        String minimal = text.replace(",\"type_code\":1,", ",").replaceAll(",\"type_code\":\\d+", "");
        Files.writeString(export, minimal);
        assertEquals(0, Cli.run("verify", export.toString(), "--pubkey", w.pub()).exit(), "an honest minimal export");
        assertTrue(independentOutput(script, export, w).startsWith("INTACT"));
        String blocked = callLine(minimal, "blocked");
        String stripped = blocked.replaceAll(",\"(decision|risk|type|name)\":\"[a-z._]*\"", "")
                .replace("\"outcome\":\"not_run\"", "\"outcome\":\"result\"");
        assertTrue(stripped.contains("\"outcome\":\"result\"") && !stripped.contains("\"decision\""), stripped);
        Files.writeString(export, minimal.replace(blocked, stripped));
        Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        String python = independentOutput(script, export, w);
        assertEquals(1, ours.exit(), ours::toString);
        assertTrue(ours.out().contains("outcome differs"), ours::toString);
        assertTrue(python.startsWith("TAMPERED") && python.contains("outcome differs"), python);

        // No outcome on any line: nothing claimed, nothing to differ.
        Files.writeString(export, text.replaceAll(",\"outcome\":\"[a-z_]+\"", ""));
        assertEquals(0, Cli.run("verify", export.toString(), "--pubkey", w.pub()).exit());
        assertTrue(independentOutput(script, export, w).startsWith("INTACT"));
    }

    private static long call(Ledger ledger, String tool, Decision decision) {
        Event[] pair = {new Event().kind(EventKind.TOOL_CALL).name(tool).params("{}"),
            new Event().kind(EventKind.POLICY_DECISION).name(tool).parentInGroup(0).decision(decision)};
        return ledger.recordDurably(pair, Durability.JOURNALED);
    }

    /** The export line of the tool call named {@code tool}. */
    private static String callLine(String export, String tool) {
        return Arrays.stream(export.split("\n")).filter(l -> l.contains("\"type\":\"tool_call\"")
                && l.contains("\"name\":\"" + tool + "\"")).findFirst().orElseThrow();
    }

    /**
     * Format 1.2's correlation block round trip: written by the ledger on some events and not others, decoded by the
     * exporter, accepted by the independent verifier; a block with a trace id but no span id is malformed for both.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shouldCarryCorrelationFieldsThroughTheExportAndBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("correlated"), 1);
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String span = "00f067aa0ba902b7";
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("fs.read").toolCallId("call_7Qx")
                    .traceContext(trace, span).principal("user:ann@example.com"));
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("fs.read").toolCallId("only-an-id"));
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("fs.read"));
        }
        List<Map<String, Object>> calls = new java.util.ArrayList<>();
        for (Map<String, Object> line : ExportCommandTest.lines(Cli.run("export", w.dir()).out())) {
            if ("tool_call".equals(line.get("type")) && "fs.read".equals(line.get("name"))) {
                calls.add(line);
            }
        }
        assertEquals(3, calls.size());
        assertEquals(List.of("call_7Qx", trace, span, "user:ann@example.com", "1.2"), List.of(calls.get(0).get("tool_call_id"),
                calls.get(0).get("trace_id"), calls.get(0).get("span_id"), calls.get(0).get("principal"), calls.get(0).get("format")));
        assertEquals("only-an-id", calls.get(1).get("tool_call_id"));
        assertEquals(null, calls.get(1).get("trace_id"));
        assertEquals("", calls.get(2).get("tool_call_id"));
        // No correlation costs nothing: the record is as long as a format 1.1 event.
        byte[] plain = java.util.Base64.getDecoder().decode((String) calls.get(2).get("record_b64"));
        assertEquals(dev.vouch.internal.format.RecordDescriptor.eventRecordLength(0, 0, 7, 0, 0, 0), plain.length);
        assertEquals(0, independentVerdict(script, w), "a journal with correlation fields");
        assertEquals(0, Cli.run("verify", w.dir(), "--pubkey", w.pub(), "-q").exit());

        // Forge a span id of zeros under a non-zero trace id, re-signed by nobody: malformed before any signature.
        byte[] bad = java.util.Base64.getDecoder().decode((String) calls.get(0).get("record_b64"));
        int spanAt = bad.length - 2 - "user:ann@example.com".length() - 8;
        java.util.Arrays.fill(bad, spanAt, spanAt + 8, (byte) 0);
        dev.vouch.FormatException e = org.junit.jupiter.api.Assertions.assertThrows(dev.vouch.FormatException.class,
                () -> new dev.vouch.internal.format.RecordView().wrap(bad, bad.length));
        assertTrue(e.getMessage().contains("both zero"), e.getMessage());
    }

    /**
     * Exports written before members were added: an outside trial's 0.1.0 exports lack {@code tool_call_id},
     * {@code trace_id}, {@code span_id} and {@code principal} (and a format 1.0 checkpoint's {@code resume_*}), and
     * both verifiers called them TAMPERED, every line "misleading". An absent member says what a null or empty one
     * says; one the record has a value for is still a finding.
     */
    @Test
    void shouldAcceptLinesOfOlderExportsThatLackMembersTheRecordLeavesEmpty() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("older"), 2);
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            ledger.recordDurably(new Event().kind(EventKind.TOOL_CALL).name("fs.read")
                    .principal("user:ann@example.com"));
        }
        Path export = tmp.resolve("older.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        String text = Files.readString(export);
        String older = text.replace(",\"tool_call_id\":\"\"", "").replace(",\"trace_id\":null", "")
                .replace(",\"span_id\":null", "").replace(",\"principal\":\"\"", "");
        assertTrue(older.length() < text.length() - 100 && older.contains("user:ann@example.com"), older);
        Files.writeString(export, older);
        String py = independentOutput(script, export, w);
        assertTrue(py.startsWith("INTACT"), py);
        Cli.Result java = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertEquals(0, java.exit(), java::toString);

        Files.writeString(export, older.replace(",\"principal\":\"user:ann@example.com\"", ""));
        String hidden = independentOutput(script, export, w);
        assertTrue(hidden.startsWith("TAMPERED") && hidden.contains("principal differs"), hidden);
        Cli.Result javaHidden = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertEquals(1, javaHidden.exit(), javaHidden::toString);
        assertTrue(javaHidden.out().contains("principal differs"), javaHidden::toString);
    }

    /**
     * Inputs on which the two verifiers of an export disagreed or were fooled alike: a file of no records was exit 2
     * here and INCOMPLETE in Python; a line of U+00A0 was blank to Python only; and {@code type_code} with its
     * underscore written as a JSON escape on every line hid it from both scans of the text, so a line could lose its
     * decision and gain an override unnoticed. Each now gets the same, right verdict from both.
     */
    @Test
    void shouldReachTheIndependentVerifiersVerdictOnEdgeInputs() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("edges"), 5);
        Path export = tmp.resolve("edges.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        String text = Files.readString(export);

        for (String empty : List.of("", "\n", " \t\r\n\n")) {
            Path none = tmp.resolve("none.jsonl");
            Files.writeString(none, empty);
            Cli.Result ours = Cli.run("verify", none.toString(), "--pubkey", w.pub());
            assertEquals(1, ours.exit(), ours::toString);
            assertTrue(ours.out().contains("INCOMPLETE: the journal holds no records"), ours::toString);
            assertEquals(1, independentExit(script, none, w), "python on " + empty.length() + " blank bytes");
        }

        Files.writeString(export, text + "\u00a0\n");
        Cli.Result nbsp = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertEquals(2, nbsp.exit(), nbsp::toString);
        assertEquals(2, independentExit(script, export, w), "a line of U+00A0 is text, not blank");

        String escaped = text.replace("\"type_code\":", "\"type\\u005fcode\":");
        assertTrue(escaped.contains("type\\u005fcode") && !escaped.contains("\"type_code\""));
        Files.writeString(export, escaped);
        assertEquals(0, Cli.run("verify", export.toString(), "--pubkey", w.pub()).exit(), "the same JSON values");
        assertEquals(0, independentExit(script, export, w), "the same JSON values");
        String decided = Arrays.stream(escaped.split("\n")).filter(l -> l.contains("\"decision\":"))
                .findFirst().orElseThrow();
        // The line forged loses its type_code too (a line need not have it), the others keep it escaped.
        String overridden = decided.replaceFirst(",\"decision\":\"[a-z_]+\"", "")
                .replaceFirst(",\"type\\\\u005fcode\":[0-9]+", "")
                .replaceFirst("\\}$", ",\"override\":\"allowed by admin\"}");
        Files.writeString(export, escaped.replace(decided, overridden));
        Cli.Result forged = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertEquals(1, forged.exit(), forged::toString);
        assertTrue(forged.out().contains("decision") && forged.out().contains("override"), forged::toString);
        assertTrue(!overridden.contains("type_code") && !overridden.contains("u005fcode"), overridden);
        String python = independentOutput(script, export, w);
        assertTrue(python.startsWith("TAMPERED") && python.contains("decision") && python.contains("override"), python);
    }

    /**
     * Settings may hold any bytes (FORMAT.md), and an outside auditor's {@code a=1\na=2} was exported as
     * {@code "settings":{"a":"1","a":"2"}}: {@code vouch verify} took the line for the exporter's own text and
     * verify-journal.py refused it (a member twice, exit 2). Settings whose names repeat are now null, and both
     * verifiers read the line and hold it to that.
     */
    @Test
    void shouldExportSettingsWhoseNamesRepeatWithNoMemberTwice() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("keys"), 1);
        Path export = exportOf(genesis(w, "a=1\na=2\nb\n".getBytes(StandardCharsets.UTF_8)));
        String line = Files.readString(export);
        assertTrue(line.contains("\"settings\":null,\"settings_text\":\"a=1\\na=2\\nb\\n\""), line);

        Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertEquals(1, ours.exit(), ours::toString);
        assertTrue(ours.out().contains("INCOMPLETE") && !ours.out().contains("export_line"), ours::toString);
        String python = independentOutput(script, export, w);
        assertTrue(python.startsWith("INCOMPLETE") && !python.contains("export_line"), python);

        Files.writeString(export, line.replace("\"settings\":null", "\"settings\":{\"a\":\"2\",\"b\":\"\"}"));
        Cli.Result forged = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertTrue(forged.out().contains("export_line") && forged.out().contains("settings differs"), forged::toString);
        python = independentOutput(script, export, w);
        assertTrue(python.startsWith("TAMPERED") && python.contains("settings differs"), python);
    }

    /**
     * Settings that are not UTF-8: verify-journal.py rendered nothing for them and took any value, so an outside
     * auditor's line could say {@code {"signing":"PER_EVENT"}} of {@code a=\xff} (vouch verify: TAMPERED). Both now
     * render U+FFFD per maximal subpart (docs/EXPORT.md), including a surrogate, where Java's own decoder differed.
     */
    @Test
    void shouldHoldALineToSettingsThatAreNotUtf8InBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("keys"), 1);
        Path export = exportOf(genesis(w,
                new byte[] {'a', '=', (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'}));
        String line = Files.readString(export);
        assertTrue(line.contains("\"settings\":{\"a\":\"\ufffd\ufffd\ufffd\ufffd\"},\"settings_text\":\"a=\ufffd\ufffd\ufffd\ufffd\\n\""),
                line);
        String python = independentOutput(script, export, w);
        assertTrue(python.startsWith("INCOMPLETE") && !python.contains("export_line"), python);

        Files.writeString(export, line.replaceFirst("\"settings\":\\{[^}]*}", "\"settings\":{\"signing\":\"PER_EVENT\"}"));
        Cli.Result forged = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertTrue(forged.out().contains("TAMPERED") && forged.out().contains("settings differs"), forged::toString);
        python = independentOutput(script, export, w);
        assertTrue(python.startsWith("TAMPERED") && python.contains("settings differs"), python);
        Files.writeString(export, line.replace("a=\ufffd", "a=?"));
        python = independentOutput(script, export, w);
        assertTrue(python.startsWith("TAMPERED") && python.contains("settings_text differs"), python);
    }

    /**
     * A checkpoint note that is not a note: its line's note_error could be anything for verify-journal.py, null
     * included (vouch verify: note_error differs). A note that is not UTF-8 makes the record malformed for both, as
     * FORMAT.md now says (Python judged it a bad checkpoint and took the exporter's malformed line for a lie).
     */
    @Test
    void shouldHoldACheckpointLineToItsNoteErrorAndAgreeOnANoteThatIsNotUtf8() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("keys"), 1);
        byte[] genesis = genesis(w, "a=1\n".getBytes(StandardCharsets.UTF_8));
        Path export = exportOf(genesis, checkpointWithNote(genesis, "not a note\n".getBytes(StandardCharsets.UTF_8)));
        String text = Files.readString(export);
        assertTrue(text.contains("\"note_error\":\""), text);
        Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        String python = independentOutput(script, export, w);
        assertTrue(ours.out().contains("TAMPERED") && !ours.out().contains("export_line"), ours::toString);
        assertTrue(python.startsWith("TAMPERED") && !python.contains("export_line"), python);

        Files.writeString(export, text.replaceFirst("\"note_error\":\"[^\"]*\"", "\"note_error\":\"unparsable\""));
        ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        python = independentOutput(script, export, w);
        assertTrue(ours.out().contains("TAMPERED") && !ours.out().contains("export_line"), ours::toString);
        assertTrue(python.startsWith("TAMPERED") && !python.contains("export_line"), python);

        for (String lie : List.of("null", "\"\"", "1")) {
            Files.writeString(export, text.replaceFirst("\"note_error\":\"[^\"]*\"", "\"note_error\":" + lie));
            Cli.Result forged = Cli.run("verify", export.toString(), "--pubkey", w.pub());
            assertTrue(forged.out().contains("note_error differs"), forged::toString);
            python = independentOutput(script, export, w);
            assertTrue(python.contains("export_line") && python.contains("note_error differs"), lie + ": " + python);
        }

        export = exportOf(genesis, checkpointWithNote(genesis, new byte[] {'x', (byte) 0xFF, '\n', '\n'}));
        ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        python = independentOutput(script, export, w);
        assertTrue(ours.out().contains("FAILURE seq 1 malformed") && !ours.out().contains("export_line"), ours::toString);
        assertTrue(python.contains("seq 1: malformed: not a valid record: signed note")
                && !python.contains("export_line"), python);
    }

    /**
     * How a line's members compare, as an outside verifier written in JavaScript from the docs asked: numbers by their
     * exact value ({@code 4.0} and {@code 4e0} are 4, while {@code timestamp_ns} one nanosecond off, above 2^53, is
     * found), the {@code timestamp} by the instant it names (EXPORT.md allows 0 to 9 fraction digits; vouch verify
     * called the shortest spelling of a true instant TAMPERED). Both verifiers alike.
     */
    @Test
    void shouldCompareNumbersByValueAndTimestampsByTheInstantInBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("values"), 3);
        Path export = tmp.resolve("values.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        String text = Files.readString(export);
        java.util.regex.Matcher ts = java.util.regex.Pattern.compile("\"timestamp\":\"([^\".]+)(?:\\.([0-9]+))?Z\"")
                .matcher(text);
        StringBuilder respelled = new StringBuilder();
        int n = 0;
        while (ts.find()) {
            String nine = ((ts.group(2) == null ? "" : ts.group(2)) + "000000000").substring(0, 9);
            String shortest = nine.replaceFirst("0+$", "");
            // Every other line: the shortest fraction, or all nine digits.
            String fraction = n++ % 2 == 0 ? (shortest.isEmpty() ? "" : "." + shortest) : "." + nine;
            ts.appendReplacement(respelled, "\"timestamp\":\"" + ts.group(1) + fraction + "Z\"");
        }
        ts.appendTail(respelled);
        String same = respelled.toString().replaceAll("\"seq\":([0-9]+),", "\"seq\":$1.0,")
                .replaceAll("\"index\":([0-9]+),", "\"index\":$1e0,");
        assertTrue(n > 5 && !same.equals(text) && same.contains(".0,\"index\":") && same.contains("e0,"), same);
        Files.writeString(export, same);
        Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertEquals(0, ours.exit(), ours::toString);
        assertEquals(0, independentExit(script, export, w), () -> "python: " + pythonOf(script, export, w));

        java.util.regex.Matcher ns = java.util.regex.Pattern.compile("\"timestamp_ns\":([0-9]+)").matcher(text);
        assertTrue(ns.find());
        long nanos = Long.parseLong(ns.group(1));
        assertTrue(nanos > 1L << 53, "a timestamp a double cannot hold: " + nanos);
        Files.writeString(export, text.replaceFirst("\"timestamp_ns\":" + nanos, "\"timestamp_ns\":" + (nanos + 1)));
        ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertTrue(ours.exit() == 1 && ours.out().contains("timestamp_ns differs"), ours::toString);
        String python = independentOutput(script, export, w);
        assertTrue(python.startsWith("TAMPERED") && python.contains("timestamp_ns differs"), python);

        Files.writeString(export, text.replaceFirst("\"timestamp\":\"([0-9]{4})", "\"timestamp\":\"1999"));
        ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertTrue(ours.exit() == 1 && ours.out().contains("timestamp differs"), ours::toString);
        python = independentOutput(script, export, w);
        assertTrue(python.startsWith("TAMPERED") && python.contains("timestamp differs"), python);
    }

    private String pythonOf(Path script, Path export, TestJournals.Written w) {
        try {
            return independentOutput(script, export, w);
        } catch (Exception e) {
            return e.toString();
        }
    }

    /**
     * A u64 count with bit 63 set (an outside auditor's SEAL): vouch verify said "the seal counts
     * -9223372036854775808 event records", and verify-journal.py expected a negative sealed_events in the exporter's
     * line, which writes it unsigned. Both now say 9223372036854775808, in their messages and the export's members.
     */
    @Test
    void shouldShowAU64CountWithItsTopBitSetAsUnsignedInBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("keys"), 1);
        byte[] genesis = genesis(w, "a=1\n".getBytes(StandardCharsets.UTF_8));
        RecordBuilder b = new RecordBuilder(128);
        b.begin(RecordType.SEAL, 1, 1_700_000_000_000_000_001L, Rfc6962.leafHash(genesis)).u64(Long.MIN_VALUE)
                .u64(Long.MIN_VALUE + 5);
        Path export = exportOf(genesis, Arrays.copyOf(b.buffer(), b.finish()));
        assertTrue(Files.readString(export).contains("\"sealed_events\":9223372036854775808,"
                + "\"dropped_total\":9223372036854775813,"), Files.readString(export));

        Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        String python = independentOutput(script, export, w);
        for (String said : List.of(ours.out(), python)) {
            assertTrue(said.contains("the seal counts 9223372036854775808 event records but the journal holds 0")
                    && said.contains("the seal counts 9223372036854775813 dropped events")
                    && !NEGATIVE.matcher(said).find() && !said.contains("export_line"), said);
        }
        Cli.Result json = Cli.run("verify", export.toString(), "--pubkey", w.pub(), "--json");
        assertTrue(!NEGATIVE.matcher(json.out()).find() && json.out().contains("9223372036854775808"), json::toString);
    }

    /**
     * An export_line failure concerns the sequence number the line's own record_b64 holds, in both verifiers, and
     * names the line and that number. An outside trial swapped two lines: vouch verify named each line's position
     * ("seq 2 ... line 3 (record 2)" of the line holding record 3), verify-journal.py the next sequence number it
     * expected (4, on the line holding record 2). A line whose record is malformed is held to the exporter's
     * malformed line by both (verify-journal.py compared nothing there, vouch verify every member).
     */
    @Test
    void shouldNameTheSequenceNumberALinesOwnRecordHoldsInBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("lines"), 5);
        Path export = tmp.resolve("lines.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        String[] lines = Files.readString(export).split("\n");

        String[] swapped = lines.clone();
        swapped[2] = lines[3];
        swapped[3] = lines[2];
        Files.writeString(export, String.join("\n", swapped) + "\n");
        String ours = Cli.run("verify", export.toString(), "--pubkey", w.pub()).out();
        String python = independentOutput(script, export, w);
        for (String said : List.of(ours, python)) {
            assertTrue(said.contains("line 3 (record seq 3) does not say what its record_b64 says: index differs")
                    && said.contains("line 4 (record seq 2) does not say what its record_b64 says: index differs"), said);
        }
        assertTrue(ours.contains("FAILURE seq 3 export_line: lines.jsonl: line 3 ")
                && ours.contains("FAILURE seq 2 export_line: lines.jsonl: line 4 "), ours);
        assertTrue(python.contains("seq 3: export_line: line 3 ") && python.contains("seq 2: export_line: line 4 "),
                python);

        // A record made malformed under the members of the line it had: every member of a good record misleads.
        String[] flagged = lines.clone();
        byte[] record = java.util.Base64.getDecoder().decode(recordB64(lines[3]));
        record[RecordDescriptor.FLAGS_OFFSET] = 1;
        flagged[3] = lines[3].replace(recordB64(lines[3]), java.util.Base64.getEncoder().encodeToString(record));
        Files.writeString(export, String.join("\n", flagged) + "\n");
        ours = Cli.run("verify", export.toString(), "--pubkey", w.pub()).out();
        python = independentOutput(script, export, w);
        String named = "line 4 (record seq 3) does not say what its record_b64 says: type, type_code, format, timestamp_ns,";
        assertTrue(ours.contains("FAILURE seq 3 export_line: lines.jsonl: " + named) && ours.contains("malformed, length"
                + " differ"), ours);
        assertTrue(python.contains("seq 3: export_line: " + named) && python.contains("malformed, length differ"), python);

        // The exporter's own malformed lines, one of a record too short to hold a sequence number: nothing misleads;
        // emptied, their malformed member does (its words are the exporter's, but it says something).
        byte[] genesis = genesis(w, "a=1\n".getBytes(StandardCharsets.UTF_8));
        byte[] bad = Arrays.copyOf(genesis, genesis.length);
        bad[RecordDescriptor.FLAGS_OFFSET] = 1;
        BigEndian.putLong(bad, RecordDescriptor.SEQUENCE_OFFSET, 1);
        Path malformed = exportOf(genesis, bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        String text = Files.readString(malformed);
        assertTrue(text.contains("\"seq\":1,\"index\":1,\"malformed\":") && text.contains("\"seq\":null,\"index\":2,"), text);
        ours = Cli.run("verify", malformed.toString(), "--pubkey", w.pub()).out();
        python = independentOutput(script, malformed, w);
        assertTrue(ours.contains("TAMPERED") && !ours.contains("export_line"), ours);
        assertTrue(python.startsWith("TAMPERED") && !python.contains("export_line"), python);
        // Other words are still the exporter's words (FORMAT.md): an outside verifier's own were export_line failures.
        Files.writeString(malformed, text.replaceAll("\"malformed\":\"[^\"]*\"", "\"malformed\":\"does not decode\""));
        ours = Cli.run("verify", malformed.toString(), "--pubkey", w.pub()).out();
        python = independentOutput(script, malformed, w);
        assertTrue(ours.contains("TAMPERED") && !ours.contains("export_line"), ours);
        assertTrue(python.startsWith("TAMPERED") && !python.contains("export_line"), python);
        Files.writeString(malformed, text.replaceAll("\"malformed\":\"[^\"]*\"", "\"malformed\":\"\""));
        ours = Cli.run("verify", malformed.toString(), "--pubkey", w.pub()).out();
        python = independentOutput(script, malformed, w);
        String shortLine = "line 3 (its record holds no sequence number below 2^63) does not say what its record_b64"
                + " says: malformed differs";
        assertTrue(ours.contains("FAILURE seq 1 export_line: " + malformed.getFileName() + ": line 2 (record seq 1)")
                && ours.contains("FAILURE export_line: " + malformed.getFileName() + ": " + shortLine), ours);
        assertTrue(python.contains("seq 1: export_line: line 2 (record seq 1)")
                && python.contains("journal: export_line: " + shortLine), python);
    }

    /**
     * Both verifiers name the first ten lines that mislead and count the rest in one failure that concerns no record
     * (an outside trial found vouch verify capping and verify-journal.py listing every one): one line removed makes
     * every later line's index wrong. Both then count the same failures.
     */
    @Test
    void shouldNameTenMisleadingLinesAndCountTheRestInBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("many"), 20);
        Path export = tmp.resolve("many.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        List<String> lines = new java.util.ArrayList<>(List.of(Files.readString(export).split("\n")));
        lines.remove(2);
        int misleading = lines.size() - 2;
        assertTrue(misleading > 12, "enough lines after the one removed: " + lines.size());
        Files.writeString(export, String.join("\n", lines) + "\n");

        String ours = Cli.run("verify", export.toString(), "--pubkey", w.pub()).out();
        String python = independentOutput(script, export, w);

        String more = (misleading - 10) + " more line(s) that do not say what their record_b64 says";
        assertEquals(10, ours.split("\\) does not say what its record_b64 says", -1).length - 1, ours);
        assertEquals(10, python.split("\\) does not say what its record_b64 says", -1).length - 1, python);
        assertTrue(ours.contains("FAILURE export_line: many.jsonl: " + more), ours);
        assertTrue(python.contains("journal: export_line: " + more), python);
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("TAMPERED: (\\d+) failure").matcher(ours);
        assertTrue(count.find(), ours);
        assertTrue(python.startsWith("TAMPERED: " + count.group(1) + " failure(s)"), "the same count: " + ours + python);
    }

    private static String recordB64(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"record_b64\":\"([^\"]*)\"").matcher(line);
        assertTrue(m.find(), line);
        return m.group(1);
    }

    /**
     * Counts are below 2^63 (FORMAT.md, "Conventions"): a GAP whose dropped total reaches it is an accounting failure
     * in both verifiers. Two GAPs of 2^62 each add up to 2^63: vouch verify's sum wrapped onto the total read as a
     * signed number and took it, verify-journal.py (which adds without wrapping) did not, and a third GAP on from
     * there was taken by both.
     */
    @Test
    void shouldFailADroppedTotalOf2To63OrMoreInBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("keys"), 1);
        byte[] genesis = genesis(w, "a=1\n".getBytes(StandardCharsets.UTF_8));
        byte[] gap1 = gap(genesis, 1, 1L << 62, 1L << 62, 0);
        byte[] gap2 = gap(gap1, 2, 1L << 62, Long.MIN_VALUE, 1);
        byte[] gap3 = gap(gap2, 3, 1, Long.MIN_VALUE + 1, 2);
        Path export = exportOf(genesis, gap1, gap2, gap3);

        Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub(), "--json");
        String python = independentOutput(script, export, w);
        assertTrue(ours.out().contains("{\"seq\":2,\"kind\":\"accounting\"")
                && ours.out().contains("{\"seq\":3,\"kind\":\"accounting\"")
                && !ours.out().contains("{\"seq\":1,\"kind\":\"accounting\"")
                && ours.out().contains("total 9223372036854775808, previous total 4611686018427387904")
                && ours.out().contains(": a dropped total of 2^63 or more"), ours::toString);
        assertTrue(python.startsWith("TAMPERED: 2 failure(s)") && python.contains("seq 2: accounting: ")
                && python.contains("seq 3: accounting: ") && python.contains("total 9223372036854775809, previous"
                + " total 9223372036854775808") && python.contains(": a dropped total of 2^63 or more"), python);
        assertTrue(ours.out().contains("\"failure_count\":2,"), ours::toString);
    }

    /**
     * The resume state's counts and sequence number are u64 fields, exported unsigned as EXPORT.md says of every one:
     * the exporter wrote them signed, and all bits set as null, which verify-journal.py took for -1 (an export_line
     * failure on the exporter's own line, in Python only). Both verifiers take the line as the exporter writes it, and
     * fail it with the signed number.
     */
    @Test
    void shouldExportTheResumeStatesNumbersUnsignedAndHoldTheLineToThemInBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("keys"), 1);
        byte[] genesis = genesis(w, "a=1\n".getBytes(StandardCharsets.UTF_8));
        byte[] note = "not a note\n".getBytes(StandardCharsets.UTF_8);
        RecordBuilder b = new RecordBuilder(256);
        b.begin(RecordType.CHECKPOINT, 1, 1_700_000_000_000_000_001L, Rfc6962.leafHash(genesis))
                .bytes32(note, 0, note.length).u64(-1).u64(Long.MIN_VALUE).u64(-1)
                .raw(w.key().bytes(), 0, RecordDescriptor.PUBLIC_KEY_LENGTH).u8(1)
                .raw(Rfc6962.leafHash(genesis), 0, RecordDescriptor.HASH_LENGTH);
        Path export = exportOf(genesis, Arrays.copyOf(b.buffer(), b.finish()));
        String text = Files.readString(export);
        String unsigned = "\"resume_events\":18446744073709551615,\"resume_dropped_total\":9223372036854775808,"
                + "\"resume_last_gap_or_start_seq\":18446744073709551615,";
        assertTrue(text.contains(unsigned), text);

        Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        String python = independentOutput(script, export, w);
        assertTrue(ours.out().contains("TAMPERED") && !ours.out().contains("export_line"), ours::toString);
        assertTrue(python.startsWith("TAMPERED") && !python.contains("export_line"), python);

        Files.writeString(export, text.replace(unsigned, "\"resume_events\":-1,\"resume_dropped_total\":"
                + "-9223372036854775808,\"resume_last_gap_or_start_seq\":null,"));
        ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        python = independentOutput(script, export, w);
        String named = "resume_events, resume_dropped_total, resume_last_gap_or_start_seq differ";
        assertTrue(ours.out().contains(named), ours::toString);
        assertTrue(python.contains(named), python);
    }

    /** A GAP record after {@code previous}, at {@code seq}. */
    private static byte[] gap(byte[] previous, long seq, long dropped, long total, long after) {
        RecordBuilder b = new RecordBuilder(128);
        b.begin(RecordType.GAP, seq, 1_700_000_000_000_000_000L + seq, Rfc6962.leafHash(previous)).u64(dropped)
                .u64(total).u64(after);
        return Arrays.copyOf(b.buffer(), b.finish());
    }

    /**
     * A checkpoint note's origin line must only be non-empty to parse (FORMAT.md, "Checkpoints"); wherever it is used
     * it must be a valid key name, since it is the name its signatures are under. Both verifiers now read it alike:
     * with a genesis origin that is no key name, the journal's origin is unknown, so a checkpoint of another origin is
     * a signature failure only (verify-journal.py compared the two origins, a checkpoint failure vouch verify did not
     * report); and a saved checkpoint whose origin is no key name cannot be used, an input error (verify-journal.py
     * took it and reported a saved_checkpoint failure).
     */
    @Test
    void shouldReadACheckpointsOriginLineAlikeInBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("keys"), 1);
        RecordBuilder b = new RecordBuilder(256);
        b.begin(RecordType.GENESIS, 0, 1_700_000_000_000_000_000L, new byte[RecordDescriptor.HASH_LENGTH])
                .str16("no key name").raw(w.key().bytes(), 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .str16("vouch-java/test").bytes32(new byte[0], 0, 0);
        byte[] genesis = Arrays.copyOf(b.buffer(), b.finish());
        String root = java.util.Base64.getEncoder().encodeToString(Rfc6962.leafHash(genesis));
        String signature = "\n\u2014 other " + java.util.Base64.getEncoder().encodeToString(new byte[68]) + "\n";
        byte[] note = ("other\n1\n" + root + "\n" + signature).getBytes(StandardCharsets.UTF_8);
        Path export = exportOf(genesis, checkpointWithNote(genesis, note));

        String ours = Cli.run("verify", export.toString(), "--pubkey", w.pub()).out();
        String python = independentOutput(script, export, w);
        assertTrue(ours.contains("TAMPERED: 2 failure(s)") && ours.contains("FAILURE seq 0 genesis")
                && ours.contains("FAILURE seq 1 signature") && !ours.contains("FAILURE seq 1 checkpoint"), ours);
        assertTrue(python.startsWith("TAMPERED: 2 failure(s)") && python.contains("seq 0: genesis: ")
                && python.contains("seq 1: signature: ") && !python.contains("seq 1: checkpoint: "), python);

        Path saved = tmp.resolve("saved-no-key-name.txt");
        Files.writeString(saved, "no key name\n1\n" + root + "\n" + signature);
        Cli.Result ourSaved = Cli.run("verify", export.toString(), "--pubkey", w.pub(), "--checkpoint", saved.toString());
        Process p = new ProcessBuilder("python3", script.toString(), export.toString(), "--pubkey", w.pub(),
                "--checkpoint", saved.toString()).redirectErrorStream(true).start();
        String pythonSaved = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, ourSaved.exit(), ourSaved::toString);
        assertTrue(ourSaved.err().contains("not a usable saved checkpoint"), ourSaved::toString);
        assertEquals(2, p.exitValue(), pythonSaved);
        assertTrue(pythonSaved.contains("is not a signed checkpoint note") && pythonSaved.contains("key name"),
                pythonSaved);
    }

    /**
     * A str16 that begins with U+FEFF holds that character (FORMAT.md, "Conventions": no byte order mark is written,
     * so none is read either): the writer keeps it, the exporter shows it, both verifiers accept the record and hold
     * the line to it. An outside trial noted that a default UTF-8 decoder (Node's TextDecoder) strips it silently.
     */
    @Test
    void shouldKeepALeadingU_FEFFOfAStr16InTheWriterTheExportAndBothVerifiers() throws Exception {
        Path script = script();
        Assumptions.assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed");
        TestJournals.Written w = TestJournals.write(tmp.resolve("bom"), 1);
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            ledger.recordDurably(new Event().kind(EventKind.NOTE).agent("\ufeffagent").name("n"));
        }
        Path export = tmp.resolve("bom.jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        String text = Files.readString(export);
        assertTrue(text.contains("\"agent\":\"\ufeffagent\""), text);
        assertEquals(0, Cli.run("verify", w.dir(), "--pubkey", w.pub(), "-q").exit());
        Cli.Result ours = Cli.run("verify", export.toString(), "--pubkey", w.pub());
        assertEquals(0, ours.exit(), ours::toString);
        assertEquals(0, independentExit(script, export, w));

        Files.writeString(export, text.replace("\"agent\":\"\ufeffagent\"", "\"agent\":\"agent\""));
        assertTrue(Cli.run("verify", export.toString(), "--pubkey", w.pub()).out().contains("agent differs"));
        assertTrue(independentOutput(script, export, w).contains("agent differs"), "a line without the U+FEFF");
    }

    /** A GENESIS record with these settings bytes and {@code w}'s key. */
    private static byte[] genesis(TestJournals.Written w, byte[] settings) {
        RecordBuilder b = new RecordBuilder(256);
        b.begin(RecordType.GENESIS, 0, 1_700_000_000_000_000_000L, new byte[RecordDescriptor.HASH_LENGTH])
                .str16(TestJournals.ORIGIN).raw(w.key().bytes(), 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .str16("vouch-java/test").bytes32(settings, 0, settings.length);
        return Arrays.copyOf(b.buffer(), b.finish());
    }

    /** A format 1.0 CHECKPOINT record after {@code previous} whose note is {@code note}, signed or not. */
    private static byte[] checkpointWithNote(byte[] previous, byte[] note) {
        RecordBuilder b = new RecordBuilder(256);
        b.begin(RecordType.CHECKPOINT, 1, 1_700_000_000_000_000_001L, Rfc6962.leafHash(previous))
                .bytes32(note, 0, note.length);
        b.buffer()[RecordDescriptor.MINOR_OFFSET] = 0; // format 1.0: no resume state
        return Arrays.copyOf(b.buffer(), b.finish());
    }

    /** The export of a journal of exactly these records (a new one at each call). */
    private Path exportOf(byte[]... records) throws IOException {
        Path journal = TestJournals.journalOf(Files.createTempDirectory(tmp, "journal"), List.of(records));
        Path export = journal.resolveSibling(journal.getFileName() + ".jsonl");
        assertEquals(0, Cli.run("export", journal.toString(), "--output", export.toString()).exit());
        return export;
    }

    private int independentExit(Path script, Path export, TestJournals.Written w) throws Exception {
        Process p = new ProcessBuilder("python3", script.toString(), export.toString(), "--pubkey", w.pub())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "verify-journal.py did not finish");
        return p.exitValue();
    }

    private int independentVerdict(Path script, TestJournals.Written w) throws Exception {
        Path export = tmp.resolve(w.journal().getParent().getFileName() + ".jsonl");
        assertEquals(0, Cli.run("export", w.dir(), "--output", export.toString()).exit());
        Process p = new ProcessBuilder("python3", script.toString(), export.toString(), "--pubkey", w.pub())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "verify-journal.py did not finish");
        assertTrue(p.exitValue() != 2, "the export could not be read: " + output);
        return p.exitValue();
    }

    private String independentOutput(Path script, Path export, TestJournals.Written w) throws Exception {
        Process p = new ProcessBuilder("python3", script.toString(), export.toString(), "--pubkey", w.pub())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "verify-journal.py did not finish");
        return output;
    }

    private static Path script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path script = p.resolve("tools/verify-journal.py");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new AssertionError("tools/verify-journal.py not found");
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
