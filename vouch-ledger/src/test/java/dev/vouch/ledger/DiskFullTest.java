package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import dev.vouch.testsupport.Namespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The disk fills up under load (a real one: a 24 MiB tmpfs, mounted in the child JVM's own mount namespace by
 * {@code unshare}, so the test needs no privileges beyond user namespaces and leaves no mount behind). The ledger
 * stops with an error that says so; every write-ahead call it acknowledged is in the journal; every accepted event
 * is counted as journaled or lost, and the journal holds exactly the journaled ones; the journal verifies as an
 * unsealed prefix, never as tampered; reopening it on the full disk is refused without changing it; once there is
 * space, reopening recovers it and the chain goes on. Without space reserved ahead of Chronicle's mapped writes,
 * this ended with zeros committed under a valid document header (a TAMPERED journal) or a writer thread killed by
 * the JVM's asynchronous {@code InternalError}, its callers waiting for ever.
 */
class DiskFullTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} consumer thread(s)")
    @ValueSource(ints = {1, 2})
    void shouldStopCleanlyWhenTheDiskIsFullAndRecoverOnceThereIsSpace(int consumerThreads) throws Exception {
        Assumptions.assumeTrue(Namespaces.work(), "unshare -rm (user and mount namespaces) is not available here");
        Path mount = Files.createDirectories(tmp.resolve("small-disk"));
        Path keyFile = tmp.resolve(".vouch_key");
        Path copies = Files.createDirectories(tmp.resolve("copies"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        List<String> inOwnTmpfs = List.of("unshare", "-rm", "sh", "-c",
                "mount -t tmpfs -o size=24m vouch-disk-full \"$0\" && exec \"$@\"", mount.toString());

        List<Long> durable;
        String failed;
        long[] stats;
        String reopenFull;
        long lastAfter;
        try (ChildJvm child = ChildJvm.start(work, inOwnTmpfs, DiskFullChild.class, mount.toString(),
                keyFile.toString(), copies.toString(), Integer.toString(consumerThreads))) {
            child.awaitLine("DONE", 120, TimeUnit.SECONDS);
            assertEquals(0, child.waitFor(), child.stderrText());
            durable = child.numbers("DURABLE ");
            failed = line(child, "FAILED ");
            stats = java.util.Arrays.stream(line(child, "STATS ").split(" ")).mapToLong(Long::parseLong).toArray();
            reopenFull = line(child, "REOPEN-FULL ");
            lastAfter = child.numbers("RECOVERED ").get(0);
            String stderr = child.stderrText();
            assertTrue(stderr.contains("[CRITICAL] Vouch ledger stopped") && stderr.contains("no space left"), stderr);
        }
        assertFalse(durable.isEmpty(), "no write-ahead call succeeded before the disk was full");
        assertTrue(failed.contains("no space left"), failed);
        long accepted = stats[0];
        long journaled = stats[1];
        long lost = stats[2];
        assertEquals(0, stats[3], "BLOCK backpressure drops nothing");
        assertEquals(accepted, journaled + lost, "every accepted event is journaled or counted as lost");
        assertTrue(reopenFull.contains("no space left"), "reopening on the full disk: " + reopenFull);
        // An outside trial: it was a raw UncheckedIOException, where open() documents a VouchException.
        assertTrue(reopenFull.startsWith("dev.vouch.VouchException: cannot write the journal "), reopenFull);

        VerifyingKey anchor = KeyFile.load(keyFile).verifyingKey();
        Path atFailure = copies.resolve("failed");
        VerificationReport report = Journals.verify(atFailure, anchor);
        assertEquals(Verdict.INCOMPLETE, report.verdict(), Journals.describe(report));
        assertEquals(0, report.failureCount(), Journals.describe(report));
        assertEquals(journaled, report.events(), "the journal holds exactly the events counted as journaled");
        List<byte[]> records = RawJournal.read(atFailure);
        for (long seq : durable) {
            assertTrue(seq < records.size(), "acknowledged seq " + seq + " is missing; the journal holds "
                    + records.size() + " records");
            RecordView v = Forger.view(records.get((int) seq));
            assertEquals(seq, v.sequence());
            assertEquals("durable", v.name(), "seq " + seq);
        }

        Path afterRefusal = copies.resolve("reopen-full");
        assertEquals(RawJournal.read(atFailure).size(), RawJournal.read(afterRefusal).size());
        VerificationReport refused = Journals.verify(afterRefusal, anchor);
        assertEquals(Verdict.INCOMPLETE, refused.verdict(), Journals.describe(refused));
        assertEquals(report.records(), refused.records(), "the refused reopen wrote no record");

        Path recovered = copies.resolve("recovered");
        VerificationReport after = Journals.verify(recovered, anchor);
        assertEquals(Verdict.INTACT, after.verdict(), Journals.describe(after));
        assertEquals(1, after.recoveries());
        assertEquals(journaled + 100, after.events());
        List<byte[]> all = RawJournal.read(recovered);
        assertEquals(RecordType.RECOVERY, Forger.type(all.get(records.size())), "the recovery record follows the prefix");
        assertTrue(lastAfter < all.size(), "the last write-ahead call after recovery is in the journal");
        assertEquals("after", Forger.view(all.get((int) lastAfter)).name());
    }

    private static String line(ChildJvm child, String prefix) {
        return child.lines().stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + "line; stderr:\n" + child.stderrText()));
    }
}
