package dev.vouch.mcp;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An {@link McpSyncClient} whose tool calls go through Vouch's guard: a blocked call never reaches the server. Made
 * by {@link VouchMcp#client(McpSyncClient)}. Only the tool methods are here; everything else (resources, prompts,
 * ping, ...) is the client's own: {@link #delegate()}. Closing this closes the client.
 *
 * <pre>{@code
 * GuardedMcpClient fs = vouch.client(McpClient.sync(transport).build());
 * fs.initialize();
 * CallToolResult r = fs.callTool(new CallToolRequest("move_file", Map.of("source", a, "destination", b)));
 * // r.isError() and the text says why if the policy blocked it; the file was not touched
 * }</pre>
 *
 * <p>Thread-safe as the client is.
 */
public final class GuardedMcpClient implements AutoCloseable {
    private final McpSyncClient client;
    private final GuardedCalls calls;
    private final Predicate<String> alwaysBlocked;

    GuardedMcpClient(McpSyncClient client, GuardedCalls calls, Predicate<String> alwaysBlocked) {
        this.client = Objects.requireNonNull(client, "client");
        this.calls = calls;
        this.alwaysBlocked = alwaysBlocked;
    }

    /** The undecorated client, for everything but tools. Calling its {@code callTool} bypasses the guard. */
    public McpSyncClient delegate() {
        return client;
    }

    /** {@code initialize} of the client. */
    public void initialize() {
        client.initialize();
    }

    /**
     * Calls the tool if the policy lets the call through (after an approval, if it stalls), recording the call
     * and its result or error.
     *
     * @return the server's result; or, if the tool did not run, an {@code isError: true} result that says why and
     *     names the call's sequence number (awaiting approval, with {@link StallMode#PENDING})
     * @throws io.modelcontextprotocol.spec.McpError as the client throws it (recorded as TOOL_ERROR)
     */
    public CallToolResult callTool(CallToolRequest request) {
        return callTool(request, null);
    }

    /**
     * As {@link #callTool(CallToolRequest)}, recording {@code toolCallId} as the call's id: the id the model gave
     * the call, so the journal links the model's request to it. The JSON-RPC id the client will use is not known
     * when the guard records the call (before anything is sent).
     */
    public CallToolResult callTool(CallToolRequest request, String toolCallId) {
        Objects.requireNonNull(request, "request");
        return calls.call(request, new GuardedCalls.Origin(toolCallId, null, null), () -> client.callTool(request));
    }

    /**
     * Runs again a call that returned "awaiting approval" ({@link StallMode#PENDING}): it reaches the server once
     * approved; otherwise the result says it still waits, or was refused. Calling the tool again with the same
     * arguments does the same.
     *
     * @throws IllegalStateException if no call with this sequence number awaits approval through this adapter
     */
    public CallToolResult resume(long callSequence) {
        return calls.resume(callSequence, client::callTool);
    }

    /** The server's tools, less those the policy always blocks ({@link VouchMcp.Builder#hideAlwaysBlocked}). */
    public ListToolsResult listTools() {
        return visible(client.listTools());
    }

    /** As {@link #listTools()}, one page. */
    public ListToolsResult listTools(String cursor) {
        return visible(client.listTools(cursor));
    }

    private ListToolsResult visible(ListToolsResult all) {
        return new ListToolsResult(all.tools().stream()
                .filter(t -> !alwaysBlocked.test(calls.recordedName(t.name()))).toList(), all.nextCursor(), all.meta());
    }

    /** Closes the client (and its transport, e.g. the server process it started). */
    @Override
    public void close() {
        client.close();
    }
}
