package dev.vouch.spring.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.guard.Guard;
import dev.vouch.guard.RedactionKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.Policy;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.function.FunctionToolCallback;
import org.springframework.ai.tool.resolution.ToolCallbackResolver;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter as an application gets it: the ledger opened from {@code vouch.*} properties, every tool bean guarded,
 * meters bound to Boot's registry, the health indicator, and the journal sealed when the context closes.
 */
class VouchAutoConfigurationTest {
    private static final String ORIGIN = "test.vouch.dev/spring";

    @TempDir
    Path tmp;

    /** One more tool, and a provider that hands out the (already guarded) tool bean again. */
    @Configuration(proxyBeanMethods = false)
    static class MoreTools {
        @Bean
        ToolCallback lookupCustomer() {
            return FunctionToolCallback.builder("lookup_customer", (Map<String, Object> in) -> Map.of("name", "Ada"))
                    .description("Looks a customer up")
                    .inputType(Map.class)
                    .build();
        }

        @Bean
        ToolCallbackProvider customerTools(ToolCallback lookupCustomer) {
            return ToolCallbackProvider.from(lookupCustomer);
        }
    }

    private ApplicationContextRunner context(ChatModel model) throws IOException {
        Path policy = tmp.resolve("vouch-policy.yaml");
        Files.writeString(policy, Shop.POLICY);
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                        MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class, ToolCallingAutoConfiguration.class,
                        ChatClientAutoConfiguration.class, VouchAutoConfiguration.class))
                .withBean(ChatModel.class, () -> model)
                .withUserConfiguration(Shop.Tools.class, MoreTools.class)
                .withPropertyValues(
                        "spring.application.name=orders-agent",
                        "vouch.journal=" + tmp.resolve("journal"),
                        "vouch.key-file=" + tmp.resolve("vouch.key"),
                        "vouch.origin=" + ORIGIN,
                        "vouch.policy=" + policy);
    }

    @Test
    void shouldOpenTheLedgerFromPropertiesAndGuardEveryToolBeanOnce() throws IOException {
        ScriptedChatModel model = ScriptedChatModel.calling("call-1", "lookup_customer", "{\"id\":1}");
        AtomicReference<VerifyingKey> key = new AtomicReference<>();
        context(model).run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            key.set(ledger.verifyingKey());
            assertEquals(tmp.resolve("journal"), ledger.journalDirectory());
            assertEquals(ORIGIN, ledger.origin());
            assertEquals("orders-agent", context.getBean(Guard.class).agent());

            Map<String, ToolCallback> tools = context.getBeansOfType(ToolCallback.class);
            assertEquals(2, tools.size(), tools::toString);
            tools.forEach((name, tool) -> assertTrue(ToolCallbackGuard.isGuarded(tool), name));
            assertInstanceOf(FunctionToolCallback.class, tools.get("refundPayment"), "the proxy keeps the bean's type");
            Map<String, ToolCallbackProvider> providers = context.getBeansOfType(ToolCallbackProvider.class);
            assertEquals(2, providers.size(), providers::toString);
            providers.forEach((name, provider) -> {
                assertTrue(ToolCallbackGuard.isGuarded(provider), name);
                for (ToolCallback tool : provider.getToolCallbacks()) {
                    assertTrue(ToolCallbackGuard.isGuarded(tool), name + ": " + tool);
                }
            });
            assertSame(tools.get("lookupCustomer"), providers.get("customerTools").getToolCallbacks()[0],
                    "a guarded bean handed out by a provider is not guarded twice");
            assertTrue(ToolCallbackGuard.isGuarded(context.getBean(ToolCallbackResolver.class).resolve("read_order")),
                    "Spring AI's resolver finds the guarded tools");

            String answer = context.getBean(ChatClient.Builder.class).build().prompt("Who is customer 1?")
                    .tools(providers.get("customerTools")).call().content();
            assertEquals(ScriptedChatModel.FINAL_ANSWER, answer);
            assertEquals("{\"name\":\"Ada\"}", model.onlyToolResponse().responseData());

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            ledger.checkpoint();
            double journaled = meters.get("vouch.ledger.events.processed").tag("origin", ORIGIN).functionCounter().count();
            assertTrue(journaled >= 4, "policy note, call, decision, result: " + journaled);

            HealthIndicator health = context.getBean("vouchHealthIndicator", HealthIndicator.class);
            Health up = health.health();
            assertEquals(Status.UP, up.getStatus(), up::toString);
            assertEquals("open", up.getDetails().get("state"));
            assertEquals(tmp.resolve("journal").toString(), up.getDetails().get("journal"));
            assertEquals(0L, up.getDetails().get("eventsUnsealed"), "checkpointed just above");
            assertTrue(up.getDetails().containsKey("lastCheckpoint") && up.getDetails().containsKey("checkpointAgeMillis"),
                    up::toString);

            ledger.close();

            Health down = health.health();
            assertEquals(Status.DOWN, down.getStatus(), down::toString);
            assertEquals("closed", down.getDetails().get("state"));
        });
        VerificationReport report = verify(key.get());
        List<Event> events = events();
        assertEquals(1, events.stream().filter(e -> e.type == RecordType.TOOL_CALL).count(), events::toString);
        Event call = events.stream().filter(e -> e.type == RecordType.TOOL_CALL).findFirst().orElseThrow();
        assertEquals("lookup_customer", call.name);
        assertEquals("call-1", call.toolCallId);
        assertTrue(report.sealed());
    }

    @Test
    void shouldSealTheJournalWhenTheContextClosesAndRecordThePolicyInForce() throws IOException {
        ScriptedChatModel model = ScriptedChatModel.calling("call-2", "read_order", "{\"id\":3}");
        AtomicReference<VerifyingKey> key = new AtomicReference<>();
        context(model).run(context -> {
            key.set(context.getBean(Ledger.class).verifyingKey());
            context.getBean(ChatClient.Builder.class).build().prompt("Where is order 3?")
                    .tools(context.getBean("shopTools")).call().content();
        });

        VerificationReport report = verify(key.get());
        assertTrue(report.sealed(), "closing the context sealed the journal");
        List<Event> events = events();
        Event note = events.stream().filter(e -> e.type == RecordType.NOTE).findFirst().orElseThrow();
        String sha = Policy.parse(Shop.POLICY, "test").sha256Hex();
        assertTrue(note.params.contains("\"sha256\":\"" + sha + "\""), note::toString);
        Event call = events.stream().filter(e -> e.type == RecordType.TOOL_CALL).findFirst().orElseThrow();
        assertEquals("read_order", call.name);
        assertEquals("orders-agent", call.agent);
        Event result = events.stream().filter(e -> e.type == RecordType.TOOL_RESULT).findFirst().orElseThrow();
        assertEquals(call.seq, result.parent);
        assertEquals("{\"id\":3,\"status\":\"shipped\",\"total\":900.0}", result.result);
    }

    @Test
    void shouldStayOutOfTheWayWhenDisabled() throws IOException {
        context(new ScriptedChatModel()).withPropertyValues("vouch.enabled=false").run(context -> {
            assertFalse(context.containsBean("vouchLedger"));
            assertFalse(context.containsBean("vouchGuard"));
            assertFalse(ToolCallbackGuard.isGuarded(context.getBean("refundPayment")));
        });
        assertFalse(Files.exists(tmp.resolve("journal")), "no journal was opened");
    }

    @Test
    void shouldRunWithoutActuatorOrMicrometerOnTheClassPath() throws IOException {
        ScriptedChatModel model = ScriptedChatModel.calling("call-3", "read_order", "{\"id\":4}");
        Path policy = tmp.resolve("vouch-policy.yaml");
        Files.writeString(policy, Shop.POLICY);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                        ToolCallingAutoConfiguration.class, ChatClientAutoConfiguration.class, VouchAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health.", "io.micrometer.core."))
                .withBean(ChatModel.class, () -> model)
                .withUserConfiguration(Shop.Tools.class)
                .withPropertyValues("vouch.journal=" + tmp.resolve("journal"), "vouch.key-file=" + tmp.resolve("vouch.key"),
                        "vouch.policy=" + policy)
                .run(context -> {
                    assertFalse(context.containsBean("vouchHealthIndicator"));
                    assertFalse(context.containsBean("vouchMetrics"));
                    context.getBean(ChatClient.Builder.class).build().prompt("Where is order 4?")
                            .tools(context.getBean("shopTools")).call().content();
                    assertEquals("{\"id\":4,\"status\":\"shipped\",\"total\":900.0}",
                            model.onlyToolResponse().responseData());
                });
    }

    /** A provider declared as Spring AI's final class, as an application may write it. */
    @Configuration(proxyBeanMethods = false)
    static class FinalClassTools {
        @Bean
        org.springframework.ai.tool.method.MethodToolCallbackProvider finalTools(Shop shop) {
            return org.springframework.ai.tool.method.MethodToolCallbackProvider.builder().toolObjects(shop).build();
        }
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void shouldGuardAFinalClassBeanAndWarnThatItCanOnlyBeInjectedByItsInterface(
            org.springframework.boot.test.system.CapturedOutput output) throws IOException {
        context(new ScriptedChatModel()).withUserConfiguration(FinalClassTools.class).run(context -> {
            ToolCallbackProvider tools = context.getBean("finalTools", ToolCallbackProvider.class);
            assertTrue(ToolCallbackGuard.isGuarded(tools));
            for (ToolCallback tool : tools.getToolCallbacks()) {
                assertTrue(ToolCallbackGuard.isGuarded(tool), tool::toString);
            }
        });
        String log = output.getAll();
        assertTrue(log.contains("Vouch: bean 'finalTools' is declared as"
                + " org.springframework.ai.tool.method.MethodToolCallbackProvider, a class the guard cannot subclass"
                + " (final or not public), so the guarded bean is a proxy of its interfaces: inject it by an interface"
                + " (ToolCallbackProvider), not by its class"), log);
        assertFalse(log.contains("bean 'shopTools'"), "declared as the interface: nothing to warn about");
        assertFalse(log.contains("bean 'toolCallingManager'"), "Spring AI declares its manager as the interface");
    }

    @Test
    void shouldCommitRedactedValuesWithTheKeyOfVouchRedactionKey() throws IOException {
        Path keyFile = tmp.resolve("redaction.key");
        RedactionKey redaction = RedactionKey.create(keyFile);
        Path policy = Files.writeString(tmp.resolve("redacting.yaml"), Shop.POLICY
                + "  - id: orders-are-private\n    match_methods: [\"read_order\"]\n    action: allow\n    redact: [id]\n");
        ScriptedChatModel model = ScriptedChatModel.calling("call-4", "read_order", "{\"id\":424242}");
        AtomicReference<VerifyingKey> key = new AtomicReference<>();
        context(model).withPropertyValues("vouch.policy=" + policy, "vouch.redaction-key=" + keyFile).run(context -> {
            key.set(context.getBean(Ledger.class).verifyingKey());
            context.getBean(ChatClient.Builder.class).build().prompt("Where is order 424242?")
                    .tools(context.getBean("shopTools")).call().content();
        });
        verify(key.get());
        Event call = events().stream().filter(e -> e.type == RecordType.TOOL_CALL).findFirst().orElseThrow();
        assertFalse(call.params.contains("424242"), call.params);
        assertTrue(call.params.contains("\"$vouch_redacted\":\"hmac-sha256:v2:"), "committed, not omitted: " + call.params);
        assertTrue(redaction.verifyAt(call.params.getBytes(StandardCharsets.UTF_8), "id", "424242"),
                "the operator proves the value with the key file: " + call.params);
    }

    @Test
    void shouldNameThePropertyWhenTheStarterCannotStart() throws IOException {
        Path loose = Files.writeString(tmp.resolve("loose.key"), "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=\n");
        Files.setPosixFilePermissions(loose, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path badPolicy = Files.writeString(tmp.resolve("bad.yaml"), "version: \"2026.1\"\npolicies:\n  - id: x\n    match_method: [a]\n");
        Map<String, String> cases = Map.of(
                "vouch.redaction-key=" + loose, "vouch.redaction-key=" + loose + ": ",
                "vouch.policy=" + badPolicy, "vouch.policy=" + badPolicy + ": ",
                "vouch.key-file=" + loose, "vouch.key-file=" + loose + ", vouch.origin=" + ORIGIN + "): ",
                // The interval, not the file, in the units it was written in (it read "vouch.policy=...: PT0.005S").
                "vouch.policy-poll-interval=5ms",
                "vouch.policy-poll-interval=5ms: the poll interval must be from 10ms to 1h, not 5ms");
        cases.forEach((property, expected) -> {
            try {
                context(new ScriptedChatModel()).withPropertyValues(property).run(context -> {
                    Throwable failure = context.getStartupFailure();
                    assertTrue(failure != null, property + ": the context started");
                    StringBuilder messages = new StringBuilder();
                    for (Throwable t = failure; t != null; t = t.getCause()) {
                        messages.append(t.getMessage()).append('\n');
                    }
                    assertTrue(messages.toString().contains(expected), property + " not named in:\n" + messages);
                    // Spring Boot's "APPLICATION FAILED TO START" report leads with it (it was the seventh cause).
                    org.springframework.boot.diagnostics.FailureAnalysis analysis = new VouchFailureAnalyzer().analyze(failure);
                    assertTrue(analysis != null && analysis.getDescription().contains(expected),
                            property + ": " + (analysis == null ? "no analysis" : analysis.getDescription()));
                });
                assertFalse(Files.exists(tmp.resolve("journal")), property + ": a failed start left a journal");
                assertFalse(Files.exists(tmp.resolve("vouch.key")), property + ": a failed start left a new key");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * An outside trial's {@code vouch.polcy} was ignored with one WARN: the application ran with no policy and every
     * tool call was allowed. An unknown setting is refused, with the closest the starter has; settings from the
     * environment and system properties are left to other readers (a {@code VOUCH_*} variable is not the starter's).
     */
    @Test
    void shouldRefuseAnUnknownVouchSettingAndSuggestTheClosest() throws IOException {
        context(new ScriptedChatModel()).withPropertyValues("vouch.polcy=/etc/agent/policy.yaml").run(context -> {
            Throwable failure = context.getStartupFailure();
            assertTrue(failure != null, "the context started with vouch.polcy");
            org.springframework.boot.diagnostics.FailureAnalysis analysis = new UnknownSettingAnalyzer().analyze(failure);
            assertTrue(analysis != null && analysis.getDescription().startsWith("Vouch: unknown setting vouch.polcy")
                    && analysis.getDescription().contains(", perhaps vouch.policy. "),
                    analysis == null ? "no analysis" : analysis.getDescription());
            assertTrue(analysis.getAction().contains("vouch.policy-poll-interval"), analysis.getAction());
        });
        assertFalse(Files.exists(tmp.resolve("journal")), "a failed start left a journal");
        assertFalse(Files.exists(tmp.resolve("vouch.key")), "a failed start left a new key");
        AtomicReference<VerifyingKey> key = new AtomicReference<>();
        context(new ScriptedChatModel()).withSystemProperties("vouch.some-other-tool=x").run(context -> {
            assertTrue(context.getStartupFailure() == null, () -> String.valueOf(context.getStartupFailure()));
            key.set(context.getBean(Ledger.class).verifyingKey());
        });
        verify(key.get());
    }

    /** An origin that is not the journal's: the setting to fix is named (it named journal and key file only). */
    @Test
    void shouldNameTheOriginWhenItIsNotTheJournals() throws IOException {
        AtomicReference<VerifyingKey> key = new AtomicReference<>();
        context(new ScriptedChatModel()).run(context -> key.set(context.getBean(Ledger.class).verifyingKey()));
        context(new ScriptedChatModel()).withPropertyValues("vouch.origin=example.com/other").run(context -> {
            Throwable failure = context.getStartupFailure();
            assertTrue(failure != null, "another origin was accepted");
            String said = new VouchFailureAnalyzer().analyze(failure).getDescription();
            assertTrue(said.contains("vouch.origin=example.com/other") && said.contains("does not match"), said);
        });
        verify(key.get());
    }

    @Test
    void shouldRegisterItsFailureAnalyzerWithSpringBoot() {
        assertTrue(org.springframework.core.io.support.SpringFactoriesLoader.forDefaultResourceLocation()
                .load(org.springframework.boot.diagnostics.FailureAnalyzer.class, null,
                        // Boot's own analyzers need a bean factory to be made; only ours matters here.
                        org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler.handleMessage((m, e) -> { }))
                .stream()
                .anyMatch(VouchFailureAnalyzer.class::isInstance), "META-INF/spring.factories");
        List<org.springframework.boot.diagnostics.FailureAnalyzer> all = org.springframework.core.io.support
                .SpringFactoriesLoader.forDefaultResourceLocation().load(
                        org.springframework.boot.diagnostics.FailureAnalyzer.class, null,
                        org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler.handleMessage((m, e) -> { }));
        // Ahead of Spring Boot's own report of unbound properties, which says nothing of the closest setting.
        assertTrue(all.get(0) instanceof UnknownSettingAnalyzer, all::toString);
    }

    private VerificationReport verify(VerifyingKey key) throws IOException {
        try (RecordSource source = JournalReader.open(tmp.resolve("journal"))) {
            VerificationReport r = JournalVerifier.trusting(key).verify(source);
            assertEquals(Verdict.INTACT, r.verdict(), () -> r.verdictReason() + " " + r.failures());
            return r;
        }
    }

    private record Event(long seq, RecordType type, long parent, String agent, String name, String params,
            String result, String toolCallId) {
    }

    /** The event records of the closed journal (the context's ledger is gone, so no TestJournal here). */
    private List<Event> events() throws IOException {
        List<Event> out = new ArrayList<>();
        RecordView v = new RecordView();
        RecordBuffer buf = new RecordBuffer(4096);
        try (RecordSource source = JournalReader.open(tmp.resolve("journal"))) {
            while (source.next(buf)) {
                v.wrap(buf.data(), buf.length());
                if (v.type().isEvent()) {
                    out.add(new Event(v.sequence(), v.type(), v.parent(), v.agent(), v.name(),
                            new String(v.params(), StandardCharsets.UTF_8), new String(v.result(), StandardCharsets.UTF_8),
                            v.toolCallId()));
                }
            }
        }
        return out;
    }

    /** Missing JVM flags are no property to fix: an outside trial read "Fix the vouch.* property" under that report. */
    @Test
    void shouldTellWhatToDoForTheFailureAtHand() {
        org.springframework.boot.diagnostics.FailureAnalysis property = new VouchFailureAnalyzer().analyze(
                new VouchStartupException("Vouch: vouch.policy=x: bad", null));
        org.springframework.boot.diagnostics.FailureAnalysis flags = new VouchFailureAnalyzer().analyze(
                new VouchStartupException("Vouch: this JVM lacks 10 flag(s)", null, "Start the JVM with the flags"));
        assertTrue(property.getAction().startsWith("Fix the vouch.* property"), property.getAction());
        assertTrue(flags.getAction().startsWith("Start the JVM with the flags"), flags.getAction());
    }
}
