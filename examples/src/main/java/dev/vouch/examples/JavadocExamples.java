package dev.vouch.examples;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.Guard;
import dev.vouch.guard.RedactionKey;
import dev.vouch.guard.Task;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.Policy;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The code examples in the javadoc of {@link Ledger} and {@link Guard}, compiled here; JavadocExamplesTest checks
 * that each javadoc block is, line for line, what this file holds, so an example cannot rot unnoticed.
 */
final class JavadocExamples {
    private JavadocExamples() {
    }

    /** A tool the Guard example calls. */
    interface Payments {
        String refund(int order, double amount) throws IOException;
    }

    static void ledger() {
        // javadoc:Ledger
        try (Ledger ledger = Ledger.builder(Path.of("journal")).keyFile(Path.of(".vouch_key")).open()) {
            ledger.record(Event.of(EventKind.TOOL_CALL).name("fs.delete").params("{\"path\":\"/tmp/x\"}"));
        }
        // end
    }

    @SuppressWarnings("try") // the example's task scopes the call without being referenced in it
    static void guard(Ledger ledger, ApprovalHandler approvals, Payments payments) throws IOException {
        // javadoc:Guard
        Guard guard = Guard.builder(ledger).agent("refund-bot")
                .policy(Policy.load(Path.of("vouch-policy.yaml")))
                .approvals(approvals)
                .redactionKey(RedactionKey.load(Path.of("redaction.key")))
                .build();
        try (Task task = guard.task("refund-order-42")) {
            String receipt = guard.call("payments.refund", "{\"order\":42,\"amount\":17.25}",
                    () -> payments.refund(42, 17.25));  // the tool's own result type
        }
        // end
    }
}
