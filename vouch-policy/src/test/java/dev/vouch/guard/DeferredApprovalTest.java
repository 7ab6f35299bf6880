package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.PolicyDecision;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Approvals that outlive a thread: a stall that returns at once as pending, answered and resumed later. */
class DeferredApprovalTest extends GuardTestBase {
    private static final String PARAMS = "{\"from\":\"/a\",\"to\":\"/b\"}";

    private Guard deferring(ApprovalHandler approvals, Duration timeout) {
        return guard((tool, params) -> stall("moves", "moves need a person", timeout)).approvals(approvals).build();
    }

    private static ApprovalHandler nobodyAnswers() {
        return request -> new CompletableFuture<>();
    }

    @Test
    void shouldReturnPendingAtOnceAndRunOnlyAfterApprovalThroughResume() throws Exception {
        Guard guard = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        AtomicInteger runs = new AtomicInteger();
        CallResult<String> r = guard.attempt(ToolCall.of("fs.move", PARAMS).id("call_1").deferApproval(true),
                () -> "moved " + runs.incrementAndGet());
        CallResult.Pending<String> pending = assertInstanceOf(CallResult.Pending.class, r);
        assertEquals(0, runs.get());
        assertTrue(pending.explanation().contains("awaiting approval"), pending.explanation());
        assertTrue(pending.explanation().contains("call seq " + r.callSequence()), pending.explanation());
        assertEquals(List.of(pending.request()), guard.pendingApprovals().list());
        assertEquals("call_1", pending.request().toolCallId(), "a UI can tie the request to the model's call");
        assertEquals(1, guard.pendingApprovals().size());

        // Not answered yet: resume says so and runs nothing.
        assertInstanceOf(CallResult.Pending.class, guard.resume(r.callSequence(), () -> "never"));

        assertTrue(guard.pendingApprovals().approve(r.callSequence(), "alice", "looks right"));
        assertFalse(guard.pendingApprovals().approve(r.callSequence(), "bob", "again"), "an answer given twice counts once");
        assertEquals(0, guard.pendingApprovals().size());
        // The APPROVAL is on record as soon as the answer returns, before anything runs.
        List<Rec> approvals = journal.ofType(RecordType.APPROVAL);
        assertEquals(1, approvals.size());
        assertEquals(Decision.APPROVED, approvals.get(0).decision());
        assertEquals(r.callSequence(), approvals.get(0).parent());

        CallResult<String> done = guard.resume(r.callSequence(), () -> "moved " + runs.incrementAndGet());
        assertEquals("moved 1", assertInstanceOf(CallResult.Completed.class, done).value());
        assertThrows(IllegalStateException.class, () -> guard.resume(r.callSequence(), () -> "twice"),
                "a call runs once");
        assertEquals(1, runs.get());

        Rec call = journal.bySeq(r.callSequence());
        assertEquals("call_1", call.toolCallId());
        Rec result = journal.ofType(RecordType.TOOL_RESULT).get(0);
        assertEquals(r.callSequence(), result.parent());
        assertEquals("moved 1", result.result());
    }

    @Test
    void shouldRefuseAResumeAfterARefusalAndNeverRunTheTool() {
        Guard guard = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        CallResult<String> r = guard.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved");
        assertTrue(guard.pendingApprovals().refuse(r.callSequence(), "alice", "wrong folder"));
        CallResult<String> resumed = guard.resume(r.callSequence(), () -> {
            throw new AssertionError("a refused call must not run");
        });
        CallResult.Refused<String> refused = assertInstanceOf(CallResult.Refused.class, resumed);
        assertFalse(refused.blocked());
        assertTrue(refused.explanation().contains("wrong folder"), refused.explanation());
        assertEquals(Decision.REFUSED, journal.ofType(RecordType.APPROVAL).get(0).decision());
        assertTrue(journal.ofType(RecordType.TOOL_RESULT).isEmpty());
    }

