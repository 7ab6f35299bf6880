package dev.vouch.examples.langchain4j;

import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.UserMessage;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ProgrammaticApprovals;
import dev.vouch.langchain4j.PendingToolCall;
import dev.vouch.langchain4j.ResumedToolCall;
import dev.vouch.langchain4j.StallMode;
import dev.vouch.langchain4j.VouchTools;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.Policy;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A LangChain4j support assistant whose tools go through Vouch: a lookup is allowed, a wipe is blocked (the model
 * reads why, the chat goes on), a large refund waits for a person without holding up the chat, and runs once an
 * operator approved it; the model is told the outcome in a new message. Then the journal is verified.
 *
 * <p>Usage: {@code LangChain4jExample [work-dir]} (default {@code target/langchain4j-example}): the journal and its key
 * go there. Exit status 0 if the journal verifies intact.
 */
public final class LangChain4jExample {
    private static final String MARKER = ".vouch-langchain4j-example";

    /** The AI service: LangChain4j implements it. */
    interface Assistant {
        String chat(@UserMessage String message, InvocationParameters parameters);
    }

    private LangChain4jExample() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args.length > 0 ? args[0] : "target/langchain4j-example").toAbsolutePath();
        System.exit(run(work, System.out) == Verdict.INTACT ? 0 : 1);
    }

    /** Runs the conversation in {@code work} (made fresh), prints it, and returns the journal's verdict. */
    public static Verdict run(Path work, PrintStream out) throws IOException {
        clearPreviousRun(work);
        Policy policy;
        try (InputStream in = LangChain4jExample.class.getResourceAsStream("/vouch-policy.yaml")) {
            policy = Policy.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "vouch-policy.yaml");
        }
        Path journal = work.resolve("journal");
        VerifyingKey publicKey;
        ShopTools shop = new ShopTools();
        try (Ledger ledger = Ledger.builder(journal).keyFile(work.resolve(".vouch_key"))
                .origin("example.vouch.dev/langchain4j").open()) {
            publicKey = ledger.verifyingKey();
            Guard guard = Guard.builder(ledger).agent("support-assistant").policy(policy)
                    .approvals(new ProgrammaticApprovals(request -> out.println("  operator     is asked to approve "
                            + request.tool() + " " + request.storedParams() + " (call seq " + request.callSequence()
                            + ", rule " + request.policyId() + ")")))
                    .build();

            // The adapter: a large refund answers "awaiting approval" at once instead of holding up the chat.
            VouchTools vouch = VouchTools.builder(guard).stallMode(StallMode.PENDING).build();
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(new ScriptedSupportModel(out))
                    .chatMemory(MessageWindowChatMemory.withMaxMessages(30))
                    .tools(vouch.tools(shop))
                    .build();
            InvocationParameters alice = InvocationParameters.from(VouchTools.PRINCIPAL, "alice@example.com");

            out.println("alice: Where is order 7?");
            out.println("assistant: " + assistant.chat("Where is order 7?", alice));
            out.println();
            out.println("alice: Wipe order 7, and refund 900 on it.");
            out.println("assistant: " + assistant.chat("Wipe order 7, and refund 900 on it.", alice));
            out.println();

            // Later, somewhere else: an operator approves the refund; the application runs it and tells the model.
            for (PendingToolCall pending : vouch.pendingCalls()) {
                out.println("operator: approves " + pending.request().name() + " (call seq " + pending.callSequence() + ")");
                guard.pendingApprovals().approve(pending.callSequence(), "ops@example.com", "customer verified by phone");
                ResumedToolCall resumed = vouch.resume(pending.callSequence());
                out.println("  resumed      ran=" + resumed.ran() + ": " + resumed.text());
                out.println("assistant: " + assistant.chat(resumed.userMessage().singleText(), alice));
            }
            out.println();
            out.println("Tools that actually ran: " + shop.ran);
        }

        VerificationReport report;
        try (RecordSource source = JournalReader.open(journal)) {
            report = JournalVerifier.trusting(publicKey).verify(source);
        }
        out.println("Journal " + journal + ": " + report.events() + " events, verdict " + report.verdict() + " ("
                + report.verdictReason() + ")");
        out.println("Inspect it with: vouch tasks " + journal);
        out.println("Verify it as an auditor: vouch pubkey --key " + work.resolve(".vouch_key") + " > vouch.pub && vouch"
                + " verify " + journal + " --pubkey vouch.pub");
        return report.verdict();
    }

    /** Keeps each run fresh without ever deleting a directory the example did not create. */
    private static void clearPreviousRun(Path work) throws IOException {
        if (Files.exists(work)) {
            if (!Files.exists(work.resolve(MARKER))) {
                throw new IOException(work + " exists and was not made by this example; choose another directory");
            }
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(work);
        Files.createFile(work.resolve(MARKER));
    }
}
