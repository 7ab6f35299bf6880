package dev.vouch.guard;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.Action;
import dev.vouch.policy.PolicyDecision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Each test gets a real ledger on a real journal; after it, the journal must verify INTACT. */
abstract class GuardTestBase {
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

    GuardBuilder guard(PolicyEvaluator policy) {
        return Guard.builder(journal.ledger).agent("refund-bot").policy(policy);
    }

    static PolicyDecision allow(String rule) {
        return new PolicyDecision(Action.ALLOW, List.of(), Risk.LOW, rule, "reads are fine", PayloadLogging.FULL_PAYLOAD,
                Duration.ZERO);
    }

    static PolicyDecision block(String rule, String reason) {
        return new PolicyDecision(Action.BLOCK, List.of(), Risk.CRITICAL, rule, reason, PayloadLogging.FULL_PAYLOAD,
                Duration.ZERO);
    }

    static PolicyDecision stall(String rule, String reason, Duration timeout) {
        return new PolicyDecision(Action.STALL, List.of(), Risk.HIGH, rule, reason, PayloadLogging.FULL_PAYLOAD,
                timeout);
    }

    static PolicyDecision redact(String rule, String... paths) {
        return new PolicyDecision(Action.ALLOW, List.of(paths), Risk.MEDIUM, rule, "card data stays out of the journal",
                PayloadLogging.FULL_PAYLOAD, Duration.ZERO);
    }

    static PolicyDecision metadataOnly(String rule) {
        return new PolicyDecision(Action.ALLOW, List.of(), Risk.LOW, rule, "payloads are private",
                PayloadLogging.METADATA_ONLY, Duration.ZERO);
    }
}
