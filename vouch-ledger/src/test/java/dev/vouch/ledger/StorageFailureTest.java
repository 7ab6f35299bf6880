package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.testsupport.LoopExt4;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Storage that fails under the writer, on real ext4 images on loop devices mounted in the child JVM's own mount
 * namespace (root, {@code mkfs.ext4} and {@code losetup}; skipped without them). First, the journal's ext4 file
 * system turns read-only under the writer, as {@code errors=remount-ro} (the common default)
 * makes it after an I/O error: a real ext4 image on a loop device, mounted in the child JVM's own mount namespace,
 * its error raised through the kernel's {@code trigger_fs_error}. Writes to the memory-mapped journal still land in
 * memory then, and the mount table and {@code access(2)} still say "writable": an outside trial's gateway acknowledged
 * calls for 40 s and every one of them was gone after the remount. The ledger must fail within a moment (it asks
 * ext4 every 100 ms), and the journal, once the file system is repaired, must hold every call acknowledged before the
 * error and verify INTACT after recovery. Then a full disk on a file system without {@code fallocate}.
 */
class StorageFailureTest {
    @TempDir
    Path tmp;

    /**
     * With and without {@code fallocate} (ext4 made without extents): a re-trial found the first check, a reservation
     * of a block already reserved, blind there, and so where native access is missing.
     */
    @ParameterizedTest(name = "mkfs.ext4 {0}")
    @ValueSource(strings = {"-t ext4", "-O ^extent,^flex_bg,^64bit"})
    void shouldFailTheLedgerWithinAMomentWhenItsFileSystemTurnsReadOnly(String features) throws Exception {
        Assumptions.assumeTrue(LoopExt4.usable(), "needs root, mkfs.ext4, losetup and e2fsck");
        LoopExt4 disk = LoopExt4.make(tmp, 64, features.split(" "));
        Path mount = disk.mountPoint();
        Path keyFile = tmp.resolve(".vouch_key");
        Path work = Files.createDirectories(tmp.resolve("work"));
        List<String> inOwnMount = disk.mountedFor("");

        int beforeSync;
        int atError;
        List<Long> acknowledged;
        String failed;
        try (ChildJvm child = ChildJvm.start(work, inOwnMount, ReadOnlyStorageChild.class, mount.toString(),
                keyFile.toString())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (child.numbers("DURABLE ").size() < 300) {
                assertTrue(System.nanoTime() < deadline, "no write-ahead calls: " + child.stderrText());
                Thread.sleep(20);
            }
            beforeSync = child.numbers("DURABLE ").size();
            LoopExt4.run("sync"); // what was acknowledged so far is on the disk, as it would be a moment later anyway
            atError = child.numbers("DURABLE ").size();
            Assumptions.assumeTrue(disk.raiseError(), "this kernel has no trigger_fs_error");
            child.awaitLine("DONE", 60, TimeUnit.SECONDS);
            acknowledged = child.numbers("DURABLE ");
            failed = child.lines().stream().filter(l -> l.startsWith("FAILED ")).findFirst().orElseThrow();
        }
        // ~2,000 calls a second and a check every 100 ms; without it the ledger noticed at its next 8 MiB
        // reservation, some 8,000 calls later, and a file system without fallocate never.
        int afterError = acknowledged.size() - atError;
        assertTrue(afterError < 1_000, afterError + " calls acknowledged after the file system turned read-only");
        assertTrue(failed.contains("refused a write") || failed.contains("refused to reserve space"), failed);

        Path copy = tmp.resolve("repaired");
        disk.repairAndCopy("journal", copy);
        try (Ledger recovered = Ledger.builder(copy).keyFile(keyFile).shutdownHook(false).open()) {
            recovered.recordDurably(new dev.vouch.Event().kind(dev.vouch.EventKind.NOTE).name("after"));
        }
        VerifyingKey anchor = KeyFile.load(keyFile).verifyingKey();
        VerificationReport report = Journals.verify(copy, anchor);
        assertEquals(Verdict.INTACT, report.verdict(), Journals.describe(report));
        List<byte[]> records = RawJournal.read(copy);
        RecordView v = new RecordView();
        for (long seq : acknowledged.subList(0, beforeSync)) {
            assertTrue(seq < records.size(), "acknowledged seq " + seq + " is missing: " + records.size() + " records");
            v.wrap(records.get((int) seq), records.get((int) seq).length);
            assertEquals("durable", v.name(), "seq " + seq);
        }
    }

    /**
     * A full disk on a file system without {@code fallocate} (ext4 made without extents): no space can be reserved
     * ahead, so the write that finds the disk full faults (SIGBUS). An outside trial's restart on the still-full disk
     * died with a 34-line {@code InternalError} trace (the gateway exit 1, where a refusal is one line and exit 2), and
     * the log said nothing of a full disk. The failure and the refusal name what happened; with room again the journal
     * recovers and verifies INTACT.
     */
    @Test
    void shouldRefuseInOneSentenceOnAFullDiskWithoutFallocateAndRecoverOnceThereIsRoom() throws Exception {
        Assumptions.assumeTrue(LoopExt4.usable(), "needs root, mkfs.ext4, losetup and e2fsck");
        LoopExt4 disk = LoopExt4.make(tmp, 96, "-O", "^extent,^flex_bg,^64bit");
        Path image = tmp.resolve("ext4.img");
        Path mount = disk.mountPoint();
        Path keyFile = tmp.resolve(".vouch_key");
        Path copies = Files.createDirectories(tmp.resolve("copies"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path filler = mount.resolve("filler");
        // The disk left with about 24 MiB free: the journal fills it in a moment.
        List<String> inOwnMount = List.of("unshare", "-m", "sh", "-c", "mount -o loop \"$0\" \"$1\" && dd if=/dev/zero"
                + " of=\"$1\"/filler bs=1M count=60 status=none && shift && exec \"$@\"", image.toString(),
                mount.toString());
        String reopenFull;
        try (ChildJvm child = ChildJvm.start(work, inOwnMount, DiskFullChild.class, mount.toString(),
                keyFile.toString(), copies.toString(), "1", filler.toString())) {
            child.awaitLine("DONE", 180, TimeUnit.SECONDS);
            assertEquals(0, child.waitFor(), child.stderrText());
            reopenFull = child.lines().stream().filter(l -> l.startsWith("REOPEN-FULL ")).findFirst().orElseThrow();
            String stderr = child.stderrText();
            assertTrue(stderr.contains("cannot reserve disk space ahead of its writes"), stderr);
            assertTrue(stderr.contains("[CRITICAL] Vouch ledger stopped") && stderr.contains("memory-mapped file"
                    + " faulted (SIGBUS): its disk is full"), stderr);
        }
        // Whether the reopen's few records fit the blocks the failed write had already allocated depends on where it
        // stopped: it opens, or refuses in one sentence; never the InternalError the trial's restart died of.
        assertTrue(reopenFull.startsWith("REOPEN-FULL opened ")
                || reopenFull.startsWith("REOPEN-FULL dev.vouch.VouchException: cannot write the journal ")
                && reopenFull.contains("memory-mapped file faulted (SIGBUS)"), reopenFull);
        VerifyingKey anchor = KeyFile.load(keyFile).verifyingKey();
        VerificationReport after = Journals.verify(copies.resolve("recovered"), anchor);
        assertEquals(Verdict.INTACT, after.verdict(), Journals.describe(after));
    }
}
