package dev.vouch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves the verification and ingest-growth benchmarks run from the packaged jar, on tiny journals: a 20,000-event
 * journal verified under the benchmark's 64 MB heap, and ingest on an empty journal and on a copy of a pre-filled
 * one. The tiny journals are cached in {@code java.io.tmpdir} like the real ones (a few MB).
 */
class VerifyAndIngestSmokeIT {
    @Test
    void packagedVerifyAndIngestBenchmarksRunOneIteration() throws Exception {
        Path jar = Path.of(System.getProperty("vouch.test.builddir"), "benchmarks.jar");
        assertTrue(Files.isRegularFile(jar), "missing " + jar);
        // ignoreLock: a smoke run measures nothing, so it need not wait for (nor fail on) a benchmark running elsewhere.
        Process p = new ProcessBuilder(List.of(System.getProperty("vouch.test.java"), "-Djmh.ignoreLock=true", "-jar",
                jar.toString(), "VerifyBenchmark.verify|IngestGrowthBenchmark.record|ReopenBenchmark.open",
                "-p", "records=20000",
                "-p", "preexistingRecords=0,20000", "-wi", "0", "-i", "1", "-r", "300ms", "-f", "1"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "benchmarks did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("VerifyBenchmark.verify:records"), "verification reports records/s: " + out);
        assertTrue(out.matches("(?s).*ReopenBenchmark\\.open[^\n]*\\sTAIL\\s.*")
                && out.matches("(?s).*ReopenBenchmark\\.open[^\n]*\\sFULL\\s.*"), "both reopen modes ran: " + out);
        assertTrue(out.contains("peak heap during one verification of "), "verification prints its peak heap: " + out);
        assertTrue(out.contains("copied the ") && out.contains("opened the journal ("), "ingest reopens the copy: " + out);
        assertTrue(out.contains("journaled ") && out.contains(" on top of "), "ingest checks its counters: " + out);
        assertTrue(out.matches("(?s).*IngestGrowthBenchmark\\.record\\s+0\\s.*")
                && out.matches("(?s).*IngestGrowthBenchmark\\.record\\s+20000\\s.*"), "both journal sizes ran: " + out);
    }
}
