package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.ConsistencyProof;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.TlogProof;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.LeafHashes;
import dev.vouch.merkle.MerkleProofs;
import dev.vouch.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prove}, {@code check-proof}, {@code consistency} and {@code check-consistency} on a journal that has lived
 * (reopenings, a key rotation, a gap, a crash and its recovery): every proof checks offline with the first key only,
 * and fails after tampering with the record, the proof, the checkpoint or the key.
 */
class ProofCommandsTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static TestJournals.Written journal;
    static List<byte[]> records;
    static TestJournals.Written other;

    @BeforeAll
    static void writeJournals() {
        journal = TestJournals.writeEventful(shared.resolve("eventful"));
        records = TestJournals.records(journal.journal());
        other = TestJournals.write(shared.resolve("other"), 3);
    }

    @Test
    void shouldUseAJournalWithEveryKindOfHistory() {
        Set<RecordType> types = EnumSet.noneOf(RecordType.class);
        long resumes = 0;
        for (byte[] r : records) {
            RecordType t = new RecordView().wrap(r, r.length).type();
            types.add(t);
            resumes += t == RecordType.RESUME ? 1 : 0;
        }
        assertTrue(types.containsAll(EnumSet.of(RecordType.KEY_ROTATION, RecordType.GAP, RecordType.RECOVERY,
                RecordType.SEAL)), types::toString);
        assertEquals(3, resumes, "three reopenings");
        Cli.Result r = Cli.run("verify", journal.dir(), "--pubkey", journal.pub());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("rotated 1 time(s)"), r::toString);
    }

    @Test
    void shouldWriteProofsOfEveryKindOfRecordThatCheckWithTheFirstKeyAlone() throws Exception {
        long rotation = indexOf(RecordType.KEY_ROTATION);
        long[] seqs = {0, 1, TestJournals.sequenceOf(journal.journal(), "MARK1X"), rotation - 1, rotation, rotation + 1,
            rotation + 2, rotation + 3,
            indexOf(RecordType.GAP), indexOf(RecordType.RECOVERY), TestJournals.sequenceOf(journal.journal(), "MARK9X"),
            records.size() - 2};
        long handover = handoverAfter(rotation);
        for (long seq : seqs) {
            Path proof = prove(seq);

            TlogProof parsed = TlogProof.parse(Files.readString(proof));
            assertEquals(seq, parsed.index());
            assertTrue(Arrays.equals(records.get((int) seq), Files.readAllBytes(recordOf(proof))));
            Cli.Result r = checkProof(proof, recordOf(proof), journal.pubkey());
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("VERIFIED: record " + seq + " is in the journal " + TestJournals.ORIGIN), r::toString);
            if (seq > rotation) {
                assertEquals(records.size() - 1, parsed.checkpoint().size(), "against the latest checkpoint");
                assertNotNull(parsed.extra(), "signed by the rotated key, so the rotation statement travels with it");
                assertTrue(r.out().contains("rotated to from the trust anchor, 1 rotation(s)"), r::toString);
            } else {
                // The rotated-to key vouches only for the records after its rotation: the last checkpoint the
                // first key signed proves the records before.
                assertEquals(handover, parsed.checkpoint().size(), "against the first key's last checkpoint");
                assertNull(parsed.extra(), "signed by the first key");
            }
        }
    }

    /**
     * An outside trial held only the key the journal rotated to, signed a checkpoint of a whole other tree (a record
     * before the rotation altered), reused the real rotation statement from a proof, and check-proof said VERIFIED.
     * Such a proof, shaped as the prover wrote them before, is now refused, also for the true record.
     */
    @Test
    void shouldRefuseAProofOfARecordBeforeARotationSignedByTheKeyRotatedTo() throws Exception {
        long rotation = indexOf(RecordType.KEY_ROTATION);
        TlogProof later = TlogProof.parse(Files.readString(prove(rotation + 3)));
        long size = later.checkpoint().size();
        LeafHashes leaves = (i, out, off) -> System.arraycopy(Rfc6962.leafHash(records.get((int) i)), 0, out, off, 32);
        for (long seq : new long[] {1, rotation - 1, rotation}) {
            TlogProof oldShape = TlogProof.of(seq, MerkleProofs.inclusionProof(leaves, seq, size),
                    later.checkpointNote(), later.extra());
            Path proof = write("old-shape-" + seq + ".tlog-proof", oldShape.text());
            assertFails(checkProof(proof, write("r-" + seq + ".record", records.get((int) seq)), journal.pubkey()),
                    "rotated to at record " + rotation + ", which vouches only for the records after the checkpoint that"
                    + " covers its rotation");
        }
        Path saved = tmp.resolve("latest-saved.txt");
        assertEquals(0, Cli.run("checkpoint", journal.dir(), "--pubkey", journal.pub(), "-o", saved.toString()).exit());
        Cli.Result againstSaved = Cli.run("prove", journal.dir(), "--seq", "1", "--pubkey", journal.pub(),
                "--checkpoint", saved.toString(), "-o", tmp.resolve("s.tlog-proof").toString());
        assertEquals(2, againstSaved.exit(), againstSaved::toString);
        assertTrue(againstSaved.err().contains("comes before a key rotation"), againstSaved::toString);
    }

    /** The tree size of the first checkpoint after record {@code seq}: the last one the key before signed. */
    private static long handoverAfter(long seq) {
        for (int i = (int) seq + 1; i < records.size(); i++) {
            if (new RecordView().wrap(records.get(i), records.get(i).length).type() == RecordType.CHECKPOINT) {
                return i;
            }
        }
        throw new AssertionError("no checkpoint after " + seq);
    }

    @Test
    void shouldFailAfterTamperingWithTheRecordTheProofTheCheckpointOrTheKey() throws Exception {
        // A record after the rotation: its proof is against the latest checkpoint, with the key history.
        long seq = TestJournals.sequenceOf(journal.journal(), "MARK9X");
        assertTrue(seq > indexOf(RecordType.KEY_ROTATION));
        Path proof = prove(seq);
        String text = Files.readString(proof);
        TlogProof parsed = TlogProof.parse(text);

        byte[] record = Files.readAllBytes(recordOf(proof));
        int at = TestJournals.indexOf(record, "MARK9X".getBytes(StandardCharsets.UTF_8), 0);
        record[at + 4] = '5';
        assertFails(checkProof(proof, write("tampered.record", record), journal.pubkey()), "another root");

        String hash = Base64.getEncoder().encodeToString(parsed.hashes().get(1));
        byte[] changed = parsed.hashes().get(1);
        changed[0] ^= 1;
        Path badPath = write("path.tlog-proof", text.replace(hash, Base64.getEncoder().encodeToString(changed)));
        assertFails(checkProof(badPath, recordOf(proof), journal.pubkey()), "another root");

        Checkpoint cp = parsed.checkpoint();
        String root = Base64.getEncoder().encodeToString(cp.rootHash());
        byte[] otherRoot = cp.rootHash();
        otherRoot[3] ^= 1;
        Path badCheckpoint = write("cp.tlog-proof", text.replace(root, Base64.getEncoder().encodeToString(otherRoot)));
        assertFails(checkProof(badCheckpoint, recordOf(proof), journal.pubkey()), "not signed by the trusted key");

        Path noHistory = write("nohistory.tlog-proof", text.replaceFirst("extra [^\n]*\n", ""));
        assertFails(checkProof(noHistory, recordOf(proof), journal.pubkey()), "not signed by the trusted key");

        assertFails(checkProof(proof, recordOf(proof), other.pubkey()), "not signed by the trusted key");

        Path neighbour = write("neighbour.record", records.get((int) seq + 1));
        assertFails(checkProof(proof, neighbour, journal.pubkey()), "proves another record");
    }

    @Test
    void shouldRefuseAProofOfAnotherLog() throws Exception {
        Path proof = tmp.resolve("other.tlog-proof");
        Cli.Result made = Cli.run("prove", other.dir(), "--seq", "2", "--pubkey", other.pub(), "-o", proof.toString());
        assertEquals(0, made.exit(), made::toString);
        assertNull(TlogProof.parse(Files.readString(proof)).extra(), "no rotation, no key history");

        assertEquals(0, checkProof(proof, recordOf(proof), other.pubkey()).exit());
        assertFails(checkProof(proof, recordOf(proof), journal.pubkey()), "proof for another log");
    }

    @Test
    void shouldTakeTheRecordFromAnExportLineOrAWholeExport() throws Exception {
        long seq = TestJournals.sequenceOf(journal.journal(), "MARK8X");
        Path proof = prove(seq);
        Cli.Result export = Cli.run("export", journal.dir());
        String line = export.out().split("\n")[(int) seq];

        assertEquals(0, checkProof(proof, write("line.jsonl", line + "\n"), journal.pubkey()).exit());
        Cli.Result whole = checkProof(proof, write("all.jsonl", export.out()), journal.pubkey());
        assertEquals(0, whole.exit(), whole::toString);
        String wrongLine = export.out().split("\n")[(int) seq + 1];
        assertFails(checkProof(proof, write("wrong.jsonl", wrongLine), journal.pubkey()), "proves another record");
        // An outside auditor: with record_b64 twice, first-wins and last-wins readers read different records.
        String other = wrongLine.substring(wrongLine.indexOf("\"record_b64\""), wrongLine.lastIndexOf('}'));
        String twice = line.substring(0, line.lastIndexOf('}')) + "," + other + "}";
        Cli.Result duplicate = checkProof(proof, write("twice.jsonl", twice + "\n"), journal.pubkey());
        assertEquals(2, duplicate.exit(), duplicate::toString);
        assertTrue(duplicate.err().contains("Duplicate field 'record_b64' (line 1, column "), duplicate::toString);
        assertFalse(duplicate.err().contains("StreamReadFeature") || duplicate.err().contains("Source:"),
                "no parser internals: " + duplicate);
    }

    @Test
    void shouldFailAnExportLineWhoseReadableMembersWereForged() throws Exception {
        long seq = TestJournals.sequenceOf(journal.journal(), "MARK8X");
        Path proof = prove(seq);
        String line = Cli.run("export", journal.dir()).out().split("\n")[(int) seq];
        assertTrue(line.contains("MARK8X"), line);

        // An outside auditor changed a value in the readable params: record_b64 still proves, the line misleads.
        assertFails(checkProof(proof, write("forged.jsonl", line.replace("MARK8X", "MARK9X")), journal.pubkey()),
                "does not say what its record_b64 says: params differs");
        String added = line.substring(0, line.lastIndexOf('}')) + ",\"approver\":\"alice\"}";
        assertFails(checkProof(proof, write("added.jsonl", added), journal.pubkey()), "approver differs");
        String removed = line.replaceFirst("\"timestamp\":\"[^\"]*\",", "");
        assertFails(checkProof(proof, write("removed.jsonl", removed), journal.pubkey()), "timestamp differs");
        // Reformatted (as jq would) and with a derived outcome member changed: nothing the record says changed.
        String spaced = line.replace("{\"seq\":", "{ \"seq\" : ").replace("\"outcome\":\"result\"",
                "\"outcome\":\"error\"");
        Cli.Result reformatted = checkProof(proof, write("spaced.jsonl", spaced), journal.pubkey());
        assertEquals(0, reformatted.exit(), reformatted::toString);
        Cli.Result json = Cli.run("check-proof", proof.toString(), "--record", write("f.jsonl",
                line.replace("MARK8X", "MARK9X")).toString(), "--pubkey", journal.pub(), "--json");
        assertEquals(1, json.exit(), json::toString);
        assertEquals(Boolean.FALSE, json.json().get("verified"));
        assertTrue(((String) json.json().get("problem")).contains("params differs"), json::toString);
    }

    @Test
    void shouldProveAgainstAnOlderCheckpointTheAuditorSaved() throws Exception {
        Path saved = savedCheckpointBefore(RecordType.KEY_ROTATION);
        long size = Checkpoint.parse(SignedNote.parse(Files.readString(saved)).text()).size();
        Path proof = tmp.resolve("old.tlog-proof");

        Cli.Result r = Cli.run("prove", journal.dir(), "--seq", "2", "--pubkey", journal.pub(), "--checkpoint",
                saved.toString(), "-o", proof.toString());

        assertEquals(0, r.exit(), r::toString);
        TlogProof parsed = TlogProof.parse(Files.readString(proof));
        assertEquals(size, parsed.checkpoint().size());
        assertNull(parsed.extra(), "signed by the first key, before the rotation");
        Cli.Result check = Cli.run("check-proof", proof.toString(), "--record", recordOf(proof).toString(), "--pubkey",
                journal.pub(), "--checkpoint", saved.toString());
        assertEquals(0, check.exit(), check::toString);
        Path latest = tmp.resolve("latest.txt");
        assertEquals(0, Cli.run("checkpoint", journal.dir(), "--pubkey", journal.pub(), "-o", latest.toString()).exit());
        assertFails(Cli.run("check-proof", proof.toString(), "--record", recordOf(proof).toString(), "--pubkey",
                journal.pub(), "--checkpoint", latest.toString()), "not the saved one");
        // The saved note altered (its root), tree size unchanged: the message says that, not only the sizes.
        String[] noteLines = Files.readString(saved).split("\n", -1);
        noteLines[2] = (noteLines[2].charAt(0) == 'A' ? "B" : "A") + noteLines[2].substring(1);
        Path altered = Files.writeString(tmp.resolve("altered-saved.txt"), String.join("\n", noteLines));
        assertFails(Cli.run("check-proof", proof.toString(), "--record", recordOf(proof).toString(), "--pubkey",
                journal.pub(), "--checkpoint", altered.toString()), "the same tree size with another root hash");

        Cli.Result uncovered = Cli.run("prove", journal.dir(), "--seq", Long.toString(size), "--pubkey", journal.pub(),
                "--checkpoint", saved.toString(), "-o", tmp.resolve("x.tlog-proof").toString());
        assertEquals(2, uncovered.exit(), uncovered::toString);
        assertTrue(uncovered.err().contains("not covered by the saved checkpoint"), uncovered::toString);
    }

    @Test
    void shouldKeepTheJsonProofAsAnOption() throws Exception {
        int seq = (int) indexOf(RecordType.KEY_ROTATION) + 3;
        Cli.Result r = Cli.run("prove", journal.dir(), "--seq", Integer.toString(seq), "--pubkey", journal.pub(),
                "--format", "json");

        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> json = r.json();
        assertEquals((long) seq, Cli.num(json.get("leaf_index")));
        assertEquals((long) records.size() - 1, Cli.num(json.get("tree_size")));
        assertTrue(Arrays.equals(records.get(seq), Base64.getDecoder().decode((String) json.get("record_b64"))));
        assertEquals(TlogProof.parse((String) json.get("tlog_proof")).hashes().size(), ((List<?>) json.get("audit_path")).size());
        Path file = write("p.json", r.out());
        assertEquals(0, checkProof(write("p.tlog-proof", (String) json.get("tlog_proof")), file, journal.pubkey()).exit());
    }

    /**
     * A JSON proof is checked as it is, its record taken from its {@code record_b64}: an outside upgrade trial's proofs
     * from 0.1.0's {@code vouch prove} (the same object without {@code tlog_proof}) were refused as "not a tlog-proof",
     * and so was 0.2.0's own {@code --format json}.
     */
    @Test
    void shouldCheckAJsonProofOfThisOr010sProveOnItsOwn() throws Exception {
        TestJournals.Written plain = TestJournals.write(tmp.resolve("plain"), 3);
        Cli.Result r = Cli.run("prove", plain.dir(), "--seq", "4", "--pubkey", plain.pub(), "--format", "json");
        assertEquals(0, r.exit(), r::toString);
        Path current = write("current.json", r.out());
        Cli.Result checked = Cli.run("check-proof", current.toString(), "--pubkey", plain.pub());
        assertEquals(0, checked.exit(), checked::toString);
        assertTrue(checked.out().startsWith("VERIFIED: record 4 is in the journal "), checked::toString);

        String older = r.out().replaceFirst(",\"tlog_proof\":\"[^\"]*\"", "");
        assertFalse(older.contains("tlog_proof"), older);
        Path old = write("010.json", older);
        Cli.Result oldChecked = Cli.run("check-proof", old.toString(), "--pubkey", plain.pub());
        assertEquals(0, oldChecked.exit(), oldChecked::toString);
        // Its record altered: the proof says so.
        Map<String, Object> fields = r.json();
        byte[] record = Base64.getDecoder().decode((String) fields.get("record_b64"));
        record[record.length - 1] ^= 1;
        Path forged = write("forged.json", older.replace((String) fields.get("record_b64"),
                Base64.getEncoder().encodeToString(record)));
        assertEquals(1, Cli.run("check-proof", forged.toString(), "--pubkey", plain.pub()).exit());
        // What the file says beside the proof must be what the proof says (a re-trial's claimed another origin).
        Path claims = write("claims.json", older.replace("\"tree_size\":", "\"tree_size\":1").replace(
                "\"origin\":\"" + TestJournals.ORIGIN + "\"", "\"origin\":\"evil.example/other\""));
        Cli.Result misleading = Cli.run("check-proof", claims.toString(), "--pubkey", plain.pub());
        assertEquals(1, misleading.exit(), misleading::toString);
        assertTrue(misleading.out().contains("does not say what its proof says: origin, tree_size differ"),
                misleading::toString);
        // What the parser quotes is escaped once, not twice (0.1.0's proofs showed \\" where the file had ").
        Cli.Result notAProof = Cli.run("check-proof", write("quoted.txt", "not \"a\" proof\n").toString(), "--pubkey",
                plain.pub());
        assertEquals(2, notAProof.exit(), notAProof::toString);
        assertTrue(notAProof.err().contains("found \"not \\\"a\\\" proof\""), notAProof::toString);
        // A tlog-proof file still needs its record.
        Path tlog = write("p.tlog-proof", (String) fields.get("tlog_proof"));
        Cli.Result noRecord = Cli.run("check-proof", tlog.toString(), "--pubkey", plain.pub());
        assertEquals(2, noRecord.exit(), noRecord::toString);
        assertTrue(noRecord.err().contains("--record is required with a tlog-proof file"), noRecord::toString);
    }

    @Test
    void shouldProveConsistencyFromEverySavedCheckpointToTheLatest() throws Exception {
        for (RecordType before : List.of(RecordType.KEY_ROTATION, RecordType.GAP, RecordType.RECOVERY)) {
            Path saved = savedCheckpointBefore(before);
            Path proof = tmp.resolve("consistency-" + before.label());

            Cli.Result made = Cli.run("consistency", journal.dir(), "--from", saved.toString(), "--pubkey", journal.pub(),
                    "-o", proof.toString());
            assertEquals(0, made.exit(), made::toString);
            ConsistencyProof parsed = ConsistencyProof.parse(Files.readString(proof));
            assertTrue(parsed.witnessRequestBody().startsWith("old "), parsed::text);
            Cli.Result check = Cli.run("check-consistency", proof.toString(), "--from", saved.toString(), "--pubkey",
                    journal.pub());
            assertEquals(0, check.exit(), check::toString);
            assertTrue(check.out().startsWith("CONSISTENT: the journal " + TestJournals.ORIGIN + " grew from "), check::toString);
        }
        Path latest = tmp.resolve("latest.txt");
        assertEquals(0, Cli.run("checkpoint", journal.dir(), "--pubkey", journal.pub(), "-o", latest.toString()).exit());
        Cli.Result same = Cli.run("consistency", journal.dir(), "--from", latest.toString(), "--pubkey", journal.pub());
        assertEquals(0, same.exit(), same::toString);
        Path sameProof = write("same.proof", same.out());
        Cli.Result json = Cli.run("check-consistency", sameProof.toString(), "--from", latest.toString(), "--pubkey",
                journal.pub(), "--json");
        assertEquals(0, json.exit(), json::toString);
        assertEquals(Boolean.TRUE, json.json().get("consistent"));
    }

    /**
     * A key rotated to after the saved checkpoint does not vouch for the records between: an outside re-trial signed,
     * with the newest key alone, a tree that kept a real checkpoint's records and changed a later one before the
     * rotation, and check-consistency said the log only grew. The proof now steps through the checkpoint that covers
     * each rotation, and a proof straight to the latest, as the command made them before, is refused.
     */
    @Test
    void shouldStepAConsistencyProofThroughEachRotationAfterTheSavedCheckpoint() throws Exception {
        Path saved = savedCheckpointBefore(RecordType.KEY_ROTATION);
        long savedSize = Checkpoint.parse(SignedNote.parse(Files.readString(saved)).text()).size();
        Path from = saved;
        ConsistencyProof last = null;
        int steps = 0;
        while (true) {
            Path proof = tmp.resolve("step-" + steps + ".proof");
            Cli.Result made = Cli.run("consistency", journal.dir(), "--from", from.toString(), "--pubkey", journal.pub(),
                    "-o", proof.toString());
            assertEquals(0, made.exit(), made::toString);
            Cli.Result check = Cli.run("check-consistency", proof.toString(), "--from", from.toString(), "--pubkey",
                    journal.pub());
            assertEquals(0, check.exit(), check::toString);
            last = ConsistencyProof.parse(Files.readString(proof));
            steps++;
            Path next = ConsistencyCommand.nextCheckpointFile(proof);
            if (!Files.exists(next)) {
                break;
            }
            assertTrue(made.err().contains("rotated its key after the saved checkpoint"), made::toString);
            assertEquals(last.checkpointNote(), Files.readString(next));
            from = next;
            assertTrue(steps < 5, "one step per rotation");
        }
        assertEquals(2, steps, "the saved checkpoint precedes the journal's last rotation: one step, then the latest");
        long latestSize = last.checkpoint().size();
        assertEquals(records.size() - 1, latestSize, "the last step reaches the latest checkpoint");

        LeafHashes leaves = (i, out, off) -> System.arraycopy(Rfc6962.leafHash(records.get((int) i)), 0, out, off, 32);
        ConsistencyProof straight = ConsistencyProof.of(savedSize, MerkleProofs.consistencyProof(leaves, savedSize,
                latestSize), last.checkpointNote(), last.extra());
        assertConsistencyFails(write("straight.proof", straight.text()), saved, journal.pubkey(),
                "does not vouch for the records from " + savedSize);
    }

    @Test
    void shouldFailAConsistencyProofAfterTamperingOrForAnotherLog() throws Exception {
        Path saved = savedCheckpointBefore(RecordType.GAP);
        Cli.Result made = Cli.run("consistency", journal.dir(), "--from", saved.toString(), "--pubkey", journal.pub());
        assertEquals(0, made.exit(), made::toString);
        ConsistencyProof proof = ConsistencyProof.parse(made.out());
        Path good = write("good.proof", made.out());

        String hash = Base64.getEncoder().encodeToString(proof.hashes().get(0));
        byte[] changed = proof.hashes().get(0);
        changed[31] ^= 1;
        Path badHash = write("bad.proof", made.out().replace(hash, Base64.getEncoder().encodeToString(changed)));
        assertConsistencyFails(badHash, saved, journal.pubkey(), "");

        String root = Base64.getEncoder().encodeToString(proof.checkpoint().rootHash());
        byte[] otherRoot = proof.checkpoint().rootHash();
        otherRoot[0] ^= 1;
        Path badCheckpoint = write("badcp.proof", made.out().replace(root, Base64.getEncoder().encodeToString(otherRoot)));
        assertConsistencyFails(badCheckpoint, saved, journal.pubkey(), "not signed by the trusted key");

        assertConsistencyFails(good, saved, other.pubkey(), "not signed by the trusted key");

        Path otherSaved = tmp.resolve("other-saved.txt");
        assertEquals(0, Cli.run("checkpoint", other.dir(), "--pubkey", other.pub(), "-o", otherSaved.toString()).exit());
        assertConsistencyFails(good, otherSaved, journal.pubkey(), "");

        Path wrongSize = savedCheckpointBefore(RecordType.RECOVERY);
        assertConsistencyFails(good, wrongSize, journal.pubkey(), "starts from tree size");
    }

    @Test
    void shouldRefuseAConsistencyProofForAJournalRewrittenSinceTheSavedCheckpoint() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("rewritten"), 4);
        Path saved = tmp.resolve("saved.txt");
        assertEquals(0, Cli.run("checkpoint", w.dir(), "--pubkey", w.pub(), "-o", saved.toString()).exit());
        // The key holder rewrites history: cut back to before the last call, then carries on as if nothing happened.
        Path rewritten = TestJournals.truncatedCopy(w.journal(), tmp.resolve("cut"),
                (int) TestJournals.sequenceOf(w.journal(), "MARK3X"));
        TestJournals.extend(new TestJournals.Written(rewritten, w.keyFile(), w.pubkey(), w.key()), 10, 3);
        assertEquals(0, Cli.run("verify", rewritten.toString(), "--pubkey", w.pub(), "-q").exit(), "valid on its own");

        Cli.Result r = Cli.run("consistency", rewritten.toString(), "--from", saved.toString(), "--pubkey", w.pub());

        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("does not extend the saved checkpoint"), r::toString);
    }

    @Test
    void shouldReportUnusableInputsWithExitTwoNamingTheFile() throws Exception {
        Path proof = prove(3);
        Path missing = tmp.resolve("missing.tlog-proof");
        Cli.Result r = checkProof(missing, recordOf(proof), journal.pubkey());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(missing.toString()), r::toString);

        Path garbage = write("garbage.tlog-proof", "hello\n");
        r = checkProof(garbage, recordOf(proof), journal.pubkey());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("not a tlog-proof: tlog-proof line 1"), r::toString);

        r = checkProof(proof, tmp.resolve("nope.record"), journal.pubkey());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("nope.record"), r::toString);

        r = Cli.run("check-consistency", proof.toString(), "--from", proof.toString(), "--pubkey", journal.pub());
        assertEquals(2, r.exit(), r::toString);

        r = Cli.run("prove", tmp.resolve("nojournal").toString(), "--seq", "1", "--pubkey", journal.pub(), "-o",
                tmp.resolve("y.tlog-proof").toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("no such journal directory"), r::toString);

        r = Cli.run("prove", journal.dir(), "--seq", "1", "--pubkey", journal.pub(), "-o",
                journal.journal().resolve("in.tlog-proof").toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("refusing to write inside the journal directory"), r::toString);
    }

    @Test
    void shouldRefuseToProveFromATamperedJournal() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("t"), 3);
        TestJournals.flipByteIn(w.journal(), "MARK1X");

        Cli.Result r = Cli.run("prove", w.dir(), "--seq", "1", "--pubkey", w.pub(), "-o", tmp.resolve("t.tlog-proof").toString());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("verification failed, no proof written"), r::toString);
        assertFalse(Files.exists(tmp.resolve("t.tlog-proof")));
    }

    private Path prove(long seq) {
        Path proof = tmp.resolve("record-" + seq + ".tlog-proof");
        Cli.Result r = Cli.run("prove", journal.dir(), "--seq", Long.toString(seq), "--pubkey", journal.pub(), "-o",
                proof.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out());
        return proof;
    }

    static Path recordOf(Path proof) {
        return ProveCommand.recordFileBeside(proof);
    }

    private static Cli.Result checkProof(Path proof, Path record, Path pubkey) {
        return Cli.run("check-proof", proof.toString(), "--record", record.toString(), "--pubkey", pubkey.toString());
    }

    private static void assertFails(Cli.Result r, String words) {
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().startsWith("NOT VERIFIED: "), r::toString);
        assertTrue(r.out().contains(words), r::toString);
    }

    private static void assertConsistencyFails(Path proof, Path saved, Path pubkey, String words) {
        Cli.Result r = Cli.run("check-consistency", proof.toString(), "--from", saved.toString(), "--pubkey",
                pubkey.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().startsWith("NOT CONSISTENT: "), r::toString);
        assertTrue(r.out().contains(words), r::toString);
    }

    private static long indexOf(RecordType type) {
        for (int i = 0; i < records.size(); i++) {
            if (new RecordView().wrap(records.get(i), records.get(i).length).type() == type) {
                return i;
            }
        }
        throw new AssertionError("no " + type);
    }

    /** The note of the last checkpoint before the first record of {@code type}, as an auditor would have saved it. */
    private Path savedCheckpointBefore(RecordType type) throws Exception {
        long limit = indexOf(type);
        String note = null;
        for (int i = 0; i < limit; i++) {
            RecordView v = new RecordView().wrap(records.get(i), records.get(i).length);
            if (v.type() == RecordType.CHECKPOINT) {
                note = v.note();
            }
        }
        return write("saved-before-" + type.label() + ".txt", note);
    }

    private Path write(String name, String text) throws Exception {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }
}
