package dev.vouch.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vouch.Decision;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.Guard;
import dev.vouch.guard.TestJournal;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import dev.vouch.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Each test gets a real ledger on a real journal in a temporary directory; after it, the journal must verify INTACT. */
abstract class AdapterTestBase {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    TestJournal journal;

    @BeforeEach
    void openJournal() {
        journal = new TestJournal(tmp);
    }

    @AfterEach
    void verifyJournal() {
        journal.closeAndVerify();
    }

    Guard guard(String policyYaml, ApprovalHandler approvals) {
        return Guard.builder(journal.ledger).agent("support-bot")
                .policy(Policy.parse(policyYaml, "vouch-policy.yaml"))
                .approvals(approvals)
                .build();
    }

    /** The only TOOL_CALL of {@code tool}. */
    Rec callOf(String tool) {
        return journal.onlyCall(tool);
    }

    /** The records caused by a call, as types. */
    List<RecordType> story(Rec call) {
        return journal.childTypes(call.seq());
    }

    Rec child(Rec call, RecordType type) {
        return journal.child(call.seq(), type);
    }

    void assertDecision(Rec call, Decision decision, String policyId) {
        Rec d = child(call, RecordType.POLICY_DECISION);
        assertEquals(decision, d.decision(), d::toString);
        assertEquals(policyId, d.policy(), d::toString);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    static void assertJson(String expected, String actual) {
        assertTrue(!actual.isEmpty(), "empty JSON");
        assertEquals(json(expected), json(actual), actual);
    }
}
