package dev.vouch.ledger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link CrashChild} (or another main class), started with the java executable and Chronicle flags that the
 * build passes to tests ({@code vouch.test.java}, {@code vouch.test.jvmflags}) and this JVM's class path.
 * Its stdout lines are collected as they come; stderr goes to a file.
 */
final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;
    private final Path stderr;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    all.add(line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The child was killed mid-line.
            } finally {
                lines.add(EOF);
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJvm start(Path workDir, String... args) {
        return start(workDir, List.of(), CrashChild.class, args);
    }

    /** Runs {@code main} instead, and the java command behind {@code prefix} (a wrapper such as unshare). */
    static ChildJvm start(Path workDir, List<String> prefix, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        String java = System.getProperty("vouch.test.java");
        String flags = System.getProperty("vouch.test.jvmflags");
        if (java == null || flags == null) {
            // Not run by the build (an IDE, say): reuse this JVM's own executable and flags.
            java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add(java);
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("--enable-native")
                            || a.startsWith("--sun-misc"))
                    .toList());
        } else {
            cmd.add(java);
            Arrays.stream(flags.split(" ")).filter(s -> !s.isBlank()).forEach(cmd::add);
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile(workDir, "child-", ".stderr");
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            return new ChildJvm(p, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** Waits for a stdout line equal to {@code expected}; fails with the child's stderr if it exits first. */
    void awaitLine(String expected, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("child printed no " + expected + " within " + timeout + " " + unit + "; stderr:\n" + stderrText());
            }
            if (line.equals(EOF)) {
                throw new AssertionError("child exited (" + waitFor() + ") before printing " + expected + "; stderr:\n" + stderrText());
            }
            if (line.equals(expected)) {
                return;
            }
        }
    }

    /** Sends SIGKILL (on Linux, {@code destroyForcibly}) and waits for the process and its output to end. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return waitFor();
    }

    /** Sends SIGTERM (on Linux, {@code destroy}): shutdown hooks run. Waits for the exit. */
    int terminate() throws InterruptedException {
        process.destroy();
        return waitFor();
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not exit within 60 s");
        }
        reader.join(10_000);
        return process.exitValue();
    }

    /** Every complete stdout line so far. */
    List<String> lines() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** The numbers printed after {@code prefix} ("DURABLE ", "SEALED "). */
    List<Long> numbers(String prefix) {
        List<Long> out = new ArrayList<>();
        for (String l : lines()) {
            if (l.startsWith(prefix)) {
                out.add(Long.parseLong(l.substring(prefix.length()).trim()));
            }
        }
        return out;
    }

    String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
