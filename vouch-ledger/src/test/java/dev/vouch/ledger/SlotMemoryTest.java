package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import dev.vouch.verify.Verdict;
import dev.vouch.verify.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large events do not stay in the heap once journaled. A ring slot grows for an event larger than its buffer and kept
 * the larger buffer for ever: an outside trial's gateway (4,096 slots) held 269 MB after 3,000 calls of 100 KB had
 * ended, 2,000 small calls later still, and ran out of the heap its documentation called enough. Grown slots are now
 * kept within a budget of 16 MiB in all ({@code JournalStage.GROWN_SLOTS_BUDGET}).
 */
class SlotMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void shouldNotKeepTheBuffersOfLargeEventsBeyondTheBudget() throws Exception {
        Path key = tmp.resolve(".vouch_key");
        long afterLarge;
        long afterSmall;
        // 400 events of 256 KB: 100 MB kept before, one buffer in each slot they passed through.
        try (ChildJvm child = ChildJvm.start(Files.createDirectories(tmp.resolve("work")), java.util.List.of(),
                LargeEventsChild.class, tmp.resolve("journal").toString(), key.toString(), "400", "262144")) {
            child.awaitLine("DONE", 120, TimeUnit.SECONDS);
            assertEquals(0, child.waitFor(), child.stderrText());
            afterLarge = child.numbers("HEAP-AFTER-LARGE ").get(0);
            afterSmall = child.numbers("HEAP-AFTER-SMALL ").get(0);
        }
        // The budget, the ring's own 4 MiB, Chronicle and the JVM: well under 60 MB; 100 MB more without the budget.
        assertTrue(afterLarge < 60L << 20, "heap in use after the large events: " + (afterLarge >> 20) + " MiB");
        assertTrue(afterSmall < 60L << 20, "heap in use after the small events: " + (afterSmall >> 20) + " MiB");
        VerificationReport report = Journals.verify(tmp.resolve("journal"), KeyFile.load(key).verifyingKey());
        assertEquals(Verdict.INTACT, report.verdict(), Journals.describe(report));
        assertEquals(5_400, report.events(), Journals.describe(report));
    }
}
