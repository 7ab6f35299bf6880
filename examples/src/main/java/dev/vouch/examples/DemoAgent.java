package dev.vouch.examples;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import dev.vouch.guard.Guard;
import dev.vouch.guard.RedactionKey;
import dev.vouch.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The demo: a simulated agent handles refund tickets through Vouch's guard and policy (allow, block, stall with
 * a person approving or refusing, redact), closes the ledger (which seals the journal), then audits its own journal the way an auditor would, trusting only the public key it saved.
 *
 * <p>Usage: {@code DemoAgent [work-dir]} (default {@code target/vouch-demo}). The work directory receives the
 * journal, the private key {@code .vouch_key}, the public key {@code vouch.pub} and the last checkpoint
 * {@code checkpoint.txt}. Exit status 0 if the journal verifies intact, 1 otherwise.
 */
public final class DemoAgent {
    private static final int TICKETS = 6;


    private DemoAgent() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args.length > 0 ? args[0] : "target/vouch-demo").toAbsolutePath();
        Path journal = work.resolve("journal");
        Path keyFile = work.resolve(".vouch_key");
        PrintStream out = System.out;
        DemoFiles.clearPreviousRun(work);

        Path policyFile = work.resolve("vouch-policy.yaml");
        try (InputStream in = DemoAgent.class.getResourceAsStream("/vouch-policy.yaml")) {
            Files.copy(in, policyFile);
        }
        Policy policy = Policy.load(policyFile);
        RedactionKey redactionKey = RedactionKey.create(work.resolve(".vouch_redaction_key"));

        out.println("Vouch demo: a support agent handles " + TICKETS + " refund tickets; every tool call goes through"
                + " Vouch's guard under " + policyFile.getFileName() + " (sha256 " + policy.sha256Hex().substring(0, 16) + "...).");
        VerifyingKey publicKey;
        SimulatedAgent agent;
        try (Ledger ledger = Ledger.builder(journal).keyFile(keyFile).origin("demo.vouch.dev/refund-bot").open()) {
            publicKey = ledger.verifyingKey();
            HumanReviewer reviewer = new HumanReviewer();
            Guard guard = Guard.builder(ledger).agent("refund-bot")
                    .policy(policy::evaluate, policy.sha256Hex(), policy.source())
                    .approvals(reviewer.approvals)
                    .redactionKey(redactionKey)
                    .build();
            agent = new SimulatedAgent(guard);
            for (int ticket = 1; ticket <= TICKETS; ticket++) {
                agent.handleTicket(ticket);
            }
            out.println("  " + agent.calls + " tool calls in nested tasks: ticket " + SimulatedAgent.APPROVED_TICKET
                    + "'s refund of " + SimulatedAgent.amount(SimulatedAgent.APPROVED_TICKET) + " waited for a person and was approved;"
                    + " ticket " + SimulatedAgent.REFUSED_TICKET + "'s refund of "
                    + SimulatedAgent.amount(SimulatedAgent.REFUSED_TICKET) + " was refused and never ran;");
            out.println("  " + agent.blocked + " call blocked by the policy (fs.delete outside /tmp); card numbers and"
                    + " e-mail addresses were redacted. " + ledger.stats().accepted() + " events; closing (drain, seal, sign)...");
        }
        Files.writeString(work.resolve("vouch.pub"), publicKey.toPem(), StandardCharsets.US_ASCII);

        out.println();
        out.println("Auditing " + journal + " with only the public key " + publicKey.fingerprint() + ":");
        VerificationReport report;
        try (RecordSource source = JournalReader.open(journal)) {
            report = JournalVerifier.trusting(publicKey).verify(source);
        }
        if (report.lastCheckpointNote() != null) {
            Files.writeString(work.resolve("checkpoint.txt"), report.lastCheckpointNote(), StandardCharsets.UTF_8);
        }
        out.println("  records      " + report.records() + " (" + report.events() + " agent events, "
                + report.checkpoints() + " signed checkpoints)");
        out.println("  time span    " + Instant.ofEpochSecond(0, report.firstTimestamp()) + " .. "
                + Instant.ofEpochSecond(0, report.lastTimestamp()));
        out.println("  sealed       " + report.sealed());
        report.failures().forEach(f -> out.println("  FAILURE      " + f));
        out.println("  verdict      " + report.verdict() + ": " + report.verdictReason());
        out.println("  card number  " + (DemoFiles.anyFileContains(journal, SimulatedAgent.CARD_NUMBER)
                ? "FOUND in the journal files (redaction failed!)" : "not in the journal files (redacted: an HMAC commitment is stored)"));
        out.println();
        out.println("Files in " + work + ":");
        out.println("  journal/        the Chronicle Queue journal (append-only, memory-mapped)");
        out.println("  .vouch_key      the Ed25519 signing key (PKCS#8 PEM, mode 0600)");
        out.println("  .vouch_redaction_key  the operator's HMAC key that proves redacted values (never in the journal)");
        out.println("  vouch-policy.yaml     the policy the guard enforced");
        out.println("  vouch.pub       the public key an auditor trusts");
        out.println("  checkpoint.txt  the last signed checkpoint (C2SP signed note); keep it to detect rewrites later");
        boolean leaked = DemoFiles.anyFileContains(journal, SimulatedAgent.CARD_NUMBER);
        System.exit(report.verdict() == Verdict.INTACT && !leaked ? 0 : 1);
    }
}
