package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a journal while its writer appends, as an auditor or {@code vouch verify} may: every read is a snapshot
 * that ends (it does not chase the writer), sees a consistent prefix (no failure, and no damage reported for a
 * document that straddles the end of the file as it was when the read began: the writer grows the file under it),
 * and the prefixes only grow. Records of up to 8 KB cross Chronicle's 80 MB file chunks within the run.
 */
class LiveReadTest {
    @TempDir
    Path tmp;

    @Test
    void shouldReadAConsistentPrefixWhileTheWriterAppends() throws Exception {
        Path dir = tmp.resolve("journal");
        AtomicBoolean stop = new AtomicBoolean();
        VerifyingKey key;
        long previous = 0;
        int reads = 0;
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve("key")).checkpointMaxEvents(64)
                .shutdownHook(false).open()) {
            key = ledger.verifyingKey();
            Thread writer = new Thread(() -> {
                Event e = new Event();
                for (int i = 0; !stop.get(); i++) {
                    String params = "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(i * 13 % 8000) + "\"}";
                    if (i % 20 == 0) {
                        try {
                            Thread.sleep(1); // a busy agent, not a benchmark: the reads must keep up
                        } catch (InterruptedException ex) {
                            return;
                        }
                    }
                    if (i % 50 == 0) {
                        ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).name("live").params(params));
                    } else {
                        ledger.record(e.reset().kind(EventKind.TOOL_RESULT).name("live").result(params));
                    }
                }
            }, "live-writer");
            writer.start();
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < deadline) {
                // One verification per reading: the journal grows between two, so they would not agree.
                VerificationReport r = Journals.verifyOnce(dir, dev.vouch.verify.JournalVerifier.trusting(key));
                assertEquals(0, r.failureCount(), "read " + reads + ": " + Journals.describe(r));
                assertTrue(r.verdict() != Verdict.TAMPERED);
                assertTrue(r.records() >= previous, "prefixes only grow");
                previous = r.records();
                reads++;
            }
            stop.set(true);
            writer.join();
        }
        VerificationReport sealed = Journals.verify(dir, key);
        assertEquals(Verdict.INTACT, sealed.verdict(), Journals.describe(sealed));
        assertTrue(reads >= 3 && previous > 1000, reads + " reads, last saw " + previous + " records");
        long bytes = 0;
        for (Path f : JournalFiles.cq4Files(dir)) {
            bytes += java.nio.file.Files.size(f);
        }
        System.out.println("LiveReadTest: " + reads + " reads while writing, " + previous + " records, "
                + (bytes >> 20) + " MiB of cycle files");
    }
}
