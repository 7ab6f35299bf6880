package dev.vouch.spring.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.PolicyWatcher;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The guard's four outcomes as a Spring AI model meets them through {@code ChatClient}, and the journal they leave. */
class GuardedToolCallingTest extends GuardedChatTestBase {
    private static final JsonMapper JSON = JsonMapper.shared();

    @Test
    void shouldRecordAnAllowedCallWithItsToolCallIdPrincipalAndJsonResult() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-read-1", "read_order", "{\"id\":42}");
        context(model).run(context -> {
            String answer = prompt(context, "Where is order 42?")
                    .toolContext(VouchToolContext.principal("alice@example.com")).call().content();

            assertEquals(ScriptedChatModel.FINAL_ANSWER, answer);
            ToolResponseMessage.ToolResponse seen = model.onlyToolResponse();
            assertEquals("call-read-1", seen.id());
            assertEquals(JSON.readTree("{\"id\":42,\"status\":\"shipped\",\"total\":900.0}"), JSON.readTree(seen.responseData()));
            assertEquals(1, context.getBean(Shop.class).runs("read_order"));

            Rec call = onlyCall("read_order");
            assertEquals("call-read-1", call.toolCallId(), "the model's tool-call id, from Spring AI's observation");
            assertEquals("alice@example.com", call.principal());
            assertEquals("support-bot", call.agent());
            assertEquals("{\"id\":42}", call.params());
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT), childTypes(call));
            assertEquals(Decision.ALLOW, child(call, RecordType.POLICY_DECISION).decision());
            Rec result = child(call, RecordType.TOOL_RESULT);
            assertEquals(seen.responseData(), result.result(), "the journal holds exactly what the model read");
            assertTrue(JSON.readTree(result.result()).isObject(), result::result);
        });
    }

    @Test
    void shouldGuardToolObjectsGivenToTheChatCallThatAreNoBeans() {
        ScriptedChatModel model = new ScriptedChatModel(List.of(
                ScriptedChatModel.toolCall("call-pojo-1", "read_order", "{\"id\":8}"),
                ScriptedChatModel.toolCall("call-pojo-2", "delete_account", "{\"customer\":\"ivy\"}")));
        context(model).run(context -> {
            Shop notABean = new Shop();
            context.getBean(ChatClient.Builder.class).build().prompt("Read 8, delete ivy").tools(notABean).call().content();

            assertEquals(1, notABean.runs("read_order"));
            assertEquals(0, notABean.runs("delete_account"), "blocked, though Spring AI made the tool itself");
            assertEquals("call-pojo-1", onlyCall("read_order").toolCallId());
            assertEquals(Decision.BLOCK, child(onlyCall("delete_account"), RecordType.POLICY_DECISION).decision());
        });
    }

    @Test
    void shouldRecordTheSpringSecurityUserWhenTheChatCallNamesNoPrincipal() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-read-2", "read_order", "{\"id\":7}");
        context(model).run(context -> {
            SecurityContextHolder.getContext().setAuthentication(
                    UsernamePasswordAuthenticationToken.authenticated("bob", null, List.of()));
            try {
                prompt(context, "Where is order 7?").call().content();
            } finally {
                SecurityContextHolder.clearContext();
            }
            assertEquals("bob", onlyCall("read_order").principal());
        });
    }

    @Test
    void shouldShowTheModelWhyABlockedCallDidNotRunAndNeverRunIt() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-del-1", "delete_account", "{\"customer\":\"carol\"}");
        context(model).run(context -> {
            String answer = prompt(context, "Delete carol").call().content();

            assertEquals(ScriptedChatModel.FINAL_ANSWER, answer, "a refusal does not end the chat call");
            assertEquals(0, context.getBean(Shop.class).runs("delete_account"));
            Rec call = onlyCall("delete_account");
            String seen = model.onlyToolResponse().responseData();
            assertTrue(seen.startsWith("Vouch did not run this call: policy no-account-deletion blocked delete_account:"
                    + " Accounts are deleted by people, not agents (call seq " + call.seq() + ")"), seen);
            assertEquals("call-del-1", call.toolCallId());
            assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(call), "no outcome: the tool never ran");
            Rec decision = child(call, RecordType.POLICY_DECISION);
            assertEquals(Decision.BLOCK, decision.decision());
            assertEquals("no-account-deletion", decision.policy());
        });
    }

    @Test
    void shouldRunAStalledCallOnlyAfterItsApprovalWhileTheChatCallWaits() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-refund-1", "refund_payment",
                "{\"order\":42,\"amount\":900}");
        context(model).run(context -> {
            VouchApprovals approvals = context.getBean(VouchApprovals.class);
            AtomicReference<ApprovalRequest> asked = new AtomicReference<>();
            Thread approver = answerFirst(approvals, asked, true);

            prompt(context, "Refund order 42").call().content();
            approver.join();

            assertEquals("{\"refund\":\"r-42\",\"amount\":900.0}", model.onlyToolResponse().responseData());
            assertEquals(1, context.getBean(Shop.class).runs("refund_payment"));
            Rec call = onlyCall("refund_payment");
            assertEquals(call.seq(), asked.get().callSequence());
            assertEquals("refunds-need-a-person", asked.get().policyId());
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT), childTypes(call));
            assertEquals(Decision.STALL, child(call, RecordType.POLICY_DECISION).decision());
            Rec approval = child(call, RecordType.APPROVAL);
            assertEquals(Decision.APPROVED, approval.decision());
            assertTrue(approval.params().startsWith("{\"approver\":\"dana\",\"reason\":\"checked\""), approval::toString);
            assertTrue(approval.seq() < child(call, RecordType.TOOL_RESULT).seq());
            assertTrue(approvals.pending().isEmpty());
        });
    }

    @Test
    void shouldShowTheModelARefusalAndNeverRunTheRefusedTool() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-refund-2", "refund_payment",
                "{\"order\":43,\"amount\":5000}");
        context(model).run(context -> {
            Thread approver = answerFirst(context.getBean(VouchApprovals.class), new AtomicReference<>(), false);

            String answer = prompt(context, "Refund order 43").call().content();
            approver.join();

            assertEquals(ScriptedChatModel.FINAL_ANSWER, answer);
            assertEquals(0, context.getBean(Shop.class).runs("refund_payment"));
            Rec call = onlyCall("refund_payment");
            String seen = model.onlyToolResponse().responseData();
            assertTrue(seen.startsWith("Vouch did not run this call: refund_payment was refused by dana: checked"
                    + " (policy refunds-need-a-person, call seq " + call.seq() + ")"), seen);
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(call));
            assertEquals(Decision.REFUSED, child(call, RecordType.APPROVAL).decision());
        });
    }

    @Test
    void shouldLetTheModelReadThatACallIsPendingAndRunItWhenApprovedAndResumed() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-refund-3", "refund_payment",
                "{\"order\":44,\"amount\":700}");
        context(model, "vouch.stall-mode=pending").run(context -> {
            long start = System.nanoTime();
            String answer = prompt(context, "Refund order 44").call().content();

            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "the chat call did not wait");
            assertEquals(ScriptedChatModel.FINAL_ANSWER, answer);
            assertEquals(0, context.getBean(Shop.class).runs("refund_payment"));
            Rec call = onlyCall("refund_payment");
            String seen = model.onlyToolResponse().responseData();
            assertTrue(seen.startsWith("refund_payment is awaiting approval by a person (policy refunds-need-a-person:"
                    + " Refunds need a second pair of eyes; call seq " + call.seq() + "; until "), seen);
            // How it runs once approved, as the MCP adapter says it (an outside trial: a real model had no hint).
            assertTrue(seen.endsWith("Call the tool again with the same arguments to run it once approved."), seen);
            assertEquals(List.of(RecordType.POLICY_DECISION), childTypes(call), "waiting: no answer yet");

            VouchApprovals approvals = context.getBean(VouchApprovals.class);
            assertEquals(List.of(call.seq()), approvals.pending().stream().map(ApprovalRequest::callSequence).toList());
            assertInstanceOf(CallResult.Pending.class, approvals.resume(call.seq()), "not answered yet");
            CallResult<String> outcome = approvals.approveAndResume(call.seq(), "erin", "customer called");

            assertEquals("{\"refund\":\"r-44\",\"amount\":700.0}", outcome.valueOrThrow());
            assertEquals(1, context.getBean(Shop.class).runs("refund_payment"));
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT), childTypes(call));
            assertEquals(Decision.APPROVED, child(call, RecordType.APPROVAL).decision());
            assertEquals(outcome.valueOrThrow(), child(call, RecordType.TOOL_RESULT).result());
            assertTrue(approvals.pending().isEmpty());
            assertThrows(IllegalStateException.class, () -> approvals.resume(call.seq()), "a call runs once");
        });
    }

    @Test
    void shouldTakeTheModelsRepeatOfAWaitingCallForThatCallAndRunItOnceApproved() {
        // Told a call awaits approval, models ask again. Before, each repeat was a new call that waited on its own,
        // and approving and resuming both ran the refund twice. The repeats spell the same arguments other ways.
        ScriptedChatModel model = new ScriptedChatModel(
                List.of(ScriptedChatModel.toolCall("call-r-1", "refund_payment", "{\"order\":47,\"amount\":900}")),
                List.of(),
                List.of(ScriptedChatModel.toolCall("call-r-2", "refund_payment", "{\"amount\":900.0,\"order\":47}")),
                List.of(),
                List.of(ScriptedChatModel.toolCall("call-r-3", "refund_payment", "{ \"order\": 47, \"amount\": 9E2 }")));
        context(model, "vouch.stall-mode=pending").run(context -> {
            prompt(context, "Refund order 47").call().content();
            Rec call = onlyCall("refund_payment");

            prompt(context, "Is the refund done?").call().content();
            String waiting = model.onlyToolResponse().responseData();
            assertTrue(waiting.startsWith("refund_payment is awaiting approval") && waiting.contains("call seq "
                    + call.seq() + ";"), waiting);
            assertEquals(call.seq(), onlyCall("refund_payment").seq(), "the repeat made no call of its own");

            VouchApprovals approvals = context.getBean(VouchApprovals.class);
            assertTrue(approvals.approve(call.seq(), "erin", "customer called"));
            prompt(context, "And now?").call().content();

            assertEquals("{\"refund\":\"r-47\",\"amount\":900.0}", model.onlyToolResponse().responseData());
            assertEquals(1, context.getBean(Shop.class).runs("refund_payment"));
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                    childTypes(onlyCall("refund_payment")));
            assertThrows(IllegalStateException.class, () -> approvals.resume(call.seq()), "it ran: a call runs once");
        });
    }

    @Test
    void shouldListAPendingCallAgainAfterARestartAndLetItBeAnswered() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-refund-6", "refund_payment",
                "{\"order\":46,\"amount\":900}");
        long[] seq = new long[1];
        context(model, "vouch.stall-mode=pending").run(context -> {
            prompt(context, "Refund order 46").call().content();
            seq[0] = onlyCall("refund_payment").seq();
        });
        // A new application context on the same journal, reopened, as after a restart: the call is found waiting.
        java.util.function.Supplier<Ledger> reopened = this::reopenedLedger;
        contextOn(reopened, ScriptedChatModel.calling("unused", "list_orders", "{}"), Shop.POLICY,
                "vouch.stall-mode=pending").run(context -> {
            VouchApprovals approvals = context.getBean(VouchApprovals.class);
            assertEquals(List.of(seq[0]), approvals.pending().stream().map(ApprovalRequest::callSequence).toList());
            assertTrue(approvals.refuse(seq[0], "gina", "stale"));
            assertTrue(approvals.pending().isEmpty());
        });
        Rec call = onlyCall("refund_payment");
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(call));
        assertEquals(Decision.REFUSED, child(call, RecordType.APPROVAL).decision());
        assertEquals(0, journal.ofType(RecordType.TOOL_RESULT).size());
    }

    /**
     * An outside trial restarted the agent between the stall and the approval: the model's repeats never found the call
     * taken back from the journal, each became a new waiting call, and nothing ever ran.
     */
    @Test
    void shouldRunACallTakenBackAfterARestartWhenTheModelRepeatsIt() {
        long[] seq = new long[1];
        context(ScriptedChatModel.calling("call-r-8", "refund_payment", "{\"order\":48,\"amount\":900}"),
                "vouch.stall-mode=pending").run(context -> {
            prompt(context, "Refund order 48").call().content();
            seq[0] = onlyCall("refund_payment").seq();
        });
        java.util.function.Supplier<Ledger> reopened = this::reopenedLedger;
        ScriptedChatModel model = new ScriptedChatModel(
                List.of(ScriptedChatModel.toolCall("call-r-9", "refund_payment", "{\"amount\":900.0,\"order\":48}")),
                List.of(),
                List.of(ScriptedChatModel.toolCall("call-r-10", "refund_payment", "{\"order\":48,\"amount\":900}")));
        contextOn(reopened, model, Shop.POLICY, "vouch.stall-mode=pending").run(context -> {
            prompt(context, "Is the refund done?").call().content();
            String waiting = model.onlyToolResponse().responseData();
            assertTrue(waiting.contains("call seq " + seq[0] + ";"), waiting);
            VouchApprovals approvals = context.getBean(VouchApprovals.class);
            assertEquals(List.of(seq[0]), approvals.pending().stream().map(ApprovalRequest::callSequence).toList(),
                    "the repeat is the call taken back, not a new one");
            assertTrue(approvals.approve(seq[0], "erin", "customer called"));
            prompt(context, "And now?").call().content();

            assertEquals("{\"refund\":\"r-48\",\"amount\":900.0}", model.onlyToolResponse().responseData());
            assertEquals(1, context.getBean(Shop.class).runs("refund_payment"));
        });
        assertEquals(seq[0], onlyCall("refund_payment").seq(), "no second call was recorded");
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                childTypes(onlyCall("refund_payment")));
    }

    /** The test's journal opened again, as by an application started after a restart. */
    private Ledger reopenedLedger() {
        return Ledger.builder(journal.dir).keyFile(tmp.resolve(".vouch_key")).origin("test.vouch.dev/guard")
                .shutdownHook(false).open();
    }

    @Test
    void shouldForgetAPendingCallOnceRefusedAndNeverRunIt() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-refund-4", "refund_payment",
                "{\"order\":45,\"amount\":800}");
        context(model, "vouch.stall-mode=pending").run(context -> {
            prompt(context, "Refund order 45").call().content();
            Rec call = onlyCall("refund_payment");
            VouchApprovals approvals = context.getBean(VouchApprovals.class);

            assertTrue(approvals.refuse(call.seq(), "frank", "duplicate"));

            assertFalse(approvals.refuse(call.seq(), "frank", "again"), "one answer counts");
            CallResult<String> resumed = approvals.resume(call.seq());
            assertInstanceOf(CallResult.Refused.class, resumed, "resuming a refused call says it was refused");
            assertTrue(resumed.explanation().contains("refused by frank: duplicate"), resumed.explanation());
            assertInstanceOf(CallResult.Refused.class, approvals.approveAndResume(call.seq(), "frank", "changed my mind"),
                    "a refusal counts: the call never runs");
            assertEquals(0, context.getBean(Shop.class).runs("refund_payment"));
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL), childTypes(call));
            assertEquals(Decision.REFUSED, child(call, RecordType.APPROVAL).decision());
        });
    }

    /**
     * An outside trial: refused, the call was forgotten at once, and the model's repeat opened a new approval request
     * for the refund just refused (approving it by mistake would have run it). The repeat reads the refusal.
     */
    @Test
    void shouldTellTheModelsRepeatOfARefusedCallThatItWasRefused() {
        ScriptedChatModel model = new ScriptedChatModel(
                List.of(ScriptedChatModel.toolCall("call-r-20", "refund_payment", "{\"amount\":900,\"order\":42}")),
                List.of(),
                List.of(ScriptedChatModel.toolCall("call-r-21", "refund_payment", "{\"order\":42,\"amount\":900.00}")));
        context(model, "vouch.stall-mode=pending").run(context -> {
            prompt(context, "Refund order 42").call().content();
            Rec call = onlyCall("refund_payment");
            VouchApprovals approvals = context.getBean(VouchApprovals.class);
            assertTrue(approvals.refuse(call.seq(), "lead", "no"));

            prompt(context, "Is it done?").call().content();

            String answer = model.onlyToolResponse().responseData();
            assertTrue(answer.contains("refused by lead: no") && answer.contains("call seq " + call.seq()), answer);
            assertEquals(call.seq(), onlyCall("refund_payment").seq(), "no new call, no new approval request");
            assertTrue(approvals.pending().isEmpty());
            assertEquals(0, context.getBean(Shop.class).runs("refund_payment"));
        });
    }

    @Test
    void shouldRecordWhatTheToolThrewAndLetTheModelReadIt() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-charge-1", "charge_card", "{\"order\":46}");
        context(model).run(context -> {
            String answer = prompt(context, "Charge order 46").call().content();

            assertEquals(ScriptedChatModel.FINAL_ANSWER, answer, "Spring AI's exception processor told the model");
            assertEquals("card declined for order 46", model.onlyToolResponse().responseData());
            Rec call = onlyCall("charge_card");
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call));
            JsonNode error = JSON.readTree(child(call, RecordType.TOOL_ERROR).result());
            assertEquals("java.lang.IllegalStateException", error.get("exception").asString(),
                    "what the tool threw, not Spring AI's ToolExecutionException around it");
            assertEquals("card declined for order 46", error.get("message").asString());
        });
    }

    @Test
    void shouldOfferTheModelOnlyTheToolsThePolicyDoesNotAlwaysBlockWhenAskedAndStillBlockOneCalledByName() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-del-9", "delete_account", "{\"customer\":\"hal\"}");
        context(model, "vouch.hide-blocked-tools=true").run(context -> {
            model.offersToolsThrough(context.getBean(ToolCallingManager.class));
            prompt(context, "Delete hal").call().content();

            assertEquals(List.of("charge_card", "count_stock", "read_order", "refund_payment"),
                    model.offeredTools().stream().sorted().toList(), "delete_account is always blocked: not offered");
            assertEquals(0, context.getBean(Shop.class).runs("delete_account"));
            assertEquals(Decision.BLOCK, child(onlyCall("delete_account"), RecordType.POLICY_DECISION).decision(),
                    "called by name anyway: judged, blocked and recorded");
        });
    }

    @Test
    void shouldOfferTheModelEveryToolByDefault() {
        ScriptedChatModel plain = new ScriptedChatModel();
        context(plain).run(context -> {
            plain.offersToolsThrough(context.getBean(ToolCallingManager.class));
            prompt(context, "Hello").call().content();
            assertTrue(plain.offeredTools().contains("delete_account"), "by default every tool is offered");
        });
    }

    @Test
    void shouldRecordAnErrorTheToolThrewByItsOwnClassAndLetSpringAiHandleItAsWithoutVouch() {
        ScriptedChatModel model = ScriptedChatModel.calling("call-stock-1", "count_stock", "{\"item\":\"bolts\"}");
        context(model).run(context -> {
            ToolExecutionException thrown = assertThrows(ToolExecutionException.class,
                    () -> prompt(context, "How many bolts?").call().content(),
                    "as without Vouch: Spring AI's processor rethrows a tool's Error in its wrapper");
            assertInstanceOf(AssertionError.class, thrown.getCause());
            Rec call = onlyCall("count_stock");
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR), childTypes(call));
            JsonNode error = JSON.readTree(child(call, RecordType.TOOL_ERROR).result());
            assertEquals("java.lang.AssertionError", error.get("exception").asString(),
                    "what the tool threw, not Spring AI's ToolExecutionException around it");
        });
    }

    @Test
    void shouldRecordEachOfSeveralCallsInOneTurnWithItsOwnId() {
        ScriptedChatModel model = new ScriptedChatModel(List.of(
                ScriptedChatModel.toolCall("call-a", "read_order", "{\"id\":1}"),
                ScriptedChatModel.toolCall("call-b", "delete_account", "{\"customer\":\"gus\"}"),
                ScriptedChatModel.toolCall("call-c", "read_order", "{\"id\":2}")));
        context(model).run(context -> {
            prompt(context, "Tidy up").call().content();

            List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
            assertEquals(List.of("call-a", "call-b", "call-c"), calls.stream().map(Rec::toolCallId).toList());
            assertEquals(List.of("call-a", "call-b", "call-c"),
                    model.toolResponses().stream().map(ToolResponseMessage.ToolResponse::id).toList());
            assertEquals(2, context.getBean(Shop.class).runs("read_order"));
        });
    }

    @Test
    void shouldJudgeByThePolicyFileAsItChanges() {
        ScriptedChatModel model = new ScriptedChatModel(
                List.of(ScriptedChatModel.toolCall("call-before", "read_order", "{\"id\":5}")),
                List.of(),
                List.of(ScriptedChatModel.toolCall("call-after", "read_order", "{\"id\":5}")));
        context(model, "vouch.policy-poll-interval=20ms").run(context -> {
            prompt(context, "Where is order 5?").call().content(); // allowed by the first policy
            PolicyWatcher watcher = context.getBean(PolicyWatcher.class);
            String first = watcher.current().sha256Hex();

            Files.writeString(watcher.file(), Shop.POLICY + """
                      - id: orders-are-private
                        match_methods: ["read_order"]
                        action: block
                        reason: Order lookups are paused
                    """);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (watcher.current().sha256Hex().equals(first) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            prompt(context, "And now?").call().content(); // the model calls read_order again

            List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
            assertEquals(List.of("call-before", "call-after"), calls.stream().map(Rec::toolCallId).toList());
            assertEquals(Decision.ALLOW, child(calls.get(0), RecordType.POLICY_DECISION).decision());
            Rec blocked = child(calls.get(1), RecordType.POLICY_DECISION);
            assertEquals(Decision.BLOCK, blocked.decision());
            assertEquals("orders-are-private", blocked.policy());
            assertTrue(blocked.params().contains("\"policy_sha256\":\"" + watcher.current().sha256Hex() + "\""),
                    blocked::toString);
            assertEquals(2, journal.ofType(RecordType.NOTE).size(), "each policy version is recorded as in force");
            assertEquals(1, context.getBean(Shop.class).runs("read_order"));
        });
    }

    /** Answers the first request that shows up in {@link VouchApprovals#pending()}, as a person would. */
    private static Thread answerFirst(VouchApprovals approvals, AtomicReference<ApprovalRequest> asked, boolean approve) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (approvals.pending().isEmpty() && System.nanoTime() < deadline) {
                try {
                    TimeUnit.MILLISECONDS.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
            ApprovalRequest r = approvals.pending().get(0);
            asked.set(r);
            if (approve) {
                approvals.approve(r.callSequence(), "dana", "checked");
            } else {
                approvals.refuse(r.callSequence(), "dana", "checked");
            }
        }, "approver");
        t.start();
        return t;
    }
}
