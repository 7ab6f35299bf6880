package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Event;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.guard.TestJournal.Rec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GuardCallTest extends GuardTestBase {

    static long durationNanos(Rec r) {
        Matcher m = Pattern.compile("\"duration_ns\":(\\d+)").matcher(r.params());
        assertTrue(m.find(), () -> "no duration_ns in " + r);
        return Long.parseLong(m.group(1));
    }

    @Test
    void shouldRecordCallDecisionAndResultInOrderWithParentLinks() throws Exception {
        Guard guard = guard((tool, params) -> allow("read-only")).build();

        String result = guard.call("crm.lookup", "{\"ticket\":7}", () -> {
            TimeUnit.MILLISECONDS.sleep(5);
            return "{\"customer\":\"c-7\"}";
        });

        assertEquals("{\"customer\":\"c-7\"}", result);
        List<Rec> events = journal.events();
        assertEquals(3, events.size(), events::toString);
        Rec call = events.get(0);
        Rec decision = events.get(1);
        Rec done = events.get(2);
        assertEquals(RecordType.TOOL_CALL, call.type());
        assertEquals(Event.NO_PARENT, call.parent());
        assertEquals("refund-bot", call.agent());
        assertEquals("crm.lookup", call.name());
        assertEquals("{\"ticket\":7}", call.params(), "stored exactly as given");

        assertEquals(RecordType.POLICY_DECISION, decision.type());
        assertEquals(call.seq(), decision.parent());
        assertEquals(Decision.ALLOW, decision.decision());
        assertEquals(Risk.LOW, decision.risk());
        assertEquals("read-only", decision.policy());
        assertEquals("{\"reason\":\"reads are fine\",\"params_stored\":\"full\"}", decision.params());

        assertEquals(RecordType.TOOL_RESULT, done.type());
        assertEquals(call.seq(), done.parent());
        assertEquals("{\"customer\":\"c-7\"}", done.result());
        assertTrue(durationNanos(done) >= TimeUnit.MILLISECONDS.toNanos(5), done::toString);
        assertTrue(call.seq() < decision.seq() && decision.seq() < done.seq());
    }

    @Test
    void shouldRecordToolErrorAndRethrowTheActionsOwnException() {
        Guard guard = guard((tool, params) -> allow("fs")).build();
        IOException boom = new IOException("disk on fire");

        IOException thrown = assertThrows(IOException.class, () -> guard.call("fs.read", "{\"path\":\"/x\"}", () -> {
            throw boom;
        }));

        assertSame(boom, thrown);
        List<Rec> events = journal.events();
        assertEquals(List.of(RecordType.TOOL_CALL, RecordType.POLICY_DECISION, RecordType.TOOL_ERROR),
                events.stream().map(Rec::type).toList());
        Rec error = events.get(2);
        assertEquals(events.get(0).seq(), error.parent());
        assertEquals("{\"exception\":\"java.io.IOException\",\"message\":\"disk on fire\"}", error.result());
        assertTrue(durationNanos(error) >= 0);
    }

    @Test
    void shouldNeedNoTryCatchWhenTheActionThrowsNoCheckedException() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();

        String r = guard.call("echo", "{}", () -> "ok"); // E is inferred as RuntimeException

        assertEquals("ok", r);
    }

    @Test
    void shouldNotRunABlockedToolAndThrowWithRuleReasonAndSequence() {
        Guard guard = guard((tool, params) -> block("no-deletes", "deleting is never allowed")).build();
        AtomicBoolean ran = new AtomicBoolean();

        ToolBlockedException e = assertThrows(ToolBlockedException.class,
                () -> guard.call("fs.delete", "{\"path\":\"/etc\"}", () -> ran.getAndSet(true)));

        assertFalse(ran.get(), "the blocked tool ran");
        assertEquals("no-deletes", e.policyId());
        assertEquals("deleting is never allowed", e.reason());
        assertEquals("fs.delete", e.tool());
        List<Rec> events = journal.events();
        assertEquals(2, events.size(), "a blocked call records its call and decision, nothing else: " + events);
        assertEquals(RecordType.TOOL_CALL, events.get(0).type());
        assertEquals(e.callSequence(), events.get(0).seq());
        Rec decision = events.get(1);
        assertEquals(e.decisionSequence(), decision.seq());
        assertEquals(Decision.BLOCK, decision.decision());
        assertEquals(Risk.CRITICAL, decision.risk());
        assertEquals("no-deletes", decision.policy());
        assertEquals(e.callSequence(), decision.parent());
        assertTrue(decision.params().contains("\"reason\":\"deleting is never allowed\""), decision::toString);
    }

    @Test
    void shouldRecordTheDefaultPolicyIdWhenNoRuleDecided() {
        Guard guard = guard((tool, params) -> block(null, "default deny")).build();

        ToolBlockedException e = assertThrows(ToolBlockedException.class, () -> guard.call("x", "{}", () -> 1));

        assertEquals(Guard.DEFAULT_POLICY_ID, e.policyId());
        assertEquals("default", journal.bySeq(e.decisionSequence()).policy());
    }

    @Test
    void shouldFailClosedWhenTheEvaluatorThrows() {
        IllegalStateException bug = new IllegalStateException("policy bug");
        Guard guard = guard((tool, params) -> {
            throw bug;
        }).redactionKey(RedactionKey.generate()).build();
        AtomicBoolean ran = new AtomicBoolean();

        ToolBlockedException e = assertThrows(ToolBlockedException.class,
                () -> guard.call("payments.refund", "{\"card\":\"4111-SECRET-1111\"}", () -> ran.getAndSet(true)));

        assertFalse(ran.get());
        assertSame(bug, e.getCause());
        assertEquals(Guard.EVALUATOR_FAILED, e.policyId());
        Rec call = journal.bySeq(e.callSequence());
        assertTrue(call.params().startsWith("{\"$vouch_redacted\":\"hmac-sha256:v1-bytes:"), call::toString);
        assertFalse(journal.anyFileContains("4111-SECRET-1111".getBytes(StandardCharsets.UTF_8)));
        assertTrue(journal.bySeq(e.decisionSequence()).params().contains("\"params_stored\":\"commitment\""));
    }

    @Test
    void shouldMakeTheRunningCallTheParentOfCallsAndTasksInsideIt() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        long[] innerParent = new long[2];

        guard.call("agent.delegate", "{}", () -> {
            innerParent[0] = guard.context().parent();
            try (Task sub = guard.task("sub-agent")) {
                innerParent[1] = sub.parentSequence();
                return guard.call("crm.lookup", "{}", () -> "c-1");
            }
        });

        Rec outer = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertEquals(outer.seq(), innerParent[0]);
        assertEquals(outer.seq(), innerParent[1]);
        Rec subStart = journal.ofType(RecordType.TASK_START).get(0);
        assertEquals(outer.seq(), subStart.parent());
        Rec inner = journal.ofType(RecordType.TOOL_CALL).get(1);
        assertEquals(subStart.seq(), inner.parent());
        assertEquals("sub-agent", inner.task());
        assertEquals(Event.NO_PARENT, guard.context().parent(), "context restored after the call");
    }

    @Test
    void shouldStoreResultsByTypeAndSurviveAFailingEncoder() {
        Guard guard = guard(PolicyEvaluator.allowAll()).resultEncoder(r -> {
            if (r instanceof Integer) {
                return ("{\"n\":" + r + "}").getBytes(StandardCharsets.UTF_8);
            }
            throw new IllegalArgumentException("cannot encode " + r.getClass().getSimpleName());
        }).build();

        byte[] raw = {1, 2, 3};
        assertArrayEquals(raw, guard.call("bytes", "{}", () -> raw));
        Object nothing = guard.call("nothing", "{}", () -> null);
        assertEquals(null, nothing);
        int n = guard.call("number", "{}", () -> 42);
        assertEquals(42, n);
        List<String> odd = List.of("x");
        assertSame(odd, guard.call("odd", "{}", () -> odd));

        List<Rec> results = journal.ofType(RecordType.TOOL_RESULT);
        assertEquals("\u0001\u0002\u0003", results.get(0).result());
        assertEquals("", results.get(1).result());
        assertEquals("{\"n\":42}", results.get(2).result());
        assertTrue(results.get(3).result().startsWith("{\"$vouch_unencodable\":\"java.util.ImmutableCollections$List12\""),
                results.get(3)::toString);
    }

    @Test
    void shouldStoreADigestWhenParamsAreTooLargeForTheJournal() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        String big = "{\"blob\":\"" + "a".repeat(2 << 20) + "\"}";

        assertEquals("ok", guard.call("upload", big, () -> "ok"));

        Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertEquals("{\"$vouch_digest\":\"sha256:" + StoredParams.sha256Hex(big.getBytes(StandardCharsets.UTF_8))
                + "\",\"size\":" + big.length() + ",\"$vouch_note\":\"too large to record: digest only\"}", call.params());
    }

    @Test
    void shouldRefuseIncompleteOrInvalidSettingsNamingThem() {
        IllegalStateException noAgent = assertThrows(IllegalStateException.class,
                () -> Guard.builder(journal.ledger).policy(PolicyEvaluator.allowAll()).build());
        assertTrue(noAgent.getMessage().contains("agent"), noAgent.getMessage());
        IllegalStateException noPolicy = assertThrows(IllegalStateException.class,
                () -> Guard.builder(journal.ledger).agent("a").build());
        assertTrue(noPolicy.getMessage().contains("policy"), noPolicy.getMessage());
        IllegalArgumentException badSha = assertThrows(IllegalArgumentException.class,
                () -> Guard.builder(journal.ledger).agent("a").policy(PolicyEvaluator.allowAll(), "ABC", "p.yaml").build());
        assertTrue(badSha.getMessage().contains("64 lower-case hex"), badSha.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Guard.builder(journal.ledger).agent(" ")
                .policy(PolicyEvaluator.allowAll()).build());
        assertThrows(IllegalArgumentException.class, () -> RedactionKey.of(new byte[31]));
    }
}
