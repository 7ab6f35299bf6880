package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Event;
import dev.vouch.internal.format.RecordType;
import dev.vouch.guard.TestJournal.Rec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyChangeTest extends GuardTestBase {
    private static final String V1 = "a".repeat(64);
    private static final String V2 = "0123456789abcdef".repeat(4);

    @Test
    void shouldRecordEachPolicyInForceAndNameItInEveryDecision() {
        Guard guard = guard((tool, params) -> allow("v1-rule")).build();
        guard.call("before", "{}", () -> "ok");

        guard.policyChanged(V1, "/etc/vouch/vouch-policy.yaml");
        guard.call("after-v1", "{}", () -> "ok");
        guard.policyChanged((tool, params) -> block("v2-rule", "v2 blocks everything"), V2, "/etc/vouch/vouch-policy.yaml");
        assertThrows(ToolBlockedException.class, () -> guard.call("after-v2", "{}", () -> "ran"));

        List<Rec> notes = journal.ofType(RecordType.NOTE);
        assertEquals(2, notes.size());
        assertEquals(Guard.POLICY_NOTE, notes.get(0).name());
        assertEquals(Event.NO_PARENT, notes.get(0).parent());
        assertEquals("{\"sha256\":\"" + V1 + "\",\"source\":\"/etc/vouch/vouch-policy.yaml\"}", notes.get(0).params());
        assertEquals("{\"sha256\":\"" + V2 + "\",\"source\":\"/etc/vouch/vouch-policy.yaml\"}", notes.get(1).params());
        List<Rec> decisions = journal.ofType(RecordType.POLICY_DECISION);
        assertFalse(decisions.get(0).params().contains("policy_sha256"), "no policy identity was known yet");
        assertTrue(decisions.get(1).params().contains("\"policy_sha256\":\"" + V1 + "\""), decisions.get(1)::toString);
        assertEquals(Decision.BLOCK, decisions.get(2).decision());
        assertEquals("v2-rule", decisions.get(2).policy());
        assertTrue(decisions.get(2).params().contains("\"policy_sha256\":\"" + V2 + "\""), decisions.get(2)::toString);
        assertTrue(notes.get(1).seq() < decisions.get(2).seq());
    }

    @Test
    void shouldRecordThePolicyGivenToTheBuilderBeforeAnyCall() {
        Guard guard = guard(PolicyEvaluator.allowAll()).policy((tool, params) -> allow("r"), V1, "policy.yaml").build();
        guard.call("x", "{}", () -> "ok");

        guard.policyChanged((tool, params) -> allow("r"), V1, "policy.yaml"); // a watcher starting: the same policy

        List<Rec> events = journal.events();
        assertEquals(1, journal.ofType(RecordType.NOTE).size(), "the same policy twice is one change");
        assertEquals(RecordType.NOTE, events.get(0).type());
        assertTrue(events.get(0).params().contains(V1));
        assertTrue(events.get(2).params().contains("\"policy_sha256\":\"" + V1 + "\""));
    }

    @Test
    void shouldRefuseAMalformedPolicyHash() {
        Guard guard = guard(PolicyEvaluator.allowAll()).build();
        assertThrows(IllegalArgumentException.class, () -> guard.policyChanged("ABCDEF", "x"));
        assertThrows(IllegalArgumentException.class, () -> guard.policyChanged(V1.toUpperCase(), "x"));
        assertEquals(0, journal.events().size(), "nothing recorded for a refused change");
    }

    /** A guard that follows a PolicyWatcher judges each call by the file as it is now, and says so first. */
    @Test
    void shouldFollowAWatchedPolicyFileAndRecordEachVersionBeforeItDecides() throws Exception {
        java.nio.file.Path file = journal.dir.resolveSibling("watched-policy.yaml");
        java.nio.file.Files.writeString(file, "policies:\n  - {id: open, match_methods: [\"*\"], action: allow}\n");
        try (dev.vouch.policy.PolicyWatcher watcher = dev.vouch.policy.PolicyWatcher.start(file,
                java.time.Duration.ofMillis(10), p -> { })) {
            Guard guard = Guard.builder(journal.ledger).agent("refund-bot").policy(watcher).build();
            String v1 = watcher.current().sha256Hex();
            assertEquals("ok", guard.call("fs.read", "{}", () -> "ok"));

            java.nio.file.Files.writeString(file,
                    "policies:\n  - {id: closed, match_methods: [\"*\"], action: block, reason: closed}\n");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (watcher.current().sha256Hex().equals(v1) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            String v2 = watcher.current().sha256Hex();
            assertFalse(v1.equals(v2), "the watcher saw the change");
            assertThrows(ToolBlockedException.class, () -> guard.call("fs.read", "{}", () -> "ran"));
            assertThrows(ToolBlockedException.class, () -> guard.call("fs.read", "{}", () -> "ran"));

            List<Rec> notes = journal.ofType(RecordType.NOTE);
            assertEquals(2, notes.size(), "each version once");
            assertTrue(notes.get(0).params().contains(v1) && notes.get(1).params().contains(v2));
            List<Rec> decisions = journal.ofType(RecordType.POLICY_DECISION);
            assertTrue(notes.get(1).seq() < decisions.get(1).seq(), "recorded before the first decision it made");
            assertTrue(decisions.get(1).params().contains(v2), decisions.get(1)::toString);
        }
    }
}
