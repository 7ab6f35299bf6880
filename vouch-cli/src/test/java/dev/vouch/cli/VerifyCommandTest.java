package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.SigningKey;
import dev.vouch.internal.format.RecordBuilder;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.merkle.Rfc6962;
import java.util.Arrays;
import java.util.Base64;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    private static final Pattern ISO_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static TestJournals.Written intact;

    @BeforeAll
    static void writeJournal() {
        intact = TestJournals.write(shared, 20);
    }

    @Test
    void shouldExitZeroAndSummariseAnIntactJournal() {
        Cli.Result r = Cli.run("verify", intact.dir(), "--pubkey", intact.pub());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("INTACT: all "), r::toString);
        int records = TestJournals.records(intact.journal()).size();
        assertTrue(r.out().contains("records:           " + records + "\n"), r::toString);
        assertTrue(r.out().contains("events:            42\n"), r::toString);
        assertTrue(r.out().contains("origin:            " + TestJournals.ORIGIN + "\n"), r::toString);
        assertTrue(r.out().contains("sealed:            yes\n"), r::toString);
        assertTrue(r.out().contains("sha256:" + intact.key().fingerprint()), r::toString);
        assertTrue(r.out().contains(NoteKeys.verifierKey(TestJournals.ORIGIN, intact.key())), r::toString);
        assertTrue(r.out().contains("last checkpoint:   tree size " + (records - 1) + ", root "), r::toString);
        assertTrue(r.out().contains("saved checkpoint:  not given"), r::toString);
        assertTrue(r.out().contains("failures:          none"), r::toString);
        assertEquals(2, ISO_UTC.matcher(r.out()).results().count(), "first and last record times: " + r);
        assertFalse(r.out().contains("FAILURE"), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void shouldExitOneAndNameTheSequenceOfEveryTamperedRecord() {
        TestJournals.Written w = TestJournals.write(tmp, 20);
        long seq7 = TestJournals.sequenceOf(w.journal(), "MARK7X");
        long seq15 = TestJournals.sequenceOf(w.journal(), "MARK15X");
        TestJournals.flipByteIn(w.journal(), "MARK7X");
        TestJournals.flipByteIn(w.journal(), "MARK15X");

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", w.pub());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("FAILURE seq " + seq7 + " chain: "), r::toString);
        assertTrue(r.out().contains("FAILURE seq " + seq15 + " chain: "), r::toString);
        assertTrue(r.out().contains("\nTAMPERED: "), r::toString);
        assertTrue(r.out().contains("sealed:            no"), r::toString);
        assertTrue(r.out().indexOf("FAILURE seq " + seq7) < r.out().indexOf("TAMPERED"), "failures stream first");
    }

    @Test
    void shouldExitOneWhenTheJournalWasWrittenByAnotherKey() {
        Path otherPub = tmp.resolve("other.pub");
        TestJournals.writeString(otherPub, SigningKey.generate(new SecureRandom()).verifyingKey().toPem());

        Cli.Result r = Cli.run("verify", intact.dir(), "--pubkey", otherPub.toString());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("FAILURE seq 0 genesis: "), r::toString);
        assertTrue(r.out().contains("TAMPERED"), r::toString);
        // A new user who passed another run's key read only the failures: the output now says what fits them.
        assertTrue(r.out().contains("Under the key its own genesis record names (sha256:" + intact.key().fingerprint()
                + ") the journal verifies without a failure"), r::toString);
        assertTrue(r.out().contains("vouch pubkey --key"), r::toString);
        Cli.Result json = Cli.run("verify", intact.dir(), "--pubkey", otherPub.toString(), "--json");
        assertTrue(String.valueOf(json.json().get("hint")).startsWith("Under the key its own genesis record names"),
                json::toString);
        // An outside trial: a typo in a --pubkey path read "TAMPERED: 9 failure(s)", an attack's words, with the reason
        // only in the first failure. The headline says it first; the verdict and the exit code stay.
        String headline = "TAMPERED: --pubkey is not this journal's first key (";
        assertTrue(r.out().contains("\n" + headline) && r.out().contains("): its genesis record names " + intact.key()
                + ", and --pubkey, " + dev.vouch.crypto.VerifyingKey.read(otherPub) + ", is no key the journal names"), r::toString);
        assertTrue(String.valueOf(json.json().get("headline")).startsWith(headline), json::toString);
        assertEquals("tampered", json.json().get("status"), json::toString);
    }

    @Test
    void shouldNotBlameTheKeyWhenTheJournalFailsUnderItsOwnKeyToo() {
        Path otherPub = tmp.resolve("other2.pub");
        TestJournals.writeString(otherPub, SigningKey.generate(new SecureRandom()).verifyingKey().toPem());
        TestJournals.Written w = TestJournals.write(tmp.resolve("own-key-fails"), 20);
        TestJournals.flipByteIn(w.journal(), "MARK7X");

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", otherPub.toString());

        assertEquals(1, r.exit(), r::toString);
        assertFalse(r.out().contains("Under the key its own genesis record names"), r::toString);
    }

    @Test
    void shouldAcceptANoteVerifierKeyAsTheTrustAnchor() {
        Path noteKey = tmp.resolve("vouch.vkey");
        TestJournals.writeString(noteKey, NoteKeys.verifierKey(TestJournals.ORIGIN, intact.key()) + "\n");

        Cli.Result r = Cli.run("verify", intact.dir(), "--pubkey", noteKey.toString(), "--quiet");

        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out(), "--quiet prints nothing");
    }

    @Test
    void shouldExitTwoForAMissingJournalDirectory() {
        Path missing = tmp.resolve("no-such-journal");

        Cli.Result r = Cli.run("verify", missing.toString(), "--pubkey", intact.pub());

        assertEquals(2, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains(missing + ": no such journal directory"), r::toString);
        assertFalse(Files.exists(missing), "verify must not create the directory");
    }

    @Test
    void shouldExitTwoForADirectoryThatHoldsNoJournal() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        Cli.Result r = Cli.run("verify", empty.toString(), "--pubkey", intact.pub(), "--json");

        assertEquals(2, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("not a Vouch journal"), r::toString);
        assertEquals(List.of(), List.of(empty.toFile().list()), "nothing created in it");
    }

    @Test
    void shouldExitTwoNamingAPublicKeyFileItCannotUse() {
        Path missing = tmp.resolve("missing.pub");
        Cli.Result r = Cli.run("verify", intact.dir(), "--pubkey", missing.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(missing.toString()) && r.err().contains("no such file"), r::toString);

        Path garbage = tmp.resolve("garbage.pub");
        TestJournals.writeString(garbage, "hello\nworld\n");
        r = Cli.run("verify", intact.dir(), "--pubkey", garbage.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(garbage.toString()), r::toString);

        r = Cli.run("verify", intact.dir(), "--pubkey", intact.keyFile().toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("private key"), "a private key is refused as a trust anchor: " + r);
        assertEquals("", r.out());
    }

    @Test
    void shouldWarnWhenThePublicKeyLiesInsideTheJournalDirectory() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp, 1);
        Path inside = Files.copy(w.pubkey(), w.journal().resolve("vouch.pub"));

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", inside.toString());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("inside the journal directory"), r::toString);
    }

    @Test
    void shouldMatchACheckpointSavedBeforeTheJournalGrew() {
        TestJournals.Written w = TestJournals.write(tmp, 3);
        Cli.Result saved = Cli.run("checkpoint", w.dir(), "--pubkey", w.pub());
        assertEquals(0, saved.exit(), saved::toString);
        Path note = tmp.resolve("saved-checkpoint.txt");
        TestJournals.writeString(note, saved.out());
        TestJournals.extend(w, 100, 5);

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", w.pub(), "--checkpoint", note.toString());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("saved checkpoint:  matches"), r::toString);
    }

    @Test
    void shouldExitOneWhenTheJournalDoesNotExtendTheSavedCheckpoint() throws Exception {
        // Same key and origin, different history: what a thief holding the key could write instead.
        Path forgedRoot = Files.createDirectories(tmp.resolve("forged"));
        Files.copy(intact.keyFile(), forgedRoot.resolve("vouch.key"));
        TestJournals.Written forged = TestJournals.write(forgedRoot, 2);
        Cli.Result saved = Cli.run("checkpoint", intact.dir(), "--pubkey", intact.pub());
        Path note = tmp.resolve("saved.txt");
        TestJournals.writeString(note, saved.out().replace("\n", "\r\n") + "\n");

        Cli.Result r = Cli.run("verify", forged.dir(), "--pubkey", intact.pub(), "--checkpoint", note.toString(), "--json");

        assertEquals(1, r.exit(), r::toString);
        Map<String, Object> json = r.json();
        assertEquals(Boolean.FALSE, json.get("saved_checkpoint_matched"), r::toString);
        assertTrue(((List<?>) json.get("failures")).stream()
                .anyMatch(f -> "saved_checkpoint".equals(((Map<?, ?>) f).get("kind"))), r::toString);
    }

    /**
     * A saved checkpoint whose text was changed (its root, here) no longer verifies under the journal's key: it is the
     * damaged side, and proves nothing. An outside auditor read "the journal was rewritten" for an intact journal.
     */
    @Test
    void shouldSayASavedCheckpointWasAlteredWithoutBlamingTheJournal() {
        Cli.Result saved = Cli.run("checkpoint", intact.dir(), "--pubkey", intact.pub());
        String text = saved.out();
        String[] lines = text.split("\n", -1);
        char c = lines[2].charAt(0);
        lines[2] = (c == 'A' ? 'B' : 'A') + lines[2].substring(1); // the root hash line of the checkpoint body
        Path note = tmp.resolve("altered.txt");
        TestJournals.writeString(note, String.join("\n", lines));

        Cli.Result r = Cli.run("verify", intact.dir(), "--pubkey", intact.pub(), "--checkpoint", note.toString());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("the saved checkpoint was altered or damaged: its signature by "), r::toString);
        assertTrue(r.out().contains("all about the saved checkpoint (--checkpoint)"), r::toString);
        assertFalse(r.out().contains("was rewritten"), r::toString);
        assertFalse(r.out().contains("the journal was altered"), r::toString);
        assertTrue(r.out().contains("[the saved checkpoint]"), "the failure points at the note, not the journal: " + r);
    }

    @Test
    void shouldExitTwoForASavedCheckpointFileThatIsNotACheckpoint() {
        Path note = tmp.resolve("not-a-note.txt");
        TestJournals.writeString(note, "just some text\n");

        Cli.Result r = Cli.run("verify", intact.dir(), "--pubkey", intact.pub(), "--checkpoint", note.toString());

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(note + ": not a signed checkpoint note"), r::toString);
    }

    /**
     * A power loss can leave the last records as zeros behind a document header that reached the disk: the verdict
     * stays TAMPERED (nothing vouches for those bytes), and the explanation says that every failure is after the last
     * valid checkpoint, so nothing signed is affected. Damage to a signed record gets no such sentence.
     */
    @Test
    void shouldSayWhenEveryFailureIsInRecordsNobodySigned() throws Exception {
        Path live = tmp.resolve("live");
        Path crashed = Files.createDirectories(tmp.resolve("crashed"));
        dev.vouch.crypto.VerifyingKey anchor;
        try (dev.vouch.ledger.Ledger ledger = dev.vouch.ledger.Ledger.builder(live).keyFile(tmp.resolve("key"))
                .checkpointMaxDelay(java.time.Duration.ofHours(1)).shutdownHook(false).open()) {
            anchor = ledger.verifyingKey();
            for (int i = 0; i < 10; i++) {
                ledger.recordDurably(new dev.vouch.Event().kind(dev.vouch.EventKind.TOOL_CALL).name("t")
                        .params("{\"i\":" + i + "}"));
            }
            try (var files = Files.list(live)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, crashed.resolve(f.getFileName()));
                }
            }
        }
        List<byte[]> records = TestJournals.records(crashed);
        byte[] last = records.get(records.size() - 1);
        Path file = TestJournals.cq4Files(crashed).get(0);
        byte[] bytes = TestJournals.readAll(file);
        int at = TestJournals.indexOf(bytes, last, 0);
        Arrays.fill(bytes, at, at + last.length, (byte) 0);
        Files.write(file, bytes);
        Path pub = tmp.resolve("pub.pem");
        TestJournals.writeString(pub, anchor.toPem());

        Cli.Result r = Cli.run("verify", crashed.toString(), "--pubkey", pub.toString());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("\nTAMPERED: "), r::toString);
        assertTrue(r.out().contains("Every failure is in the records after the last valid checkpoint (tree size 1),"
                + " which nobody signed"), r::toString);

        TestJournals.Written signed = TestJournals.write(tmp.resolve("signed"), 20);
        TestJournals.flipByteIn(signed.journal(), "MARK3X");
        Cli.Result tampered = Cli.run("verify", signed.dir(), "--pubkey", signed.pub());
        assertTrue(tampered.out().contains("\nTAMPERED: ") && !tampered.out().contains("nobody signed"),
                tampered::toString);
    }

    @Test
    void shouldPrintOneJsonObjectWithEveryReportFieldAndEveryFailure() {
        TestJournals.Written w = TestJournals.write(tmp, 20);
        long seq = TestJournals.sequenceOf(w.journal(), "MARK3X");
        TestJournals.flipByteIn(w.journal(), "MARK3X");

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", w.pub(), "--json");

        assertEquals(1, r.exit(), r::toString);
        Map<String, Object> json = r.json();
        for (String field : List.of("failures", "verdict", "status", "reason", "journal", "origin", "records", "events",
                "checkpoints", "keys", "gaps", "dropped_total", "recoveries", "first_timestamp_ns", "first_timestamp",
                "last_timestamp_ns", "last_timestamp", "sealed", "uncovered_records", "torn_tail",
                "last_checkpoint_tree_size", "last_checkpoint_note", "saved_checkpoint_matched", "failure_count")) {
            assertTrue(json.containsKey(field), "missing " + field + " in " + r);
        }
        assertEquals("TAMPERED", json.get("verdict"));
        assertEquals("tampered", json.get("status"));
        List<?> failures = (List<?>) json.get("failures");
        assertEquals(Cli.num(json.get("failure_count")), failures.size(), "every failure is listed");
        Map<?, ?> first = (Map<?, ?>) failures.get(0);
        assertEquals(seq, Cli.num(first.get("seq")));
        assertEquals("chain", first.get("kind"));
        assertTrue(ISO_UTC.matcher((String) json.get("first_timestamp")).matches());
        assertEquals(1, ((List<?>) json.get("keys")).size());
    }

    @Test
    void shouldTellATornTailLeftByACrashApartFromTampering() {
        // Cut right after the last event: no checkpoint covers it and there is no seal, as a crash between an
        // append and the next checkpoint leaves a journal.
        int keep = TestJournals.lastIndexOf(intact.journal(), RecordType.TASK_END) + 1;
        Path torn = TestJournals.truncatedCopy(intact.journal(), tmp.resolve("torn"), keep);

        Cli.Result r = Cli.run("verify", torn.toString(), "--pubkey", intact.pub());
        Cli.Result json = Cli.run("verify", torn.toString(), "--pubkey", intact.pub(), "--json");

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().startsWith("INCOMPLETE (torn tail, no sign of tampering)"), r::toString);
        assertTrue(r.out().contains("what a crash"), r::toString);
        assertFalse(r.out().contains("TAMPERED") || r.out().contains("FAILURE"), r::toString);
        assertEquals(1, json.exit(), json::toString);
        assertEquals("INCOMPLETE", json.json().get("verdict"));
        assertEquals("torn_tail", json.json().get("status"));
        assertEquals(Boolean.TRUE, json.json().get("torn_tail"));
        assertTrue(Cli.num(json.json().get("uncovered_records")) > 0);
    }

    @Test
    void shouldNotMistakeStorageThatStopsReadingMidwayForATornTail() {
        TestJournals.Written w = TestJournals.write(tmp, 20);
        long marked = TestJournals.sequenceOf(w.journal(), "MARK9X");
        long seq = TestJournals.damageHeaderBefore(w.journal(), "MARK9X");
        assertTrue(seq <= marked && seq > 1, seq + " " + marked);

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", w.pub());
        Cli.Result json = Cli.run("verify", w.dir(), "--pubkey", w.pub(), "--json");
        Cli.Result checkpoint = Cli.run("checkpoint", w.dir(), "--pubkey", w.pub());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().startsWith("FAILURE seq " + seq + " malformed: damaged storage after sequence " + (seq - 1)),
                r::toString);
        assertTrue(r.out().contains("UNREADABLE: the journal's files are damaged in 1 place(s); the records beyond the"
                + " damage cannot be read (" + seq + " could be)"), r::toString);
        assertFalse(r.out().contains("no sign of tampering"), r::toString);
        assertEquals("unreadable", json.json().get("status"), json::toString);
        assertEquals("TAMPERED", json.json().get("verdict"), json::toString);
        assertEquals(1L, Cli.num(json.json().get("storage_damage")));
        assertEquals(1, checkpoint.exit(), checkpoint::toString);
        assertEquals("", checkpoint.out());
    }

    /** A zero header where the file's header records a later document: say that a power loss leaves that too. */
    @Test
    void shouldSayThatAPowerLossLeavesAMissingHeaderToo() {
        TestJournals.Written w = TestJournals.write(tmp, 20);
        TestJournals.damageHeaderBefore(w.journal(), "MARK9X", (byte) 0);

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", w.pub());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("UNREADABLE: ") && r.out().contains("A power loss leaves a missing header too"),
                r::toString);
        assertFalse(Cli.run("verify", intact.dir(), "--pubkey", intact.pub()).out().contains("power loss"));
    }

    @Test
    void shouldExitOneWhenACraftedRecordTripsTheVerifier() {
        // A checkpoint whose origin line cannot name a key: the verifier of 0.1.0 throws on it rather than
        // reporting a failure. Either way the journal must not pass, and --json must stay one object.
        List<byte[]> records = TestJournals.records(intact.journal());
        long seq = records.size();
        String note = "bad origin\n" + seq + "\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n\n\u2014 "
                + TestJournals.ORIGIN + " " + Base64.getEncoder().encodeToString(new byte[68]) + "\n";
        RecordBuilder b = new RecordBuilder(512).begin(RecordType.CHECKPOINT, seq, System.currentTimeMillis() * 1_000_000L,
                Rfc6962.leafHash(records.get(records.size() - 1))).bytes32(note);
        b.buffer()[RecordDescriptor.MINOR_OFFSET] = 0; // a format 1.0 checkpoint: the note alone
        byte[] crafted = Arrays.copyOf(b.buffer(), b.finish());
        Path journal = TestJournals.copyWithExtraRecord(intact.journal(), tmp.resolve("crafted"), crafted);

        Cli.Result r = Cli.run("verify", journal.toString(), "--pubkey", intact.pub());
        Cli.Result json = Cli.run("verify", journal.toString(), "--pubkey", intact.pub(), "--json");
        Cli.Result checkpoint = Cli.run("checkpoint", journal.toString(), "--pubkey", intact.pub());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("FAILURE seq " + seq + " checkpoint: "), r::toString);
        assertEquals(1, json.exit(), json::toString);
        assertTrue(List.of("stopped", "tampered").contains(json.json().get("status")), json::toString);
        assertEquals(1, checkpoint.exit(), checkpoint::toString);
        assertEquals("", checkpoint.out());
    }

    @Test
    void shouldRefuseJsonAndQuietTogether() {
        Cli.Result r = Cli.run("verify", intact.dir(), "--pubkey", intact.pub(), "--json", "--quiet");

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("mutually exclusive"), r::toString);
    }

    @Test
    void shouldPrintNothingWithQuietAndStillExitOneWhenTampered() {
        TestJournals.Written w = TestJournals.write(tmp, 2);
        TestJournals.flipByteIn(w.journal(), "MARK1X");

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", w.pub(), "-q");

        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out());
        assertEquals("", r.err());
    }

    @Test
    void shouldListEveryKeyAfterARotationAndStillTrustOnlyTheFirst() {
        TestJournals.Written w = TestJournals.write(tmp, 2);
        Cli.Result rekey = Cli.run("rekey", w.dir(), "--key", w.keyFile().toString());
        assertEquals(0, rekey.exit(), rekey::toString);

        Cli.Result r = Cli.run("verify", w.dir(), "--pubkey", w.pub());
        Cli.Result json = Cli.run("verify", w.dir(), "--pubkey", w.pub(), "--json");

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("signing keys:      2 (rotated 1 time(s))"), r::toString);
        assertTrue(r.out().contains("    1. " + w.key() + "  (trust anchor, --pubkey)"), r::toString);
        List<?> keys = (List<?>) json.json().get("keys");
        assertEquals(2, keys.size(), json::toString);
        assertEquals(w.key().fingerprint(), ((Map<?, ?>) keys.get(0)).get("fingerprint"));
        assertNull(json.json().get("pending_key"));

        Path newPub = tmp.resolve("new.pub");
        TestJournals.writeString(newPub, rekey.out().substring(0, rekey.out().indexOf("-----END PUBLIC KEY-----\n") + 25));
        Cli.Result withNewKey = Cli.run("verify", w.dir(), "--pubkey", newPub.toString(), "-q");
        assertEquals(1, withNewKey.exit(), "the rotated-to key is not the journal's trust anchor: " + withNewKey);
        // Said in words: after a rekey, vouch pubkey --key prints the new key, which an outside auditor then tried.
        Cli.Result explained = Cli.run("verify", w.dir(), "--pubkey", newPub.toString());
        assertTrue(explained.out().contains("--pubkey is key 2 of the 2 this journal was signed with: one it rotated to,"
                + " not the one it started with. An auditor trusts the first key (sha256:" + w.key().fingerprint()),
                explained::toString);
        // It read "signing keys: 1 (no rotation)" above that, and --json had no word of it.
        assertTrue(explained.out().contains("signing keys:      none followed: the trusted key did not start the"
                + " journal"), explained::toString);
        Cli.Result explainedJson = Cli.run("verify", w.dir(), "--pubkey", newPub.toString(), "--json");
        assertTrue(String.valueOf(explainedJson.json().get("hint")).startsWith("--pubkey is key 2 of the 2"),
                explainedJson::toString);
        assertNull(json.json().get("hint"));

        // The headline names the rotation and the trust anchor (an outside trial: "TAMPERED: 9 failure(s)" first),
        // for the journal and for an evidence bundle of it; still TAMPERED, exit 1.
        String headline = "TAMPERED: --pubkey is not this journal's first key (";
        String rotated = "): it is " + dev.vouch.crypto.VerifyingKey.read(newPub) + ", the key the journal rotated to at seq "
                + TestJournals.lastIndexOf(w.journal(), RecordType.KEY_ROTATION) + "; the trust anchor is its first key, "
                + w.key() + ", which its genesis record names\n";
        assertTrue(explained.out().contains("\n" + headline) && explained.out().contains(rotated), explained::toString);
        Path bundle = tmp.resolve("evidence.zip");
        assertEquals(0, Cli.run("export", w.dir(), "--format", "bundle", "--pubkey", w.pub(), "-o", bundle.toString())
                .exit());
        Cli.Result fromBundle = Cli.run("verify", bundle.toString(), "--pubkey", newPub.toString());
        assertEquals(1, fromBundle.exit(), fromBundle::toString);
        assertTrue(fromBundle.out().contains("\n" + headline) && fromBundle.out().contains(rotated), fromBundle::toString);
    }
}
