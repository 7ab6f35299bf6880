package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** guard.attempt: the form adapters use, with refusals as results and the call's id, principal and trace recorded. */
class AttemptTest extends GuardTestBase {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    record Receipt(String order, int amount, List<String> lines) {
    }

    @Test
    void shouldReturnTheResultAndRecordItAsJsonWithTheCallsIdPrincipalAndTrace() {
        Guard guard = guard((tool, params) -> allow("reads")).principal("ops@example.com").build();
        CallResult<Receipt> r = guard.attempt(
                ToolCall.of("payments.lookup", "{\"order\":\"42\"}").id("call_abc").trace(TRACE, SPAN),
                () -> new Receipt("42", 900, List.of("a", "b")));
        Object value = assertInstanceOf(CallResult.Completed.class, r).value();
        assertEquals(new Receipt("42", 900, List.of("a", "b")), value);
        assertNull(r.explanation());

        Rec call = journal.bySeq(r.callSequence());
        assertEquals("call_abc", call.toolCallId());
        assertEquals("ops@example.com", call.principal(), "the builder's principal for a call that names none");
        assertEquals(TRACE, call.traceId());
        assertEquals(SPAN, call.spanId());
        Rec result = journal.ofType(RecordType.TOOL_RESULT).get(0);
        assertEquals("{\"order\":\"42\",\"amount\":900,\"lines\":[\"a\",\"b\"]}", result.result());
    }

    @Test
    void shouldPreferTheCallsOwnPrincipal() {
        Guard guard = guard((tool, params) -> allow("reads")).principal("ops@example.com").build();
        CallResult<String> r = guard.attempt(ToolCall.of("fs.read", "{}").principal("alice"), () -> "x");
        assertEquals("alice", journal.bySeq(r.callSequence()).principal());
    }

    @Test
    void shouldReturnABlockedCallAsARefusalTheModelCanRead() {
        Guard guard = guard((tool, params) -> block("no-deletes", "deleting is never allowed")).build();
        CallResult<String> r = guard.attempt(ToolCall.of("fs.delete", "{\"path\":\"/etc\"}"), () -> {
            throw new AssertionError("a blocked tool must not run");
        });
        CallResult.Refused<String> refused = assertInstanceOf(CallResult.Refused.class, r);
        assertTrue(refused.blocked());
        String text = refused.explanation();
        assertTrue(text.contains("no-deletes") && text.contains("deleting is never allowed")
                && text.contains("call seq " + r.callSequence()), text);
        assertFalse(text.contains("/etc"), "the explanation never quotes the parameters");
        assertThrows(ToolBlockedException.class, refused::valueOrThrow);
        assertEquals(Decision.BLOCK, journal.children(r.callSequence()).get(0).decision());
    }

    @Test
    void shouldRethrowTheToolsExceptionAfterRecordingIt() {
        Guard guard = guard((tool, params) -> allow("reads")).build();
        IOException thrown = assertThrows(IOException.class, () -> guard.attempt(ToolCall.of("fs.read", "{}").id("c1"),
                () -> {
                    throw new IOException("disk on fire");
                }));
        assertEquals("disk on fire", thrown.getMessage());
        Rec error = journal.ofType(RecordType.TOOL_ERROR).get(0);
        assertEquals("{\"exception\":\"java.io.IOException\",\"message\":\"disk on fire\"}", error.result());
    }

    /** A tool error reported as a result (MCP's isError), thrown through the guard by an adapter. */
    static final class ErrorResult extends RuntimeException implements ToolFailure {
        private static final long serialVersionUID = 1L;
        private final String json;

        ErrorResult(String json) {
            super("the tool reported an error");
            this.json = json;
        }

