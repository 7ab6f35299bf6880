package dev.vouch.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in a child JVM, started as an operator would ({@code main} of {@code mainClass} with the Chronicle flags
 * the build passes to tests), that the test can stop gracefully (SIGTERM) or kill (SIGKILL).
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+) \\(admin (\\S+)\\)");

    final Process process;
    final URI uri;
    final URI admin;
    final Path stderr;

    private ServerProcess(Process process, URI uri, URI admin, Path stderr) {
        this.process = process;
        this.uri = uri;
        this.admin = admin;
        this.stderr = stderr;
    }

    static ServerProcess start(Path workDir, String mainClass, String... args) {
        return start(workDir, List.of(), mainClass, args);
    }

    /** As above, the java command run by {@code prefix} (a wrapper that ends with the command, such as unshare). */
    static ServerProcess start(Path workDir, List<String> prefix, String mainClass, String... args) {
        return startWithHeap(workDir, prefix, "256m", mainClass, args);
    }

    /** As above, with a heap of {@code heap} (for example "48m"). */
    static ServerProcess startWithHeap(Path workDir, List<String> prefix, String heap, String mainClass,
            String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(javaCommand(heap, mainClass, args));
        try {
            Path err = Files.createTempFile(workDir, "server-", ".stderr");
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectError(err.toFile()).start();
            CompletableFuture<String> line = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        if (l.contains("listening on")) {
                            line.complete(l);
                        }
                    }
                } catch (IOException ignored) {
                    // killed
                } finally {
                    line.complete(null);
                }
            }, "server-stdout");
            reader.setDaemon(true);
            reader.start();
            String l = line.get(60, TimeUnit.SECONDS);
            if (l == null) {
                throw new IllegalStateException("the server did not start: " + Files.readString(err));
            }
            Matcher m = LISTENING.matcher(l);
            if (!m.find()) {
                throw new IllegalStateException("unexpected first line: " + l);
            }
            return new ServerProcess(p, URI.create(m.group(1)), URI.create(m.group(2)), err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown hook runs, the journal is left as a crash leaves it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the shutdown hook stops the gateway and seals the journal. Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the server did not stop within 60 s");
        }
        return process.exitValue();
    }

    /** The java command that runs {@code mainClass} with the build's JVM flags for tests and a heap of {@code heap}. */
    static List<String> javaCommand(String heap, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("vouch.test.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Arrays.stream(System.getProperty("vouch.test.jvmflags", "").split(" ")).filter(s -> !s.isBlank()).forEach(cmd::add);
        cmd.addAll(List.of("-Xmx" + heap, "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    String log() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
