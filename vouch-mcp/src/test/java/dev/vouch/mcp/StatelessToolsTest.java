package dev.vouch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The stateless server's tool specifications, whose handlers get the request's transport context: the principal is
 * read from it (as an HTTP server's context extractor would put it there). The SDK's stateless transport is a
 * servlet; the decorated handlers are called here as that transport calls them.
 */
class StatelessToolsTest extends McpTestBase {
    private static final Tool ECHO = Tool.builder("echo", McpJsonDefaults.getMapper(),
            "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}}}").build();

    private final AtomicInteger runs = new AtomicInteger();

    private VouchMcp vouch() {
        return VouchMcp.builder(guard()).principal(ctx -> (String) ctx.get("user")).build();
    }

    private CallToolResult echo(CallToolRequest r) {
        runs.incrementAndGet();
        return CallToolResult.builder().addTextContent(String.valueOf(r.arguments().get("message"))).build();
    }

    private static String text(CallToolResult r) {
        return ((TextContent) r.content().get(0)).text();
    }

    @Test
    void shouldRecordThePrincipalFromTheTransportContext() {
        var spec = vouch().guard(new McpStatelessServerFeatures.SyncToolSpecification(ECHO, (ctx, r) -> echo(r)));
        McpTransportContext carol = McpTransportContext.create(Map.of("user", "carol@example.com"));

        CallToolResult ok = spec.callHandler().apply(carol,
                CallToolRequest.builder("echo").arguments(Map.of("message", "hi")).build());
        CallToolResult blocked = spec.callHandler().apply(McpTransportContext.EMPTY,
                CallToolRequest.builder("echo").arguments(Map.of("message", "rm -rf /")).build());

        assertEquals("hi", text(ok));
        assertTrue(blocked.isError() && text(blocked).contains("big-echoes"), text(blocked));
        assertEquals(1, runs.get());
        List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        assertEquals("carol@example.com", calls.get(0).principal());
        assertEquals("", calls.get(1).principal(), "no user in the context, no principal on the guard");
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(calls.get(0).seq()));
        assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(calls.get(1).seq()));
    }

    @Test
    void shouldGuardAsyncStatelessHandlersWhenSubscribed() {
        var spec = vouch().guard(new McpStatelessServerFeatures.AsyncToolSpecification(ECHO,
                (ctx, r) -> Mono.fromCallable(() -> echo(r))));
        Mono<CallToolResult> later = spec.callHandler().apply(McpTransportContext.create(Map.of("user", "dan")),
                CallToolRequest.builder("echo").arguments(Map.of("message", "hello")).build());
        assertEquals(List.of(), journal.ofType(RecordType.TOOL_CALL), "nothing is judged before subscription");

        assertEquals("hello", text(later.block()));
        Rec call = only(RecordType.TOOL_CALL);
        assertEquals("dan", call.principal());
        assertEquals("hello", json(child(call.seq(), RecordType.TOOL_RESULT).result()).get("content").get(0)
                .get("text").asText());
    }

    @Test
    void shouldTellARepeatThatRacesTheApprovedCallThatItRunsInsteadOfAskingForASecondApproval() throws Exception {
        // An outside trial: repeats that came while the approved call ran became a new call awaiting approval of the
        // same operation, in every adapter; an approver who said yes again would have run it twice.
        Tool write = Tool.builder("write_file", McpJsonDefaults.getMapper(), "{\"type\":\"object\"}").build();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        var spec = VouchMcp.builder(guard()).stallMode(StallMode.PENDING).build().guard(
                new McpStatelessServerFeatures.SyncToolSpecification(write, (ctx, r) -> {
                    runs.incrementAndGet();
                    started.countDown();
                    try {
                        finish.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CallToolResult.builder().addTextContent("written").build();
                }));
        CallToolRequest request = CallToolRequest.builder("write_file").arguments(Map.of("path", "/tmp/a", "content", "x"))
                .build();
        long seq = ((Number) spec.callHandler().apply(McpTransportContext.EMPTY, request).meta()
                .get("dev.vouch/call_sequence")).longValue();
        assertTrue(approvals.approve(seq, "alice", "fine"));
        java.util.concurrent.CompletableFuture<CallToolResult> first = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> spec.callHandler().apply(McpTransportContext.EMPTY, request));
        assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS));

        CallToolResult racing = spec.callHandler().apply(McpTransportContext.EMPTY, request);

        assertTrue(racing.isError(), () -> text(racing));
        assertEquals("running", racing.meta().get("dev.vouch/outcome"), () -> text(racing));
        assertEquals(seq, ((Number) racing.meta().get("dev.vouch/call_sequence")).longValue());
        assertTrue(text(racing).contains("which was approved once and runs, or ran, for another request"), text(racing));
        finish.countDown();
        assertEquals("written", text(first.get(10, java.util.concurrent.TimeUnit.SECONDS)));
        assertEquals(1, runs.get());
        assertEquals(1, journal.ofType(RecordType.TOOL_CALL).size(), "no second call, no second approval request");
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT), childTypes(seq));
    }
}
