package dev.vouch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chronicle Queue phones home unless stopped, and mutes itself when JUnit is on its class path, so this runs
 * the packaged demo jar in a child JVM. Every proxy setting points at a local listener that counts connection
 * attempts; under strace (when installed) every connect and sendto system call is checked as well.
 */
class NoPhoneHomeIT {
    @TempDir
    Path tmp;

    @Test
    void packagedDemoMakesNoOutboundConnectionAndWritesNoAnalyticsFile() throws Exception {
        Path jar = Path.of(System.getProperty("vouch.test.builddir"), "vouch-demo.jar");
        assertTrue(Files.isRegularFile(jar), "the packaged demo is missing: " + jar);
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path trace = tmp.resolve("strace.txt");
        boolean strace = onPath("strace");

        try (ServerSocket trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger attempts = new AtomicInteger();
            Thread acceptor = new Thread(() -> countConnections(trap, attempts), "proxy-trap");
            acceptor.setDaemon(true);
            acceptor.start();
            String port = Integer.toString(trap.getLocalPort());

            List<String> command = new ArrayList<>();
            if (strace) {
                command.addAll(List.of("strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", trace.toString()));
            }
            command.add(System.getProperty("vouch.test.java"));
            command.addAll(Arrays.asList(System.getProperty("vouch.test.jvmflags").trim().split("\\s+")));
            command.addAll(List.of("-Duser.home=" + home,
                    "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=" + port,
                    "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + port,
                    "-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=" + port,
                    "-jar", jar.toString(), tmp.resolve("demo").toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("HOME", home.toString());
            Process child = pb.start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(2, TimeUnit.MINUTES), "demo did not finish");

            assertEquals(0, child.exitValue(), output);
            assertTrue(output.contains("verdict      INTACT"), output);
            assertTrue(output.contains("card number  not in the journal files"), output);
            assertTrue(output.contains("ticket 5's refund of 2400.00 was refused and never ran"), output);
            assertEquals(0, attempts.get(), "connection attempts reached the proxy trap");
        }
        List<Path> analytics = findAnalyticsFiles(home);
        assertTrue(analytics.isEmpty(), "analytics files written: " + analytics);
        assertFalse(Files.exists(Path.of(System.getProperty("user.home"), ".chronicle.analytics.client.id")),
                "an analytics file exists in the real home directory");
        if (strace) {
            List<String> network = Files.readAllLines(trace).stream()
                    .filter(line -> line.contains("AF_INET") || line.contains("AF_INET6"))
                    .collect(Collectors.toList());
            assertTrue(network.isEmpty(), "network system calls: " + network);
        }
    }

    private static void countConnections(ServerSocket trap, AtomicInteger attempts) {
        while (!trap.isClosed()) {
            try (Socket ignored = trap.accept()) {
                attempts.incrementAndGet();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static List<Path> findAnalyticsFiles(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(p -> p.getFileName().toString().contains("analytics")).collect(Collectors.toList());
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    static {
        // Fail loudly rather than pass vacuously if the build forgot to pass what the test needs.
        for (String key : List.of("vouch.test.builddir", "vouch.test.java", "vouch.test.jvmflags")) {
            if (System.getProperty(key) == null) {
                throw new UncheckedIOException(new IOException("system property " + key + " is not set"));
            }
        }
    }
}
