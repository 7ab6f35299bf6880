package dev.vouch.examples.springai;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.CallResult;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.spring.ai.VouchApprovals;
import dev.vouch.spring.ai.VouchToolContext;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with Spring AI tools and the Vouch starter on the class path, and nothing else done for
 * Vouch but {@code vouch.*} properties: the starter opens the journal, follows the policy, and guards the tools.
 *
 * <p>The scripted model reads an order (allowed), refunds it (stalled: the policy wants a person for refunds over 100,
 * and {@code vouch.stall-mode=pending} lets the chat call go on) and closes the account (blocked). The example prints
 * what the model read for each, then approves the refund as an operator would and resumes it, closes the application
 * (which seals the journal), and verifies the journal.
 *
 * <pre>
 * mvn -B -pl vouch-spring-ai,examples/spring-ai -Pdemo -DskipTests package    # or: java [vouch.jvm.flags] ... SpringAiExample DIR
 * </pre>
 */
@SpringBootApplication
public class SpringAiExample {

    @Bean
    ScriptedModel chatModel() {
        return new ScriptedModel();
    }

    @Bean
    ToolCallbackProvider orderTools() {
        return MethodToolCallbackProvider.builder().toolObjects(new OrderTools()).build();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "spring-ai-demo");
        VerificationReport report = run(dir, System.out);
        System.exit(report.verdict() == Verdict.INTACT ? 0 : 1);
    }

    /** Runs the application once in {@code dir} (journal, key, policy), prints what happened, verifies the journal. */
    public static VerificationReport run(Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path policy = dir.resolve("vouch-policy.yaml");
        try (InputStream in = SpringAiExample.class.getResourceAsStream("/vouch-policy.yaml")) {
            Files.copy(in, policy, StandardCopyOption.REPLACE_EXISTING);
        }
        Path journal = dir.resolve("journal");
        SpringApplication app = new SpringApplication(SpringAiExample.class);
        app.setDefaultProperties(Map.of(
                "vouch.journal", journal.toString(),
                "vouch.key-file", dir.resolve("vouch.key").toString(),
                "vouch.policy", policy.toString()));

        VerifyingKey key;
        try (ConfigurableApplicationContext context = app.run()) {
            key = context.getBean(Ledger.class).verifyingKey();
            ChatClient chat = context.getBean(ChatClient.Builder.class).build();

            String answer = chat.prompt("Order 42 never arrived: refund it and close customer 7's account.")
                    .tools(context.getBean("orderTools"))
                    .toolContext(VouchToolContext.principal("sam@support.example.com"))
                    .call()
                    .content();
            out.println("What the model read:");
            for (String line : answer.substring("I read: ".length()).split(" \\| ")) {
                out.println("  " + line);
            }

            VouchApprovals approvals = context.getBean(VouchApprovals.class);
            for (ApprovalRequest request : approvals.pending()) {
                out.printf("Waiting for a person: %s %s (call seq %d, policy %s: %s)%n", request.tool(),
                        request.storedParams(), request.callSequence(), request.policyId(), request.reason());
                CallResult<String> outcome = approvals.approveAndResume(request.callSequence(), "lead@support.example.com",
                        "the courier confirmed the loss");
                out.println("Approved and resumed: " + outcome.valueOrThrow());
            }
            out.println("Journal health: "
                    + context.getBean("vouchHealthIndicator", HealthIndicator.class).health().getStatus());
        } // closing the application closes the ledger, which seals the journal

        try (RecordSource source = JournalReader.open(journal)) {
            VerificationReport report = JournalVerifier.trusting(key).verify(source);
            out.printf("Journal %s: %s, %d events, %s%n", journal, report.verdict(), report.events(),
                    report.sealed() ? "sealed" : "not sealed");
            out.println("Read it with: vouch tasks " + journal);
            return report;
        }
    }
}
