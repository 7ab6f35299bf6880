package dev.vouch.examples;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The demo: a simulated agent handles refund tickets through Vouch, closes the ledger (which seals the
 * journal), then audits its own journal the way an auditor would, trusting only the public key it saved.
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

        out.println("Vouch demo: a support agent refunds " + TICKETS + " orders; every tool call goes through Vouch.");
        VerifyingKey publicKey;
        int toolCalls;
        try (Ledger ledger = Ledger.builder(journal).keyFile(keyFile).origin("demo.vouch.dev/refund-bot")
                .checkpointMaxDelay(Duration.ofMillis(20)).open()) {
            publicKey = ledger.verifyingKey();
            SimulatedAgent agent = new SimulatedAgent(ledger, "refund-bot");
            for (int ticket = 1; ticket <= TICKETS; ticket++) {
                agent.handleTicket(ticket);
            }
            toolCalls = agent.toolCalls();
            out.println("  recorded " + toolCalls + " tool calls in nested tasks; " + ledger.stats().accepted()
                    + " events accepted, closing (drain, seal, sign)...");
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
        out.println();
        out.println("Files in " + work + ":");
        out.println("  journal/        the Chronicle Queue journal (append-only, memory-mapped)");
        out.println("  .vouch_key      the Ed25519 signing key (PKCS#8 PEM, mode 0600)");
        out.println("  vouch.pub       the public key an auditor trusts");
        out.println("  checkpoint.txt  the last signed checkpoint (C2SP signed note); keep it to detect rewrites later");
        System.exit(report.verdict() == Verdict.INTACT ? 0 : 1);
    }
}
