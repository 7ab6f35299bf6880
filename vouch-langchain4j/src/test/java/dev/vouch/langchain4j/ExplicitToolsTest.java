package dev.vouch.langchain4j;

import static dev.vouch.internal.format.RecordType.APPROVAL;
import static dev.vouch.internal.format.RecordType.POLICY_DECISION;
import static dev.vouch.internal.format.RecordType.TOOL_ERROR;
import static dev.vouch.internal.format.RecordType.TOOL_RESULT;
import static dev.vouch.langchain4j.ScriptedModel.callTool;
import static dev.vouch.langchain4j.ScriptedModel.say;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecution;
import dev.vouch.Decision;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.Guard;
import dev.vouch.internal.format.RecordType;
import dev.vouch.policy.Policy;
import dev.vouch.guard.ProgrammaticApprovals;
import dev.vouch.guard.TestJournal.Rec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A LangChain4j AI service with explicit {@code @Tool} objects ({@link VouchTools#tools}), a scripted model and a real
 * journal: what the model reads, whether the tool ran, and what the journal holds, for each way a call can end.
 */
class ExplicitToolsTest extends AdapterTestBase {
    static final String POLICY = """
            version: "2026.1"
            defaults:
              default_action: block
            policies:
              - id: lookups
                match_methods: ["lookup"]
                action: allow
              - id: big-refunds
                match_methods: ["refund"]
                conditions:
                  - {key: amount, operator: gt, value: 500}
                action: stall
                risk_level: high
                reason: refunds over 500 need a person
                approval_timeout: 10s
              - id: order-changes
                match_methods: ["refund", "cancel", "check"]
                action: allow
              - id: no-wipes
                match_methods: ["wipe"]
                action: block
                risk_level: critical
                reason: wiping orders is never allowed
            """;

    interface Assistant {
        Result<String> chat(@UserMessage String message, InvocationParameters parameters);
    }

    private final OrderTools orders = new OrderTools();

    private static InvocationParameters alice() {
        return InvocationParameters.from(VouchTools.PRINCIPAL, "alice@example.com");
    }

    private Assistant assistant(ScriptedModel model, VouchTools vouch) {
        return AiServices.builder(Assistant.class)
                .chatModel(model)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
                .tools(vouch.tools(orders))
                .build();
    }

    /** Answers the first approval request from another thread, as a person in a chat app would. */
    private static Thread answerFirst(ProgrammaticApprovals approvals, boolean approve, String who, String why) {
        Thread t = new Thread(() -> {
            try {
                while (approvals.pending().isEmpty()) {
                    TimeUnit.MILLISECONDS.sleep(1);
                }
            } catch (InterruptedException e) {
                return;
            }
            long seq = approvals.pending().get(0).callSequence();
            if (approve) {
                approvals.approve(seq, who, why);
            } else {
                approvals.refuse(seq, who, why);
            }
        }, "approver");
        t.start();
        return t;
    }

    @Test
    void shouldRunAnAllowedToolAndRecordItsResultAsTheJsonTheModelRead() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ScriptedModel model = new ScriptedModel(callTool("call_1", "lookup", "{\"order\":7}"), say("Order 7 has shipped."));

        Result<String> answer = assistant(model, vouch).chat("Where is order 7?", alice());

        assertEquals("Order 7 has shipped.", answer.content());
        assertEquals(1, orders.lookups.get());
        ToolExecutionResultMessage seen = model.toolResults().get(0);
        assertFalse(Boolean.TRUE.equals(seen.isError()));
        assertJson("{\"id\":7,\"status\":\"shipped\",\"total\":19.90}", seen.text());

        Rec call = callOf("lookup");
        assertEquals("call_1", call.toolCallId());
        assertEquals("alice@example.com", call.principal());
        assertJson("{\"order\":7}", call.params());
        assertEquals(List.of(POLICY_DECISION, TOOL_RESULT), story(call));
        assertDecision(call, Decision.ALLOW, "lookups");
        assertEquals(seen.text(), child(call, TOOL_RESULT).result(), "the journal holds the JSON the model read");
    }

    @Test
    void shouldTellTheModelWhyABlockedCallDidNotRunWithoutFailingTheChat() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ScriptedModel model = new ScriptedModel(callTool("call_2", "wipe", "{\"order\":7}"), say("I may not do that."));

        Result<String> answer = assistant(model, vouch).chat("Wipe order 7", alice());

        assertEquals("I may not do that.", answer.content());
        assertEquals(0, orders.wipes.get(), "a blocked tool never runs");
        ToolExecutionResultMessage seen = model.toolResults().get(0);
        assertEquals(Boolean.TRUE, seen.isError(), "shown to the model as LangChain4j shows a failed tool");
        assertTrue(seen.text().contains("policy no-wipes blocked wipe: wiping orders is never allowed"), seen.text());
        ToolExecution execution = answer.toolExecutions().get(0);
        assertTrue(execution.hasFailed());
        CallResult.Refused<?> refused = assertInstanceOf(CallResult.Refused.class, execution.resultObject());
        assertTrue(refused.blocked());

        Rec call = callOf("wipe");
        assertEquals(refused.callSequence(), call.seq());
        assertTrue(seen.text().contains("call seq " + call.seq()), seen.text());
        assertEquals("call_2", call.toolCallId());
        assertEquals(List.of(POLICY_DECISION), story(call), "no outcome: the tool never ran");
        assertDecision(call, Decision.BLOCK, "no-wipes");
    }

    @Test
    void shouldRunAStalledCallOnceApprovedWhileTheToolCallWaits() throws Exception {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        VouchTools vouch = VouchTools.builder(guard(POLICY, approvals)).build(); // StallMode.WAIT
        ScriptedModel model = new ScriptedModel(callTool("call_3", "refund", "{\"order\":42,\"amount\":900}"),
                say("Refunded."));
        Thread approver = answerFirst(approvals, true, "bob@example.com", "known customer");

        Result<String> answer = assistant(model, vouch).chat("Refund 900 on order 42", alice());
        approver.join();

        assertEquals("Refunded.", answer.content());
        assertEquals(1, orders.refunds.get());
        assertEquals("refund r-42 of 900.0", model.toolResults().get(0).text());

        Rec call = callOf("refund");
        assertEquals("call_3", call.toolCallId());
        assertEquals(List.of(POLICY_DECISION, APPROVAL, TOOL_RESULT), story(call));
        assertDecision(call, Decision.STALL, "big-refunds");
        Rec approval = child(call, APPROVAL);
        assertEquals(Decision.APPROVED, approval.decision());
        assertTrue(approval.params().startsWith("{\"approver\":\"bob@example.com\",\"reason\":\"known customer\""),
                approval::toString);
        assertEquals("refund r-42 of 900.0", json(child(call, TOOL_RESULT).result()).asText(),
                "plain text is recorded as a JSON string");
    }

    @Test
    void shouldTellTheModelARefusedStallDidNotRun() throws Exception {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        VouchTools vouch = VouchTools.builder(guard(POLICY, approvals)).stallMode(StallMode.WAIT).build();
        ScriptedModel model = new ScriptedModel(callTool("call_4", "refund", "{\"order\":42,\"amount\":900}"),
                say("The refund was refused."));
        Thread approver = answerFirst(approvals, false, "bob@example.com", "amount looks wrong");

        Result<String> answer = assistant(model, vouch).chat("Refund 900 on order 42", alice());
        approver.join();

        assertEquals("The refund was refused.", answer.content());
        assertEquals(0, orders.refunds.get(), "a refused tool never runs");
        ToolExecutionResultMessage seen = model.toolResults().get(0);
        assertEquals(Boolean.TRUE, seen.isError());
        assertTrue(seen.text().contains("refund was refused by bob@example.com: amount looks wrong"), seen.text());
        CallResult.Refused<?> refused = assertInstanceOf(CallResult.Refused.class,
                answer.toolExecutions().get(0).resultObject());
        assertFalse(refused.blocked());

        Rec call = callOf("refund");
        assertEquals(List.of(POLICY_DECISION, APPROVAL), story(call), "no outcome: the tool never ran");
        assertEquals(Decision.REFUSED, child(call, APPROVAL).decision());
    }

    @Test
    void shouldAnswerAwaitingApprovalAtOnceAndRunTheCallWhenResumed() {
        Guard guard = guard(POLICY, new ProgrammaticApprovals()); // asked, but nobody answers through it
        VouchTools vouch = VouchTools.builder(guard).stallMode(StallMode.PENDING).build();
        ScriptedModel model = new ScriptedModel(callTool("call_5", "refund", "{\"order\":42,\"amount\":900}"),
                say("A person must approve that refund first."), say("Your refund went through."));
        Assistant assistant = assistant(model, vouch);

        Result<String> first = assistant.chat("Refund 900 on order 42", alice());

        assertEquals("A person must approve that refund first.", first.content());
        assertEquals(0, orders.refunds.get());
        Rec call = callOf("refund");
        ToolExecutionResultMessage seen = model.toolResults().get(0);
        assertFalse(Boolean.TRUE.equals(seen.isError()), "waiting is not a failure");
        assertTrue(seen.text().contains("awaiting approval") && seen.text().contains("call seq " + call.seq()),
                seen.text());
        // How it runs once approved, as the MCP adapter says it (an outside trial: a real model had no hint).
        assertTrue(seen.text().endsWith("Call the tool again with the same arguments to run it once approved."),
                seen.text());
        assertInstanceOf(CallResult.Pending.class, first.toolExecutions().get(0).resultObject());
        List<PendingToolCall> pending = vouch.pendingCalls();
        assertEquals(1, pending.size());
        assertEquals(call.seq(), pending.get(0).callSequence());
        assertEquals("call_5", pending.get(0).request().id());
        assertEquals("big-refunds", pending.get(0).approval().policyId());
        assertEquals(List.of(POLICY_DECISION), story(call), "nothing answered, nothing ran");

        ResumedToolCall early = vouch.resume(call.seq());
        assertFalse(early.ran());
        assertInstanceOf(CallResult.Pending.class, early.outcome());
        assertEquals(1, vouch.pendingCalls().size(), "an unanswered call stays held");

        assertTrue(guard.pendingApprovals().approve(call.seq(), "bob@example.com", "checked the order"));
        ResumedToolCall resumed = vouch.resume(call.seq());

        assertTrue(resumed.ran());
        assertEquals("refund r-42 of 900.0", resumed.text());
        assertEquals(1, orders.refunds.get());
        assertTrue(vouch.pendingCalls().isEmpty());
        assertThrows(IllegalStateException.class, () -> vouch.resume(call.seq()), "a call runs once");

        Result<String> second = assistant.chat(resumed.userMessage().singleText(), alice());
        assertEquals("Your refund went through.", second.content());
        assertTrue(model.lastUserMessage().contains("call_5") && model.lastUserMessage().contains(
                "approved and has run. Its result: refund r-42 of 900.0"), model.lastUserMessage());

        assertEquals(List.of(POLICY_DECISION, APPROVAL, TOOL_RESULT), story(call));
        assertEquals("call_5", call.toolCallId());
        assertEquals("alice@example.com", call.principal());
        assertDecision(call, Decision.STALL, "big-refunds");
        assertEquals(Decision.APPROVED, child(call, APPROVAL).decision());
        assertEquals("refund r-42 of 900.0", json(child(call, TOOL_RESULT).result()).asText());
        assertEquals(1, journal.ofType(dev.vouch.internal.format.RecordType.TOOL_CALL).size(),
                "resuming records no second call");
    }

    @Test
    void shouldTakeAModelsRepeatOfAWaitingCallForThatCallAndRunItOnce() {
        // An outside trial: a model told "awaiting approval" asked again with the same arguments, which made a second
        // waiting call; approving and resuming both ran the refund twice.
        Guard guard = guard(POLICY, new ProgrammaticApprovals());
        VouchTools vouch = VouchTools.builder(guard).stallMode(StallMode.PENDING).build();
        ScriptedModel model = new ScriptedModel(callTool("r1", "refund", "{\"order\":7,\"amount\":900}"),
                callTool("r2", "refund", "{ \"amount\": 900.0, \"order\": 7 }"), say("It waits for a person."),
                callTool("r3", "refund", "{\"order\":7,\"amount\":900}"), say("Refunded."));
        Assistant assistant = assistant(model, vouch);

        assertEquals("It waits for a person.", assistant.chat("Refund 900 on order 7", alice()).content());
        Rec call = callOf("refund");
        assertTrue(model.toolResults().get(1).text().contains("awaiting approval")
                && model.toolResults().get(1).text().contains("call seq " + call.seq()), model.toolResults()::toString);
        assertEquals(1, vouch.pendingCalls().size(), "the repeat is the same call");

        assertTrue(guard.pendingApprovals().approve(call.seq(), "bob@example.com", "fine"));
        assertEquals("Refunded.", assistant.chat("Is it done?", alice()).content());

        assertEquals(1, orders.refunds.get(), "it ran once, for the repeat that came after the approval");
        assertTrue(vouch.pendingCalls().isEmpty());
        assertThrows(IllegalStateException.class, () -> vouch.resume(call.seq()), "a call runs once");
        assertEquals(List.of(POLICY_DECISION, APPROVAL, TOOL_RESULT), story(call));
        assertEquals(1, journal.ofType(RecordType.TOOL_CALL).size(), "repeats record no second call");
    }

    @Test
    void shouldRunAnApprovedCallOnceWhenTheModelRepeatsItTwiceInOneTurn() throws Exception {
        // A final outside trial: the second of two simultaneous repeats got the guard's raw "no deferred call" text.
        Guard guard = guard(POLICY, new ProgrammaticApprovals());
        VouchTools vouch = VouchTools.builder(guard).stallMode(StallMode.PENDING).build();
        AiMessage twice = AiMessage.from(List.of(
                dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("t2").name("refund")
                        .arguments("{\"order\":7,\"amount\":900}").build(),
                dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("t3").name("refund")
                        .arguments("{\"amount\":900.0,\"order\":7}").build()));
        ScriptedModel model = new ScriptedModel(callTool("t1", "refund", "{\"order\":7,\"amount\":900}"),
                say("It waits."), twice, say("Done."));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
                    .chatMemory(MessageWindowChatMemory.withMaxMessages(20)).tools(vouch.tools(orders))
                    .executeToolsConcurrently(guard.executor(pool)).build();
            assertEquals("It waits.", assistant.chat("Refund 900 on order 7", alice()).content());
            long seq = callOf("refund").seq();
            assertTrue(guard.pendingApprovals().approve(seq, "bob@example.com", "fine"));

            assertEquals("Done.", assistant.chat("Go on", alice()).content());

            assertEquals(1, orders.refunds.get(), "it ran once");
            List<String> texts = model.toolResults().stream().map(ToolExecutionResultMessage::text).toList();
            assertTrue(texts.contains("refund r-7 of 900.0"), texts::toString);
            // The other repeat either met the first while it ran (told so), or came after it ended and is a new call,
            // waiting, as any later repeat; never the guard's internal message, never a second run.
            String other = texts.get(texts.size() - 1).startsWith("refund r-7") ? texts.get(texts.size() - 2)
                    : texts.get(texts.size() - 1);
            assertTrue(other.startsWith("Vouch did not run this call again: it is the same call as call seq " + seq)
                    || other.contains("is awaiting approval"), texts::toString);
            assertEquals(List.of(POLICY_DECISION, APPROVAL, TOOL_RESULT),
                    journal.childTypes(seq), "the call that ran");
        } finally {
            pool.shutdown();
        }
    }

    /**
     * An outside trial: the same new call asked for twice in one turn, with tools run in parallel, became two waiting
     * calls; approving both ran the refund twice. The later one is refused on record as the first one's duplicate.
     */
    @Test
    void shouldHoldOneCallWhenTheSameNewCallIsMadeTwiceInOneTurn() throws Exception {
        Guard guard = guard(POLICY, new ProgrammaticApprovals());
        VouchTools vouch = VouchTools.builder(guard).stallMode(StallMode.PENDING).build();
        int rounds = 12;
        Object[] steps = new Object[rounds * 2];
        for (int i = 0; i < rounds; i++) {
            steps[2 * i] = AiMessage.from(List.of(
                    dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("a" + i).name("refund")
                            .arguments("{\"order\":" + (100 + i) + ",\"amount\":900}").build(),
                    dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("b" + i).name("refund")
                            .arguments("{\"amount\":900,\"order\":" + (100 + i) + "}").build()));
            steps[2 * i + 1] = say("Waiting " + i + ".");
        }
        ScriptedModel model = new ScriptedModel(java.util.Arrays.copyOf(steps, steps.length, AiMessage[].class));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
                    .chatMemory(MessageWindowChatMemory.withMaxMessages(40)).tools(vouch.tools(orders))
                    .executeToolsConcurrently(guard.executor(pool)).build();
            for (int i = 0; i < rounds; i++) {
                assertEquals("Waiting " + i + ".", assistant.chat("Refund order " + (100 + i), alice()).content());
            }
        } finally {
            pool.shutdown();
        }

        assertEquals(rounds, vouch.pendingCalls().size(), "one waiting call per request: " + vouch.pendingCalls());
        assertEquals(rounds, guard.pendingApprovals().size());
        for (ToolExecutionResultMessage m : model.toolResults()) {
            assertTrue(m.text().contains("awaiting approval"), m.text());
        }
        for (var p : vouch.pendingCalls()) {
            assertTrue(guard.pendingApprovals().approve(p.callSequence(), "bob@example.com", "fine"));
            vouch.resume(p.callSequence());
        }
        assertEquals(rounds, orders.refunds.get(), "each refund ran once");
    }

    /**
     * An outside trial restarted the agent between the stall and the approval: the model's repeats never found the
     * call the guard took back from the journal (recoverPending), each became a new waiting call, and nothing ran.
     */
    @Test
    void shouldRunACallTakenBackAfterARestartWhenTheModelRepeatsIt() throws Exception {
        Guard before = guard(POLICY, new ProgrammaticApprovals());
        VouchTools first = VouchTools.builder(before).stallMode(StallMode.PENDING).build();
        assertEquals("Waiting.", assistant(new ScriptedModel(callTool("r1", "refund", "{\"order\":20,\"amount\":900}"),
                say("Waiting.")), first).chat("Refund 900 on order 20", alice()).content());
        long seq = callOf("refund").seq();
        journal.closeAndVerify();

        journal = new dev.vouch.guard.TestJournal(tmp);
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard after = Guard.builder(journal.ledger).agent("support-bot").policy(Policy.parse(POLICY, "vouch-policy.yaml"))
                .approvals(approvals).recoverPending(dev.vouch.ledger.JournalReader.open(journal.dir)).build();
        VouchTools vouch = VouchTools.builder(after).stallMode(StallMode.PENDING).build();
        ScriptedModel model = new ScriptedModel(callTool("r2", "refund", "{\"amount\":900.0,\"order\":20}"),
                say("Still waiting."), callTool("r3", "refund", "{\"order\":20,\"amount\":900}"), say("Refunded."));
        Assistant assistant = assistant(model, vouch);

        assertEquals("Still waiting.", assistant.chat("Is it done?", alice()).content());
        assertTrue(model.toolResults().get(0).text().contains("call seq " + seq), model.toolResults()::toString);
        assertEquals(1, after.pendingApprovals().size(), "the repeat is the call taken back, not a new one");
        assertTrue(after.pendingApprovals().approve(seq, "bob@example.com", "fine"));
        assertEquals("Refunded.", assistant.chat("And now?", alice()).content());

        assertEquals(1, orders.refunds.get(), "it ran once, for the repeat after the approval");
        assertEquals(1, journal.ofType(RecordType.TOOL_CALL).size(), "no second call was recorded");
        assertEquals(List.of(POLICY_DECISION, APPROVAL, TOOL_RESULT), journal.childTypes(seq));
    }

    @Test
    void shouldForgetAPendingCallThatIsRefusedAndNeverRunIt() {
        Guard guard = guard(POLICY, new ProgrammaticApprovals());
        VouchTools vouch = VouchTools.builder(guard).stallMode(StallMode.PENDING).build();
        ScriptedModel model = new ScriptedModel(callTool("call_6", "refund", "{\"order\":42,\"amount\":900}"),
                say("Waiting for a person."));
        assistant(model, vouch).chat("Refund 900 on order 42", alice());
        long seq = vouch.pendingCalls().get(0).callSequence();

        assertTrue(guard.pendingApprovals().refuse(seq, "bob@example.com", "not this one"));
        ResumedToolCall resumed = vouch.resume(seq);

        assertFalse(resumed.ran());
        CallResult.Refused<?> refused = assertInstanceOf(CallResult.Refused.class, resumed.outcome());
        assertEquals(seq, refused.callSequence());
        assertTrue(resumed.userMessage().singleText().contains("it will not run"), resumed.userMessage().singleText());
        assertTrue(resumed.text().contains("not this one"), resumed.text());
        assertEquals(0, orders.refunds.get());
        assertTrue(vouch.pendingCalls().isEmpty(), "a refused call is forgotten");
        Rec call = callOf("refund");
        assertEquals(List.of(POLICY_DECISION, APPROVAL), story(call));
        assertEquals(Decision.REFUSED, child(call, APPROVAL).decision());
    }

    @Test
    void shouldRecordAToolThatThrowsAsToolErrorAndLeaveTheAnswerToTheErrorHandler() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ScriptedModel model = new ScriptedModel(callTool("call_7", "cancel", "{\"order\":7}"), say("It already shipped."));
        AtomicReference<Throwable> handled = new AtomicReference<>();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(model)
                .tools(vouch.tools(orders))
                .toolExecutionErrorHandler((error, context) -> {
                    handled.set(error);
                    return ToolErrorHandlerResult.text("cancel failed: " + error.getMessage());
                })
                .build();

        Result<String> answer = assistant.chat("Cancel order 7", alice());

        assertEquals("It already shipped.", answer.content());
        IllegalStateException thrown = assertInstanceOf(IllegalStateException.class, handled.get(),
                "the error handler gets what it gets without Vouch");
        assertEquals("the warehouse already shipped order 7", thrown.getMessage());
        ToolExecutionResultMessage seen = model.toolResults().get(0);
        assertEquals(Boolean.TRUE, seen.isError());
        assertEquals("cancel failed: the warehouse already shipped order 7", seen.text());

        Rec call = callOf("cancel");
        assertEquals("call_7", call.toolCallId());
        assertEquals(List.of(POLICY_DECISION, TOOL_ERROR), story(call));
        assertJson("{\"exception\":\"java.lang.IllegalStateException\",\"message\":\"the warehouse already shipped order 7\"}",
                child(call, TOOL_ERROR).result());
    }

    /** A tool that throws an Error: LangChain4j hands it to the error handler and the chat goes on; so with Vouch. */
    @Test
    void shouldHandAnErrorAToolThrowsToTheErrorHandlerAsLangChain4jDoes() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ScriptedModel model = new ScriptedModel(callTool("call_8", "check", "{\"order\":8}"), say("The check failed."));
        AtomicReference<Throwable> handled = new AtomicReference<>();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(model)
                .tools(vouch.tools(new AssertingTools()))
                .toolExecutionErrorHandler((error, context) -> {
                    handled.set(error);
                    return ToolErrorHandlerResult.text("check failed: " + error.getMessage());
                })
                .build();

        Result<String> answer = assistant.chat("Check order 8", alice());

        assertEquals("The check failed.", answer.content(), "the chat went on");
        assertInstanceOf(AssertionError.class, handled.get(), "the error handler gets what it gets without Vouch");
        assertEquals("check failed: order 8 does not add up", model.toolResults().get(0).text());
        Rec call = callOf("check");
        assertEquals(List.of(POLICY_DECISION, TOOL_ERROR), story(call));
        assertEquals("java.lang.AssertionError", json(child(call, TOOL_ERROR).result()).path("exception").asText());
    }

    /**
     * Two tool calls in one model turn, run in parallel on a pool through the guard's executor (the documented way):
     * both are recorded inside the task the chat runs in, with the TASK_START as parent.
     */
    @Test
    void shouldKeepParallelToolCallsInTheirTaskThroughTheGuardsExecutor() throws Exception {
        Guard guard = guard(POLICY, ApprovalHandler.alwaysDeny());
        VouchTools vouch = VouchTools.builder(guard).build();
        AiMessage both = AiMessage.from(List.of(
                dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("p1").name("lookup")
                        .arguments("{\"order\":1}").build(),
                dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("p2").name("lookup")
                        .arguments("{\"order\":2}").build()));
        ScriptedModel model = new ScriptedModel(both, say("Both shipped."));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(model)
                    .tools(vouch.tools(orders))
                    .executeToolsConcurrently(guard.executor(pool))
                    .build();
            try (dev.vouch.guard.Task task = guard.task("ticket-12")) {
                assertEquals("Both shipped.", assistant.chat("Where are orders 1 and 2?", alice()).content());
            }
        } finally {
            pool.shutdown();
        }

        assertEquals(2, orders.lookups.get());
        List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        Rec start = journal.ofType(RecordType.TASK_START).get(0);
        assertEquals(2, calls.size());
        for (Rec call : calls) {
            assertEquals("ticket-12", call.task(), call::toString);
            assertEquals(start.seq(), call.parent(), call::toString);
        }
    }

    interface StreamingAssistant {
        dev.langchain4j.service.TokenStream chat(@UserMessage String message, InvocationParameters parameters);
    }

    /**
     * A streaming chat: LangChain4j runs the tools in the model's callbacks, on the model's own thread. An outside trial
     * found every such call recorded with no task and no parent; through {@link VouchTools#streamingModel} they are
     * recorded in the task of the thread that started the chat, over two model turns.
     */
    @Test
    void shouldRecordAStreamingChatsToolCallsInTheTaskThatStartedIt() throws Exception {
        Guard guard = guard(POLICY, ApprovalHandler.alwaysDeny());
        VouchTools vouch = VouchTools.builder(guard).build();
        for (boolean carried : new boolean[] {true, false}) {
            String task = carried ? "stream-carried" : "stream-plain";
            try (ScriptedStreamingModel model = new ScriptedStreamingModel(callTool("s1", "lookup", "{\"order\":1}"),
                    callTool("s2", "lookup", "{\"order\":2}"), say("Both shipped."))) {
                StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class)
                        .streamingChatModel(carried ? vouch.streamingModel(model) : model)
                        .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
                        .tools(vouch.tools(orders))
                        .build();
                java.util.concurrent.CompletableFuture<dev.langchain4j.model.chat.response.ChatResponse> done =
                        new java.util.concurrent.CompletableFuture<>();
                try (dev.vouch.guard.Task t = guard.task(task)) {
                    assistant.chat("Where are orders 1 and 2?", alice()).onPartialResponse(text -> { })
                            .onCompleteResponse(done::complete).onError(done::completeExceptionally).start();
                    assertEquals("Both shipped.", done.get(30, TimeUnit.SECONDS).aiMessage().text());
                }
            }
            long start = journal.ofType(RecordType.TASK_START).stream().filter(r -> r.task().equals(task))
                    .findFirst().orElseThrow().seq();
            List<Rec> calls = journal.ofType(RecordType.TOOL_CALL).stream()
                    .filter(c -> c.toolCallId().equals("s1") || c.toolCallId().equals("s2")).toList();
            List<Rec> these = calls.subList(calls.size() - 2, calls.size());
            for (Rec call : these) {
                if (carried) {
                    assertEquals(task, call.task(), call::toString);
                    assertEquals(start, call.parent(), call::toString);
                } else {
                    assertEquals("", call.task(), "without it, the calls are outside the task: " + call);
                }
            }
        }
        assertEquals(4, orders.lookups.get());
    }

    /** A tool whose check fails with an Error rather than an exception. */    /** A tool whose check fails with an Error rather than an exception. */
    public static final class AssertingTools {
        @dev.langchain4j.agent.tool.Tool("Checks an order's sums")
        public String check(int order) {
            throw new AssertionError("order " + order + " does not add up");
        }
    }

    @Test
    void shouldRecordBadArgumentsAsToolErrorAndLeaveThemToTheArgumentsHandler() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ScriptedModel model = new ScriptedModel(callTool("call_9", "lookup", "{\"order\":\"seven\"}"), say("Which order?"));
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(model)
                .tools(vouch.tools(orders))
                .toolArgumentsErrorHandler((error, context) -> ToolErrorHandlerResult.text("bad arguments: " + error.getMessage()))
                .build();

        assertEquals("Which order?", assistant.chat("Where is order seven?", alice()).content());

        assertEquals(0, orders.lookups.get());
        assertTrue(model.toolResults().get(0).text().startsWith("bad arguments: Argument \"order\""),
                model.toolResults().get(0).text());
        Rec call = callOf("lookup");
        assertEquals(List.of(POLICY_DECISION, TOOL_ERROR), story(call));
        assertEquals("dev.langchain4j.exception.ToolArgumentsException",
                json(child(call, TOOL_ERROR).result()).path("exception").asText());
    }

    @Test
    void shouldRecordNoPrincipalWhenTheServiceGivesNone() {
        VouchTools vouch = VouchTools.builder(guard(POLICY, ApprovalHandler.alwaysDeny())).build();
        ScriptedModel model = new ScriptedModel(callTool("call_8", "lookup", "{\"order\":7}"), say("Shipped."));

        assistant(model, vouch).chat("Where is order 7?", new InvocationParameters());

        assertEquals("", callOf("lookup").principal(), "the journal reads back an absent principal as empty");
    }
}
