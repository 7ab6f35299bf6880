package dev.vouch.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Risk;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.Guard;
import dev.vouch.guard.TestJournal;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.guard.ToolCall;
import dev.vouch.internal.format.RecordType;
import dev.vouch.policy.Action;
import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.PolicyDecision;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real OpenTelemetry SDK spans around real guarded calls on a real journal; the journal verifies after each test. */
class VouchTracingTest {
    private static final String SECRET = "4111111111111111";

    @TempDir
    Path tmp;

    private TestJournal journal;
    private InMemorySpanExporter spans;
    private OpenTelemetrySdk otel;
    private Tracer agentTracer;

    @BeforeEach
    void open() {
        journal = new TestJournal(tmp);
        spans = InMemorySpanExporter.create();
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .build();
        agentTracer = otel.getTracer("agent");
    }

    @AfterEach
    void close() {
        otel.close();
        journal.closeAndVerify();
    }

    private Guard guard(PolicyDecision decision) {
        return Guard.builder(journal.ledger).agent("payer").policy((tool, params) -> decision)
                .observer(VouchTracing.create(otel)).approvals(r -> new CompletableFuture<>()).build();
    }

    private static PolicyDecision decision(Action action, String rule) {
        return new PolicyDecision(action, List.of("card"), Risk.HIGH, rule, "", PayloadLogging.FULL_PAYLOAD,
                Duration.ofMinutes(5));
    }

