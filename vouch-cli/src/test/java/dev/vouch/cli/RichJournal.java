package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.Risk;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.BackpressureMode;
import dev.vouch.ledger.Ledger;
import java.nio.file.Path;

/**
 * A journal as a guarded agent leaves it over four sessions, written by the real ledger the way the guard records
 * calls (docs/GUARD.md): a call and its policy decision as one group, approvals after a wait, results and errors.
 * The first session crashes (its unsealed records are copied as a killed writer leaves them), so the second opens
 * with a recovery; the second rotates the key; the third floods a tiny ring so the writer drops events and records
 * gaps; the fourth rotates again and leaves a call awaiting approval and one whose outcome is not recorded.
 *
 * <p>What it holds, for the tests' expectations: 10 tool calls; policy decisions allow 5, block 1, stall 4;
 * approvals approved 1, refused 1, timed out 1; outcomes result 4, error 1, not run 3, awaiting approval 1, not
 * recorded 1; decision risks low 4, medium 1, high 3, critical 2 (so 5 calls of high risk or more); 4 sessions,
 * 2 rotations, 1 recovery, at least one gap.
 */
final class RichJournal {
    static final long FIRST_WAIT_MS = 15;
    static final long SECOND_WAIT_MS = 30;
    static final long THIRD_WAIT_MS = 5;

    /** The journal and its keys, and how many events the third session's writer dropped. */
    record Rich(TestJournals.Written written, long dropped) {
        String dir() {
            return written.dir();
        }

        String pub() {
            return written.pub();
        }
    }

    private static Rich shared;

    private RichJournal() {
    }

