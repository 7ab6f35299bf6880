package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.ledger.JournalReader;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link GuardBuilder#buildAll}: the guards of several agents on one journal rediscover their pending calls, unfinished
 * calls and open tasks in one pass over it, each only its own, where a {@code recoverPending} per guard read the
 * journal once per agent (a gateway's start grew with its journal times its agents).
 */
class SharedRediscoveryTest extends GuardTestBase {
    private static final String PARAMS = "{\"from\":\"/a\",\"to\":\"/b\"}";

    private static ApprovalHandler nobodyAnswers() {
        return request -> new CompletableFuture<>();
    }

    private GuardBuilder agent(String name) {
        return Guard.builder(journal.ledger).agent(name).approvals(nobodyAnswers()).writeAheadOutcomes(true)
                .policy((tool, params) -> tool.equals("fs.move") ? stall("moves", "", Duration.ofMinutes(5))
                        : allow("reads"));
    }

    /** Counts what is read and whether it was closed. */
    private static final class Counting implements RecordSource {
        final RecordSource inner;
        int records;
        boolean closed;

        Counting(RecordSource inner) {
            this.inner = inner;
        }

        @Override
        public boolean next(RecordBuffer into) throws IOException {
            boolean more = inner.next(into);
            records += more ? 1 : 0;
            return more;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            inner.close();
        }
    }

    @Test
    void shouldGiveEachAgentItsOwnPendingAndUnfinishedCallsAndOpenTasksFromOnePass() throws Exception {
        Guard refunds = agent("refund-bot").build();
        Guard tidy = agent("tidy-bot").build();
        long refundStall = refunds.attempt(ToolCall.of("fs.move", PARAMS).id("r-1").deferApproval(true), () -> "moved")
                .callSequence();
        Task open = refunds.task("open-ticket");
        assertFalse(refunds.attemptAsync(ToolCall.of("fs.read", PARAMS).id("r-2"), CompletableFuture::new).isDone());
        long tidyStall = tidy.attempt(ToolCall.of("fs.move", "{\"from\":\"/x\",\"to\":\"/y\"}").id("t-1")
                .deferApproval(true), () -> "moved").callSequence();
        // The process stops here: nothing answered, reported or ended.
        journal.ledger.checkpoint();
        int recordsBefore = journal.events().size();

        List<ApprovalRequest> refundUnfinished = new ArrayList<>();
        List<Task> refundTasks = new ArrayList<>();
        List<ApprovalRequest> tidyUnfinished = new ArrayList<>();
        List<Task> tidyTasks = new ArrayList<>();
        Counting source = new Counting(JournalReader.open(journal.dir));
        List<Guard> guards = GuardBuilder.buildAll(source, List.of(
                agent("refund-bot").recoverUnfinished(refundUnfinished::add).recoverOpenTasks(refundTasks::add),
                agent("tidy-bot").recoverUnfinished(tidyUnfinished::add).recoverOpenTasks(tidyTasks::add)));

        assertTrue(source.closed);
        assertTrue(source.records >= recordsBefore && source.records < 2 * recordsBefore,
                () -> "read " + source.records + " records for a journal of " + recordsBefore + " events: once");
        assertEquals(List.of("refund-bot", "tidy-bot"), guards.stream().map(Guard::agent).toList());
        assertEquals(List.of(refundStall), guards.get(0).pendingApprovals().list().stream()
                .map(ApprovalRequest::callSequence).toList());
        assertEquals(List.of(tidyStall), guards.get(1).pendingApprovals().list().stream()
                .map(ApprovalRequest::callSequence).toList());
        assertEquals(List.of("r-2"), refundUnfinished.stream().map(ApprovalRequest::toolCallId).toList());
        assertEquals(List.of(open.startSequence()), refundTasks.stream().map(Task::startSequence).toList());
        assertTrue(tidyUnfinished.isEmpty(), tidyUnfinished::toString);
        assertTrue(tidyTasks.isEmpty(), tidyTasks::toString);

        // What recoverPending gives one guard, buildAll gives each: the rediscovered call resumes.
        assertTrue(guards.get(1).pendingApprovals().approve(tidyStall, "alice", "fine"));
        assertEquals("moved later", guards.get(1).resume(tidyStall, () -> "moved later").valueOrThrow());
        refundTasks.get(0).context().wrap(refundTasks.get(0)::close).run();
    }

    @Test
    void shouldRefuseTwoBuildersOfOneAgentOrOneThatReadsOnItsOwnAndBuildNothing() throws Exception {
        int before = journal.events().size();
        Counting twice = new Counting(JournalReader.open(journal.dir));
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> GuardBuilder.buildAll(twice, List.of(noted("refund-bot"), noted("refund-bot"))));
        Counting other = new Counting(JournalReader.open(journal.dir));
        try (RecordSource its = JournalReader.open(journal.dir)) {
            IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
                    () -> GuardBuilder.buildAll(other, List.of(noted("tidy-bot"), noted("refund-bot").recoverPending(its))));
            assertTrue(own.getMessage().contains("has recoverPending set"), own::getMessage);
        }

        assertTrue(same.getMessage().contains("two builders name agent refund-bot"), same::getMessage);
        assertEquals(before, journal.events().size(), "no guard was built: no policy note recorded");
        assertEquals(0, twice.records);
        assertTrue(twice.closed && other.closed, "closed, as a pass would have");
    }

    /** A builder whose guard records its policy's note when it is built. */
    private GuardBuilder noted(String name) {
        return agent(name).policy((tool, params) -> allow("reads"), "ab".repeat(32), "inline-policy");
    }
}
