package dev.vouch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves the packaged runner runs the Log4j2 baseline and the policy benchmark: one short iteration each, in
 * forked JVMs, with small parameters. It measures nothing, so it ignores JMH's machine-wide lock rather than
 * fail while a real benchmark run holds it.
 */
class Log4jAndPolicySmokeIT {
    @Test
    void packagedLog4jAndPolicyBenchmarksRunOneIteration() throws Exception {
        Path build = Path.of(System.getProperty("vouch.test.builddir"));
        Path jar = build.resolve("benchmarks.jar");
        assertTrue(Files.isRegularFile(jar), "missing " + jar);
        Path log = build.resolve("log4j-policy-smoke.txt");
        Path json = build.resolve("log4j-policy-smoke.json");
        Files.deleteIfExists(json);
        Process p = new ProcessBuilder(List.of(System.getProperty("vouch.test.java"), "-Djmh.ignoreLock=true",
                "-jar", jar.toString(), "Log4jBaselineBenchmark.twoThreads|PolicyEvaluationBenchmark.evaluate",
                "-p", "payloadBytes=64", "-p", "matchAt=last", "-wi", "0", "-i", "1", "-r", "300ms", "-f", "1",
                "-rf", "json", "-rff", json.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("benchmarks did not finish in 2 minutes: " + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Log4jBaselineBenchmark.twoThreads") && out.contains("PolicyEvaluationBenchmark.evaluate"),
                out);
        // The trial's own reports: the loss count after Log4j2 stopped, and the policy's deciding rule.
        assertTrue(out.contains("log4j2 async: logged "), out);
        assertTrue(out.contains("policy: 100 rules") && out.contains("by rule 100 (large-refund)"), out);
        String results = Files.readString(json);
        assertTrue(results.contains("\"lostEvents\"") && results.contains("\"lostPercent\""),
                "the loss is a secondary metric in JMH's JSON: " + results);
    }
}
