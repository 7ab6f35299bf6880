package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real "everything" server from npm serving Streamable HTTP ({@code mcp-server-everything streamableHttp}) on a
 * free local port, for as long as the test needs it.
 */
final class HttpServerProcess implements AutoCloseable {
    final Process process;
    final URI endpoint;

    HttpServerProcess() {
        this(Map.of());
    }

    /** With these variables added to the server's environment. */
    HttpServerProcess(Map<String, String> env) {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CountDownLatch listening = new CountDownLatch(1);
        try {
            ProcessBuilder pb = new ProcessBuilder(McpTestServers.server("mcp-server-everything", "streamableHttp"));
            pb.environment().putAll(env);
            pb.environment().put("PORT", String.valueOf(port));
            pb.redirectErrorStream(true);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.contains("listening on port")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                // the server stopped
            }
        }, "everything-http-output");
        t.setDaemon(true);
        t.start();
        try {
            if (!listening.await(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the everything server did not start listening on port " + port + " in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        endpoint = URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
