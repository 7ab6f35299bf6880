package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import dev.vouch.policy.Policy;
import dev.vouch.testsupport.StderrCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two-phase call over HTTP, end to end on a real ledger: submit, decision, report, and what the journal holds. */
class GatewayCallsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRecordAnAllowedCallAndTheResultTheClientReports() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply allowed = f.submit("{\"agent\":\"refund-bot\",\"tool\":\"fs.read\","
                    + "\"params\":{\"path\": \"/srv/a.csv\", \"limit\": 1.50},\"call_id\":\"call_7\","
                    + "\"principal\":\"alice@example.com\"}");
            assertEquals(200, allowed.status(), allowed::toString);
            assertEquals("allowed", allowed.get("status"));
            assertEquals("allow", allowed.get("decision"));
            assertTrue(allowed.json().containsKey("report_by"), allowed::toString);
            long seq = allowed.seq();

            Http.Reply reported = f.report(seq, "{\"result\": {\"rows\": 3, \"first\": \"a\"}}");

            assertEquals(200, reported.status(), reported::toString);
            assertEquals("tool_result", reported.get("recorded"));
            TestJournal.Rec call = f.journal.bySeq(seq);
            assertEquals(RecordType.TOOL_CALL, call.type());
            assertEquals("refund-bot", call.agent());
            assertEquals("fs.read", call.name());
            assertEquals("call_7", call.toolCallId());
            assertEquals("alice@example.com", call.principal());
            assertEquals("{\"path\": \"/srv/a.csv\", \"limit\": 1.50}", call.params(), "the client's exact bytes");
            List<TestJournal.Rec> children = f.journal.children(seq);
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT),
                    children.stream().map(TestJournal.Rec::type).toList());
            assertEquals(Decision.ALLOW, children.get(0).decision());
            assertEquals("work", children.get(0).policy());
            assertEquals("{\"rows\": 3, \"first\": \"a\"}", children.get(1).result(), "the result as real JSON");
            assertEquals("completed", f.poll(seq, 0).get("status"));
        }
    }

    @Test
    void shouldRecordAReportedErrorAsAToolErrorWithTheClientsJson() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            long seq = f.submit("{\"tool\":\"crm.lookup\",\"params\":{\"id\":4}}").seq();

            Http.Reply r = f.report(seq, "{\"error\":{\"type\":\"NotFound\",\"message\":\"no customer 4\"}}");

            assertEquals(200, r.status(), r::toString);
            assertEquals("tool_error", r.get("recorded"));
            TestJournal.Rec err = f.journal.children(seq).get(1);
            assertEquals(RecordType.TOOL_ERROR, err.type());
            assertEquals("{\"exception\":\"dev.vouch.server.ReportedError\",\"result\":{\"type\":\"NotFound\","
                    + "\"message\":\"no customer 4\"}}", err.result());
            Http.Reply again = f.report(seq, "{\"result\":1}");
            assertEquals(409, again.status(), again::toString);
            assertEquals("already_reported", again.errorCode());
        }
    }

    @Test
    void shouldReadAReportsMemberGivenAsNullAsAbsent() {
        // An outside trial's client serialised both fields of its report: {"result":"fine","error":null} was 400.
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            long fine = f.submit("{\"tool\":\"fs.read\"}").seq();
            long failed = f.submit("{\"tool\":\"fs.read\"}").seq();
            long nothing = f.submit("{\"tool\":\"fs.read\"}").seq();
            long both = f.submit("{\"tool\":\"fs.read\"}").seq();

            Http.Reply result = f.report(fine, "{\"result\":\"fine\",\"error\":null}");
            Http.Reply error = f.report(failed, "{\"result\":null,\"error\":{\"message\":\"no\"}}");
            Http.Reply none = f.report(nothing, "{\"error\":null}");
            Http.Reply two = f.report(both, "{\"result\":1,\"error\":{\"message\":\"no\"}}");
            Http.Reply nulls = f.report(nothing, "{\"result\":null,\"error\":null}");

            assertEquals(200, result.status(), result::toString);
            assertEquals("\"fine\"", f.journal.children(fine).get(1).result());
            assertEquals(200, error.status(), error::toString);
            assertEquals("tool_error", error.get("recorded"));
            assertEquals(RecordType.TOOL_ERROR, f.journal.children(failed).get(1).type());
            assertEquals(400, none.status(), none::toString);
            assertEquals(400, two.status(), two::toString);
            assertEquals(200, nulls.status(), "both null: the tool's result was null " + nulls);
            assertEquals("tool_result", nulls.get("recorded"));
        }
    }

    @Test
    void shouldBlockByPolicyExplainWhyAndRefuseAReport() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply blocked = f.submit("{\"tool\":\"fs.delete\",\"params\":{\"path\":\"/\"}}");

            assertEquals(200, blocked.status(), blocked::toString);
            assertEquals("blocked", blocked.get("status"));
            assertEquals("no-deletes", blocked.get("policy"));
            assertEquals("deletes are never allowed", blocked.get("reason"));
            assertTrue(((String) blocked.get("explanation")).startsWith("Vouch did not run this call"), blocked::toString);
            Http.Reply report = f.report(blocked.seq(), "{\"result\":\"done\"}");
            assertEquals(409, report.status(), report::toString);
            assertEquals("not_allowed", report.errorCode());
            assertEquals(List.of(RecordType.POLICY_DECISION),
                    f.journal.children(blocked.seq()).stream().map(TestJournal.Rec::type).toList());
            assertEquals(Decision.BLOCK, f.journal.children(blocked.seq()).get(0).decision());
        }
    }

    @Test
    void shouldHoldAStalledCallUntilAnOperatorApprovesItThenLetTheClientRunIt() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply pending = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"order\":42,\"amount\":900},"
                    + "\"call_id\":\"c-42\"}");
            assertEquals(202, pending.status(), pending::toString);
            assertEquals("pending", pending.get("status"));
            assertEquals("big-refunds", pending.get("policy"));
            assertEquals("high", pending.get("risk"));
            long seq = pending.seq();

            List<Map<String, Object>> waiting = f.http.get("/v1/approvals", f.operatorToken).list("approvals");
            assertEquals(1, waiting.size(), waiting::toString);
            assertEquals(seq, waiting.get(0).get("seq"));
            assertEquals("refund-bot", waiting.get(0).get("agent"));
            assertEquals("c-42", waiting.get(0).get("call_id"));
            assertEquals(Map.of("order", 42L, "amount", 900L), waiting.get(0).get("params"));
            // Absent, like any optional member (an outside trial got "task":"" for a call in no task).
            assertFalse(waiting.get(0).containsKey("task"), waiting::toString);

            CompletableFuture<Http.Reply> longPoll = CompletableFuture.supplyAsync(() -> f.poll(seq, 20_000));
            Thread.sleep(200);
            assertFalse(longPoll.isDone(), "a long poll waits for the decision");
            Http.Reply approved = f.decide(seq, "approve", "known customer");
            assertEquals(200, approved.status(), approved::toString);
            assertEquals("approved", approved.get("answer"));
            assertEquals("alice", approved.get("approver"));

            Http.Reply now = longPoll.get();
            assertEquals(200, now.status(), now::toString);
            assertEquals("allowed", now.get("status"));
            assertEquals("stall", now.get("decision"), "what the policy said, though a person approved it");
            assertEquals(200, f.report(seq, "{\"result\":{\"refund\":\"r-1\"}}").status());
            assertEquals("stall", f.poll(seq, 0).get("decision"));
            assertEquals(409, f.decide(seq, "refuse", "too late").status(), "one answer counts");
            List<TestJournal.Rec> children = f.journal.children(seq);
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                    children.stream().map(TestJournal.Rec::type).toList());
            assertEquals(Decision.STALL, children.get(0).decision());
            assertEquals(Decision.APPROVED, children.get(1).decision());
            assertTrue(children.get(1).params().contains("\"approver\":\"alice\""), children.get(1)::toString);
            assertTrue(children.get(1).params().contains("\"reason\":\"known customer\""), children.get(1)::toString);
            assertEquals("c-42", f.journal.bySeq(seq).toolCallId());
        }
    }

    @Test
    void shouldAnswerALongPollStillWaitingWhenTheGatewayStops() throws Exception {
        // An outside trial: the connection was closed under such a poll with no answer.
        GatewayFixture f = new GatewayFixture(tmp);
        try (f) {
            long seq = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":777}}").seq();
            CompletableFuture<Http.Reply> poll = CompletableFuture.supplyAsync(
                    () -> f.http.get("/v1/calls/" + seq + "?wait_ms=30000", f.agentToken));
            Thread.sleep(300); // the poll is waiting
            f.gateway.close();
            Http.Reply r = poll.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(202, r.status(), r::toString);
            assertEquals("pending", r.get("status"));
        }
    }

    /** An outside trial's approval during the drain was recorded, then the call ended as "the gateway stopped". */
    @Test
    void shouldRefuseDecisionsWhileStoppingAndLeaveTheCallPending() throws Exception {
        GatewayFixture f = new GatewayFixture(tmp, b -> b.drainTimeout(Duration.ofSeconds(20)));
        try (f) {
            long running = f.submit("{\"tool\":\"fs.read\"}").seq(); // keeps the gateway draining
            long stalled = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":777}}").seq();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(f.gateway::close);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (f.submit("{\"tool\":\"fs.delete\"}").status() != 503 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            Http.Reply decided = f.decide(stalled, "approve", "ok");
            // A task opened now could hold no call: an outside trial's client was told 201 and its task was open.
            Http.Reply task = f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"late\"}");
            try {
                f.report(running, "{\"result\":1}");
            } catch (java.io.UncheckedIOException e) {
                // The stopping server closed a pooled connection as the client reused it (a CI run: "header parser
                // received no bytes"); a new one carries the report, or is told it already arrived. Or the report
                // did arrive, the drain ended with it and the server stopped before answering (a loaded run: the
                // retry's connection was refused): the journal below says which.
                try {
                    f.report(running, "{\"result\":1}");
                } catch (java.io.UncheckedIOException stopped) {
                    // checked below: the result is on record
                }
            }
            closing.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(RecordType.TOOL_RESULT), f.journal.childTypes(running).stream()
                    .filter(t -> t != RecordType.POLICY_DECISION).collect(java.util.stream.Collectors.toList()),
                    "the running call's report is on record");

            assertEquals(503, decided.status(), decided::toString);
            assertEquals("stopping", decided.errorCode());
            assertEquals(503, task.status(), task::toString);
            assertEquals("stopping", task.errorCode());
            assertEquals(0, f.journal.ofType(RecordType.TASK_START).size(), "no task opened while stopping");
            // The operator's approval is not on record: the call stays pending for the next start. (A loaded JDK 25
            // run passed the stall's 30 s deadline before the drain ended, and the deadline's TIMED_OUT was recorded.)
            assertTrue(f.journal.ofType(RecordType.APPROVAL).stream().filter(r -> r.parent() == stalled)
                    .noneMatch(r -> r.decision() == Decision.APPROVED), () -> f.journal.childTypes(stalled).toString());
        }
    }

    /** An outside trial's answer to an allowed call was told 409 already_decided: it never waited for approval. */
    @Test
    void shouldAnswerADecisionOnACallThatNeverStalledWithNotPending() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            long allowed = f.submit("{\"tool\":\"fs.read\"}").seq();
            f.report(allowed, "{\"result\":1}");
            long blocked = f.submit("{\"tool\":\"fs.delete\"}").seq();
            long stalled = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":777}}").seq();
            assertEquals(200, f.decide(stalled, "refuse", "no").status());

            Http.Reply toAllowed = f.decide(allowed, "approve", "ok");
            Http.Reply toBlocked = f.decide(blocked, "approve", "ok");
            Http.Reply again = f.decide(stalled, "approve", "ok");

            assertEquals(404, toAllowed.status(), toAllowed::toString);
            assertEquals("not_pending", toAllowed.errorCode());
            assertEquals("call " + allowed + " never waited for approval: the policy allowed it (it is completed)",
                    toAllowed.errorMessage());
            assertEquals("not_pending", toBlocked.errorCode());
            assertTrue(toBlocked.errorMessage().contains("the policy blocked it"), toBlocked::toString);
            assertEquals(409, again.status(), again::toString);
            assertEquals("already_decided", again.errorCode());
        }
    }

    @Test
    void shouldLetTheFirstOfConcurrentAnswersCountAndAnswerTheOthers409() throws Exception {
        // An outside trial: of six operators answering one call at once, the losers got 404 not_pending half the time.
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            for (int round = 0; round < 5; round++) {
                long seq = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":" + (600 + round) + "}}")
                        .seq();
                List<CompletableFuture<Http.Reply>> answers = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    answers.add(CompletableFuture.supplyAsync(() -> f.http.post("/v1/approvals/" + seq,
                            f.operatorToken, "{\"decision\":\"approve\"}")));
                }
                Map<Integer, Long> byStatus = answers.stream().map(CompletableFuture::join)
                        .collect(java.util.stream.Collectors.groupingBy(Http.Reply::status,
                                java.util.stream.Collectors.counting()));
                assertEquals(Map.of(200, 1L, 409, 5L), byStatus, "round " + round);
                f.report(seq, "{\"result\":\"refunded\"}");
            }
            assertEquals(5, f.journal.ofType(RecordType.APPROVAL).size(), "one answer counted per call");
        }
    }

    @Test
    void shouldRecordAnOperatorsRefusalAndAMissedDeadlineAndNeverLetThoseCallsRun() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            long refusedSeq = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":5000}}").seq();
            Http.Reply refused = f.decide(refusedSeq, "reject", "fraud pattern");
            assertEquals("refused", refused.get("answer"));
            Http.Reply view = f.poll(refusedSeq, 0);
            assertEquals("refused", view.get("status"), view::toString);
            assertEquals("alice", view.get("approver"));
            assertEquals("fraud pattern", view.get("reason"));

            Http.Reply timedOut = f.submit("{\"tool\":\"ops.restart\",\"wait_ms\":10000}");

            assertEquals(200, timedOut.status(), timedOut::toString);
            assertEquals("timed_out", timedOut.get("status"), "the long poll ends at the 1 s deadline");
            assertEquals(409, f.report(refusedSeq, "{\"result\":1}").status());
            assertEquals(409, f.report(timedOut.seq(), "{\"result\":1}").status());
            assertEquals(Decision.REFUSED, f.journal.children(refusedSeq).get(1).decision());
            assertEquals(Decision.TIMED_OUT, f.journal.children(timedOut.seq()).get(1).decision());
            assertEquals(2, f.journal.children(refusedSeq).size(), "nothing ran");
            assertEquals(2, f.journal.children(timedOut.seq()).size(), "nothing ran");
        }
    }

    @Test
    void shouldAnswerTheSameCallIdWithTheSameCallAndNeverRecordItTwice() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            String body = "{\"tool\":\"fs.read\",\"params\":{\"path\":\"/x\"},\"call_id\":\"retry-1\"}";
            long first = f.submit(body).seq();
            long second = f.submit(body).seq();
            long other = f.http.post("/v1/calls", f.otherToken, body).seq();

            // The same id for another tool or other parameters is not a retry: answering with the earlier call would
            // say "allowed" for a call the policy never judged.
            Http.Reply otherParams = f.submit(body.replace("/x", "/etc/shadow"));
            Http.Reply otherTool = f.submit(body.replace("fs.read", "fs.delete"));
            // Nor is it with another task, parent or principal: an outside trial's client believed its call recorded
            // in the other task, or for the other principal (the call records them).
            assertEquals(201, f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"t2\"}").status());
            long running = f.submit("{\"tool\":\"fs.read\"}").seq();
            String open = body.substring(0, body.length() - 1);
            Http.Reply otherTask = f.submit(open + ",\"task\":\"t2\"}");
            Http.Reply otherPrincipal = f.submit(open + ",\"principal\":\"mallory\"}");
            Http.Reply otherParent = f.submit(open + ",\"parent\":" + running + "}");

            assertEquals(first, second);
            assertTrue(otherTask.errorMessage().contains("with another task"), otherTask::toString);
            assertTrue(otherPrincipal.errorMessage().contains("with another principal"), otherPrincipal::toString);
            for (Http.Reply r : List.of(otherParams, otherTool, otherTask, otherPrincipal, otherParent)) {
                assertEquals(409, r.status(), r::toString);
                assertEquals("call_id_reused", r.errorCode());
                assertTrue(r.errorMessage().contains("is call " + first + " (fs.read)"), r::toString);
            }
            assertTrue(other != first, "another agent's call id is its own");
            f.report(first, "{\"result\":null}");
            f.report(running, "{\"result\":null}");
            f.http.post("/v1/calls/" + other + "/result", f.otherToken, "{\"result\":null}");
            assertEquals(3, f.journal.ofType(RecordType.TOOL_CALL).size());
        }
    }

    @Test
    void shouldRecordACallNobodyReportsOnAsAnErrorAtItsDeadline() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.resultTimeout(Duration.ofSeconds(1)))) {
            long seq = f.submit("{\"tool\":\"fs.read\"}").seq();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"expired".equals(f.poll(seq, 0).get("status")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            Http.Reply late = f.report(seq, "{\"result\":1}");

            assertEquals(409, late.status(), late::toString);
            assertEquals("expired", late.errorCode());
            TestJournal.Rec err = f.journal.children(seq).get(1);
            assertEquals(RecordType.TOOL_ERROR, err.type());
            assertEquals("{\"exception\":\"dev.vouch.server.ResultNotReportedException\",\"message\":"
                    + "\"no result reported within 1s after the call was allowed\"}", err.result());
        }
    }

    /** An outside trial's agent forged a [CRITICAL] log line with a newline in its tool name. */
    @Test
    void shouldEscapeAToolNamesControlCharactersInTheLogAndRecordItAsAsked() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.resultTimeout(Duration.ofSeconds(1)));
                StderrCapture err = new StderrCapture()) {
            long seq = f.submit("{\"tool\":\"fs.x\\n[CRITICAL] the ledger stopped\\u0000\"}").seq();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"expired".equals(f.poll(seq, 0).get("status")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertFalse(err.text().contains("\n[CRITICAL]"), err::text);
            assertTrue(err.text().contains("Call seq " + seq
                    + " (fs.x\\u000a\\u005bCRITICAL] the ledger stopped\\u0000) of"), err::text);
            assertEquals("fs.x\n[CRITICAL] the ledger stopped\u0000", f.journal.bySeq(seq).name());
        }
    }

    @Test
    void shouldEndRunningCallsAndOpenTasksOnRecordWhenStopped() {
        GatewayFixture f = new GatewayFixture(tmp, b -> b.drainTimeout(Duration.ofMillis(300)));
        long seq = f.submit("{\"tool\":\"fs.read\"}").seq();
        f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":900}}"); // pending
        assertEquals(201, f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"nightly\"}").status());

        String log;
        try (StderrCapture err = new StderrCapture()) {
            f.gateway.close();
            log = err.text();
        }

        // An outside trial's log said nothing between the SIGTERM and the per-call WARNs 10 s later.
        assertTrue(log.contains("Stopping: no new calls; waiting up to 300ms for 1 call(s) in flight to report their"
                + " results; 1 call(s) awaiting approval stay pending for the next start"), log);
        assertTrue(log.matches("(?s).*Drain ended after \\d+ ms: 1 call\\(s\\) still in flight end on record as tool"
                + " errors.*"), log);
        assertTrue(log.indexOf("Drain ended") < log.indexOf("Call seq " + seq), log);
        TestJournal.Rec err = f.journal.children(seq).get(1);
        assertEquals(RecordType.TOOL_ERROR, err.type());
        assertTrue(err.result().contains("the gateway stopped before a result was reported"), err::toString);
        TestJournal.Rec end = f.journal.ofType(RecordType.TASK_END).get(0);
        assertEquals("nightly", end.task());
        assertEquals("cancelled", end.result());
        f.journal.closeAndVerify();
    }

    /**
     * A client that opens tasks and never ends them: a soak trial's abandoned tasks stayed open until the gateway
     * stopped, 274 B of heap each. Beyond the limit, opening one is 429 and records nothing; ending one makes room.
     */
    @Test
    void shouldRefuseTasksBeyondTheOpenTaskLimit() {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.maxOpenTasksPerAgent(3))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(201, f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"t" + i + "\"}").status());
            }
            int before = f.journal.ofType(RecordType.TASK_START).size();
            Http.Reply fourth = f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"t3\"}");
            assertEquals(429, fourth.status(), fourth::toString);
            assertEquals("too_many_tasks", fourth.errorCode());
            assertTrue(fourth.body().contains("has 3 open tasks, the gateway's limit (--max-open-tasks)"), fourth::toString);
            assertEquals(before, f.journal.ofType(RecordType.TASK_START).size(), "nothing recorded");

            assertEquals(200, f.http.post("/v1/tasks/end", f.agentToken, "{\"task\":\"t0\"}").status());
            assertEquals(201, f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"t3\"}").status());
        }
    }

    @Test
    void shouldNestCallsInTasksAndInTheCallsTheyRunIn() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply task = f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"ticket-7\"}");
            assertEquals(201, task.status(), task::toString);
            long taskSeq = task.seq();
            assertNull(task.get("parent"), "a top-level task hangs under nothing (it read -1): " + task);
            Http.Reply sub = f.http.post("/v1/tasks", f.agentToken, "{\"task\":\"refund-42\",\"parent_task\":\"ticket-7\"}");
            assertEquals(taskSeq, sub.get("parent"));
            Http.Reply badState = f.http.post("/v1/tasks/end", f.agentToken, "{\"task\":\"no-such\",\"state\":\"weird\"}");
            assertEquals(400, badState.status(), "a bad body is 400 before the task is looked up: " + badState);
            assertTrue(badState.errorMessage().contains("\"state\" must be completed, failed or cancelled"), badState::toString);

            long outer = f.submit("{\"tool\":\"crm.lookup\",\"task\":\"refund-42\"}").seq();
            long inner = f.submit("{\"tool\":\"fs.read\",\"parent\":" + outer + "}").seq();
            f.report(inner, "{\"result\":\"x\"}");
            f.report(outer, "{\"result\":\"y\"}");
            Http.Reply early = f.http.post("/v1/tasks/end", f.agentToken, "{\"task\":\"ticket-7\"}");
            assertEquals(409, early.status(), "a task with open nested tasks cannot end: " + early);
            assertEquals(200, f.http.post("/v1/tasks/end", f.agentToken,
                    "{\"task\":\"refund-42\",\"state\":\"failed\",\"error\":\"card declined\"}").status());
            assertEquals(200, f.http.post("/v1/tasks/end", f.agentToken, "{\"task\":\"ticket-7\"}").status());
            Http.Reply gone = f.submit("{\"tool\":\"fs.read\",\"task\":\"ticket-7\"}");
            assertEquals(404, gone.status(), gone::toString);
            assertEquals("unknown_task", gone.errorCode());

            TestJournal.Rec outerCall = f.journal.bySeq(outer);
            assertEquals("refund-42", outerCall.task());
            assertEquals(sub.seq(), outerCall.parent());
            TestJournal.Rec innerCall = f.journal.bySeq(inner);
            assertEquals(outer, innerCall.parent(), "a call made while another runs hangs under it");
            assertEquals("refund-42", innerCall.task());
            List<TestJournal.Rec> ends = f.journal.ofType(RecordType.TASK_END);
            assertEquals(List.of("refund-42", "ticket-7"), ends.stream().map(TestJournal.Rec::task).toList());
            assertEquals("failed", ends.get(0).result());
            assertTrue(ends.get(0).params().contains("card declined"), ends.get(0)::toString);
        }
    }

    @Test
    void shouldReloadThePolicyOnAnOperatorsRequestAndKeepItWhenTheNewFileIsBroken() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.policyPollInterval(Duration.ofHours(1)))) {
            assertEquals("allowed", f.submit("{\"tool\":\"crm.lookup\"}").get("status"));
            Files.writeString(f.policyFile, GatewayFixture.POLICY.replace("\"fs.*\", \"crm.*\", ", "\"fs.*\", "));

            Http.Reply reloaded = f.http.post("/v1/admin/policy/reload", f.operatorToken, "{}");

            assertEquals(200, reloaded.status(), reloaded::toString);
            assertEquals(true, reloaded.get("changed"));
            Http.Reply blocked = f.submit("{\"tool\":\"crm.lookup\"}");
            assertEquals("blocked", blocked.get("status"));
            assertEquals(reloaded.get("sha256"), decisionPolicyHash(f, blocked.seq()));
            Files.writeString(f.policyFile, "version: \"2026.1\"\npolicies:\n  - id: x\n    actoin: allow\n");
            Http.Reply broken = f.http.post("/v1/admin/policy/reload", f.operatorToken, "{}");
            assertEquals(422, broken.status(), broken::toString);
            assertEquals("policy_invalid", broken.errorCode());
            assertTrue(broken.errorMessage().contains("actoin"), broken::toString);
            assertEquals("blocked", f.submit("{\"tool\":\"crm.lookup\"}").get("status"), "the valid policy stays");
            Http.Reply byAgent = f.http.post("/v1/admin/policy/reload", f.agentToken, "{}");
            assertEquals(403, byAgent.status(), byAgent::toString);
            Http.Reply withMember = f.http.post("/v1/admin/policy/reload", f.operatorToken, "{\"force\":true}");
            assertEquals(400, withMember.status(), "nothing is silently ignored: " + withMember);
            assertTrue(withMember.errorMessage().contains("unknown member \"force\""), withMember::toString);
            Http.Reply noBody = f.http.post("/v1/admin/policy/reload", f.operatorToken, "");
            assertEquals(422, noBody.status(), "no body is as {}: " + noBody);
            f.report(f.submit("{\"tool\":\"fs.read\"}").seq(), "{\"result\":1}");
        }
    }

    @Test
    void shouldFollowThePolicyFileWhileItChanges() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            assertEquals("allowed", f.submit("{\"tool\":\"crm.a\",\"call_id\":\"1\"}").get("status"));
            Files.writeString(f.policyFile, GatewayFixture.POLICY.replace("\"fs.*\", \"crm.*\", ", "\"fs.*\", "));
            long deadline = System.nanoTime() + 10_000_000_000L;
            int i = 0;
            String status;
            do {
                Thread.sleep(50);
                status = (String) f.submit("{\"tool\":\"crm.a\",\"call_id\":\"p" + i++ + "\"}").get("status");
            } while (!"blocked".equals(status) && System.nanoTime() < deadline);
            assertEquals("blocked", status);
            f.gateway.close(); // ends the allowed calls on record before the journal is checked
        }
    }

    private static Object decisionPolicyHash(GatewayFixture f, long seq) {
        String params = f.journal.children(seq).get(0).params();
        Map<?, ?> m = (Map<?, ?>) Json.parse(params);
        return m.get("policy_sha256");
    }

    @Test
    void shouldNotLeaveTheCallViewWithoutItsClientIdAfterAStall() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply pending = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":900},\"call_id\":\"z\"}");
            assertEquals("z", pending.get("call_id"));
            assertNull(f.poll(pending.seq(), 0).get("report_by"));
            f.decide(pending.seq(), "refuse", "no");
        }
    }

    @Test
    void shouldRefuseSubmissionsBeyondTheRunningLimitWithoutRecordingThem() {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.maxRunning(2))) {
            long a = f.submit("{\"tool\":\"fs.read\"}").seq();
            long b = f.submit("{\"tool\":\"fs.read\"}").seq();

            Http.Reply third = f.submit("{\"tool\":\"fs.read\"}");

            assertEquals(429, third.status(), third::toString);
            assertEquals("too_many_running", third.errorCode());
            f.report(a, "{\"result\":1}");
            long c = f.submit("{\"tool\":\"fs.read\"}").seq();
            f.report(b, "{\"result\":2}");
            f.report(c, "{\"result\":3}");
            assertEquals(3, f.journal.ofType(RecordType.TOOL_CALL).size(), "the refused submission is not recorded");
        }
    }

    /**
     * An outside red team held 1,162 stalled calls of 1 MB each with one token, and the gateway's heap was full. A
     * call that stalls beyond the agent's limit is refused on record; calls the policy allows still run.
     */
    @Test
    void shouldRefuseOnRecordACallThatStallsBeyondTheAgentsPendingLimit() {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.maxPendingPerAgent(2, 1 << 20))) {
            long a = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":900}}").seq();
            long b = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":901}}").seq();
            Http.Reply third = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":902}}");

            assertEquals(200, third.status(), third::toString);
            assertEquals("refused", third.get("status"), third::toString);
            assertEquals("vouch-gateway", third.get("approver"), third::toString);
            assertTrue(String.valueOf(third.get("reason")).contains("already has 2 call(s) awaiting approval"), third::toString);
            assertEquals("allowed", f.submit("{\"tool\":\"fs.read\"}").get("status"), "allowed calls are not held");
            f.decide(a, "refuse", "no");
            Http.Reply fourth = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":903}}");
            assertEquals("pending", fourth.get("status"), "room again once one is answered: " + fourth);
            f.decide(b, "refuse", "no");
            f.decide(fourth.seq(), "refuse", "no");
            String big = "x".repeat(600_000);
            assertEquals("pending", f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":904,\"memo\":\""
                    + big + "\"}}").get("status"));
            Http.Reply overBytes = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":905,\"memo\":\""
                    + big + "\"}}");
            assertEquals("refused", overBytes.get("status"), "beyond 1 MiB of parameters held: " + overBytes);
            assertTrue(String.valueOf(overBytes.get("reason")).contains("bytes of parameters"), overBytes::toString);
            assertEquals(2, f.journal.ofType(RecordType.APPROVAL).stream().filter(r -> r.decision() == dev.vouch.Decision.REFUSED
                    && (r.name() + r.params() + r.result()).contains("vouch-gateway")).count(), "both refusals on record");
        }
    }

    /**
     * A re-trial: calls whose parameters the journal keeps only as a digest (metadata_only) were counted by the
     * digest's size, and 300 calls of 1 MB each stayed pending under a 1 MiB cap. What is held is what was submitted.
     */
    @Test
    void shouldCountTheParametersSubmittedNotTheDigestTheJournalKeeps() {
        Policy digestOnly = Policy.parse("defaults: {default_action: block}\npolicies:\n  - {id: hold, match_methods:"
                + " [files.upload], action: stall, log_level: metadata_only}\n", "digest.yaml");
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.policy(digestOnly).maxPendingPerAgent(100, 1 << 20))) {
            String blob = "y".repeat(600_000);
            Http.Reply first = f.submit("{\"tool\":\"files.upload\",\"params\":{\"blob\":\"" + blob + "1\"}}");
            Http.Reply second = f.submit("{\"tool\":\"files.upload\",\"params\":{\"blob\":\"" + blob + "2\"}}");

            assertEquals("pending", first.get("status"), first::toString);
            assertEquals("refused", second.get("status"), "1.2 MB submitted is over 1 MiB: " + second);
            f.decide(first.seq(), "refuse", "done");
        }
    }

    @Test
    void shouldForgetEndedCallsAfterAWhileButNotTheirRecords() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.remember(Duration.ofSeconds(1)))) {
            long seq = f.submit("{\"tool\":\"fs.read\",\"call_id\":\"once\"}").seq();
            f.report(seq, "{\"result\":1}");
            assertEquals("completed", f.poll(seq, 0).get("status"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            Http.Reply gone;
            do {
                Thread.sleep(200);
                gone = f.poll(seq, 0);
            } while (gone.status() != 404 && System.nanoTime() < deadline);

            assertEquals(404, gone.status(), gone::toString);
            assertEquals("unknown_call", gone.errorCode());
            long again = f.submit("{\"tool\":\"fs.read\",\"call_id\":\"once\"}").seq();
            assertTrue(again != seq, "a forgotten call id starts a new call");
            f.report(again, "{\"result\":2}");
            assertEquals(2, f.journal.ofType(RecordType.TOOL_CALL).size());
        }
    }
}