    @Test
    void shouldRecordTimedOutAtTheDeadlineWithNobodyWaiting() throws Exception {
        Guard guard = deferring(nobodyAnswers(), Duration.ofMillis(50));
        CallResult<String> r = guard.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved");
        assertInstanceOf(CallResult.Pending.class, r);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (journal.ofType(RecordType.APPROVAL).isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertEquals(Decision.TIMED_OUT, journal.ofType(RecordType.APPROVAL).get(0).decision());
        assertFalse(guard.pendingApprovals().approve(r.callSequence(), "late", "too late"));
        // The APPROVAL is in the journal a moment before the guard has taken the answer in (the recording returns
        // after the commit): until then the call is still pending, which is a correct answer, so ask again.
        CallResult<String> resumed = guard.resume(r.callSequence(), () -> "moved");
        while (resumed instanceof CallResult.Pending && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
            resumed = guard.resume(r.callSequence(), () -> "moved");
        }
        CallResult.Refused<String> refused = assertInstanceOf(CallResult.Refused.class, resumed);
        assertInstanceOf(ApprovalTimedOutException.class, refused.reason());
    }

    @Test
    void shouldTakeTheApprovalHandlersAnswerForADeferredCall() {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = deferring(approvals, Duration.ofMinutes(5));
        CallResult<String> r = guard.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved");
        assertEquals(1, approvals.pending().size(), "the handler is told about the deferred call");
        assertTrue(approvals.approve(r.callSequence(), "carol", "ok"));
        assertEquals("moved", guard.resume(r.callSequence(), () -> "moved").valueOrThrow());
        String approval = journal.ofType(RecordType.APPROVAL).get(0).params();
        assertTrue(approval.contains("\"approver\":\"carol\""), approval);
    }

    @Test
    void shouldRefuseADeferredCallAtOnceWithTheDefaultHandler() {
        Guard guard = guard((tool, params) -> stall("moves", "moves need a person", Duration.ofMinutes(5))).build();
        CallResult<String> r = guard.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved");
        assertInstanceOf(CallResult.Refused.class, r);
        assertEquals(0, guard.pendingApprovals().size());
    }

    @Test
    void shouldThrowApprovalPendingFromCallForADeferredStall() {
        Guard guard = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        ApprovalPendingException e = assertThrows(ApprovalPendingException.class,
                () -> guard.call(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved"));
        assertEquals("fs.move", e.tool());
        assertEquals(e.callSequence(), e.request().callSequence());
    }

    @Test
    void shouldResumeAsynchronously() throws Exception {
        Guard guard = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        CallResult<String> r = guard.attemptAsync(ToolCall.of("fs.move", PARAMS).deferApproval(true),
                () -> CompletableFuture.completedFuture("moved")).get(10, TimeUnit.SECONDS);
        assertInstanceOf(CallResult.Pending.class, r);
        guard.pendingApprovals().approve(r.callSequence(), "alice", "");
        CallResult<String> done = guard.resumeAsync(r.callSequence(),
                () -> CompletableFuture.supplyAsync(() -> "moved async")).get(10, TimeUnit.SECONDS);
        assertEquals("moved async", done.valueOrThrow());
        assertEquals("moved async", journal.ofType(RecordType.TOOL_RESULT).get(0).result());
        assertThrows(Exception.class, () -> guard.resumeAsync(r.callSequence(),
                () -> CompletableFuture.completedFuture("again")).get(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldRediscoverPendingCallsAfterARestartAndResumeThem() throws Exception {
        Guard first = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        long waiting;
        try (Task task = first.task("tidy-up")) {
            waiting = first.attempt(ToolCall.of("fs.move", PARAMS).id("call_9").principal("alice").deferApproval(true),
                    () -> "moved").callSequence();
        }
        long answered = first.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved")
                .callSequence();
        first.pendingApprovals().refuse(answered, "alice", "no");

        // A new guard (as after a restart) finds the unanswered one, not the answered one.
        Guard second = guard((tool, params) -> stall("moves", "moves need a person", Duration.ofMinutes(5)))
                .approvals(nobodyAnswers()).recoverPending(JournalReader.open(journal.dir)).build();
        List<ApprovalRequest> found = second.pendingApprovals().list();
        assertEquals(1, found.size(), found::toString);
        ApprovalRequest r = found.get(0);
        assertEquals(waiting, r.callSequence());
        assertEquals("fs.move", r.tool());
        assertEquals("tidy-up", r.task());
        assertEquals("moves", r.policyId());
        assertEquals(PARAMS, r.storedParams());
        assertEquals("call_9", r.toolCallId(), "rediscovered with the model's call id");
        assertEquals("alice", r.principal());

        assertTrue(second.pendingApprovals().approve(waiting, "bob", "fine now"));
        assertEquals("moved later", second.resume(waiting, () -> "moved later").valueOrThrow());
        Rec result = journal.ofType(RecordType.TOOL_RESULT).get(0);
        assertEquals(waiting, result.parent());
        assertEquals("tidy-up", result.task(), "the resumed call keeps its task");
    }

    /**
     * A pending call taken back after a restart keeps its result as the policy said before the restart: metadata only
     * with a redacted path stored the parameters as a commitment, which the recovery read as "full payload", and the
     * result of the resumed call went into the journal in clear.
     */
    @Test
    void shouldKeepAResumedMetadataOnlyCallsResultAsThePolicySaidBeforeTheRestart() throws Exception {
        RedactionKey key = RedactionKey.generate();
        PolicyEvaluator secretStall = (tool, params) -> new PolicyDecision(dev.vouch.policy.Action.STALL,
                List.of("pin"), dev.vouch.Risk.HIGH, "vault", "pins need a person", dev.vouch.policy.PayloadLogging
                        .METADATA_ONLY, Duration.ofMinutes(5));
        Guard first = guard(secretStall).approvals(nobodyAnswers()).redactionKey(key).build();
        long waiting = first.attempt(ToolCall.of("vault.reset", "{\"pin\":\"4821\"}").deferApproval(true),
                () -> "\"never\"").callSequence();

        Guard second = guard(secretStall).approvals(nobodyAnswers()).redactionKey(key)
                .recoverPending(JournalReader.open(journal.dir)).build();
        assertTrue(second.pendingApprovals().approve(waiting, "bob", "fine"));
        assertEquals("\"0417\"", second.resume(waiting, () -> "\"0417\"").valueOrThrow());
        String stored = journal.ofType(RecordType.TOOL_RESULT).get(0).result();
        assertTrue(stored.startsWith("{\"$vouch_redacted\":\"hmac-sha256:v1-bytes:"), stored);
        journal.closeAndVerify();
        assertFalse(journal.anyFileContains("0417".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void shouldFindTheDeferredCallARepeatAsksForAgainUntilItIsResumed() {
        Guard guard = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        long first = guard.attempt(ToolCall.of("fs.move", PARAMS).principal("alice").deferApproval(true), () -> "moved")
                .callSequence();
        long other = guard.attempt(ToolCall.of("fs.move", "{\"from\":\"/a\",\"to\":\"/c\"}").principal("alice")
                .deferApproval(true), () -> "moved").callSequence();
        // The same JSON value in another spelling, with another id: the same request.
        ToolCall repeat = ToolCall.of("fs.move", "{ \"to\": \"/b\", \"from\": \"/a\" }").id("call_2").principal("alice");
        assertEquals(java.util.OptionalLong.of(first), guard.pendingApprovals().repeatOf(repeat));
        assertEquals(java.util.OptionalLong.of(first), guard.pendingApprovals().repeatOf(
                ToolCall.of("fs.move", PARAMS).principal("alice").deferApproval(true)), "a deferring repeat too");
        assertTrue(guard.pendingApprovals().repeatOf(ToolCall.of("fs.move", PARAMS)).isEmpty(), "another principal");
        assertTrue(guard.pendingApprovals().repeatOf(ToolCall.of("fs.copy", PARAMS).principal("alice")).isEmpty());
        assertTrue(guard.pendingApprovals().repeatOf(ToolCall.of("fs.move", "{\"from\":\"/a\",\"to\":\"/d\"}")
                .principal("alice")).isEmpty());

        // Answered but not resumed: still the call a repeat resumes (the approval runs it once).
        assertTrue(guard.pendingApprovals().approve(first, "bob", "fine"));
        assertEquals(java.util.OptionalLong.of(first), guard.pendingApprovals().repeatOf(repeat));
        assertEquals("moved", guard.resume(first, () -> "moved").valueOrThrow());
        assertTrue(guard.pendingApprovals().repeatOf(repeat).isEmpty(), "resumed: a repeat is a new call");

        // A refusal stays findable until a resume hears of it.
        assertTrue(guard.pendingApprovals().refuse(other, "bob", "no"));
        ToolCall otherRepeat = ToolCall.of("fs.move", "{\"from\":\"/a\",\"to\":\"/c\"}").principal("alice");
        assertEquals(java.util.OptionalLong.of(other), guard.pendingApprovals().repeatOf(otherRepeat));
        assertInstanceOf(CallResult.Refused.class, guard.resume(other, () -> "never"));
        assertTrue(guard.pendingApprovals().repeatOf(otherRepeat).isEmpty());
    }

    @Test
    void shouldNameTheApprovedCallARepeatAsksForWhileItRunsAndOnlyThen() throws Exception {
        // An outside trial: repeats racing the resumed refund found no deferred call (resumed) and were judged as new
        // calls, each waiting for a second approval of the same refund, in every adapter.
        Guard guard = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        ToolCall repeat = ToolCall.of("fs.move", "{ \"to\": \"/b\", \"from\": \"/a\" }");
        long seq = guard.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved").callSequence();
        assertTrue(guard.pendingApprovals().runningAs(repeat).isEmpty(), "waiting, not running");
        assertTrue(guard.pendingApprovals().approve(seq, "bob", "fine"));
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<CallResult<String>> resumed = CompletableFuture.supplyAsync(() -> {
            try {
                return guard.resume(seq, () -> {
                    running.countDown();
                    return finish.await(10, TimeUnit.SECONDS) ? "moved" : "not told to finish";
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));

        assertTrue(guard.pendingApprovals().repeatOf(repeat).isEmpty(), "resumed: no longer a deferred call");
        assertEquals(java.util.OptionalLong.of(seq), guard.pendingApprovals().runningAs(repeat));
        assertEquals("call seq " + seq + " was approved and runs now, resumed for another request (a call runs once)",
                assertThrows(IllegalStateException.class, () -> guard.resume(seq, () -> "again")).getMessage());
        assertTrue(guard.pendingApprovals().runningAs(ToolCall.of("fs.move", "{\"from\":\"/a\",\"to\":\"/c\"}"))
                .isEmpty(), "another request");
        finish.countDown();
        assertEquals("moved", resumed.get(10, TimeUnit.SECONDS).valueOrThrow());
        assertTrue(guard.pendingApprovals().runningAs(repeat).isEmpty(), "ended: a repeat is a new call");

        // Asynchronously, and approved by the handler at once: named while running, forgotten once done.
        Guard approving = deferring(request -> CompletableFuture.completedFuture(Approval.granted("auto", "ok")),
                Duration.ofMinutes(5));
        CompletableFuture<String> tool = new CompletableFuture<>();
        CompletableFuture<CallResult<String>> async = approving.attemptAsync(ToolCall.of("fs.move", PARAMS)
                .deferApproval(true), () -> tool);
        assertTrue(approving.pendingApprovals().runningAs(repeat).isPresent());
        tool.complete("moved");
        assertEquals("moved", async.get(10, TimeUnit.SECONDS).valueOrThrow());
        assertTrue(approving.pendingApprovals().runningAs(repeat).isEmpty());
        approving.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved again");
        assertTrue(approving.pendingApprovals().runningAs(repeat).isEmpty(), "a synchronous run is forgotten too");
    }

    @Test
    void shouldFindNumbersByTheirValueAndTheFirstHeldOfTwoSameRequests() {
        Guard guard = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        // The same refund deferred twice (as by two clients at once, when no adapter refused the second): a repeat
        // finds the first, so both callers are told of the same call.
        long first = guard.attempt(ToolCall.of("refund", "{\"amount\":1}").deferApproval(true), () -> "paid")
                .callSequence();
        long second = guard.attempt(ToolCall.of("refund", "{\"amount\":1.0}").deferApproval(true), () -> "paid")
                .callSequence();
        ToolCall repeat = ToolCall.of("refund", "{\"amount\":10E-1}");
        assertEquals(java.util.OptionalLong.of(first), guard.pendingApprovals().repeatOf(repeat));
        assertTrue(guard.pendingApprovals().repeatOf(ToolCall.of("refund", "{\"amount\":1.5}")).isEmpty());
        // Once the first is used up, the second is what a repeat finds.
        assertTrue(guard.pendingApprovals().refuse(first, "bob", "no"));
        assertInstanceOf(CallResult.Refused.class, guard.resume(first, () -> "never"));
        assertEquals(java.util.OptionalLong.of(second), guard.pendingApprovals().repeatOf(repeat));
    }

    @Test
    void shouldTellEveryoneWhoDeferredTheSameRequestAtOnceOfTheSameCall() throws Exception {
        Guard guard = deferring(nobodyAnswers(), Duration.ofMinutes(5));
        int threads = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                String params = "{\"round\":" + round + "}";
                List<java.util.concurrent.Future<Long>> told = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    told.add(pool.submit(() -> {
                        start.await();
                        long mine = guard.attempt(ToolCall.of("refund", params).deferApproval(true), () -> "paid")
                                .callSequence();
                        return guard.pendingApprovals().repeatOf(ToolCall.of("refund", params)).orElse(mine);
                    }));
                }
                java.util.Set<Long> seen = new java.util.HashSet<>();
                for (var f : told) {
                    seen.add(f.get(10, TimeUnit.SECONDS));
                }
                assertEquals(1, seen.size(), "round " + round + ": every caller is told of one call, " + seen);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldLetARepeatFindARediscoveredCallOnlyByParametersOnRecordExactly() throws Exception {
        Guard first = guard((tool, params) -> tool.equals("pay")
                ? new dev.vouch.policy.PolicyDecision(dev.vouch.policy.Action.STALL, List.of("card"), dev.vouch.Risk.HIGH,
                        "pays", "", dev.vouch.policy.PayloadLogging.FULL_PAYLOAD, Duration.ofMinutes(5))
                : stall("moves", "", Duration.ofMinutes(5)))
                .approvals(nobodyAnswers()).redactionKey(RedactionKey.generate()).build();
        long exact = first.attempt(ToolCall.of("fs.move", PARAMS).principal("alice").deferApproval(true), () -> "moved")
                .callSequence();
        first.attempt(ToolCall.of("pay", "{\"card\":\"4111\",\"amount\":5}").deferApproval(true), () -> "paid");

        Guard second = guard((tool, params) -> stall("moves", "", Duration.ofMinutes(5))).approvals(nobodyAnswers())
                .recoverPending(JournalReader.open(journal.dir)).recoverUnfinished(r -> { }).build();
        assertEquals(2, second.pendingApprovals().size());
        assertFalse(second.pendingApprovals().list().get(1).paramsStoredExactly(), "the card is on record redacted");
        assertEquals(java.util.OptionalLong.of(exact), second.pendingApprovals().repeatOf(
                ToolCall.of("fs.move", "{\"to\":\"/b\",\"from\":\"/a\"}").principal("alice")));
        assertTrue(second.pendingApprovals().repeatOf(ToolCall.of("fs.move", PARAMS)).isEmpty(),
                "the principal on record counts");
        assertTrue(second.pendingApprovals().repeatOf(ToolCall.of("pay", "{\"card\":\"4111\",\"amount\":5}"))
                .isEmpty(), "on record only redacted: no repeat can be told from a new call");
    }

    @Test
    void shouldTakeBackTasksLeftOpenOnlyWhenAskedEnclosingOnesFirst() throws Exception {
        Guard first = guard((tool, params) -> allow("reads")).approvals(nobodyAnswers()).build();
        long ended;
        try (Task done = first.task("done")) {
            ended = done.startSequence();
        }
        Task outer = first.task("outer");
        Task nested = first.task("nested");
        // The process stops here: neither TASK_END is written.

        Guard plain = guard((tool, params) -> allow("reads")).approvals(nobodyAnswers())
                .recoverPending(JournalReader.open(journal.dir)).build();
        assertEquals("", plain.context().task(), "without recoverOpenTasks nothing is taken back");

        List<Task> taken = new java.util.ArrayList<>();
        guard((tool, params) -> allow("reads")).approvals(nobodyAnswers())
                .recoverPending(JournalReader.open(journal.dir)).recoverOpenTasks(taken::add).build();
        assertEquals(List.of("outer", "nested"), taken.stream().map(Task::name).toList(), "enclosing first; "
                + "the ended task " + ended + " is not taken back");
        assertEquals(outer.startSequence(), taken.get(0).startSequence());
        assertEquals(nested.startSequence(), taken.get(1).startSequence());
        assertEquals(outer.startSequence(), taken.get(1).parentSequence());
        assertEquals("nested", taken.get(1).context().task());
        assertEquals(nested.startSequence(), taken.get(1).context().parent());

        Task reopened = taken.get(1);
        reopened.cancelled();
        reopened.context().wrap(reopened::close).run();
        taken.get(0).context().wrap(taken.get(0)::close).run();
        Rec nestedEnd = journal.children(nested.startSequence()).get(0);
        assertEquals(RecordType.TASK_END, nestedEnd.type());
        assertEquals("cancelled", nestedEnd.result());
        assertEquals("nested", nestedEnd.task());
        assertEquals(1, journal.children(outer.startSequence()).stream()
                .filter(x -> x.type() == RecordType.TASK_END).count());
    }

    @Test
    void shouldNeverLetARepeatFindACallTakenBackAsAllowedToRun() throws Exception {
        Guard first = guard((tool, params) -> allow("reads")).approvals(nobodyAnswers()).writeAheadOutcomes(true)
                .build();
        CompletableFuture<CallResult<Object>> never = first.attemptAsync(ToolCall.of("fs.read", PARAMS),
                CompletableFuture::new);
        assertFalse(never.isDone());
        List<ApprovalRequest> taken = new java.util.ArrayList<>();
        Guard second = guard((tool, params) -> allow("reads")).approvals(nobodyAnswers())
                .recoverPending(JournalReader.open(journal.dir)).recoverUnfinished(taken::add).build();
        assertEquals(1, taken.size());
        assertTrue(second.pendingApprovals().repeatOf(ToolCall.of("fs.read", PARAMS)).isEmpty(),
                "it may have run before the restart: only its taker resumes it");
    }

    @Test
    void shouldRediscoverCallsAllowedToRunWithoutAnOutcomeOnlyWhenAskedAndRecordTheirOutcomeOnce() throws Exception {
        // A tool that runs elsewhere (the gateway's client) and has not reported when the process stops.
        // Outcomes written ahead, so that the one call that ended is in the journal when the second guard reads it.
        Guard first = guard((tool, params) -> tool.equals("fs.move") ? stall("moves", "", Duration.ofMinutes(5))
                : allow("reads")).approvals(nobodyAnswers()).writeAheadOutcomes(true).build();
        long allowed;
        try (Task task = first.task("remote")) {
            CompletableFuture<CallResult<Object>> never = first.attemptAsync(ToolCall.of("fs.read", PARAMS).id("r-1"),
                    CompletableFuture::new);
            assertFalse(never.isDone());
            allowed = journal.ofType(RecordType.TOOL_CALL).get(0).seq();
        }
        long approved = first.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved")
                .callSequence();
        assertTrue(first.pendingApprovals().approve(approved, "bob", "fine"));
        long finished = first.attempt(ToolCall.of("fs.read", "{}"), () -> "read").callSequence();

        Guard plain = guard((tool, params) -> allow("reads")).approvals(nobodyAnswers())
                .recoverPending(JournalReader.open(journal.dir)).build();
        assertThrows(IllegalStateException.class, () -> plain.resume(allowed, () -> "again"),
                "without recoverUnfinished nothing that was allowed is taken back");

        List<ApprovalRequest> taken = new java.util.ArrayList<>();
        Guard second = guard((tool, params) -> allow("reads")).approvals(nobodyAnswers())
                .recoverPending(JournalReader.open(journal.dir)).recoverUnfinished(taken::add).build();

        assertEquals(List.of(allowed, approved), taken.stream().map(ApprovalRequest::callSequence).toList());
        assertEquals("r-1", taken.get(0).toolCallId());
        assertEquals("remote", taken.get(0).task());
        assertEquals(0, second.pendingApprovals().size(), "nobody is asked about them");
        assertFalse(second.pendingApprovals().approve(allowed, "eve", "no answer is taken"));
        assertEquals("late", second.resumeAsync(allowed, () -> CompletableFuture.completedFuture("late"))
                .get(10, TimeUnit.SECONDS).valueOrThrow());
        assertEquals("moved", second.resume(approved, () -> "moved").valueOrThrow());
        assertThrows(IllegalStateException.class, () -> second.resume(allowed, () -> "twice"), "once only");
        Rec result = journal.children(allowed).stream().filter(x -> x.type() == RecordType.TOOL_RESULT).findFirst()
                .orElseThrow();
        assertEquals("remote", result.task(), "the outcome keeps the call's task");
        assertEquals(1, journal.children(approved).stream().filter(x -> x.type() == RecordType.TOOL_RESULT).count());
        assertEquals(1, journal.children(finished).stream().filter(x -> x.type() == RecordType.TOOL_RESULT).count(),
                "a call that ended is not taken back");
    }

    /**
     * An outside trial's call reported 9.2 s after it was allowed, across a crash, was recorded as running 0.96 s: its
     * duration was counted from the restart. A call taken back counts from when it was allowed to run: its ALLOW, or
     * its APPROVAL (not the stall: the wait for a person is not the tool's time, as for any approved call).
     */
    @Test
    void shouldCountTheDurationOfACallTakenBackFromWhenItWasAllowedBeforeTheRestart() throws Exception {
        Guard first = guard((tool, params) -> tool.equals("fs.move") ? stall("moves", "", Duration.ofMinutes(5))
                : allow("reads")).approvals(nobodyAnswers()).writeAheadOutcomes(true).build();
        long beforeAllowed = System.nanoTime();
        first.attemptAsync(ToolCall.of("fs.read", PARAMS), CompletableFuture::new);
        long allowed = journal.ofType(RecordType.TOOL_CALL).get(0).seq();
        long stalledAt = System.nanoTime();
        long approved = first.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved")
                .callSequence();
        TimeUnit.MILLISECONDS.sleep(400); // the person's time
        assertTrue(first.pendingApprovals().approve(approved, "bob", "fine"));
        TimeUnit.MILLISECONDS.sleep(300); // the tool's time before the restart

        Guard second = guard((tool, params) -> allow("reads")).approvals(nobodyAnswers())
                .recoverPending(JournalReader.open(journal.dir)).recoverUnfinished(r -> { }).build();
        second.resumeAsync(allowed, () -> CompletableFuture.completedFuture("late")).get(10, TimeUnit.SECONDS);
        second.resume(approved, () -> "moved");
        long end = System.nanoTime();

        long allowedNs = durationNanos(allowed);
        long approvedNs = durationNanos(approved);
        assertTrue(allowedNs >= 700_000_000L && allowedNs <= end - beforeAllowed, "allowed: " + allowedNs);
        assertTrue(approvedNs >= 300_000_000L && approvedNs <= end - stalledAt - 200_000_000L, "approved: " + approvedNs);
    }

    private long durationNanos(long call) {
        Rec result = journal.children(call).stream().filter(x -> x.type() == RecordType.TOOL_RESULT).findFirst()
                .orElseThrow();
        return Long.parseLong(result.params().replaceAll("\\D", ""));
    }

    @Test
    void shouldRecordTimedOutForPendingCallsWhoseDeadlinePassedWhileNothingRan() throws Exception {
        // As if the first run stopped before its deadline: its timer's answer is never recorded (its async executor
        // drops the work), so the call is still unanswered in the journal when the second guard reads it.
        Guard first = guard((tool, params) -> stall("moves", "", Duration.ofMillis(200)))
                .approvals(nobodyAnswers()).asyncExecutor(work -> { }).build();
        long seq = first.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved").callSequence();
        TimeUnit.MILLISECONDS.sleep(300);
        assertTrue(journal.children(seq).stream().noneMatch(x -> x.type() == RecordType.APPROVAL));
        AtomicInteger asked = new AtomicInteger();
        Guard second = guard((tool, params) -> stall("moves", "", Duration.ofMillis(200)))
                .approvals(request -> {
                    asked.incrementAndGet();
                    return new CompletableFuture<>();
                }).recoverPending(JournalReader.open(journal.dir)).build();
        assertEquals(0, second.pendingApprovals().size());
        // An outside trial: the console asked about such a call, and answering it said "too late".
        assertEquals(0, asked.get(), "nobody is asked about a call whose deadline passed");
        assertTimedOutOnRecord(seq);
    }

    /**
     * The clock set back across a restart (a restored VM, a broken RTC): a deadline that passed by the time the
     * previous session stopped stays passed. An outside trial restarted with the clock two days behind the journal,
     * and a call whose approval window had closed was offered to the approver again, and approved. Only the previous
     * session's end counts: a re-trial found one record from a clock ahead for a moment, anywhere in the journal,
     * timing out every pending call at every restart when the largest timestamp counted.
     */
    @Test
    void shouldCountARediscoveredDeadlineFromThePreviousSessionsEndWhenTheClockIsBehindIt() throws Exception {
        journal.ledger.close();
        java.nio.file.Path dir = tmp.resolve("clock-behind");
        Ledger ledger1 = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key2")).shutdownHook(false).open();
        Guard first = Guard.builder(ledger1).agent("mover")
                .policy((tool, params) -> stall("moves", "", Duration.ofHours(1))).approvals(nobodyAnswers()).build();
        long expired = first.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved").callSequence();
        ledger1.close();
        Ledger ledger2 = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key2")).shutdownHook(false).open();
        try {
            // The previous session's last records (its seal's checkpoint) two days after the stall, and a record of
            // this session years ahead: the clock now runs two days behind the previous session's end.
            long twoDaysOn = java.time.Instant.now().plus(Duration.ofDays(2)).toEpochMilli() * 1_000_000L;
            dev.vouch.verify.RecordSource shifted = shiftedTimes(dir, twoDaysOn);
            AtomicInteger asked = new AtomicInteger();
            Guard second = Guard.builder(ledger2).agent("mover")
                    .policy((tool, params) -> stall("moves", "", Duration.ofHours(1))).approvals(request -> {
                        asked.incrementAndGet();
                        return new CompletableFuture<>();
                    }).recoverPending(shifted).build();

            assertEquals(0, second.pendingApprovals().size(), "past its deadline by the previous session's end");
            assertEquals(0, asked.get(), "nobody is asked about a call whose deadline passed");
            assertInstanceOf(CallResult.Refused.class, awaitSettled(second, expired));

            // The same journal read with only a later session's record far ahead: nothing times out.
            long pending = second.attempt(ToolCall.of("fs.move", "{\"from\":\"/c\",\"to\":\"/d\"}")
                    .deferApproval(true), () -> "moved").callSequence();
            ledger2.checkpoint();
            Guard third = Guard.builder(ledger2).agent("mover")
                    .policy((tool, params) -> stall("moves", "", Duration.ofHours(1))).approvals(nobodyAnswers())
                    .recoverPending(shiftedTimes(dir, Long.MIN_VALUE)).build();
            assertEquals(List.of(pending), third.pendingApprovals().list().stream()
                    .map(ApprovalRequest::callSequence).toList(), "a glitch in this session moves no deadline");
        } finally {
            ledger2.close();
        }
    }

    /**
     * The journal in {@code dir}, with every CHECKPOINT stamped {@code at} (the one that ends the first session among
     * them), or, for {@code Long.MIN_VALUE}, with this session's checkpoints stamped ten years ahead.
     */
    private static dev.vouch.verify.RecordSource shiftedTimes(java.nio.file.Path dir, long at) throws IOException {
        return new dev.vouch.verify.RecordSource() {
            final dev.vouch.verify.RecordSource inner = JournalReader.open(dir);
            boolean resumed;

            @Override
            public boolean next(dev.vouch.verify.RecordBuffer into) throws IOException {
                boolean more = inner.next(into);
                byte type = more ? into.data()[dev.vouch.internal.format.RecordDescriptor.TYPE_OFFSET] : 0;
                resumed |= type == RecordType.RESUME.code();
                if (type == RecordType.CHECKPOINT.code() && (at != Long.MIN_VALUE || resumed)) {
                    long stamp = at != Long.MIN_VALUE ? at
                            : java.time.Instant.now().plus(Duration.ofDays(3650)).toEpochMilli() * 1_000_000L;
                    dev.vouch.internal.format.BigEndian.putLong(into.data(),
                            dev.vouch.internal.format.RecordDescriptor.TIMESTAMP_OFFSET, stamp);
                }
                return more;
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    @Test
    void shouldRediscoverAfterARealRestartAndExpireByTheOriginalDeadline() throws IOException, InterruptedException {
        // The first guard's process "dies": its ledger closes with the call pending and no timer left behind.
        journal.ledger.close();
        java.nio.file.Path dir = tmp.resolve("restart");
        long seq;
        Ledger ledger1 = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key2")).shutdownHook(false).open();
        Guard first = Guard.builder(ledger1).agent("mover")
                .policy((tool, params) -> stall("moves", "", Duration.ofMillis(400))).approvals(nobodyAnswers()).build();
        seq = first.attempt(ToolCall.of("fs.move", PARAMS).deferApproval(true), () -> "moved").callSequence();
        ledger1.close(); // the deadline timer fires later against a closed ledger: logged, nothing recorded

        Ledger ledger2 = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key2")).shutdownHook(false).open();
        try {
            Guard second = Guard.builder(ledger2).agent("mover")
                    .policy((tool, params) -> stall("moves", "", Duration.ofMillis(400))).approvals(nobodyAnswers())
                    .recoverPending(JournalReader.open(dir)).build();
            assertEquals(1, second.pendingApprovals().size());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (second.pendingApprovals().size() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertEquals(0, second.pendingApprovals().size(), "expired by its original deadline");
            assertInstanceOf(CallResult.Refused.class, awaitSettled(second, seq));
        } finally {
            ledger2.close();
        }
        try (dev.vouch.verify.RecordSource source = JournalReader.open(dir)) {
            assertEquals(dev.vouch.verify.Verdict.INTACT,
                    dev.vouch.verify.JournalVerifier.trusting(ledger2.verifyingKey()).verify(source).verdict());
        }
    }

    private static CallResult<String> awaitSettled(Guard guard, long seq) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            CallResult<String> r = guard.resume(seq, () -> "moved");
            if (!(r instanceof CallResult.Pending) || System.nanoTime() > deadline) {
                return r;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** The call's one APPROVAL record says TIMED_OUT (recorded off the timer's thread: waits up to 5 s for it). */
    private void assertTimedOutOnRecord(long seq) throws InterruptedException {
        List<Rec> approvals = List.of();
        for (int i = 0; i < 500 && approvals.isEmpty(); i++) {
            TimeUnit.MILLISECONDS.sleep(10);
            approvals = journal.children(seq).stream().filter(x -> x.type() == RecordType.APPROVAL).toList();
        }
        assertEquals(1, approvals.size(), approvals::toString);
        assertEquals(Decision.TIMED_OUT, approvals.get(0).decision());
    }
}
