package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.internal.format.RecordType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCommandTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static TestJournals.Written journal;

    @BeforeAll
    static void writeJournal() {
        journal = TestJournals.write(shared, 4);
    }

    @Test
    void shouldPrintTheLatestSignedCheckpointNote() {
        Cli.Result r = Cli.run("checkpoint", journal.dir(), "--pubkey", journal.pub());

        assertEquals(0, r.exit(), r::toString);
        SignedNote note = SignedNote.parse(r.out());
        assertTrue(note.verifiedBy(TestJournals.ORIGIN, journal.key()), "signed by the journal's key");
        Checkpoint cp = Checkpoint.parse(note.text());
        assertEquals(TestJournals.ORIGIN, cp.origin());
        assertEquals(TestJournals.records(journal.journal()).size() - 1, cp.size(), "covers all but itself");
        assertEquals("", r.err());
    }

    @Test
    void shouldPrintNothingAndExitOneWhenVerificationFails() {
        TestJournals.Written w = TestJournals.write(tmp, 2);
        TestJournals.flipByteIn(w.journal(), "MARK1X");

        Cli.Result r = Cli.run("checkpoint", w.dir(), "--pubkey", w.pub());

        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), "no checkpoint of a tampered journal");
        assertTrue(r.err().contains("verification failed, no checkpoint printed"), r::toString);
    }

    @Test
    void shouldWarnAboutAnUnsealedJournalAndFailOnlyWithRequireSealed() {
        int keep = TestJournals.lastIndexOf(journal.journal(), RecordType.TASK_END) + 1;
        Path torn = TestJournals.truncatedCopy(journal.journal(), tmp.resolve("torn"), keep);

        Cli.Result r = Cli.run("checkpoint", torn.toString(), "--pubkey", journal.pub());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().startsWith("warning: INCOMPLETE (torn tail"), r::toString);
        assertTrue(Checkpoint.parse(SignedNote.parse(r.out()).text()).size() < keep);

        r = Cli.run("checkpoint", torn.toString(), "--pubkey", journal.pub(), "--require-sealed");
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void shouldWriteTheNoteToAnOutputFileOutsideTheJournal() throws Exception {
        Path out = tmp.resolve("saved.txt");

        Cli.Result r = Cli.run("checkpoint", journal.dir(), "--pubkey", journal.pub(), "--output", out.toString());

        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out());
        assertEquals(Cli.run("checkpoint", journal.dir(), "--pubkey", journal.pub()).out(), Files.readString(out));
        Cli.Result verify = Cli.run("verify", journal.dir(), "--pubkey", journal.pub(), "--checkpoint", out.toString());
        assertEquals(0, verify.exit(), verify::toString);

        Path inside = journal.journal().resolve("saved.txt");
        r = Cli.run("checkpoint", journal.dir(), "--pubkey", journal.pub(), "--output", inside.toString());
        assertEquals(2, r.exit(), r::toString);
        assertFalse(Files.exists(inside));
    }
}
