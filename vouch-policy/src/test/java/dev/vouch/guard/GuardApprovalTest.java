package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.guard.TestJournal.Rec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GuardApprovalTest extends GuardTestBase {
    private static final String PARAMS = "{\"order\":42,\"amount\":900}";

    private Guard stallingGuard(ApprovalHandler approvals, Duration timeout) {
        return guard((tool, params) -> stall("big-refunds", "refunds over 500 need a person", timeout))
                .approvals(approvals).build();
    }

    /** Answers the first pending request from another thread, as a person or a chat bot would. */
    private static Thread answerFirst(ProgrammaticApprovals approvals, AtomicReference<ApprovalRequest> seen,
            boolean approve, String who, String why) {
        Thread t = new Thread(() -> {
            while (approvals.pending().isEmpty()) {
                try {
                    TimeUnit.MILLISECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
            ApprovalRequest r = approvals.pending().get(0);
            seen.set(r);
            boolean decided = approve ? approvals.approve(r.callSequence(), who, why)
                    : approvals.refuse(r.callSequence(), who, why);
            assertTrue(decided);
        }, "approver");
        t.start();
        return t;
    }

    private List<RecordType> types() {
        return journal.events().stream().map(Rec::type).toList();
    }

    @Test
    void shouldRunAnApprovedToolOnlyAfterItsApprovalIsJournaled() throws Exception {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = stallingGuard(approvals, Duration.ofSeconds(10));
        AtomicReference<ApprovalRequest> seen = new AtomicReference<>();
        Thread approver = answerFirst(approvals, seen, true, "alice", "known customer");
        AtomicReference<List<Rec>> journalWhenToolRan = new AtomicReference<>();

        String result = guard.call("payments.refund", PARAMS, () -> {
            journalWhenToolRan.set(journal.events()); // read from the journal files, not from memory
            return "{\"refund\":\"r-1\"}";
        });
        approver.join();

        assertEquals("{\"refund\":\"r-1\"}", result);
        assertEquals(List.of(RecordType.TOOL_CALL, RecordType.POLICY_DECISION, RecordType.APPROVAL),
                journalWhenToolRan.get().stream().map(Rec::type).toList(),
                "when the tool ran, its call, decision and approval were already in the journal");
        List<Rec> events = journal.events();
        assertEquals(List.of(RecordType.TOOL_CALL, RecordType.POLICY_DECISION, RecordType.APPROVAL,
                RecordType.TOOL_RESULT), types());
        Rec call = events.get(0);
        Rec decision = events.get(1);
        Rec approval = events.get(2);
        assertEquals(Decision.STALL, decision.decision());
        assertEquals(Risk.HIGH, decision.risk());
        assertEquals("big-refunds", decision.policy());
        assertTrue(decision.params().contains("\"approval_timeout_ms\":10000"), decision::toString);
        assertEquals(Decision.APPROVED, approval.decision());
        assertEquals(call.seq(), approval.parent());
        assertEquals("big-refunds", approval.policy());
        assertTrue(approval.params().startsWith("{\"approver\":\"alice\",\"reason\":\"known customer\",\"requested_at\":\""),
                approval::toString);
        assertTrue(approval.params().contains("\"decided_at\":\""), approval::toString);
        assertEquals(call.seq(), events.get(3).parent());

        ApprovalRequest r = seen.get();
        assertEquals(call.seq(), r.callSequence());
        assertEquals("payments.refund", r.tool());
        assertEquals(PARAMS, r.storedParams());
        assertEquals("big-refunds", r.policyId());
        assertEquals("refunds over 500 need a person", r.reason());
        assertEquals(Risk.HIGH, r.risk());
        assertEquals("refund-bot", r.agent());
        assertEquals(Duration.ofSeconds(10), Duration.between(r.requestedAt(), r.deadline()));
        assertTrue(approvals.pending().isEmpty());
    }

    @Test
    void shouldNeverRunARefusedTool() throws Exception {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = stallingGuard(approvals, Duration.ofSeconds(10));
        Thread approver = answerFirst(approvals, new AtomicReference<>(), false, "bob", "amount looks wrong");
        AtomicBoolean ran = new AtomicBoolean();

        ApprovalRefusedException e = assertThrows(ApprovalRefusedException.class,
                () -> guard.call("payments.refund", PARAMS, () -> ran.getAndSet(true)));
        approver.join();

        assertFalse(ran.get(), "the refused tool ran (the original Vouch's bug)");
        assertFalse(e.timedOut());
        assertEquals("bob", e.approver());
        assertEquals("amount looks wrong", e.reason());
        assertEquals("big-refunds", e.policyId());
        assertEquals(List.of(RecordType.TOOL_CALL, RecordType.POLICY_DECISION, RecordType.APPROVAL), types());
        Rec approval = journal.bySeq(e.approvalSequence());
        assertEquals(Decision.REFUSED, approval.decision());
        assertEquals(e.callSequence(), approval.parent());
        assertTrue(approval.params().startsWith("{\"approver\":\"bob\",\"reason\":\"amount looks wrong\""), approval::toString);
    }

    @Test
    void shouldTimeOutNeverRunTheToolAndRefuseALateAnswer() {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = stallingGuard(approvals, Duration.ofMillis(200));
        AtomicBoolean ran = new AtomicBoolean();
        long start = System.nanoTime();

        ApprovalTimedOutException e = assertThrows(ApprovalTimedOutException.class,
                () -> guard.call("payments.refund", PARAMS, () -> ran.getAndSet(true)));

        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMillis >= 200 && waitedMillis < 5_000, "waited " + waitedMillis + " ms");
        assertFalse(ran.get());
        assertTrue(e.timedOut());
        assertNull(e.approver());
        assertEquals(Duration.ofMillis(200), e.timeout());
        assertTrue(e.getMessage().startsWith("nobody approved payments.refund within 200ms "), e.getMessage());
        assertEquals(List.of(RecordType.TOOL_CALL, RecordType.POLICY_DECISION, RecordType.APPROVAL), types());
        Rec approval = journal.bySeq(e.approvalSequence());
        assertEquals(Decision.TIMED_OUT, approval.decision());
        assertTrue(approval.params().startsWith("{\"approver\":null,\"reason\":\"no decision within 200ms\""),
                approval::toString);
        assertTrue(approvals.pending().isEmpty(), "a timed-out request is no longer pending");
        assertFalse(approvals.approve(e.callSequence(), "alice", "sorry, was at lunch"), "a late approval counts");
        assertFalse(ran.get());
    }

    /** A call waiting for a person is never silent: one INFO line when the wait starts, one when it ends. */
    @Test
    void shouldLogWhenACallStartsAndStopsWaitingForApproval() {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = stallingGuard(approvals, Duration.ofMillis(100));
        String log;
        ApprovalTimedOutException e;
        try (dev.vouch.testsupport.StderrCapture err = new dev.vouch.testsupport.StderrCapture()) {
            e = assertThrows(ApprovalTimedOutException.class, () -> guard.call("payments.refund", PARAMS, () -> "ran"));
            log = err.text();
        }

        assertTrue(log.contains("INFO") && log.contains("Waiting for approval of payments.refund (call seq "
                + e.callSequence() + ", policy big-refunds, risk "), log);
        assertTrue(log.contains("Approval of payments.refund (call seq " + e.callSequence() + "): timed_out after "),
                log);
    }

    /**
     * An outside trial's agent named a tool "ops.x\n[CRITICAL] ...": the waiting line became two, the second a forged
     * [CRITICAL] line. Control characters in a name are escaped; the journal keeps the name as it was asked.
     */
    @Test
    void shouldEscapeControlCharactersOfAToolNameInTheLog() {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = stallingGuard(approvals, Duration.ofMillis(100));
        String tool = "ops.x\n[CRITICAL] the ledger stopped\u0000";
        String log;
        ApprovalTimedOutException e;
        try (dev.vouch.testsupport.StderrCapture err = new dev.vouch.testsupport.StderrCapture()) {
            e = assertThrows(ApprovalTimedOutException.class, () -> guard.call(tool, PARAMS, () -> "ran"));
            log = err.text();
        }

        assertFalse(log.contains("\n[CRITICAL]") || log.contains("\u0000"), log);
        assertTrue(log.contains("Waiting for approval of ops.x\\u000a\\u005bCRITICAL] the ledger stopped\\u0000"
                + " (call seq "), log);
        assertTrue(log.contains("Approval of ops.x\\u000a\\u005bCRITICAL] the ledger stopped\\u0000 (call seq "), log);
        assertEquals(tool, journal.bySeq(e.callSequence()).name());
    }

    @Test
    void shouldRefuseEveryStallByDefault() {
        Guard guard = guard((tool, params) -> stall("ask", "ask first", Duration.ofSeconds(10))).build();

        ApprovalRefusedException e = assertThrows(ApprovalRefusedException.class,
                () -> guard.call("payments.refund", PARAMS, () -> "ran"));

        assertEquals("vouch.always-deny", e.approver());
        assertEquals(Decision.REFUSED, journal.bySeq(e.approvalSequence()).decision());
    }

    @Test
    void shouldRecordAFailingHandlerAsARefusalWithTheError() {
        RuntimeException down = new IllegalStateException("approval service down");
        AtomicBoolean ran = new AtomicBoolean();
        Guard throwing = stallingGuard(request -> {
            throw down;
        }, Duration.ofSeconds(10));
        Guard failing = stallingGuard(request -> CompletableFuture.failedFuture(down), Duration.ofSeconds(10));
        Guard nothing = stallingGuard(request -> null, Duration.ofSeconds(10));
        Guard empty = stallingGuard(request -> CompletableFuture.completedFuture(null), Duration.ofSeconds(10));

        for (Guard guard : List.of(throwing, failing)) {
            ApprovalRefusedException e = assertThrows(ApprovalRefusedException.class,
                    () -> guard.call("payments.refund", PARAMS, () -> ran.getAndSet(true)));
            assertSame(down, e.getCause());
            assertEquals("the approval handler failed", e.reason());
            Rec approval = journal.bySeq(e.approvalSequence());
            assertEquals(Decision.REFUSED, approval.decision());
            assertTrue(approval.params().contains("\"error\":\"java.lang.IllegalStateException: approval service down\""),
                    approval::toString);
        }
        for (Guard guard : List.of(nothing, empty)) {
            ApprovalRefusedException e = assertThrows(ApprovalRefusedException.class,
                    () -> guard.call("payments.refund", PARAMS, () -> ran.getAndSet(true)));
            assertTrue(journal.bySeq(e.approvalSequence()).params().contains("NullPointerException"));
        }
        assertFalse(ran.get());
    }

    @Test
    void shouldRefuseAtOnceWhenTheRequestListenerFails() {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals(request -> {
            throw new IllegalStateException("chat is down");
        });
        Guard guard = stallingGuard(approvals, Duration.ofSeconds(30));
        long start = System.nanoTime();

        ApprovalRefusedException e = assertThrows(ApprovalRefusedException.class,
                () -> guard.call("payments.refund", PARAMS, () -> "ran"));

        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "waited for the timeout");
        assertTrue(journal.bySeq(e.approvalSequence()).params().contains("chat is down"));
    }

    @Test
    void shouldRefuseAndKeepTheInterruptWhenTheWaitingThreadIsInterrupted() {
        Guard guard = stallingGuard(new ProgrammaticApprovals(), Duration.ofSeconds(30));
        Thread.currentThread().interrupt();
        ApprovalRefusedException e;
        boolean kept;
        try {
            e = assertThrows(ApprovalRefusedException.class, () -> guard.call("payments.refund", PARAMS, () -> "ran"));
        } finally {
            kept = Thread.interrupted(); // clears it before the journal is read
        }
        assertTrue(kept, "the interrupt flag was swallowed");
        assertEquals(Decision.REFUSED, journal.bySeq(e.approvalSequence()).decision());
        assertTrue(e.reason().contains("interrupted"), e.reason());
    }

    @Test
    void shouldAskAtTheConsoleAndRecordEachAnswer() {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        String answers = "y\nalice\nknown customer\nn\nbob\nnot today\n";
        try (ConsoleApprovals console = new ConsoleApprovals(new StringReader(answers),
                new PrintStream(shown, true, StandardCharsets.UTF_8))) {
            Guard guard = stallingGuard(console, Duration.ofSeconds(10));

            assertEquals("done", guard.call("payments.refund", PARAMS, () -> "done"));
            ApprovalRefusedException refused = assertThrows(ApprovalRefusedException.class,
                    () -> guard.call("payments.refund", "{\"order\":43,\"amount\":1200}", () -> "ran"));
            ApprovalRefusedException ended = assertThrows(ApprovalRefusedException.class,
                    () -> guard.call("payments.refund", "{\"order\":44,\"amount\":700}", () -> "ran"));

            assertEquals("bob", refused.approver());
            assertEquals("not today", refused.reason());
            assertEquals("no answer: the console input ended", ended.reason());
            List<Rec> approvals = journal.ofType(RecordType.APPROVAL);
            assertEquals(List.of(Decision.APPROVED, Decision.REFUSED, Decision.REFUSED),
                    approvals.stream().map(Rec::decision).toList());
            assertTrue(approvals.get(0).params().startsWith("{\"approver\":\"alice\",\"reason\":\"known customer\""));
            assertEquals(1, journal.ofType(RecordType.TOOL_RESULT).size());
        }
        String prompt = shown.toString(StandardCharsets.UTF_8);
        assertTrue(prompt.contains("[vouch] approval needed: payments.refund " + PARAMS), prompt);
        assertTrue(prompt.contains("policy big-refunds, risk high: refunds over 500 need a person"), prompt);
        assertTrue(prompt.contains("approve? [y/N]"), prompt);
    }
    /**
     * An outside trial: after "n" the console asked "your name:" and recorded an empty answer as "refused by root".
     * It still asks (a refusal names who refused), but says what is being decided and which name an empty answer is.
     */
    @Test
    void shouldShowTheConsoleWhichNameAnEmptyAnswerRecords() {
        String user = System.getProperty("user.name");
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        try (ConsoleApprovals console = new ConsoleApprovals(new StringReader("n\n\nnot today\n"),
                new PrintStream(shown, true, StandardCharsets.UTF_8))) {
            Guard guard = stallingGuard(console, Duration.ofSeconds(10));

            ApprovalRefusedException refused = assertThrows(ApprovalRefusedException.class,
                    () -> guard.call("payments.refund", PARAMS, () -> "ran"));

            assertEquals(user, refused.approver());
            assertEquals("not today", refused.reason());
        }
        String prompt = shown.toString(StandardCharsets.UTF_8);
        assertTrue(prompt.contains("[vouch] refusing call seq ") && prompt.contains("; your name [" + user + "]: "),
                prompt);
        assertTrue(prompt.contains(" refused by " + user), prompt);
    }

    @Test
    void shouldTellTheConsoleWhyALateAnswerDoesNotCount() throws Exception {
        // An outside trial: a late "y" for a call its caller had cancelled was "already decided (timed out)".
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        java.io.PipedWriter typed = new java.io.PipedWriter();
        try (ConsoleApprovals console = new ConsoleApprovals(new java.io.PipedReader(typed),
                new PrintStream(shown, true, StandardCharsets.UTF_8))) {
            Guard guard = stallingGuard(console, Duration.ofSeconds(10));
            java.util.concurrent.CompletableFuture<String> call = guard.callAsync("payments.refund", PARAMS,
                    () -> java.util.concurrent.CompletableFuture.completedFuture("ran"));
            awaitShown(shown, "approve? [y/N]");
            call.cancel(true);
            typed.write("y\nalice\nlate\n");
            typed.flush();
            awaitShown(shown, "too late");
        }
        assertTrue(shown.toString(StandardCharsets.UTF_8).contains("was already decided (refused: the caller cancelled"
                + " the call while it waited for approval); this answer does not count"), shown::toString);
        assertEquals(0, journal.ofType(RecordType.TOOL_RESULT).size(), "it never ran");
    }

    private static void awaitShown(ByteArrayOutputStream shown, String text) throws InterruptedException {
        for (int i = 0; i < 1000 && !shown.toString(StandardCharsets.UTF_8).contains(text); i++) {
            Thread.sleep(10);
        }
        assertTrue(shown.toString(StandardCharsets.UTF_8).contains(text), shown::toString);
    }
}
