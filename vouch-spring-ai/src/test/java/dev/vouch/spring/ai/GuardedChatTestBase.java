package dev.vouch.spring.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vouch.guard.TestJournal;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.internal.format.RecordType;
import dev.vouch.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * Each test runs the starter in a real Spring Boot context with Spring AI's own tool-calling and chat-client
 * auto-configuration, a {@link ScriptedChatModel}, and the {@link Shop} tools, recording into a real journal
 * ({@link TestJournal}, given to the context as the application's {@code Ledger} bean); after each test the journal
 * must verify INTACT.
 */
abstract class GuardedChatTestBase {
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

    ApplicationContextRunner context(ChatModel model, String... properties) {
        return contextWithPolicy(model, Shop.POLICY, properties);
    }

    ApplicationContextRunner contextWithPolicy(ChatModel model, String policyYaml, String... properties) {
        return contextOn(() -> journal.ledger, model, policyYaml, properties);
    }

    /** As {@link #contextWithPolicy}, with the application's ledger from {@code ledger} (a reopened one, say). */
    ApplicationContextRunner contextOn(java.util.function.Supplier<Ledger> ledger, ChatModel model, String policyYaml,
            String... properties) {
        Path policy = tmp.resolve("vouch-policy.yaml");
        try {
            Files.writeString(policy, policyYaml);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                        ToolCallingAutoConfiguration.class, ChatClientAutoConfiguration.class,
                        VouchAutoConfiguration.class))
                .withBean(Ledger.class, ledger)
                .withBean(ChatModel.class, () -> model)
                .withUserConfiguration(Shop.Tools.class)
                .withPropertyValues("vouch.policy=" + policy, "vouch.agent=support-bot")
                .withPropertyValues(properties);
    }

    /** A chat client as an application builds one, with every Shop tool. */
    static ChatClient.ChatClientRequestSpec prompt(ApplicationContext context, String text) {
        return context.getBean(ChatClient.Builder.class).build()
                .prompt(text)
                .tools(context.getBean("shopTools"), context.getBean("refundPayment"));
    }

    /** The one TOOL_CALL record of {@code tool}. */
    Rec onlyCall(String tool) {
        return journal.onlyCall(tool);
    }

    /** The types of the records caused by {@code call}, in journal order. */
    List<RecordType> childTypes(Rec call) {
        return journal.childTypes(call.seq());
    }

    Rec child(Rec call, RecordType type) {
        return journal.child(call.seq(), type);
    }
}
