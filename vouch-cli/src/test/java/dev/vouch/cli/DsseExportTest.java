package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.Dsse;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SigningKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vouch export --format dsse}: DSSE envelopes over in-toto statements, signed over the pre-authentication
 * encoding with the journal's key in force, checked by Vouch and by the independent tools/verify-dsse.py; a peer
 * system's envelope signed over the raw payload is refused by both.
 */
class DsseExportTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static TestJournals.Written journal;
    static SigningKey inForce;

    @BeforeAll
    static void writeJournal() {
        journal = TestJournals.writeEventful(shared.resolve("eventful"));
        inForce = KeyFile.load(journal.keyFile());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldSignEveryCheckpointAndEventAsAnInTotoStatement() throws Exception {
        Cli.Result r = Cli.run("export", journal.dir(), "--format", "dsse", "--pubkey", journal.pub(), "--key",
                journal.keyFile().toString(), "--events");

        assertEquals(0, r.exit(), r::toString);
        List<byte[]> records = TestJournals.records(journal.journal());
        int checkpoints = 0;
        int events = 0;
        for (byte[] rec : records) {
            RecordType t = new RecordView().wrap(rec, rec.length).type();
            checkpoints += t == RecordType.CHECKPOINT ? 1 : 0;
            events += t.code() <= RecordType.NOTE.code() ? 1 : 0;
        }
        List<Map<String, Object>> envelopes = ExportCommandTest.lines(r.out());
        assertEquals(checkpoints + events, envelopes.size());
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        int seenCheckpoints = 0;
        for (Map<String, Object> env : envelopes) {
            assertEquals("application/vnd.in-toto+json", env.get("payloadType"));
            byte[] payload = Base64.getDecoder().decode((String) env.get("payload"));
            Map<String, Object> sig = (Map<String, Object>) ((List<Object>) env.get("signatures")).get(0);
            assertEquals(inForce.verifyingKey().fingerprint(), sig.get("keyid"));
            byte[] signature = Base64.getDecoder().decode((String) sig.get("sig"));
            assertTrue(Dsse.verify(inForce.verifyingKey(), "application/vnd.in-toto+json", payload, signature));
            assertFalse(inForce.verifyingKey().verify(signature, payload), "the PAE is signed, not the payload");
            Map<String, Object> st = Cli.parseObject(new String(payload, StandardCharsets.UTF_8));
            assertEquals("https://in-toto.io/Statement/v1", st.get("_type"));
            Map<String, Object> subject = (Map<String, Object>) ((List<Object>) st.get("subject")).get(0);
            String digest = (String) ((Map<String, Object>) subject.get("digest")).get("sha256");
            Map<String, Object> predicate = (Map<String, Object>) st.get("predicate");
            if (((String) st.get("predicateType")).endsWith("#dsse-checkpoint-predicate-v1")) {
                seenCheckpoints++;
                String text = (String) predicate.get("checkpoint");
                assertEquals(HexFormat.of().formatHex(sha256.digest(text.getBytes(StandardCharsets.UTF_8))), digest);
                assertEquals(TestJournals.ORIGIN + "/checkpoint/" + Cli.num(predicate.get("tree_size")), subject.get("name"));
                assertTrue(((String) predicate.get("note")).startsWith(text + "\n"));
            } else {
                assertTrue(((String) st.get("predicateType")).endsWith("#dsse-record-predicate-v1"));
                Map<String, Object> record = (Map<String, Object>) predicate.get("record");
                byte[] bytes = Base64.getDecoder().decode((String) record.get("record_b64"));
                long seq = Cli.num(record.get("seq"));
                assertEquals(HexFormat.of().formatHex(sha256.digest(records.get((int) seq))), digest);
                assertEquals(HexFormat.of().formatHex(Rfc6962.leafHash(bytes)), record.get("leaf_hash"));
                assertEquals(TestJournals.ORIGIN + "/record/" + seq, subject.get("name"));
                assertFalse(record.containsKey("outcome"), "nothing derived is signed");
            }
        }
        assertEquals(checkpoints, seenCheckpoints);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteExactlyThePredicateMembersDocsExportMdLists() throws Exception {
        Map<String, List<String>> docs = ExportSchemaDocTest.sections(Files.readAllLines(ExportSchemaDocTest.docs()));
        Cli.Result r = Cli.run("export", journal.dir(), "--format", "dsse", "--pubkey", journal.pub(), "--key",
                journal.keyFile().toString(), "--events");
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Map<String, Object> env : ExportCommandTest.lines(r.out())) {
            Map<String, Object> st = Cli.parseObject(new String(Base64.getDecoder().decode((String) env.get("payload")),
                    StandardCharsets.UTF_8));
            String section = ((String) st.get("predicateType")).endsWith("checkpoint-predicate-v1")
                    ? "DSSE checkpoint predicate v1" : "DSSE record predicate v1";
            assertEquals(docs.get(section), List.copyOf(((Map<String, Object>) st.get("predicate")).keySet()), section);
            assertEquals(List.of("_type", "subject", "predicateType", "predicate"), List.copyOf(st.keySet()));
            seen.add(section);
        }
        assertEquals(2, seen.size());
    }

    @Test
    void shouldBeAcceptedByTheIndependentVerifierWhileAPeersRawPayloadSignatureIsNot() throws Exception {
        ThirdPartyTools.assumeAvailable();
        TestJournals.Written small = TestJournals.write(tmp.resolve("small"), 2);
        Path out = tmp.resolve("small.dsse");
        Cli.Result r = Cli.run("export", small.dir(), "--format", "dsse", "--pubkey", small.pub(), "--key",
                small.keyFile().toString(), "--events", "-o", out.toString());
        assertEquals(0, r.exit(), r::toString);

        ThirdPartyTools.Run ok = ThirdPartyTools.python("verify-dsse.py", out.toString(), "--pubkey", small.pub());
        assertEquals(0, ok.exit(), ok.output());
        int n = Files.readAllLines(out).size();
        assertTrue(ok.output().contains(n + " envelope(s), " + n + " verified, 0 failed"), ok.output());

        // A peer system signs the payload itself instead of PAE(payloadType, payload): no DSSE verifier accepts it.
        String line = Files.readAllLines(out).get(1);
        Map<String, Object> env = Cli.parseObject(line);
        byte[] payload = Base64.getDecoder().decode((String) env.get("payload"));
        SigningKey key = KeyFile.load(small.keyFile());
        String rawSig = Base64.getEncoder().encodeToString(key.sign(payload));
        String goodSig = (String) ((Map<?, ?>) ((List<?>) env.get("signatures")).get(0)).get("sig");
        Path peer = tmp.resolve("peer.dsse");
        Files.writeString(peer, line.replace(goodSig, rawSig) + "\n");
        ThirdPartyTools.Run refused = ThirdPartyTools.python("verify-dsse.py", peer.toString(), "--pubkey", small.pub());
        assertEquals(1, refused.exit(), refused.output());
        assertTrue(refused.output().contains("no signature by the key over the DSSE PAE"), refused.output());
        assertFalse(Dsse.verify(key.verifyingKey(), "application/vnd.in-toto+json", payload,
                Base64.getDecoder().decode(rawSig)));

        // A payload changed after signing, and a wrong key.
        String otherPayload = Base64.getEncoder().encodeToString(new String(payload, StandardCharsets.UTF_8)
                .replace("Statement/v1", "Statement/v1 ").getBytes(StandardCharsets.UTF_8));
        Path altered = tmp.resolve("altered.dsse");
        Files.writeString(altered, line.replace((String) env.get("payload"), otherPayload) + "\n");
        assertEquals(1, ThirdPartyTools.python("verify-dsse.py", altered.toString(), "--pubkey", small.pub()).exit());
        assertEquals(1, ThirdPartyTools.python("verify-dsse.py", out.toString(), "--pubkey", journal.pub()).exit());

        // An outside auditor: the key holder re-signed a record envelope whose readable decision lies about its
        // record_b64; the signature is good, the statement is not.
        String recordLine = Files.readAllLines(out).stream().filter(l -> {
            String p = new String(Base64.getDecoder().decode((String) Cli.parseObject(l).get("payload")),
                    StandardCharsets.UTF_8);
            return p.contains("dsse-record-predicate-v1") && p.contains("\"risk\":\"none\"");
        }).findFirst().orElseThrow();
        Map<String, Object> recordEnv = Cli.parseObject(recordLine);
        byte[] lying = new String(Base64.getDecoder().decode((String) recordEnv.get("payload")), StandardCharsets.UTF_8)
                .replace("\"risk\":\"none\"", "\"risk\":\"low\"").getBytes(StandardCharsets.UTF_8);
        String lyingSig = Base64.getEncoder().encodeToString(key.sign(Dsse.pae("application/vnd.in-toto+json", lying)));
        String recordSig = (String) ((Map<?, ?>) ((List<?>) recordEnv.get("signatures")).get(0)).get("sig");
        Path resigned = tmp.resolve("resigned.dsse");
        Files.writeString(resigned, recordLine.replace((String) recordEnv.get("payload"),
                Base64.getEncoder().encodeToString(lying)).replace(recordSig, lyingSig) + "\n");
        ThirdPartyTools.Run lie = ThirdPartyTools.python("verify-dsse.py", resigned.toString(), "--pubkey", small.pub());
        assertEquals(1, lie.exit(), lie.output());
        assertTrue(lie.output().contains("the record's readable members do not say what its record_b64 says: risk"
                + " differs"), lie.output());
        // Outside the record: a covering tree too small to hold it, and a member no statement has (a re-trial's).
        String honest = new String(Base64.getDecoder().decode((String) recordEnv.get("payload")), StandardCharsets.UTF_8);
        for (String[] variant : List.of(new String[] {honest.replaceFirst("\"covered_by_tree_size\":\\d+",
                "\"covered_by_tree_size\":0"), "cannot cover record"},
                new String[] {honest.replaceFirst("\"predicateType\"", "\"approved_by\":\"bob\",\"predicateType\""),
                        "the statement has members a Vouch statement does not: approved_by"})) {
            byte[] body = variant[0].getBytes(StandardCharsets.UTF_8);
            String sig = Base64.getEncoder().encodeToString(key.sign(Dsse.pae("application/vnd.in-toto+json", body)));
            Path p = tmp.resolve("variant.dsse");
            Files.writeString(p, recordLine.replace((String) recordEnv.get("payload"), Base64.getEncoder()
                    .encodeToString(body)).replace(recordSig, sig) + "\n");
            ThirdPartyTools.Run refusedVariant = ThirdPartyTools.python("verify-dsse.py", p.toString(), "--pubkey",
                    small.pub());
            assertEquals(1, refusedVariant.exit(), refusedVariant.output());
            assertTrue(refusedVariant.output().contains(variant[1]), refusedVariant.output());
        }
    }

    /**
     * An outside auditor's inputs to verify-dsse.py: a deeply nested line printed a RecursionError traceback; a
     * second {@code payload} (or a member twice in the statement) was read as its last copy, where a first-copy reader
     * reads another payload; an entry without {@code sig} failed the envelope while a bare string was skipped; and a
     * line of U+0085 must be text, not blank. Each is now a FAIL of its own line, naming what is wrong.
     */
    @Test
    void shouldFailEachMalformedEnvelopeLineCleanlyInTheIndependentVerifier() throws Exception {
        ThirdPartyTools.assumeAvailable();
        TestJournals.Written small = TestJournals.write(tmp.resolve("small"), 1);
        Path out = tmp.resolve("small.dsse");
        assertEquals(0, Cli.run("export", small.dir(), "--format", "dsse", "--pubkey", small.pub(), "--key",
                small.keyFile().toString(), "-o", out.toString()).exit());
        String line = Files.readAllLines(out).get(0);
        Map<String, Object> env = Cli.parseObject(line);
        String payload = (String) env.get("payload");
        String sig = (String) ((Map<?, ?>) ((List<?>) env.get("signatures")).get(0)).get("sig");
        byte[] twice = new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"predicateType\":\"x\",").getBytes(StandardCharsets.UTF_8);
        String twiceSig = Base64.getEncoder().encodeToString(KeyFile.load(small.keyFile())
                .sign(Dsse.pae("application/vnd.in-toto+json", twice)));
        List<String> lines = List.of(
                "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
                "{\"payload\":\"eyJ4IjoxfQ==\"," + line.substring(1),
                line.replace(payload, Base64.getEncoder().encodeToString(twice)).replace(sig, twiceSig),
                line.replace("\"signatures\":[", "\"signatures\":[{\"keyid\":\"x\"},"),
                line.replace("\"signatures\":[", "\"signatures\":[\"junk\","),
                line.replace("\"sig\":\"", "\"sig\":\"!"),
                "\u0085",
                line);
        Path bad = tmp.resolve("bad.dsse");
        Files.writeString(bad, String.join("\n", lines) + "\n");

        ThirdPartyTools.Run r = ThirdPartyTools.python("verify-dsse.py", bad.toString(), "--pubkey", small.pub());

        assertEquals(1, r.exit(), r.output());
        assertFalse(r.output().contains("Traceback"), r.output());
        for (String failure : List.of("line 1: the line is not JSON: nested too deeply",
                "line 2: the line is not JSON: the member 'payload' occurs twice",
                "line 3: the payload is not JSON: the member 'predicateType' occurs twice",
                "line 4: signature entry 1 is not an object with a string sig",
                "line 5: signature entry 1 is not an object with a string sig",
                "line 6: signature entry 1: sig is not base64", "line 7: the line is not JSON")) {
            assertTrue(r.output().contains("FAIL  " + failure), failure + "\n" + r.output());
        }
        assertTrue(r.output().contains("ok    line 8:") && r.output().contains("8 envelope(s), 1 verified, 7 failed"),
                r.output());
    }

    @Test
    void shouldHaveTheIndependentVerifierAgreeWithTheSpecificationVectors() throws Exception {
        ThirdPartyTools.assumeAvailable();
        SigningKey a = SigningKey.fromSeed(HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        Path pem = tmp.resolve("a.pem");
        Files.writeString(pem, a.verifyingKey().toPem());
        String single = "{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==\",\"payloadType\":"
                + "\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+"
                + "AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==\",\"keyid\":\"A\"}]}";
        String urlSafe = "{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ\",\"payloadType\":"
                + "\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"2WAfaHm5jluo0w-0rk8uVkluELJYWjSmU9x7EUzx-"
                + "AyteDGJ4_nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA\"}]}";
        Path ok = tmp.resolve("single.dsse");
        Files.writeString(ok, single + "\n" + urlSafe + "\n");
        assertEquals(0, ThirdPartyTools.python("verify-dsse.py", ok.toString(), "--pubkey", pem.toString(),
                "--dsse-only").exit(), "single-signature, and the same in URL-safe base64 without padding");
        Path swapped = tmp.resolve("swapped.dsse");
        Files.writeString(swapped, single.replace("vnd.in-toto+json", "vnd.example.other+json") + "\n");
        assertEquals(1, ThirdPartyTools.python("verify-dsse.py", swapped.toString(), "--pubkey", pem.toString(),
                "--dsse-only", "--payload-type", "application/vnd.example.other+json").exit(), "payload-type-swapped");
    }

    @Test
    void shouldRefuseAKeyThatIsNotTheJournalsKeyInForce() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("rotated"), 2);
        Path oldKey = tmp.resolve("old.key");
        Files.copy(w.keyFile(), oldKey);
        assertEquals(0, Cli.run("rekey", w.dir(), "--key", w.keyFile().toString()).exit());

        Cli.Result old = Cli.run("export", w.dir(), "--format", "dsse", "--pubkey", w.pub(), "--key", oldKey.toString());
        assertEquals(2, old.exit(), old::toString);
        assertTrue(old.err().contains("a key the journal has rotated away from"), old::toString);
        assertEquals("", old.out());

        Cli.Result stranger = Cli.run("export", journal.dir(), "--format", "dsse", "--pubkey", journal.pub(), "--key",
                w.keyFile().toString());
        assertEquals(2, stranger.exit(), stranger::toString);
        assertTrue(stranger.err().contains("not a key of this journal"), stranger::toString);

        Cli.Result current = Cli.run("export", w.dir(), "--format", "dsse", "--pubkey", w.pub(), "--key",
                w.keyFile().toString());
        assertEquals(0, current.exit(), current::toString);
    }

    @Test
    void shouldRefuseATamperedJournalAndMisusedOptions() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("t"), 2);
        TestJournals.flipByteIn(w.journal(), "MARK1X");
        Cli.Result r = Cli.run("export", w.dir(), "--format", "dsse", "--pubkey", w.pub(), "--key", w.keyFile().toString());
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("verification failed, nothing exported"), r::toString);

        assertEquals(2, Cli.run("export", w.dir(), "--format", "dsse", "--key", w.keyFile().toString()).exit());
        assertEquals(2, Cli.run("export", w.dir(), "--events").exit());
        assertEquals(2, Cli.run("export", w.dir(), "--pubkey", w.pub()).exit());
        assertEquals(2, Cli.run("export", w.dir(), "--format", "xml").exit());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldExportOnlyWhatTheLatestCheckpointCoversOfAJournalStillBeingWritten() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("live"), 3);
        TestJournals.extend(w, 3, 2);
        int keep = TestJournals.lastIndexOf(w.journal(), RecordType.TASK_END) + 1;
        Path torn = TestJournals.truncatedCopy(w.journal(), tmp.resolve("torn"), keep);
        List<byte[]> records = TestJournals.records(torn);
        int lastCheckpoint = TestJournals.lastIndexOf(torn, RecordType.CHECKPOINT);
        List<Long> covered = new ArrayList<>();
        for (int i = 0; i < lastCheckpoint; i++) {
            if (new RecordView().wrap(records.get(i), records.get(i).length).type().code() <= RecordType.NOTE.code()) {
                covered.add((long) i);
            }
        }

        Cli.Result r = Cli.run("export", torn.toString(), "--format", "dsse", "--pubkey", w.pub(), "--key",
                w.keyFile().toString(), "--events");

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("warning: INCOMPLETE (torn tail"), r::toString);
        assertTrue(r.err().contains("record(s) after that checkpoint are not exported: no signature covers them yet"),
                r::toString);
        List<Long> exported = new ArrayList<>();
        for (Map<String, Object> env : ExportCommandTest.lines(r.out())) {
            Map<String, Object> st = Cli.parseObject(new String(Base64.getDecoder().decode((String) env.get("payload")),
                    StandardCharsets.UTF_8));
            Map<String, Object> predicate = (Map<String, Object>) st.get("predicate");
            if (predicate.containsKey("record")) {
                exported.add(Cli.num(((Map<String, Object>) predicate.get("record")).get("seq")));
                assertEquals((long) lastCheckpoint, Cli.num(predicate.get("covered_by_tree_size")));
            }
        }
        assertFalse(covered.isEmpty());
        assertEquals(covered, exported, "exactly the events before the last signed checkpoint");
    }
}