    private SpanData span(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.getFinishedSpanItems()));
    }

    @Test
    void shouldTraceAnAllowedCallAndLinkItWithItsRecordBothWays() {
        Guard guard = guard(decision(Action.ALLOW, "payments"));
        Span agentSpan = agentTracer.spanBuilder("agent turn").startSpan();
        CallResult<String> r;
        try (Scope ignored = agentSpan.makeCurrent()) {
            r = guard.attempt(ToolCall.of("payments.charge", "{\"card\":\"" + SECRET + "\"}").id("call_7")
                    .tag("mcp.method.name", "tools/call"), () -> {
                        agentTracer.spanBuilder("http POST /charge").startSpan().end(); // the tool's own span
                        return "charged";
                    });
        } finally {
            agentSpan.end();
        }
        SpanData tool = span("execute_tool payments.charge");
        assertEquals(agentSpan.getSpanContext().getSpanId(), tool.getParentSpanId(), "a child of the agent's span");
        assertEquals(tool.getSpanId(), span("http POST /charge").getParentSpanId(), "the tool's spans nest under it");
        var a = tool.getAttributes();
        assertEquals("execute_tool", a.get(VouchTracing.OPERATION));
        assertEquals("payments.charge", a.get(VouchTracing.TOOL_NAME));
        assertEquals("call_7", a.get(VouchTracing.TOOL_CALL_ID));
        assertEquals("tools/call", a.get(io.opentelemetry.api.common.AttributeKey.stringKey("mcp.method.name")));
        assertEquals(r.callSequence(), a.get(VouchTracing.SEQ));
        assertEquals("allow", a.get(VouchTracing.DECISION));
        assertEquals("payments", a.get(VouchTracing.POLICY_ID));
        assertEquals("result", a.get(VouchTracing.OUTCOME));
        assertEquals(StatusCode.UNSET, tool.getStatus().getStatusCode());

        Rec call = journal.bySeq(r.callSequence());
        assertEquals(tool.getTraceId(), call.traceId());
        assertEquals(tool.getSpanId(), call.spanId());
        assertEquals("call_7", call.toolCallId());
        assertNoSecretOnAnySpan();
    }

    @Test
    void shouldMarkABlockedCallAsAnErrorWithoutItsParameters() {
        Guard guard = guard(decision(Action.BLOCK, "no-charges"));
        CallResult<String> r = guard.attempt(ToolCall.of("payments.charge", "{\"card\":\"" + SECRET + "\"}"),
                () -> "never");
        assertTrue(r instanceof CallResult.Refused);
        SpanData tool = span("execute_tool payments.charge");
        assertEquals(StatusCode.ERROR, tool.getStatus().getStatusCode());
        assertEquals("", tool.getStatus().getDescription());
        assertEquals("blocked", tool.getAttributes().get(VouchTracing.OUTCOME));
        assertEquals("vouch.blocked", tool.getAttributes().get(VouchTracing.ERROR_TYPE));
        assertEquals("block", tool.getAttributes().get(VouchTracing.DECISION));
        assertNoSecretOnAnySpan();
    }

    @Test
    void shouldRecordAToolsExceptionByClassNeverByMessage() {
        Guard guard = guard(decision(Action.ALLOW, "payments"));
        assertThrows(IllegalArgumentException.class, () -> guard.attempt(ToolCall.of("payments.charge", "{}"), () -> {
            throw new IllegalArgumentException("card " + SECRET + " declined");
        }));
        SpanData tool = span("execute_tool payments.charge");
        assertEquals(StatusCode.ERROR, tool.getStatus().getStatusCode());
        assertEquals("java.lang.IllegalArgumentException", tool.getAttributes().get(VouchTracing.ERROR_TYPE));
        assertTrue(tool.getEvents().isEmpty(), "no exception event: its message may quote redacted values");
        assertEquals(1, journal.ofType(RecordType.TOOL_ERROR).size());
        assertNoSecretOnAnySpan();
    }

    @Test
    void shouldEndAPendingCallsSpanAndTraceItsResumptionAsACallOfItsOwn() {
        Guard guard = guard(decision(Action.STALL, "charges-need-a-person"));
        CallResult<String> r = guard.attempt(ToolCall.of("payments.charge", "{}").id("call_9")
                .tag("mcp.method.name", "tools/call").deferApproval(true), () -> "x");
        assertEquals("pending", span("execute_tool payments.charge").getAttributes().get(VouchTracing.OUTCOME));
        assertTrue(guard.resume(r.callSequence(), () -> "early") instanceof CallResult.Pending);
        assertTrue(guard.pendingApprovals().approve(r.callSequence(), "alice", ""));
        assertEquals("charged", guard.resume(r.callSequence(), () -> "charged").valueOrThrow());
        List<SpanData> toolSpans = toolSpans("execute_tool payments.charge");
        assertEquals(3, toolSpans.size(), "the call, a resumption still pending, the resumption that ran");
        assertFalse(toolSpans.get(0).getAttributes().asMap().containsKey(VouchTracing.RESUMED));
        for (SpanData resumed : toolSpans.subList(1, 3)) {
            var a = resumed.getAttributes();
            assertEquals(Boolean.TRUE, a.get(VouchTracing.RESUMED));
            assertEquals(r.callSequence(), a.get(VouchTracing.SEQ));
            assertEquals("call_9", a.get(VouchTracing.TOOL_CALL_ID), "the resumption keeps the call's id");
            assertEquals("tools/call", a.get(io.opentelemetry.api.common.AttributeKey.stringKey("mcp.method.name")));
            assertEquals("stall", a.get(VouchTracing.DECISION));
        }
        assertEquals("pending", toolSpans.get(1).getAttributes().get(VouchTracing.OUTCOME));
        assertEquals("result", toolSpans.get(2).getAttributes().get(VouchTracing.OUTCOME));
    }

    @Test
    void shouldTraceTheResumptionOfARefusedCallAsRefused() {
        Guard guard = guard(decision(Action.STALL, "charges-need-a-person"));
        CallResult<String> r = guard.attempt(ToolCall.of("payments.charge", "{}").deferApproval(true), () -> "x");
        assertTrue(guard.pendingApprovals().refuse(r.callSequence(), "alice", "not today"));
        assertTrue(guard.resume(r.callSequence(), () -> "never") instanceof CallResult.Refused);
        List<SpanData> toolSpans = toolSpans("execute_tool payments.charge");
        assertEquals(2, toolSpans.size(), "the call and its resumption");
        SpanData resumed = toolSpans.get(1);
        assertEquals(Boolean.TRUE, resumed.getAttributes().get(VouchTracing.RESUMED));
        assertEquals("refused", resumed.getAttributes().get(VouchTracing.OUTCOME));
        assertEquals("vouch.refused", resumed.getAttributes().get(VouchTracing.ERROR_TYPE));
        assertEquals(StatusCode.ERROR, resumed.getStatus().getStatusCode());
    }

    @Test
    void shouldNotLetATagContradictTheAttributesTakenFromTheCall() {
        Guard guard = guard(decision(Action.ALLOW, "payments"));
        guard.attempt(ToolCall.of("payments.charge", "{}").id("real-id").tag("gen_ai.tool.name", "fake")
                .tag("gen_ai.tool.call.id", "fake-id").tag("vouch.resumed", "true").tag("error.type", "fake")
                .tag("gen_ai.operation.name", "fake").tag("team", "billing"), () -> "charged");
        var a = span("execute_tool payments.charge").getAttributes();
        assertEquals("payments.charge", a.get(VouchTracing.TOOL_NAME));
        assertEquals("real-id", a.get(VouchTracing.TOOL_CALL_ID));
        assertEquals("execute_tool", a.get(VouchTracing.OPERATION));
        assertEquals(null, a.get(VouchTracing.ERROR_TYPE));
        assertEquals(null, a.get(io.opentelemetry.api.common.AttributeKey.stringKey("vouch.resumed")));
        assertEquals("billing", a.get(io.opentelemetry.api.common.AttributeKey.stringKey("team")));
    }

    @Test
    void shouldNestSpansTheToolStartsOnAnotherThreadWhenItsExecutorCarriesTheContext() throws Exception {
        Guard guard = guard(decision(Action.ALLOW, "payments"));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Executor carrying = io.opentelemetry.context.Context.taskWrapping(guard.executor(pool));
            guard.callAsync("payments.charge", "{}", () -> CompletableFuture.supplyAsync(() -> {
                agentTracer.spanBuilder("http POST /charge").startSpan().end();
                return "charged";
            }, carrying)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
        }
        assertEquals(span("execute_tool payments.charge").getSpanId(), span("http POST /charge").getParentSpanId());
    }

    private List<SpanData> toolSpans(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private void assertNoSecretOnAnySpan() {
        for (SpanData s : spans.getFinishedSpanItems()) {
            assertFalse(s.toString().contains(SECRET), () -> "a span carries a parameter value: " + s);
        }
    }
}