        @Override
        public byte[] resultJson() {
            return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldRecordAToolsErrorResultWholeAsJson() {
        Guard guard = guard((tool, params) -> allow("reads")).build();
        String big = "x".repeat(10_000);
        String json = "{\"content\": [{\"type\":\"text\",\"text\":\"" + big + "\"}], \"isError\": true}";
        assertThrows(ErrorResult.class, () -> guard.attempt(ToolCall.of("fs.read", "{}"), () -> {
            throw new ErrorResult(json);
        }));
        assertThrows(ErrorResult.class, () -> guard.attempt(ToolCall.of("fs.read", "{}"), () -> {
            throw new ErrorResult("{not json");
        }));
        List<Rec> errors = journal.ofType(RecordType.TOOL_ERROR);
        assertEquals("{\"exception\":\"" + ErrorResult.class.getName() + "\",\"result\":{\"content\":[{\"type\":\"text\","
                + "\"text\":\"" + big + "\"}],\"isError\":true}}", errors.get(0).result(), "whole, compact, never cut");
        assertEquals("{\"exception\":\"" + ErrorResult.class.getName() + "\",\"message\":\"the tool reported an error\"}",
                errors.get(1).result(), "not JSON: the message instead");
    }

    @Test
    void shouldDigestAToolsErrorResultUnderMetadataOnly() {
        Guard guard = guard((tool, params) -> metadataOnly("private")).build();
        assertThrows(ErrorResult.class, () -> guard.attempt(ToolCall.of("fs.read", "{}"), () -> {
            throw new ErrorResult("{\"secret\":\"s3cr3t\"}");
        }));
        String recorded = journal.ofType(RecordType.TOOL_ERROR).get(0).result();
        assertTrue(recorded.contains("\"result_digest\":\"sha256:") && !recorded.contains("s3cr3t"), recorded);
    }

    @Test
    void shouldWaitForAnApprovalWhenTheCallDoesNotDefer() throws Exception {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = guard((tool, params) -> stall("moves", "", Duration.ofSeconds(10))).approvals(approvals).build();
        Thread approver = new Thread(() -> {
            while (approvals.pending().isEmpty()) {
                Thread.onSpinWait();
            }
            approvals.approve(approvals.pending().get(0).callSequence(), "alice", "");
        });
        approver.start();
        CallResult<String> r = guard.attempt(ToolCall.of("fs.move", "{}"), () -> "moved");
        approver.join();
        assertEquals("moved", r.valueOrThrow());
    }

    @Test
    void shouldTellTheObserverEachStepAndRecordItsTraceIds() {
        List<String> seen = new ArrayList<>();
        CallObserver observer = call -> new CallObserver.Observation() {
            @Override
            public String traceId() {
                return TRACE;
            }

            @Override
            public String spanId() {
                return SPAN;
            }

            @Override
            public void judged(long callSequence, Decision decision, String policyId, Risk risk) {
                seen.add("judged " + decision + " " + policyId + " " + call.tags());
            }

            @Override
            public AutoCloseable running() {
                seen.add("running");
                return () -> seen.add("ran");
            }

            @Override
            public void ended(CallResult<?> result, Throwable error) {
                seen.add("ended " + (result == null ? error.getClass().getSimpleName()
                        : result.getClass().getSimpleName()));
            }
        };
        Guard guard = guard((tool, params) -> tool.equals("fs.delete") ? block("no", "") : allow("reads"))
                .observer(observer).build();
        CallResult<String> r = guard.attempt(ToolCall.of("fs.read", "{}").tag("mcp.method.name", "tools/call"),
                () -> "x");
        guard.attempt(ToolCall.of("fs.delete", "{}"), () -> "never");
        assertThrows(IllegalStateException.class, () -> guard.attempt(ToolCall.of("fs.read", "{}"), () -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals(List.of("judged ALLOW reads {mcp.method.name=tools/call}", "running", "ran", "ended Completed",
                "judged BLOCK no {}", "ended Refused",
                "judged ALLOW reads {}", "running", "ran", "ended IllegalStateException"), seen);
        assertEquals(TRACE, journal.bySeq(r.callSequence()).traceId());
    }

    @Test
    void shouldIgnoreAnObserverThatThrows() {
        CallObserver broken = call -> {
            throw new IllegalStateException("observer bug");
        };
        CallObserver brokenLater = call -> new CallObserver.Observation() {
            @Override
            public void ended(CallResult<?> result, Throwable error) {
                throw new IllegalStateException("observer bug");
            }
        };
        for (CallObserver o : List.of(broken, brokenLater)) {
            Guard guard = guard((tool, params) -> allow("reads")).observer(o).build();
            assertEquals("x", guard.attempt(ToolCall.of("fs.read", "{}"), () -> "x").valueOrThrow());
        }
        assertEquals(2, journal.ofType(RecordType.TOOL_RESULT).size());
    }

    @Test
    void shouldRejectMalformedTraceIds() {
        assertThrows(IllegalArgumentException.class, () -> ToolCall.of("t", "{}").trace(TRACE.toUpperCase(), SPAN));
        assertThrows(IllegalArgumentException.class, () -> ToolCall.of("t", "{}").trace("0".repeat(32), SPAN));
        assertThrows(IllegalArgumentException.class, () -> ToolCall.of("t", "{}").trace(TRACE, null));
        assertThrows(IllegalArgumentException.class, () -> ToolCall.of("", "{}"));
    }

    @Test
    void shouldSayWhichToolsThePolicyFileAlwaysBlocks() {
        dev.vouch.policy.Policy policy = dev.vouch.policy.Policy.parse("""
                version: "2026.1"
                defaults:
                  default_action: allow
                policies:
                  - id: no-deletes
                    match_methods: ["fs.delete*"]
                    action: block
                """, "p.yaml");
        Guard guard = guard(PolicyEvaluator.allowAll()).policy(policy).build();
        assertTrue(guard.alwaysBlocks("fs.delete_file"));
        assertFalse(guard.alwaysBlocks("fs.read_file"));
        assertFalse(guard(PolicyEvaluator.allowAll()).build().alwaysBlocks("fs.delete_file"),
                "a lambda cannot tell: nothing is hidden");
    }

    @Test
    void shouldEncodeCommonResultTypesAsJson() throws Exception {
        ResultEncoder json = ResultEncoder.json();
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", java.util.Arrays.asList(true, null, 2.5));
        assertEquals("{\"a\":1,\"b\":[true,null,2.5]}",
                new String(json.encode(map), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("{\"$vouch_type\":\"java.lang.Object\"}",
                new String(json.encode(new Object()), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("[\"NaN\",\"PT1S\",\"HIGH\"]", new String(json.encode(
                List.of(Double.NaN, Duration.ofSeconds(1), Risk.HIGH)), java.nio.charset.StandardCharsets.UTF_8));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertEquals("[{\"$vouch_truncated\":\"cycle\"}]",
                new String(json.encode(cycle), java.nio.charset.StandardCharsets.UTF_8));
    }
}
