package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.policy.Policy;
import dev.vouch.policy.PolicyWatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The guard driven by a real policy file and its watcher, wired as docs/GUARD.md shows. */
class PolicyFileGuardTest extends GuardTestBase {
    private static final String POLICY = String.join("\n",
            "version: \"2026.1\"",
            "defaults:",
            "  default_action: block",
            "  approval_timeout: 10m",
            "policies:",
            "  - id: large-refund",
            "    match_methods: [\"payments.refund\"]",
            "    conditions:",
            "      - {key: amount, operator: gt, value: 500}",
            "    action: stall",
            "    risk_level: high",
            "    reason: Refunds above 500 need a second pair of eyes",
            "  - id: refund",
            "    match_methods: [\"payments.refund\"]",
            "    action: allow",
            "    risk_level: medium",
            "    redact: [card.number]",
            "");

    @Test
    void shouldEnforceAPolicyFileAndFollowItsChanges() throws Exception {
        Path file = tmp.resolve("vouch-policy.yaml");
        Files.writeString(file, POLICY);
        Policy initial = Policy.load(file);
        AtomicReference<ProgrammaticApprovals> self = new AtomicReference<>();
        ProgrammaticApprovals approvals = new ProgrammaticApprovals(request -> new Thread(
                () -> self.get().approve(request.callSequence(), "alice", "checked the order")).start());
        self.set(approvals);
        RedactionKey key = RedactionKey.generate();
        Guard guard = Guard.builder(journal.ledger).agent("refund-bot")
                .policy(initial::evaluate, initial.sha256Hex(), initial.source())
                .approvals(approvals)
                .redactionKey(key)
                .build();

        try (PolicyWatcher watcher = PolicyWatcher.start(file, Duration.ofMillis(20),
                p -> guard.policyChanged(p::evaluate, p.sha256Hex(), p.source()))) {
            String small = "{\"order\":42,\"amount\":90,\"card\":{\"number\":\"4111111111111111\"}}";
            assertEquals("refunded", guard.call("payments.refund", small, () -> "refunded"));
            assertEquals("refunded big", guard.call("payments.refund", "{\"order\":43,\"amount\":900}", () -> "refunded big"));
            ToolBlockedException shell = assertThrows(ToolBlockedException.class,
                    () -> guard.call("shell.exec", "{\"cmd\":\"rm -rf /\"}", () -> "ran"));
            assertEquals(Guard.DEFAULT_POLICY_ID, shell.policyId());

            // An operator blocks refunds; the watcher picks the change up and the guard records it.
            Path edited = tmp.resolve("vouch-policy.yaml.new");
            Files.writeString(edited, POLICY.replace("    action: allow\n", "    action: block\n"));
            Files.move(edited, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (watcher.current().sha256Hex().equals(initial.sha256Hex()) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            String v2 = watcher.current().sha256Hex();
            assertFalse(v2.equals(initial.sha256Hex()), "the watcher never saw the change");
            ToolBlockedException blocked = assertThrows(ToolBlockedException.class,
                    () -> guard.call("payments.refund", small, () -> "ran"));
            assertEquals("refund", blocked.policyId());

            List<Rec> notes = journal.ofType(RecordType.NOTE);
            assertEquals(2, notes.size(), "the initial policy once (builder and watcher agree), then the change: " + notes);
            assertTrue(notes.get(0).params().contains(initial.sha256Hex()));
            assertTrue(notes.get(1).params().contains(v2));
            List<Rec> decisions = journal.ofType(RecordType.POLICY_DECISION);
            assertEquals(List.of(Decision.ALLOW, Decision.STALL, Decision.BLOCK, Decision.BLOCK),
                    decisions.stream().map(Rec::decision).toList());
            assertEquals(List.of("refund", "large-refund", "default", "refund"), decisions.stream().map(Rec::policy).toList());
            assertEquals(Risk.HIGH, decisions.get(1).risk());
            for (int i = 0; i < 3; i++) {
                assertTrue(decisions.get(i).params().contains(initial.sha256Hex()), decisions.get(i)::toString);
            }
            assertTrue(decisions.get(3).params().contains(v2), decisions.get(3)::toString);
            assertTrue(decisions.get(0).params().contains("\"redacted\":[\"card.number\"]"), decisions.get(0)::toString);
            Rec approval = journal.ofType(RecordType.APPROVAL).get(0);
            assertEquals(Decision.APPROVED, approval.decision());
            assertTrue(approval.params().startsWith("{\"approver\":\"alice\""), approval::toString);
        }
        journal.closeAndVerify();
        assertFalse(journal.anyFileContains("4111111111111111".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldKeepASecretInUnreadableParametersOutOfTheJournalUnderAKeyedCommitment() {
        Policy policy = Policy.parse(POLICY, "vouch-policy.yaml");
        RedactionKey key = RedactionKey.generate();
        Guard guard = Guard.builder(journal.ledger).agent("refund-bot")
                .policy(policy::evaluate, policy.sha256Hex(), policy.source())
                .redactionKey(key)
                .build();
        // Broken JSON: the large-refund condition cannot be judged, and the refund rule would redact card.number.
        String broken = "{\"amount\": 900, \"card\": {\"number\": 4111111111111111";

        ToolBlockedException e = assertThrows(ToolBlockedException.class,
                () -> guard.call("payments.refund", broken, () -> "ran"));

        assertTrue(e.reason().startsWith("the parameters are not valid JSON"), e.reason());
        assertFalse(e.reason().contains("4111"), "the recorded reason must not quote the parameters: " + e.reason());
        assertFalse(journal.anyFileContains("4111111111111111".getBytes(StandardCharsets.UTF_8)),
                "the card number reached a journal file");
        Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertTrue(call.params().contains("hmac-sha256:v1-bytes:"), "keyed, not a guessable plain digest: " + call);
        assertTrue(key.verify(commitmentIn(call.params()), broken.getBytes(StandardCharsets.UTF_8)), call::toString);
    }

    private static String commitmentIn(String storedParams) {
        int at = storedParams.indexOf("hmac-sha256:v1-bytes:");
        return storedParams.substring(at, storedParams.indexOf('"', at));
    }
}
