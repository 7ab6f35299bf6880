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
 * Benchmarks are too noisy for CI; this only proves the packaged runner works: one short iteration of a
 * baseline and of the whole pipeline (sustained, burst and latency), in a forked JVM that gets the Chronicle
 * flags from {@link BenchMain}.
 */
class BenchmarkSmokeIT {
    @Test
    void packagedBenchmarksRunOneIteration() throws Exception {
        Path jar = Path.of(System.getProperty("vouch.test.builddir"), "benchmarks.jar");
        assertTrue(Files.isRegularFile(jar), "missing " + jar);
        // Another JMH run on the machine holds JMH's lock; a smoke run measures nothing, so it need not wait.
        Process p = new ProcessBuilder(List.of(System.getProperty("vouch.test.java"), "-Djmh.ignoreLock=true",
                "-jar", jar.toString(),
                "BaselineBenchmark.sha256|LeafHashBenchmark|RecordThroughputBenchmark.oneProducer|BurstBenchmark.record"
                        + "|RecordLatencyBenchmark.record$",
                "-p", "payloadBytes=256", "-p", "signing=CHECKPOINT", "-p", "waitMode=BLOCKING",
                "-wi", "0", "-i", "1", "-r", "300ms", "-f", "1")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "benchmarks did not finish");
        assertEquals(0, p.exitValue(), out);
        for (String name : List.of("BaselineBenchmark.sha256", "LeafHashBenchmark.inPlace", "LeafHashBenchmark.gathered",
                "RecordThroughputBenchmark.oneProducer",
                "BurstBenchmark.record", "RecordLatencyBenchmark.record")) {
            assertTrue(out.contains(name), name + " did not run: " + out);
        }
        // Whether the ring stayed below full is a property of the measurement (a cold 300 ms run may fill it), so
        // the smoke run only checks that it is reported.
        assertTrue(out.contains("latency run: ") && out.contains("must be 0 for the 'ring not full' premise"),
                "the latency run reports its premise: " + out);
        assertTrue(out.contains("journaled "), "the pipeline benchmark reports the ledger's counters: " + out);
    }
}
