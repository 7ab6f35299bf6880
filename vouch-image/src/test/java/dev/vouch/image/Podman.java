package dev.vouch.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code podman} command line for the image tests, with a containers.conf of its own (in the test's temporary
 * directory, through {@code CONTAINERS_CONF}, never {@code /etc}): the {@code runc} runtime, the {@code cgroupfs}
 * cgroup manager and no default ulimits. Podman's built-in default raises the open-files limit to 1048576, which a
 * sandbox whose hard limit is lower refuses ({@code error setting rlimit type 7: operation not permitted}).
 */
final class Podman {
    /** What a command printed and how it ended. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private static final long TIMEOUT_SECONDS = 120;

    private final Path conf;

    private Podman(Path conf) {
        this.conf = conf;
    }

    /** Why no Podman can run the image here. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String why) {
            super(why);
        }
    }

    /**
     * A Podman that can run containers.
     *
     * @throws Unavailable saying why not: not installed, not root (the tests give mounted files to uid 65532), or
     *     {@code podman info} failing
     */
    static Podman find(Path tmp) throws Unavailable, IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new Unavailable("the image run tests give files to uid 65532 and need root; running as " + System.getProperty("user.name"));
        }
        Path conf = tmp.resolve("containers.conf");
        Files.writeString(conf, """
                # Written by the vouch-image tests (see Podman.java); used through CONTAINERS_CONF only.
                [containers]
                default_ulimits = []

                [engine]
                cgroup_manager = "cgroupfs"
                runtime = "runc"
                events_logger = "file"
                """);
        Podman p = new Podman(conf);
        Result version;
        try {
            version = p.exec(List.of("--version"));
        } catch (IOException e) {
            throw new Unavailable("podman is not installed (" + e.getMessage() + "); on Debian: apt-get install podman"
                    + " runc");
        }
        if (!version.ok()) {
            throw new Unavailable("podman --version failed: " + version.output());
        }
        Result info = p.exec(List.of("info", "--format", "{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}}"));
        if (!info.ok()) {
            throw new Unavailable("podman info failed: " + info.output());
        }
        return p;
    }

    /** Runs {@code podman args...}; its output, or an AssertionError with the output if it fails. */
    String run(String... args) throws IOException, InterruptedException {
        Result r = exec(List.of(args));
        if (!r.ok()) {
            throw new AssertionError("podman " + String.join(" ", args) + " failed (exit " + r.exitCode() + "):\n"
                    + r.output());
        }
        return r.output().strip();
    }

    /** Runs {@code podman args...}, standard error merged into the output. */
    Result exec(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CONTAINERS_CONF", conf.toString());
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toByteArray();
            } catch (IOException e) {
                return e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("podman " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
    }

    /** Removes a container, volume or image, whatever state it is in; never fails (used in {@code finally}). */
    void remove(String kind, String name) {
        try {
            List<String> args = switch (kind) {
                case "container" -> List.of("rm", "-f", "-t", "0", name);
                case "volume" -> List.of("volume", "rm", "-f", name);
                default -> List.of("rmi", "-f", name);
            };
            exec(args);
        } catch (IOException | InterruptedException | AssertionError e) {
            System.err.println("could not remove " + kind + " " + name + ": " + e);
        }
    }
}
