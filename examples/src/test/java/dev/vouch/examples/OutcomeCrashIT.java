package dev.vouch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard accepts a tool's outcome without waiting for the journal; a crash while the tool runs must still leave
 * the call on record, and the audit tools must say its outcome is missing rather than show nothing. A real JVM is
 * killed by its own tool, then the real CLI reads what it left.
 */
class OutcomeCrashIT {
    @TempDir
    Path tmp;

    @Test
    void shouldShowACallWhoseToolCrashedTheJvmAsOutcomeNotRecorded() throws Exception {
        Result agent = java("dev.vouch.examples.CrashingToolAgent", tmp.toString());
        assertEquals(7, agent.exit, agent.output + agent.errors);
        assertTrue(agent.output.contains("TOOL RUNNING"), agent.output);
        String journal = tmp.resolve("journal").toString();

        Result tasks = java("dev.vouch.cli.VouchCli", "tasks", journal);
        assertEquals(0, tasks.exit, tasks.output + tasks.errors);
        String[] lines = tasks.output.split("\n");
        int write = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("call fs.write")) {
                write = i;
            }
        }
        assertTrue(write >= 0, tasks.output);
        assertTrue(lines[write + 1].contains("decision allow"), tasks.output);
        assertTrue(lines[write + 2].contains("outcome not recorded"), tasks.output);
        assertEquals(1, tasks.output.split("outcome not recorded", -1).length - 1, "fs.read has its result: " + tasks.output);

        Result export = java("dev.vouch.cli.VouchCli", "export", journal);
        assertEquals(0, export.exit, export.output + export.errors);
        assertTrue(export.output.contains("\"name\":\"fs.write\"") && export.output.contains("\"outcome\":\"not_recorded\""),
                export.output);
        assertTrue(export.output.contains("\"outcome\":\"result\""), export.output);

        // The journal itself is whole: not sealed (the writer died), never tampered.
        Result verify = java("dev.vouch.cli.VouchCli", "verify", journal, "--pubkey", pubkey().toString());
        assertEquals(1, verify.exit, verify.output);
        assertTrue(verify.output.contains("INCOMPLETE"), verify.output);
    }

    private Path pubkey() throws Exception {
        Path pem = tmp.resolve("vouch.pub");
        Result r = java("dev.vouch.cli.VouchCli", "pubkey", "--key", tmp.resolve(".vouch_key").toString());
        assertEquals(0, r.exit, r.output + r.errors);
        java.nio.file.Files.writeString(pem, r.output, StandardCharsets.UTF_8);
        return pem;
    }

    /** What a child wrote to standard output, and (apart) to standard error. */
    private record Result(int exit, String output, String errors) {
    }

    private static Result java(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("vouch.test.java"));
        command.addAll(Arrays.asList(System.getProperty("vouch.test.jvmflags").trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(Arrays.asList(args));
        java.io.File errors = java.io.File.createTempFile("vouch-child", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(errors).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), mainClass + " did not finish");
            return new Result(p.exitValue(), output, java.nio.file.Files.readString(errors.toPath()));
        } finally {
            errors.delete();
        }
    }
}