    /**
     * One rich journal for every test class that only reads it (the tests run in one JVM), in a temporary directory
     * removed when the JVM exits. A test that damages a journal writes its own.
     */
    static synchronized Rich shared() {
        if (shared == null) {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("vouch-rich-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                shared = write(dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return shared;
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | RuntimeException ignored) {
            // a temporary directory: best effort
        }
    }

    static Rich write(Path root) {
        Path first = root.resolve("first-session");
        Path keyFile = root.resolve("vouch.key");
        VerifyingKey key;
        try (Ledger ledger = open(first, keyFile).origin(TestJournals.ORIGIN).open()) {
            key = ledger.verifyingKey();
            Agent a = new Agent(ledger, "agent-1", "alice", "ticket-1");
            a.startTask("support-ticket");
            long lookup = a.call("crm.lookup", "{\"ticket\":1}", Decision.ALLOW, Risk.LOW, "reads", "reads are fine");
            a.result(lookup, "{\"customer\":\"c-1\"}");
            a.call("fs.delete", "{\"path\":\"/srv/data\"}", Decision.BLOCK, Risk.CRITICAL, "no-deletes",
                    "deletes are not allowed");
            long refund = a.call("payments.refund", "{\"order\":4003,\"amount\":750}", Decision.STALL, Risk.HIGH,
                    "big-refunds", "refunds over 500 need a person");
            sleep(FIRST_WAIT_MS);
            a.approval(refund, Decision.APPROVED, Risk.HIGH, "big-refunds", "alice", "known customer");
            a.result(refund, "{\"refund\":\"r-1\"}");
            a.endTask();
        }
        Path journal = root.resolve("journal");
        // The first session as a writer killed before its seal leaves it.
        TestJournals.truncatedCopy(first, journal, TestJournals.lastIndexOf(first, RecordType.TASK_END) + 1);

        try (Ledger ledger = open(journal, keyFile).open()) {
            Agent a = new Agent(ledger, "agent-2", "bob", "ticket-2");
            a.startTask("refund-review");
            long refund = a.call("payments.refund", "{\"order\":4004,\"amount\":900}", Decision.STALL, Risk.HIGH,
                    "big-refunds", "refunds over 500 need a person");
            sleep(SECOND_WAIT_MS);
            a.approval(refund, Decision.REFUSED, Risk.HIGH, "big-refunds", "carol", "not this one");
            long get = a.call("http.get", "{\"url\":\"https://example.com/\"}", Decision.ALLOW, Risk.MEDIUM, "web",
                    "");
            a.error(get, "{\"exception\":\"java.io.IOException\",\"message\":\"timeout\"}");
            long mail = a.call("email.send", "{\"to\":\"all@example.com\"}", Decision.STALL, Risk.CRITICAL,
                    "mass-mail", "mail to everyone needs a person");
            sleep(THIRD_WAIT_MS);
            a.approval(mail, Decision.TIMED_OUT, Risk.CRITICAL, "mass-mail", null, "");
            ledger.rotateKey();
            long lookup = a.call("crm.lookup", "{\"ticket\":2}", Decision.ALLOW, Risk.LOW, "reads", "");
            a.result(lookup, "{\"customer\":\"c-2\"}");
            a.endTask();
        }

        long dropped = 0;
        try (Ledger ledger = open(journal, keyFile).backpressure(BackpressureMode.DROP).ringSize(64).open()) {
            Event e = new Event();
            for (int i = 0; i < 2_000_000 && dropped < 20; i++) {
                if (!ledger.record(e.reset().kind(EventKind.NOTE).agent("agent-3").name("burst")
                        .params("{\"i\":" + i + "}"))) {
                    dropped++;
                }
            }
            ledger.checkpoint();
            Agent a = new Agent(ledger, "agent-3", "", "ticket-3");
            long lookup = a.call("crm.lookup", "{\"ticket\":3}", Decision.ALLOW, Risk.LOW, "reads", "");
            a.result(lookup, "{\"customer\":\"c-3\"}");
        }
        assertTrue(dropped > 0, "the tiny ring should have dropped events");

        try (Ledger ledger = open(journal, keyFile).open()) {
            Agent a = new Agent(ledger, "agent-1", "alice", "ticket-4");
            a.startTask("wire-transfer");
            a.call("bank.wire", "{\"amount\":100000}", Decision.STALL, Risk.HIGH, "wires", "wires need two people");
            a.call("crm.lookup", "{\"ticket\":4}", Decision.ALLOW, Risk.LOW, "reads", "");
            ledger.rotateKey();
        }
        Path pub = root.resolve("vouch.pub");
        TestJournals.writeString(pub, key.toPem());
        return new Rich(new TestJournals.Written(journal, keyFile, pub, key), dropped);
    }

    private static dev.vouch.ledger.LedgerBuilder open(Path journal, Path keyFile) {
        return Ledger.builder(journal).keyFile(keyFile).shutdownHook(false);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Records as the guard does: one agent, principal and task. */
    static final class Agent {
        private final Ledger ledger;
        private final String agent;
        private final String principal;
        private final String task;
        private final Event e = new Event();
        private final java.util.Map<Long, String> tools = new java.util.HashMap<>();
        private long taskStart = -1;

        Agent(Ledger ledger, String agent, String principal, String task) {
            this.ledger = ledger;
            this.agent = agent;
            this.principal = principal;
            this.task = task;
        }

        private Event base(Event ev, EventKind kind, String name) {
            return ev.reset().kind(kind).agent(agent).principal(principal).task(task).name(name);
        }

        void startTask(String name) {
            taskStart = ledger.recordDurably(base(e, EventKind.TASK_START, name));
        }

        void endTask() {
            ledger.recordDurably(base(e, EventKind.TASK_END, "end").parent(taskStart).result("done"));
        }

        /** A TOOL_CALL and its POLICY_DECISION, as one group; returns the call's sequence number. */
        long call(String tool, String params, Decision decision, Risk risk, String rule, String reason) {
            Event call = base(new Event(), EventKind.TOOL_CALL, tool).params(params);
            if (taskStart >= 0) {
                call.parent(taskStart);
            }
            Event judged = base(new Event(), EventKind.POLICY_DECISION, tool).parentInGroup(0).decision(decision)
                    .risk(risk).policy(rule).params("{\"reason\":\"" + reason + "\",\"params_stored\":\"full\"}");
            long seq = ledger.recordDurably(new Event[] {call, judged}, Durability.JOURNALED);
            tools.put(seq, tool);
            return seq;
        }

        void approval(long call, Decision answer, Risk risk, String rule, String approver, String reason) {
            String who = approver == null ? "null" : "\"" + approver + "\"";
            ledger.recordDurably(base(e, EventKind.APPROVAL, tools.get(call)).parent(call).decision(answer).risk(risk).policy(rule)
                    .params("{\"approver\":" + who + ",\"reason\":\"" + reason + "\"}"));
        }

        void result(long call, String result) {
            ledger.recordDurably(base(e, EventKind.TOOL_RESULT, tools.get(call)).parent(call).params("{\"duration_ns\":1200000}")
                    .result(result));
        }

        void error(long call, String error) {
            ledger.recordDurably(base(e, EventKind.TOOL_ERROR, tools.get(call)).parent(call).params("{\"duration_ns\":900000}")
                    .result(error));
        }
    }
}
