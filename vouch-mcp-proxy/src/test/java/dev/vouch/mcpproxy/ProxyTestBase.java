package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ProgrammaticApprovals;
import dev.vouch.guard.RedactionKey;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import dev.vouch.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ledger on a real journal per test, a real policy, a guard, and a person who answers approvals as the test
 * says. After each test the journal must verify INTACT.
 */
abstract class ProxyTestBase {
    /** Moves are blocked outright, writes wait for a person (their content kept out of the journal), "rm " echoes are blocked. */
    static final String POLICY = """
            version: "2026.1"
            defaults:
              default_action: allow
              approval_timeout: 20s
            policies:
              - id: files-stay-put
                match_methods: ["move_file"]
                action: block
                risk_level: high
                reason: Files stay where they are
              - id: writes-need-a-person
                match_methods: ["write_file"]
                action: stall
                risk_level: medium
                reason: Writes need a second pair of eyes
                redact: [content]
              - id: no-shell-echoes
                match_methods: ["echo"]
                conditions:
                  - {key: message, operator: prefix, value: "rm "}
                action: block
                reason: No shell in echoes
            """;

    @TempDir
    Path tmp;

    TestJournal journal;
    ProgrammaticApprovals approvals;
    ExecutorService approvedCalls;
    /** What the person does when asked; by default nothing (the call waits). */
    volatile Consumer<ApprovalRequest> person = request -> { };

    @BeforeEach
    void openJournal() {
        journal = new TestJournal(tmp);
        approvals = new ProgrammaticApprovals(request -> CompletableFuture.runAsync(() -> person.accept(request)));
        approvedCalls = Executors.newCachedThreadPool();
    }

    @AfterEach
    void verifyJournal() {
        journal.closeAndVerify();
        approvedCalls.shutdownNow();
    }

    Guard guard() {
        return guard(POLICY);
    }

    Guard guard(String policy) {
        return Guard.builder(journal.ledger).agent("mcp-proxy-test").policy(Policy.parse(policy, "vouch-policy.yaml"))
                .approvals(approvals).asyncExecutor(approvedCalls).redactionKey(RedactionKey.generate()).build();
    }

    void approveAll() {
        person = r -> approvals.approve(r.callSequence(), "alice", "looks fine");
    }

    void refuseAll() {
        person = r -> approvals.refuse(r.callSequence(), "bob", "not today");
    }

    /** The TOOL_CALL recorded with this tool-call id (the JSON-RPC id). */
    TestJournal.Rec callWithId(String toolCallId) {
        List<TestJournal.Rec> calls = journal.ofType(RecordType.TOOL_CALL).stream()
                .filter(r -> toolCallId.equals(r.toolCallId())).toList();
        assertEquals(1, calls.size(), () -> "expected one TOOL_CALL with id " + toolCallId + " in " + journal.events());
        return calls.get(0);
    }

    /** The records caused by {@code call}, by type, in journal order. */
    List<RecordType> childTypes(long call) {
        return journal.children(call).stream().map(TestJournal.Rec::type).toList();
    }

    TestJournal.Rec child(long call, RecordType type) {
        return journal.children(call).stream().filter(r -> r.type() == type).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " under " + call + " in " + journal.events()));
    }

    static JsonNode json(String s) {
        try {
            return RawClient.JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + s, e);
        }
    }
}
