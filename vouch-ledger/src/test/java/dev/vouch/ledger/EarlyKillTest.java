package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.vouch.testsupport.StderrCapture;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed with SIGKILL in the first milliseconds of a brand-new journal, at delays spread over the last
 * hundred milliseconds of its {@code open()}, when Chronicle creates the files and the ledger writes its genesis
 * (a first child measures how long its open takes): whatever it left, the next open must start or continue the
 * journal without a person, and the journal then verifies. Where each kill lands varies from run to run; the
 * files an abandoned start leaves are also made deterministically in {@link StorageDamageTest}.
 */
class EarlyKillTest {
    private static final int ROUNDS = 10;

    @TempDir
    Path tmp;

    @Test
    void shouldOpenWhateverAWriterKilledWhileCreatingTheJournalLeft() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        long openMillis;
        try (ChildJvm child = ChildJvm.start(work, "early", tmp.resolve("calibration").toString(),
                tmp.resolve("calibration-key").toString(), "c")) {
            child.awaitLine("OPENING", 60, TimeUnit.SECONDS);
            long started = System.nanoTime();
            child.awaitLine("OPENED", 60, TimeUnit.SECONDS);
            openMillis = (System.nanoTime() - started) / 1_000_000;
            child.kill();
        }
        int abandoned = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Path dir = tmp.resolve("journal-" + round);
            Path keyFile = tmp.resolve("key-" + round);
            try (ChildJvm child = ChildJvm.start(work, "early", dir.toString(), keyFile.toString(), "e" + round)) {
                child.awaitLine("OPENING", 60, TimeUnit.SECONDS);
                Thread.sleep(Math.max(0, openMillis - 100 + 12L * round)); // the last 100 ms of the open, and after
                child.kill();
            }
            String left = describe(dir);
            String log;
            VerifyingKey key;
            Ledger opened;
            try {
                opened = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open();
            } catch (dev.vouch.VouchException refused) {
                // Once, on a loaded machine, an open refused what a kill left "before the genesis record": keep the
                // files for a person to read the shape, which AbandonedStart should then learn.
                Path kept = Path.of("target", "early-kill-refused-" + round + "-" + System.nanoTime());
                copyTree(dir, kept);
                throw new AssertionError("round " + round + " left " + left + "; the next open refused it (files kept in "
                        + kept.toAbsolutePath() + "): " + refused.getMessage(), refused);
            }
            try (StderrCapture err = new StderrCapture(); Ledger ledger = opened) {
                log = err.text();
                key = ledger.verifyingKey();
                ledger.recordDurably(new Event().kind(EventKind.NOTE).name("after the kill").params("{}"));
            }
            abandoned += log.contains("never wrote a record") ? 1 : 0;
            System.out.println("EarlyKillTest round " + round + ": left " + left);
            VerificationReport r = Journals.verify(dir, key);
            assertEquals(Verdict.INTACT, r.verdict(), "round " + round + ": " + Journals.describe(r) + "\n" + log);
            assertEquals(key, KeyFile.load(keyFile).verifyingKey());
            assertTrue(r.events() >= 1);
        }
        System.out.println("EarlyKillTest: open took " + openMillis + " ms; " + abandoned + " of " + ROUNDS
                + " kills left an abandoned start");
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** What the killed writer left: its cycle files' sizes and how many records can be read. */
    private static String describe(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return "no directory";
        }
        StringBuilder b = new StringBuilder();
        for (Path f : JournalFiles.cq4Files(dir)) {
            b.append(f.getFileName()).append(' ').append(Files.size(f)).append(" B, ");
        }
        int records = 0;
        try {
            records = dev.vouch.ledger.internal.RawJournal.read(dir).size();
        } catch (RuntimeException e) {
            b.append("unreadable (").append(e.getMessage()).append("), ");
        }
        return b.append(records).append(" record(s)").toString();
    }
}
