package dev.vouch.examples;

import dev.vouch.guard.Approval;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.Guard;
import dev.vouch.guard.RedactionKey;
import dev.vouch.guard.Task;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Vouch in one file: a policy, a ledger, a guard, two tool calls, and an approver for the risky one. */
public final class QuickStart {
    public static void main(String[] args) throws Exception {
        Path home = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "vouch-quick-start"));

        // Refunds from 0 to 500 go through; the rest (or an amount that is not a plain number) wait for a person.
        // Card numbers in the parameters never reach the journal in clear.
        Policy policy = Policy.parse("""
                policies:
                  - {id: refunds, match_methods: [payments.refund], action: allow, redact: [card],
                     conditions: [{key: amount, operator: gte, value: 0},
                                  {key: amount, operator: lte, value: 500}]}
                  - {id: big-refunds, match_methods: [payments.refund], action: stall, redact: [card]}
                """, "quick-start policy");

        // Who answers stalled calls. This one says yes at once; ProgrammaticApprovals lets a chat bot or a web
        // page answer later, ConsoleApprovals asks on the terminal, and the default refuses.
        ApprovalHandler approvals = request -> {
            System.out.println("approval needed: " + request.tool() + " " + request.storedParams());
            return CompletableFuture.completedFuture(Approval.granted("alice", "checked the order"));
        };

        Path redactionKeyFile = home.resolve("redaction.key"); // created on the first run, mode 0600
        RedactionKey redactionKey = Files.exists(redactionKeyFile)
                ? RedactionKey.load(redactionKeyFile) : RedactionKey.create(redactionKeyFile);

        try (Ledger ledger = Ledger.builder(home.resolve("journal"))
                .keyFile(home.resolve("vouch.key"))                    // Ed25519, created on the first run
                .origin("example.com/quick-start")
                .open()) {
            Guard guard = Guard.builder(ledger).agent("refund-bot")
                    .policy(policy).approvals(approvals).redactionKey(redactionKey).build();
            try (Task task = guard.task("ticket-42")) {
                String order = guard.call("orders.get", "{\"order\":42}", () -> "{\"amount\":900}");
                String refund = guard.call("payments.refund",
                        "{\"order\":42,\"amount\":900,\"card\":\"4111111111111111\"}", () -> "refunded");
                System.out.println(task.name() + ": " + order + ", " + refund);
            }
        }   // close() seals the journal
        System.out.println("check it: vouch verify " + home.resolve("journal")
                + " --pubkey <(vouch pubkey --key " + home.resolve("vouch.key") + ")");
    }
}
