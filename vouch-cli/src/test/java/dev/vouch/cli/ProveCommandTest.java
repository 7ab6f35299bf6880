package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.merkle.MerkleProofs;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProveCommandTest {
    @TempDir
    static Path shared;

    static TestJournals.Written journal;

    @BeforeAll
    static void writeJournal() {
        journal = TestJournals.write(shared, 9);
    }

    @Test
    void shouldPrintInclusionProofsThatVerifyAgainstTheSignedRoot() throws Exception {
        int size = TestJournals.records(journal.journal()).size() - 1;
        for (long seq : new long[] {0, 1, 7, size / 2, size - 2, size - 1}) {
            Cli.Result r = Cli.run("prove", journal.dir(), "--seq", Long.toString(seq), "--pubkey", journal.pub(),
                    "--format", "json");

            assertEquals(0, r.exit(), r::toString);
            Map<String, Object> proof = r.json();
            assertEquals(seq, Cli.num(proof.get("leaf_index")));
            assertEquals(size, Cli.num(proof.get("tree_size")));
            SignedNote note = SignedNote.parse((String) proof.get("checkpoint"));
            assertTrue(note.verifiedBy(TestJournals.ORIGIN, journal.key()));
            Checkpoint cp = Checkpoint.parse(note.text());
            byte[] record = Base64.getDecoder().decode((String) proof.get("record_b64"));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((byte) 0);
            byte[] leaf = sha.digest(record);
            assertEquals(HexFormat.of().formatHex(leaf), proof.get("leaf_hash"));
            List<byte[]> path = ((List<?>) proof.get("audit_path")).stream()
                    .map(h -> HexFormat.of().parseHex((String) h)).collect(Collectors.toList());
            assertTrue(MerkleProofs.verifyInclusion(seq, cp.size(), leaf, path, cp.rootHash()), r::toString);
            assertArrayEquals(cp.rootHash(), HexFormat.of().parseHex((String) proof.get("root_hash")));
        }
    }

    @Test
    void shouldRefuseARecordTheCheckpointDoesNotCover() {
        int records = TestJournals.records(journal.journal()).size();

        Cli.Result r = Cli.run("prove", journal.dir(), "--seq", Integer.toString(records - 1), "--pubkey", journal.pub());

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("not covered by the latest signed checkpoint"), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void shouldSayThereIsNoSuchRecordPastTheEnd() {
        // A new user asked for record 99 of a 36-record journal and was told it is "not covered by" a checkpoint.
        int records = TestJournals.records(journal.journal()).size();

        Cli.Result r = Cli.run("prove", journal.dir(), "--seq", Integer.toString(records + 10), "--pubkey", journal.pub());

        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("the journal has no record " + (records + 10) + ": it holds " + records
                + " record(s), 0 to " + (records - 1)), r::toString);
    }
}
