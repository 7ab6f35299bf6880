package dev.vouch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ProgrammaticApprovals;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import dev.vouch.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ledger on a real journal per test, a real policy, and a person who answers approvals as the test says.
 * After each test the journal must verify INTACT.
 */
abstract class McpTestBase {
    /** Moves are blocked outright, writes wait for a person, deletes never happen; the rest is allowed. */
    static final String POLICY = """
            version: "2026.1"
            defaults:
              default_action: allow
              approval_timeout: 20s
            policies:
              - id: no-moves
                match_methods: ["move_file"]
                action: block
                risk_level: high
                reason: Files stay where they are
              - id: writes-need-a-person
                match_methods: ["write_file"]
                action: stall
                risk_level: medium
                reason: Writes need a second pair of eyes
              - id: big-echoes
                match_methods: ["echo"]
                conditions:
                  - {key: message, operator: prefix, value: "rm "}
                action: block
                reason: No shell in echoes
            """;

    @TempDir
    Path tmp;

    TestJournal journal;
    Policy policy;
    ProgrammaticApprovals approvals;
    /** What the person does when asked; by default nothing (the call waits). */
    volatile Consumer<ApprovalRequest> person = request -> { };

    @BeforeEach
    void openJournal() {
        journal = new TestJournal(tmp);
        policy = Policy.parse(POLICY, "vouch-policy.yaml");
        approvals = new ProgrammaticApprovals(request -> CompletableFuture.runAsync(() -> person.accept(request)));
    }

    @AfterEach
    void verifyJournal() {
        journal.closeAndVerify();
    }

    Guard guard() {
        return Guard.builder(journal.ledger).agent("mcp-agent").policy(policy).approvals(approvals).build();
    }

    void approveAll() {
        person = r -> approvals.approve(r.callSequence(), "alice", "looks fine");
    }

    void refuseAll() {
        person = r -> approvals.refuse(r.callSequence(), "bob", "not today");
    }

    /** The records caused by {@code call}, by type, in journal order. */
    List<RecordType> childTypes(long call) {
        return journal.childTypes(call);
    }

    TestJournal.Rec only(RecordType type) {
        return journal.only(type);
    }

    TestJournal.Rec child(long call, RecordType type) {
        return journal.child(call, type);
    }

    Decision decisionOf(long call) {
        return child(call, RecordType.POLICY_DECISION).decision();
    }

    static JsonNode json(String s) {
        try {
            return TsClient.JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + s, e);
        }
    }
}
