package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.internal.format.RecordType;
import dev.vouch.guard.TestJournal.Rec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class AsyncTest extends GuardTestBase {
    private final ForkJoinPool pool = new ForkJoinPool(4);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    private Rec call(String tool) {
        List<Rec> calls = journal.ofType(RecordType.TOOL_CALL).stream().filter(r -> r.name().equals(tool)).toList();
        assertEquals(1, calls.size(), () -> tool + ": " + calls);
        return calls.get(0);
    }

    @Test
    void shouldKeepTaskAndParentAcrossCompletableFutureChainsOnAForkJoinPool() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        Executor inContext = guard.executor(pool);
        long taskStart;
        String summary;

        try (Task task = guard.task("research")) {
            taskStart = task.startSequence();
            CompletableFuture<String> page = guard.callAsync("web.search", "{\"q\":\"vouch\"}",
                    () -> CompletableFuture.supplyAsync(() -> guard.call("web.fetch", "{\"url\":\"u\"}", () -> "page-1"),
                            inContext));
            summary = page
                    .thenApplyAsync(p -> guard.call("llm.summarize", "{}", () -> "summary of " + p), inContext)
                    .thenApply(s -> guard.call("notes.save", "{}", () -> s))
                    .join();
        }

        assertEquals("summary of page-1", summary);
        Rec search = call("web.search");
        assertEquals("research", search.task());
        assertEquals(taskStart, search.parent());
        Rec fetch = call("web.fetch");
        assertEquals("research", fetch.task());
        assertEquals(search.seq(), fetch.parent(), "work started by the async tool nests under its call");
        assertEquals(taskStart, call("llm.summarize").parent(), "a later stage runs in the caller's context");
        assertEquals(taskStart, call("notes.save").parent());
        Rec result = journal.children(search.seq()).stream().filter(r -> r.type() == RecordType.TOOL_RESULT)
                .findFirst().orElseThrow();
        assertEquals("page-1", result.result());
        TaskTest.assertTaskIdsFollowTheTree(journal.events());
    }

    @Test
    void shouldKeepEachTaskApartWhenManyRunConcurrently() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        Executor inContext = guard.executor(pool);
        List<CompletableFuture<?>> jobs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            jobs.add(CompletableFuture.runAsync(() -> {
                try (Task task = guard.task("job-" + n)) {
                    assertEquals(task.name(), guard.context().task());
                    guard.callAsync("step", "{\"job\":" + n + "}", () -> CompletableFuture.supplyAsync(
                            () -> guard.call("sub-step", "{\"job\":" + n + "}", () -> n), inContext)).join();
                }
            }, pool));
        }
        jobs.forEach(CompletableFuture::join);

        List<Rec> events = journal.events();
        TaskTest.assertTaskIdsFollowTheTree(events);
        Map<Long, Rec> bySeq = events.stream().collect(Collectors.toMap(Rec::seq, Function.identity()));
        for (Rec r : events) {
            if (r.type() == RecordType.TOOL_CALL && r.name().equals("sub-step")) {
                Rec parent = bySeq.get(r.parent());
                assertEquals("step", parent.name(), r::toString);
                assertEquals(r.params(), parent.params(), "a sub-step nests under its own job's step");
            }
        }
        assertEquals(32, journal.ofType(RecordType.TOOL_RESULT).size());
        assertEquals(0, journal.ledger.stats().activeTasks());
    }

    @Test
    void shouldFailTheFutureOfABlockedCallWithoutStartingIt() {
        Guard guard = guard((tool, params) -> block("no-web", "offline agent")).build();
        AtomicBoolean started = new AtomicBoolean();

        CompletableFuture<String> f = guard.callAsync("web.fetch", "{}", () -> {
            started.set(true);
            return CompletableFuture.completedFuture("x");
        });

        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ToolBlockedException.class, e.getCause());
        assertFalse(started.get());
        assertEquals(2, journal.events().size());
    }

    @Test
    void shouldRecordAnAsyncFailureAndFailTheFutureWithTheSameException() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        IOException boom = new IOException("connection reset");

        CompletableFuture<String> f = guard.callAsync("web.fetch", "{}",
                () -> CompletableFuture.supplyAsync(() -> {
                    throw new CompletionException(boom);
                }, pool));

        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertSame(boom, e.getCause());
        Rec error = journal.ofType(RecordType.TOOL_ERROR).get(0);
        assertEquals("{\"exception\":\"java.io.IOException\",\"message\":\"connection reset\"}", error.result());
    }

    @Test
    void shouldWaitForApprovalWithoutBlockingAndRunOnlyWhenApproved() throws Exception {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = guard((tool, params) -> stall("big-refunds", "ask", tool.equals("slow")
                ? Duration.ofMillis(200) : Duration.ofSeconds(10))).approvals(approvals).asyncExecutor(pool).build();
        AtomicBoolean slowRan = new AtomicBoolean();
        long taskStart;
        CompletableFuture<String> approved;
        CompletableFuture<String> timedOut;
        String[] ranIn = new String[1];

        try (Task task = guard.task("refunds")) {
            taskStart = task.startSequence();
            approved = guard.callAsync("payments.refund", "{\"amount\":900}", () -> {
                ranIn[0] = guard.context().task() + "@" + guard.context().parent();
                return CompletableFuture.completedFuture("refunded");
            });
            timedOut = guard.callAsync("slow", "{}", () -> {
                slowRan.set(true);
                return CompletableFuture.completedFuture("x");
            });
        }
        assertFalse(approved.isDone(), "the caller is not blocked while the call waits for approval");
        ApprovalRequest request = approvals.pending().stream().filter(r -> r.tool().equals("payments.refund"))
                .findFirst().orElseThrow();
        assertTrue(approvals.approve(request.callSequence(), "alice", "fine"));

        assertEquals("refunded", approved.get(10, TimeUnit.SECONDS));
        ExecutionException e = assertThrows(ExecutionException.class, () -> timedOut.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ApprovalTimedOutException.class, e.getCause());
        assertFalse(slowRan.get());
        assertEquals("refunds@" + request.callSequence(), ranIn[0], "the approved action runs in the call's context");
        List<Rec> story = journal.children(request.callSequence());
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL, RecordType.TOOL_RESULT),
                story.stream().map(Rec::type).toList());
        assertEquals(Decision.APPROVED, story.get(1).decision());
        assertEquals(taskStart, journal.bySeq(request.callSequence()).parent());
        Rec slowApproval = journal.ofType(RecordType.APPROVAL).stream().filter(r -> r.name().equals("slow"))
                .findFirst().orElseThrow();
        assertEquals(Decision.TIMED_OUT, slowApproval.decision());
    }

    @Test
    void shouldRefuseOnRecordACallWaitingForApprovalWhoseCallerCancelledItAndNeverRunIt() throws Exception {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        Guard guard = guard((tool, params) -> stall("big-refunds", "ask", Duration.ofSeconds(30)))
                .approvals(approvals).asyncExecutor(pool).build();
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<CallResult<String>> attempt = guard.attemptAsync(ToolCall.of("payments.refund", "{}"), () -> {
            ran.set(true);
            return CompletableFuture.completedFuture("refunded");
        });
        ApprovalRequest request = approvals.pending().get(0);

        assertTrue(attempt.cancel(true), "the caller gives up while the call waits");

        Rec approval = journal.awaitChild(request.callSequence(), RecordType.APPROVAL);
        assertEquals(Decision.REFUSED, approval.decision());
        assertTrue(approval.params().contains("\"reason\":\"the caller cancelled the call while it waited for approval\""),
                approval.params());
        assertFalse(approvals.approve(request.callSequence(), "alice", "too late"), "the refusal counts");
        Thread.sleep(200);
        assertFalse(ran.get(), "a cancelled call never runs");
        assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.APPROVAL),
                journal.children(request.callSequence()).stream().map(Rec::type).toList());
    }

    @Test
    void shouldCancelARunningToolWhenTheCallerCancelsAndRecordTheCancellation() throws Exception {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        CompletableFuture<String> tool = new CompletableFuture<>(); // a tool that would answer much later
        CompletableFuture<String> call = guard.callAsync("web.crawl", "{}", () -> tool);

        assertTrue(call.cancel(true));

        assertTrue(tool.isCancelled(), "the tool's future is cancelled with the call");
        Rec error = journal.awaitChild(call("web.crawl").seq(), RecordType.TOOL_ERROR);
        assertTrue(error.result().contains("\"exception\":\"java.util.concurrent.CancellationException\""),
                error.result());
        assertTrue(error.result().contains("the caller cancelled the call while the tool ran"), error.result());
    }

    @Test
    void shouldKeepTaskAndParentOnVirtualThreads() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        // Reflection: this module is compiled for Java 17, where Executors.newVirtualThreadPerTaskExecutor does not exist.
        ExecutorService virtualThreads = (ExecutorService) Executors.class
                .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        java.lang.reflect.Method isVirtual = Thread.class.getMethod("isVirtual");
        AtomicReference<ProgrammaticApprovals> self = new AtomicReference<>();
        ProgrammaticApprovals approvals = new ProgrammaticApprovals(
                r -> virtualThreads.execute(() -> self.get().approve(r.callSequence(), "bot", "auto")));
        self.set(approvals);
        Guard guard = guard((tool, params) -> tool.equals("guarded")
                ? stall("ask", "ask", Duration.ofSeconds(10)) : allow("ok"))
                .approvals(approvals).asyncExecutor(virtualThreads).build();
        List<Future<Boolean>> done = new ArrayList<>();
        long taskStart;

        try (Task task = guard.task("fan-out")) {
            taskStart = task.startSequence();
            for (int i = 0; i < 200; i++) {
                int n = i;
                done.add(virtualThreads.submit(guard.context().wrap(() -> {
                    boolean virtual = (boolean) isVirtual.invoke(Thread.currentThread());
                    try (Task sub = guard.task("item-" + n)) {
                        assertEquals(sub.startSequence(), guard.context().parent());
                        guard.call("fetch", "{\"i\":" + n + "}", () -> n);
                        if (n % 20 == 0) {
                            guard.callAsync("guarded", "{\"i\":" + n + "}",
                                    () -> CompletableFuture.completedFuture(n)).get(10, TimeUnit.SECONDS);
                        }
                    }
                    return virtual;
                })));
            }
            for (Future<Boolean> f : done) {
                assertTrue(f.get(30, TimeUnit.SECONDS), "ran on a virtual thread");
            }
        }
        virtualThreads.shutdown();
        assertTrue(virtualThreads.awaitTermination(10, TimeUnit.SECONDS));

        List<Rec> events = journal.events();
        TaskTest.assertTaskIdsFollowTheTree(events);
        List<Rec> items = journal.ofType(RecordType.TASK_START).stream().filter(r -> r.name().startsWith("item-")).toList();
        assertEquals(200, items.size());
        items.forEach(r -> assertEquals(taskStart, r.parent(), r::toString));
        assertEquals(200, journal.ofType(RecordType.TOOL_CALL).stream().filter(r -> r.name().equals("fetch")).count());
        assertEquals(10, journal.ofType(RecordType.APPROVAL).stream().filter(r -> r.decision() == Decision.APPROVED).count());
        assertEquals(0, journal.ledger.stats().activeTasks());
    }
}
