package dev.vouch.mcpproxy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP server as a child process, spoken to over its stdin and stdout (newline-delimited JSON-RPC, the MCP stdio
 * transport). One thread reads its stdout in order; writes to its stdin are serialized per message. Its stderr is
 * the proxy's stderr (or a stream the embedder gives). When the client goes, the server's stdin is closed and it gets
 * the shutdown timeout to exit before SIGTERM, then SIGKILL, as the MCP specification's lifecycle says.
 */
final class StdioUpstream implements Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(StdioUpstream.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);

    private final List<String> command;
    private final OutputStream stderr;
    private final int maxMessageBytes;
    private final Duration shutdownTimeout;
    private volatile Process process;
    private volatile LineWriter toServer;
    private volatile Listener listener;

    StdioUpstream(List<String> command, OutputStream stderr, int maxMessageBytes, Duration shutdownTimeout) {
        this.command = command;
        this.stderr = stderr;
        this.maxMessageBytes = maxMessageBytes;
        this.shutdownTimeout = shutdownTimeout;
    }

    @Override
    public void start(Listener l) throws IOException {
        this.listener = l;
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(stderr == null ? Redirect.INHERIT : Redirect.PIPE);
        Process p = pb.start();
        process = p;
        toServer = new LineWriter(new BufferedOutputStream(p.getOutputStream(), 64 * 1024), "MCP server", () -> { });
        Relay.daemon("vouch-mcp-proxy-server-" + p.pid(), this::readServer).start();
        if (stderr != null) {
            Relay.daemon("vouch-mcp-proxy-server-stderr-" + p.pid(), () -> copy(p.getErrorStream(), stderr)).start();
        }
        LOG.debug("started MCP server {} (pid {})", command, p.pid());
    }

    private void readServer() {
        Process p = process;
        LineReader lines = new LineReader(p.getInputStream(), maxMessageBytes);
        try {
            for (byte[] line; (line = lines.next()) != null; ) {
                if (line == LineReader.TOO_LONG) {
                    dropped(lines.tooLongLine());
                } else if (!Relay.blank(line)) {
                    listener.onServerMessage(line);
                }
            }
        } catch (IOException e) {
            LOG.debug("reading the MCP server's output failed: {}", e.toString());
        }
        int status = awaitExit(p);
        listener.onUpstreamClosed(status, "the MCP server exited (status " + status + ")");
    }

    /**
     * A message over the limit is dropped, but the request it answers must not wait forever: its id is found in a
     * scan of the message as it streams past (not held), and the request gets an error instead.
     */
    private void dropped(InputStream message) {
        List<String> ids = Json.responseIds(message);
        if (ids.isEmpty()) {
            LOG.error("the MCP server sent a message over {} bytes; it was dropped (it answered no request it named"
                    + " by id, so no request was answered in its place)", maxMessageBytes);
        }
        for (String id : ids) {
            listener.onAnswerDropped(id, null, "the MCP server's answer was over the proxy's limit of "
                    + maxMessageBytes + " bytes (maxMessageBytes), so it was dropped");
        }
    }

    /** Its stdout ended: it exits now, or is made to. */
    private int awaitExit(Process p) {
        try {
            if (!p.waitFor(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the MCP server closed its output but did not exit in {}; terminating it", shutdownTimeout);
                terminate(p);
            }
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }

    @Override
    public void send(Outgoing message) {
        LineWriter w = toServer;
        if (w == null || !w.write(message.bytes())) {
            listener.onNotSent(message, "the MCP server no longer reads its input (it exited or is exiting)");
        }
    }

    @Override
    public void clientClosed() {
        Process p = process;
        LineWriter w = toServer;
        if (p == null || w == null) {
            return;
        }
        w.close();
        Relay.daemon("vouch-mcp-proxy-shutdown-" + p.pid(), () -> {
            try {
                if (!p.waitFor(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.info("the MCP server did not exit within {} of its input closing; terminating it",
                            shutdownTimeout);
                    terminate(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).start();
    }

    /** SIGTERM to the server and what it started, then SIGKILL if it is still there. */
    private static void terminate(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public void close() {
        Process p = process;
        LineWriter w = toServer;
        if (w != null) {
            w.close();
        }
        if (p != null && p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public String sessionId() {
        return null;
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buf = new byte[8192];
        try (from) {
            for (int n; (n = from.read(buf)) >= 0; ) {
                synchronized (to) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            }
        } catch (IOException e) {
            LOG.debug("copying the MCP server's stderr ended: {}", e.toString());
        }
    }
}
