package dev.vouch.mcpproxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.Guard;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An MCP proxy with Vouch's guard in it: an MCP client (an agent's MCP configuration) speaks to it over stdio as to
 * any MCP server, and it relays every JSON-RPC message to the real server, a child process ({@link Builder#stdio}) or
 * a Streamable HTTP endpoint ({@link Builder#upstream}), and back. Every {@code tools/call} goes through the guard:
 * recorded write-ahead and judged by the policy before the server sees it; blocked and refused calls get an MCP
 * result with {@code isError: true}, the policy's reason and the record's sequence number, and never reach the server;
 * stalled calls wait for approval ({@link StallMode}); the result is recorded before the client gets it. Everything
 * else passes through unchanged, byte for byte, in order, ids preserved.
 *
 * <pre>{@code
 * McpProxy proxy = McpProxy.builder(guard)
 *         .stdio(List.of("npx", "-y", "@modelcontextprotocol/server-filesystem", "/srv/files"))
 *         .hideBlockedTools(true)
 *         .build();
 * int status = proxy.run(System.in, System.out);   // the server's exit status
 * }</pre>
 *
 * <p>Approvals are the guard's: whatever {@code ApprovalHandler} it was built with answers stalled calls (a
 * {@code ProgrammaticApprovals} behind an HTTP endpoint, {@code ConsoleApprovals} on a terminal), and in
 * {@link StallMode#PENDING} its {@code pendingApprovals()} too. Give the guard an {@code asyncExecutor} of its own:
 * approved calls are forwarded and refusals answered on it.
 *
 * <p>Immutable and thread-safe; one proxy can run many sessions at once ({@link #start}), each with its own server
 * process or HTTP session, all recording through the one guard.
 */
public final class McpProxy {
    /** The approver named when the proxy itself refuses a call taken back after a restart that nothing can reach. */
    static final String APPROVER = "vouch-mcp-proxy";

    private final Guard guard;
    private final List<String> command;
    private final URI upstream;
    private final Map<String, String> headers;
    private final OutputStream serverStderr;
    private final StallMode stallMode;
    private final boolean hideBlockedTools;
    private final String toolPrefix;
    private final int maxMessageBytes;
    private final Duration shutdownTimeout;
    private final ExecutorService readers;
    private final HttpClient http;

    private McpProxy(Builder b) {
        this.guard = b.guard;
        this.command = b.command == null ? null : List.copyOf(b.command);
        this.upstream = b.upstream;
        this.headers = Map.copyOf(b.headers);
        this.serverStderr = b.serverStderr;
        this.stallMode = b.stallMode;
        this.hideBlockedTools = b.hideBlockedTools;
        this.toolPrefix = b.toolPrefix;
        this.maxMessageBytes = b.maxMessageBytes;
        this.shutdownTimeout = b.shutdownTimeout;
        if (stallMode == StallMode.PENDING) {
            // Calls a previous run left waiting (GuardBuilder.recoverPending): a repeat finds them as it would have
            // before the restart (PendingApprovals.repeatOf), by the arguments as stored. Where something was
            // redacted no repeat can reach the call, and nothing else can run it here: it is refused on record,
            // rather than left for an approver whose "yes" would reach nothing (an outside trial approved such a
            // call, which then read "may have run").
            for (ApprovalRequest r : guard.pendingApprovals().list()) {
                JsonNode arguments = r.storedParams().isEmpty() ? null : Json.tree(r.storedParams());
                if (!r.paramsStoredExactly() || (arguments == null && !r.storedParams().isEmpty())) {
                    guard.pendingApprovals().refuse(r.callSequence(), APPROVER, "taken back after the proxy restarted,"
                            + " but its arguments are on record only redacted, so a client's repeat cannot be matched"
                            + " to it; a repeat is judged as a new call");
                }
            }
        } else {
            // WAIT mode: a call a previous run left waiting was waited for by a request that died with that run; no
            // client will hear an answer, so nobody is asked, and the journal says why it never ran.
            for (ApprovalRequest r : guard.pendingApprovals().list()) {
                guard.pendingApprovals().refuse(r.callSequence(), APPROVER, "taken back after the proxy restarted;"
                        + " the client's request ended with the previous run (stall mode wait), so no answer can reach"
                        + " it");
            }
        }
        if (upstream == null) {
            this.readers = null;
            this.http = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.readers = Executors.newCachedThreadPool(r -> Relay.daemon("vouch-mcp-proxy-http-" + n.incrementAndGet(), r));
            this.http = HttpClient.newBuilder()
                    .version("https".equals(upstream.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .executor(readers)
                    .build();
        }
    }

    /** Starts configuring a proxy whose tool calls go through {@code guard}. */
    public static Builder builder(Guard guard) {
        return new Builder(guard);
    }

    /**
     * Starts a session: starts the server (or prepares the HTTP session) and relays between it and the client on
     * daemon threads; returns at once. The client's messages are read from {@code fromClient}, one per line; the
     * proxy writes only JSON-RPC messages to {@code toClient}, one per line, and closes it when the session ends.
     *
     * @throws java.io.UncheckedIOException if the server command cannot be started
     */
    public Session start(InputStream fromClient, OutputStream toClient) {
        Objects.requireNonNull(fromClient, "fromClient");
        Objects.requireNonNull(toClient, "toClient");
        Upstream up = command != null
                ? new StdioUpstream(command, serverStderr, maxMessageBytes, shutdownTimeout)
                : new HttpUpstream(http, upstream, headers, readers, maxMessageBytes);
        Relay relay = new Relay(this, up, fromClient, toClient);
        relay.start();
        return relay;
    }

    /** {@link #start} and {@link Session#awaitExit()}: relays until the session ends, and returns its exit status. */
    public int run(InputStream fromClient, OutputStream toClient) throws InterruptedException {
        try (Session session = start(fromClient, toClient)) {
            return session.awaitExit();
        }
    }

    Guard guard() {
        return guard;
    }

    StallMode stallMode() {
        return stallMode;
    }

    boolean hideBlockedTools() {
        return hideBlockedTools;
    }

    String toolPrefix() {
        return toolPrefix;
    }

    int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Ends on record the calls a previous run forwarded (or was about to) and never saw answered: taken back by
     * {@code GuardBuilder.recoverUnfinished}, each gets a TOOL_ERROR saying the server may have run it. Before, a kill
     * -9 left such a call "outcome not recorded" for good.
     */
    static void endUnfinished(Guard guard, java.util.List<ApprovalRequest> unfinished) {
        for (ApprovalRequest r : unfinished) {
            try {
                guard.resume(r.callSequence(), () -> {
                    throw UpstreamException.gone("the proxy stopped before an outcome was recorded (found at the next"
                            + " start); if the call was forwarded, the server may have run it");
                });
            } catch (UpstreamException recorded) {
                // the guard recorded it as the call's TOOL_ERROR
            }
        }
    }

    /** One running proxy session: one client, one server. */
    public interface Session extends AutoCloseable {
        /**
         * Waits until the session ends and returns its exit status: the server process's exit status (stdio; 137
         * after {@link #close()} killed it), 0 when an HTTP session ended, -1 if the upstream did not report its end
         * within five seconds of {@link #close()}.
         */
        int awaitExit() throws InterruptedException;

        /** As {@link #awaitExit()}, waiting at most {@code timeout}; empty if the session still runs. */
        OptionalInt awaitExit(Duration timeout) throws InterruptedException;

        /**
         * Ends the session now: requests in flight get a JSON-RPC error ("the proxy was stopped") and forwarded tool
         * calls a TOOL_ERROR record, then the server process is killed (or the HTTP session deleted). When it returns,
         * the guard's ledger may be closed. Idempotent.
         */
        @Override
        void close();
    }

    /** Configures an {@link McpProxy}; {@link #build()} checks every setting. Not thread-safe. */
    public static final class Builder {
        static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;
        private static final int MIN_MESSAGE_BYTES = 1024;
        private static final Duration MAX_SHUTDOWN_TIMEOUT = Duration.ofMinutes(10);
        /** Headers the JDK's HTTP client sets itself, or that the proxy sets per session. */
        private static final Set<String> RESERVED_HEADERS = Set.of("connection", "content-length", "expect", "host",
                "upgrade", "content-type", "accept", "mcp-session-id", "mcp-protocol-version", "last-event-id");

        private final Guard guard;
        private List<String> command;
        private URI upstream;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private OutputStream serverStderr;
        private StallMode stallMode = StallMode.WAIT;
        private boolean hideBlockedTools;
        private String toolPrefix = "";
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private Duration shutdownTimeout = Duration.ofSeconds(5);

        private Builder(Guard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
        }

        /**
         * The MCP server is this command, started as a child process for each session and spoken to over its stdin and
         * stdout. Its environment and working directory are the proxy's.
         */
        public Builder stdio(List<String> command) {
            this.command = command == null ? null : new ArrayList<>(command);
            return this;
        }

        /** As {@link #stdio(List)}. */
        public Builder stdio(String... command) {
            return stdio(List.of(command));
        }

        /** The MCP server is this Streamable HTTP endpoint ({@code http} or {@code https}), one MCP session per session. */
        public Builder upstream(URI endpoint) {
            this.upstream = endpoint;
            return this;
        }

        /** A header sent with every request to the HTTP upstream, e.g. {@code Authorization}. */
        public Builder upstreamHeader(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isBlank() || RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("upstream header \"" + name + "\" cannot be set: the proxy sets it"
                        + " (reserved: " + RESERVED_HEADERS + ")");
            }
            headers.put(name, value);
            return this;
        }

        /** Where the server process's stderr goes; default (null): the proxy's own stderr, inherited. */
        public Builder serverStderr(OutputStream stderr) {
            this.serverStderr = stderr;
            return this;
        }

        /** What a stalled call does. Default {@link StallMode#WAIT}. */
        public Builder stallMode(StallMode mode) {
            this.stallMode = Objects.requireNonNull(mode, "stallMode");
            return this;
        }

        /**
         * Whether {@code tools/list} leaves out the tools the policy blocks whatever their arguments
         * ({@code Guard.alwaysBlocks}). Default false. A hidden tool called by name is still judged and recorded.
         */
        public Builder hideBlockedTools(boolean hide) {
            this.hideBlockedTools = hide;
            return this;
        }

        /**
         * Put before each tool's name in what the policy judges and the journal records, e.g. {@code filesystem.}
         * when one policy covers several servers. Default none. The server always gets the name the client sent.
         */
        public Builder toolPrefix(String prefix) {
            this.toolPrefix = Objects.requireNonNull(prefix, "toolPrefix");
            return this;
        }

        /**
         * The largest message accepted either way, in bytes; a larger one is dropped (from the client: with a JSON-RPC
         * error). Default 64 MiB; at least 1 KiB.
         */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * How long a stdio server gets to exit once its input is closed (the client went, or it closed its output)
         * before it is sent SIGTERM, and SIGKILL two seconds later. Default 5 s; at most 10 minutes.
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "shutdownTimeout");
            return this;
        }

        /**
         * Checks the settings and returns the proxy.
         *
         * @throws IllegalStateException    if neither or both of {@link #stdio} and {@link #upstream} are set
         * @throws IllegalArgumentException if a setting is out of range
         */
        public McpProxy build() {
            if ((command == null) == (upstream == null)) {
                throw new IllegalStateException(command == null
                        ? "no MCP server: set stdio(command) for a server process or upstream(uri) for a Streamable HTTP one"
                        : "both stdio(" + command + ") and upstream(" + upstream + ") are set; a proxy has one server");
            }
            if (command != null) {
                if (command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
                    throw new IllegalArgumentException("stdio command is empty; expected the server's command and its"
                            + " arguments, e.g. [\"npx\", \"-y\", \"@modelcontextprotocol/server-filesystem\", \"/srv\"]");
                }
                if (command.contains(null)) {
                    throw new IllegalArgumentException("stdio command " + command + " contains null");
                }
                if (!headers.isEmpty()) {
                    throw new IllegalArgumentException("upstream headers " + headers.keySet()
                            + " are for an HTTP upstream; this proxy runs a stdio server");
                }
            } else {
                String scheme = upstream.getScheme();
                if (!"http".equals(scheme) && !"https".equals(scheme) || upstream.getHost() == null) {
                    throw new IllegalArgumentException("upstream " + upstream
                            + " is not an http:// or https:// URL of a Streamable HTTP MCP endpoint");
                }
            }
            if (TextLimit.utf8Bytes(toolPrefix) >= TextLimit.MAX_BYTES) {
                throw new IllegalArgumentException("toolPrefix is " + TextLimit.utf8Bytes(toolPrefix) + " bytes in"
                        + " UTF-8; with a tool's name it is recorded as one text field of at most " + TextLimit.MAX_BYTES);
            }
            if (maxMessageBytes < MIN_MESSAGE_BYTES) {
                throw new IllegalArgumentException("maxMessageBytes is " + maxMessageBytes + "; at least "
                        + MIN_MESSAGE_BYTES);
            }
            if (shutdownTimeout.isNegative() || shutdownTimeout.isZero() || shutdownTimeout.compareTo(MAX_SHUTDOWN_TIMEOUT) > 0) {
                throw new IllegalArgumentException("shutdownTimeout is " + shutdownTimeout
                        + "; expected more than zero and at most " + MAX_SHUTDOWN_TIMEOUT);
            }
            return new McpProxy(this);
        }
    }
}
