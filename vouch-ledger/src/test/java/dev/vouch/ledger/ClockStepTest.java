package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wall clock stepped while the ledger runs (NTP correcting a wrong clock, a machine waking from suspend), watched
 * in a child JVM whose wall clock libfaketime reads from a file (the monotonic clock stays real, as in such a step):
 * records follow the step within a fraction of a second, and the ledger's readiness, measured on the monotonic
 * clock, does not see it. An outside trial found every record after a three-hour step three hours off for the life
 * of the process, and the ledger "not ready" (events "waiting" an hour) after a one-hour step.
 */
class ClockStepTest {
    static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    @TempDir
    Path tmp;

    @Test
    void shouldFollowAWallClockStepInTimestampsAndNotInReadiness() throws Exception {
        Assumptions.assumeTrue(Files.exists(FAKETIME), "libfaketime is not installed (.ci/run installs faketime)");
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve("vouch.key");
        Path clock = Files.writeString(tmp.resolve("clock"), "+0\n");
        List<String> faked = List.of("env", "LD_PRELOAD=" + FAKETIME, "FAKETIME_TIMESTAMP_FILE=" + clock,
                "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1");
        try (ChildJvm child = ChildJvm.start(tmp, faked, ClockStepChild.class, dir.toString(), key.toString(),
                clock.toString())) {
            child.awaitLine("DONE", 60, TimeUnit.SECONDS);
            assertEquals(0, child.waitFor(), child::stderrText);
            for (String line : child.lines()) {
                if (line.startsWith("READY ")) {
                    String[] parts = line.split(" ");
                    assertEquals("true", parts[1], () -> "not ready after a step: " + child.lines());
                    assertTrue(Long.parseLong(parts[2]) < 10_000, () -> "an age counted the step: " + child.lines());
                }
            }
        }

        Map<String, Long> at = new HashMap<>();
        try (RecordSource source = JournalReader.open(dir)) {
            RecordBuffer buf = new RecordBuffer(1024);
            RecordView v = new RecordView();
            while (source.next(buf)) {
                v.wrap(buf.data(), buf.length());
                if (v.type() == RecordType.NOTE) {
                    at.put(v.name(), v.timestamp());
                }
            }
        }
        long forward = at.get("after-forward") - at.get("before");
        long back = at.get("after-back") - at.get("after-forward");
        assertTrue(Math.abs(forward - Duration.ofHours(3).toNanos()) < Duration.ofSeconds(30).toNanos(),
                () -> "3 h forward, recorded as " + Duration.ofNanos(forward));
        assertTrue(Math.abs(back + Duration.ofHours(2).toNanos()) < Duration.ofSeconds(30).toNanos(),
                () -> "2 h back, recorded as " + Duration.ofNanos(back));
        dev.vouch.crypto.SigningKey signing = dev.vouch.crypto.KeyFile.load(key);
        VerificationReport r = Journals.verify(dir, signing.verifyingKey());
        signing.destroy();
        assertEquals(Verdict.INTACT, r.verdict(), () -> r.verdictReason() + " " + r.failures());
    }
}
