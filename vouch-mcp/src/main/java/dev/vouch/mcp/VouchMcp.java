package dev.vouch.mcp;

import dev.vouch.guard.Guard;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncListFilter;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpSyncListFilter;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * Puts Vouch's guard in front of the tools of the official MCP Java SDK. The SDK has no interceptor for
 * {@code tools/call}, so this decorates the places a call passes through:
 *
 * <ul>
 *   <li><b>server</b>: every tool specification given to {@code McpServer.sync(...)}/{@code async(...)}
 *       ({@link #guard(McpServerFeatures.SyncToolSpecification)} and its async and stateless forms), and the
 *       {@code tools/list} filter that hides the tools the policy always blocks ({@link #toolFilter()});</li>
 *   <li><b>client</b>: {@code callTool} of an {@code McpSyncClient} / {@code McpAsyncClient}
 *       ({@link #client(McpSyncClient)}, {@link #client(McpAsyncClient)}).</li>
 * </ul>
 *
 * <pre>{@code
 * VouchMcp vouch = VouchMcp.builder(guard)
 *         .hideAlwaysBlocked(policy::alwaysBlocks)
 *         .principal(ctx -> (String) ctx.get("user"))     // what your McpTransportContextExtractor put there
 *         .build();
 * McpSyncServer server = McpServer.sync(transport)
 *         .tools(vouch.guard(moveFile), vouch.guard(readFile))
 *         .addToolFilter(vouch.toolFilter())
 *         .build();
 * }</pre>
 *
 * <p>Every call is judged and recorded by the guard: TOOL_CALL (the tool's name, its arguments as JSON, the
 * principal), the decision, an approval if stalled, then TOOL_RESULT with the {@code CallToolResult} as JSON written
 * by the SDK's mapper, or TOOL_ERROR. A result with {@code isError: true} is recorded as TOOL_ERROR (its message is
 * the result's JSON) and returned unchanged. A call the guard did not let run returns an {@code isError: true}
 * result whose text names the rule, the reason and the call's sequence number, so the model can recover; its
 * {@code _meta} has {@code dev.vouch/call_sequence} and {@code dev.vouch/outcome}. A tool's own exception is
 * recorded and propagates as the SDK would have it.
 *
 * <p>What is not recorded: the JSON-RPC request id. The SDK hands a server's tool handler the exchange and the
 * request's params, not the JSON-RPC message, and a client sends the request (and makes its id) only after the
 * guard recorded the call; so the TOOL_CALL's tool-call id is empty, unless a client caller gives one
 * ({@link GuardedMcpClient#callTool(io.modelcontextprotocol.spec.McpSchema.CallToolRequest, String)}, e.g. the
 * model's tool-call id). The request's {@code _meta.progressToken} is not an id and is not used as one.
 *
 * <p>Immutable and thread-safe; one instance serves any number of servers and clients.
 */
public final class VouchMcp {
    private final Guard guard;
    private final GuardedCalls calls;
    private final Predicate<String> alwaysBlocked;
    private final Function<McpTransportContext, String> principal;

    private VouchMcp(Builder b, McpJsonMapper mapper) {
        this.guard = b.guard;
        this.alwaysBlocked = b.alwaysBlocked;
        this.principal = b.principal;
        this.calls = new GuardedCalls(b.guard, b.stallMode, mapper, b.toolPrefix);
    }

    /** Starts configuring the MCP hooks of {@code guard}. */
    public static Builder builder(Guard guard) {
        return new Builder(guard);
    }

    /** The guard every call goes through: answer deferred calls at {@code guard().pendingApprovals()}. */
    public Guard guard() {
        return guard;
    }

    // ---------------------------------------------------------------- server: classic McpServer.sync / async

    /**
     * The same tool, its handler guarded: for {@code McpServer.sync(...).tools(...)}. The handler runs only if the
     * policy lets the call through; the principal comes from the exchange's transport context
     * ({@link Builder#principal}). With {@link StallMode#WAIT} a stalled call holds the handler's thread (the SDK
     * runs sync handlers on Reactor's bounded-elastic pool unless {@code immediateExecution(true)}).
     */
    public McpServerFeatures.SyncToolSpecification guard(McpServerFeatures.SyncToolSpecification spec) {
        Objects.requireNonNull(spec, "spec");
        var handler = spec.callHandler();
        return new McpServerFeatures.SyncToolSpecification(spec.tool(), (exchange, request) -> calls.call(request,
                origin(exchange.transportContext(), exchange.sessionId()), () -> handler.apply(exchange, request)));
    }

    /**
     * The same tool, its handler guarded: for {@code McpServer.async(...).tools(...)}. The call is judged when the
     * returned {@code Mono} is subscribed; a stalled call waits for its approval without holding a thread, and a
     * cancelled subscription cancels the call (one waiting for approval is refused on record and never runs).
     */
    public McpServerFeatures.AsyncToolSpecification guard(McpServerFeatures.AsyncToolSpecification spec) {
        Objects.requireNonNull(spec, "spec");
        var handler = spec.callHandler();
        return new McpServerFeatures.AsyncToolSpecification(spec.tool(), (exchange, request) -> calls.callAsync(request,
                origin(exchange.transportContext(), exchange.sessionId()), () -> handler.apply(exchange, request)));
    }

    /** As {@link #guard(McpServerFeatures.SyncToolSpecification)}, for a stateless server. */
    public McpStatelessServerFeatures.SyncToolSpecification guard(McpStatelessServerFeatures.SyncToolSpecification spec) {
        Objects.requireNonNull(spec, "spec");
        var handler = spec.callHandler();
        return new McpStatelessServerFeatures.SyncToolSpecification(spec.tool(), (context, request) -> calls.call(request,
                origin(context, null), () -> handler.apply(context, request)));
    }

    /** As {@link #guard(McpServerFeatures.AsyncToolSpecification)}, for a stateless server. */
    public McpStatelessServerFeatures.AsyncToolSpecification guard(McpStatelessServerFeatures.AsyncToolSpecification spec) {
        Objects.requireNonNull(spec, "spec");
        var handler = spec.callHandler();
        return new McpStatelessServerFeatures.AsyncToolSpecification(spec.tool(), (context, request) ->
                calls.callAsync(request, origin(context, null), () -> handler.apply(context, request)));
    }

    /**
     * The {@code tools/list} filter for a sync server ({@code addToolFilter}): hides the tools the policy blocks
     * whatever their arguments ({@link Builder#hideAlwaysBlocked}); shows every tool if that is not set. Hiding
     * only keeps the model from trying: a hidden tool called by name is still judged, blocked and recorded.
     */
    public McpSyncListFilter<Tool> toolFilter() {
        return (context, tool) -> !alwaysBlocked.test(calls.recordedName(tool.name()));
    }

    /** As {@link #toolFilter()}, for an async server. */
    public McpAsyncListFilter<Tool> asyncToolFilter() {
        McpSyncListFilter<Tool> filter = toolFilter();
        return (context, tool) -> Mono.fromSupplier(() -> filter.isVisible(context, tool));
    }

    // ---------------------------------------------------------------- client

    /** {@code client}'s {@code callTool} guarded; everything else through {@link GuardedMcpClient#delegate()}. */
    public GuardedMcpClient client(McpSyncClient client) {
        return new GuardedMcpClient(client, calls, alwaysBlocked);
    }

    /** As {@link #client(McpSyncClient)}, for an async client. */
    public GuardedMcpAsyncClient client(McpAsyncClient client) {
        return new GuardedMcpAsyncClient(client, calls, alwaysBlocked);
    }

    private GuardedCalls.Origin origin(McpTransportContext context, String sessionId) {
        return new GuardedCalls.Origin(null, principal.apply(context == null ? McpTransportContext.EMPTY : context),
                sessionId);
    }

    /** The settings of a {@link VouchMcp}; {@link #build()} checks them. */
    public static final class Builder {
        private final Guard guard;
        private StallMode stallMode = StallMode.WAIT;
        private Predicate<String> alwaysBlocked = tool -> false;
        private Function<McpTransportContext, String> principal = context -> null;
        private McpJsonMapper jsonMapper;
        private String toolPrefix = "";

        private Builder(Guard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
        }

        /** What a stalled call does: wait for the approver (the default) or return "awaiting approval" at once. */
        public Builder stallMode(StallMode mode) {
            this.stallMode = Objects.requireNonNull(mode, "stallMode");
            return this;
        }

        /**
         * Which tools {@code tools/list} hides (server) and {@code listTools} leaves out (client): those for which
         * {@code alwaysBlocked} holds, given the name the guard records ({@link #toolPrefix}). Use the policy's own
         * answer, {@code policy::alwaysBlocks} (with a watcher: {@code t -> watcher.current().alwaysBlocks(t)}), so
         * a tool blocked only for some arguments stays listed. Default: every tool is listed.
         */
        public Builder hideAlwaysBlocked(Predicate<String> alwaysBlocked) {
            this.alwaysBlocked = Objects.requireNonNull(alwaysBlocked, "alwaysBlocked");
            return this;
        }

        /**
         * The principal a server's call is made for, read from the request's transport context (what the server's
         * {@code McpTransportContextExtractor} put there, e.g. the authenticated user of an HTTP request); null for
         * none, then the guard's own principal ({@code GuardBuilder.principal}) is recorded. Default: none. Clients
         * record the guard's principal.
         */
        public Builder principal(Function<McpTransportContext, String> principal) {
            this.principal = Objects.requireNonNull(principal, "principal");
            return this;
        }

        /**
         * The mapper that writes arguments and results into the journal: the one your server or client uses.
         * Default: {@code McpJsonDefaults.getMapper()} (the SDK's JSON module on the class path).
         */
        public Builder jsonMapper(McpJsonMapper mapper) {
            this.jsonMapper = Objects.requireNonNull(mapper, "jsonMapper");
            return this;
        }

        /**
         * Put before each tool's name in what the guard judges and records, e.g. {@code "filesystem."} for a client
         * of several servers, so the policy can tell {@code filesystem.write_file} from another server's
         * {@code write_file}. Default: none.
         */
        public Builder toolPrefix(String prefix) {
            this.toolPrefix = Objects.requireNonNull(prefix, "toolPrefix");
            return this;
        }

        /**
         * @throws IllegalStateException if no JSON mapper was set and the SDK finds no JSON module
         *     ({@code mcp-json-jackson2} or {@code mcp-json-jackson3}) on the class path
         */
        public VouchMcp build() {
            McpJsonMapper mapper = jsonMapper;
            if (mapper == null) {
                try {
                    mapper = McpJsonDefaults.getMapper();
                } catch (RuntimeException e) {
                    throw new IllegalStateException("jsonMapper: none set and the MCP SDK found no JSON module; add"
                            + " io.modelcontextprotocol.sdk:mcp-json-jackson2 (or -jackson3) or set jsonMapper(...)", e);
                }
            }
            return new VouchMcp(this, mapper);
        }
    }
}
