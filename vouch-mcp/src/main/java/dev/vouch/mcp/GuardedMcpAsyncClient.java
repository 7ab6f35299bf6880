package dev.vouch.mcp;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import java.util.Objects;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * An {@link McpAsyncClient} whose tool calls go through Vouch's guard, as {@link GuardedMcpClient} is for the sync
 * client. Each call is judged when its {@code Mono} is subscribed, in the task current where the {@code Mono} was
 * made (else where it is subscribed); a stalled call waits for its approval without holding a thread. Cancelling the
 * subscription cancels the call: one waiting for approval is refused on record and never runs. Everything but tools:
 * {@link #delegate()}.
 */
public final class GuardedMcpAsyncClient implements AutoCloseable {
    private final McpAsyncClient client;
    private final GuardedCalls calls;
    private final Predicate<String> alwaysBlocked;

    GuardedMcpAsyncClient(McpAsyncClient client, GuardedCalls calls, Predicate<String> alwaysBlocked) {
        this.client = Objects.requireNonNull(client, "client");
        this.calls = calls;
        this.alwaysBlocked = alwaysBlocked;
    }

    /** The undecorated client, for everything but tools. Calling its {@code callTool} bypasses the guard. */
    public McpAsyncClient delegate() {
        return client;
    }

    /** As {@link GuardedMcpClient#callTool(CallToolRequest)}. */
    public Mono<CallToolResult> callTool(CallToolRequest request) {
        return callTool(request, null);
    }

    /** As {@link GuardedMcpClient#callTool(CallToolRequest, String)}. */
    public Mono<CallToolResult> callTool(CallToolRequest request, String toolCallId) {
        Objects.requireNonNull(request, "request");
        return calls.callAsync(request, new GuardedCalls.Origin(toolCallId, null, null), () -> client.callTool(request));
    }

    /** As {@link GuardedMcpClient#resume(long)}; the Mono fails with IllegalStateException for an unknown number. */
    public Mono<CallToolResult> resume(long callSequence) {
        return calls.resumeAsync(callSequence, client::callTool);
    }

    /** The server's tools, less those the policy always blocks. */
    public Mono<ListToolsResult> listTools() {
        return client.listTools().map(this::visible);
    }

    /** As {@link #listTools()}, one page. */
    public Mono<ListToolsResult> listTools(String cursor) {
        return client.listTools(cursor).map(this::visible);
    }

    private ListToolsResult visible(ListToolsResult all) {
        return new ListToolsResult(all.tools().stream()
                .filter(t -> !alwaysBlocked.test(calls.recordedName(t.name()))).toList(), all.nextCursor(), all.meta());
    }

    /** Closes the client. */
    @Override
    public void close() {
        client.close();
    }
}
