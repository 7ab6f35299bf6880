package dev.vouch.spring.ai;

import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.CallObserver;
import dev.vouch.guard.Guard;
import dev.vouch.guard.GuardBuilder;
import dev.vouch.guard.PolicyEvaluator;
import dev.vouch.guard.ProgrammaticApprovals;
import dev.vouch.guard.RedactionKey;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.LedgerBuilder;
import dev.vouch.ledger.metrics.VouchMetrics;
import dev.vouch.policy.PolicyWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Puts every Spring AI tool of the application behind the Vouch guard. From {@link VouchProperties} it opens a
 * {@link Ledger} (closed, and so sealed, when the context closes), follows the policy file with a
 * {@link PolicyWatcher} (hot reload), builds a {@link Guard}, and proxies every {@code ToolCallback} and
 * {@code ToolCallbackProvider} bean so that each call is judged and recorded before the tool runs. With Micrometer it
 * binds {@link VouchMetrics}; with Actuator's health module it adds the {@code vouch} health indicator.
 *
 * <p>Each bean backs off when the application defines its own: a {@code Ledger} (then the application closes it),
 * a {@code PolicyWatcher}, a {@link RedactionKey} (default: loaded from {@code vouch.redaction-key}, if set), an
 * {@link ApprovalHandler} (default: {@link ProgrammaticApprovals}, answered through {@link VouchApprovals}), a
 * {@code Guard}. A {@link CallObserver} bean (vouch-otel's tracing) is given to the guard.
 * {@code vouch.enabled=false} turns the whole starter off.
 */
@AutoConfiguration
@ConditionalOnClass({ToolCallback.class, Guard.class, Ledger.class})
@ConditionalOnBooleanProperty(name = "vouch.enabled", matchIfMissing = true)
@EnableConfigurationProperties(VouchProperties.class)
public class VouchAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(VouchAutoConfiguration.class);

    /**
     * The journal. Its own JVM shutdown hook is off: the application context closes it after the beans that use it,
     * and Spring Boot closes the context on SIGTERM.
     */
    @Bean
    @ConditionalOnMissingBean
    Ledger vouchLedger(VouchProperties properties, ObjectProvider<PolicyWatcher> policy,
            ObjectProvider<RedactionKey> redactionKey) {
        // The policy and the redaction key first: a start that fails over either leaves no journal and no key.
        policy.getIfUnique();
        redactionKey.getIfUnique();
        LedgerBuilder builder = Ledger.builder(properties.getJournal())
                .keyFile(properties.getKeyFile())
                .shutdownHook(false);
        if (properties.getOrigin() != null && !properties.getOrigin().isBlank()) {
            builder.origin(properties.getOrigin());
        }
        try {
            return builder.open();
        } catch (RuntimeException e) {
            if (!dev.vouch.ledger.JvmFlags.missing().isEmpty()) {
                // No property is wrong: an outside trial read "Fix the vouch.* property named above" under this.
                throw new VouchStartupException("Vouch: cannot open the journal (vouch.journal=" + properties.getJournal()
                        + "): " + e.getMessage(), e, "Start the JVM with the flags listed above (docs/OPERATIONS.md,"
                        + " \"JVM flags\": for spring-boot:run, in the plugin's jvmArguments; for a jar, on the java"
                        + " command line or in JDK_JAVA_OPTIONS; for tests, in Surefire's argLine). Nothing was"
                        + " recorded, and no journal or key was created.");
            }
            // vouch.origin too, when set: an outside trial's origin mismatch named the two settings that were right.
            throw new VouchStartupException("Vouch: cannot open the journal (vouch.journal=" + properties.getJournal()
                    + ", vouch.key-file=" + properties.getKeyFile() + (properties.getOrigin() == null ? ""
                    : ", vouch.origin=" + properties.getOrigin()) + "): " + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "vouch.policy")
    PolicyWatcher vouchPolicyWatcher(VouchProperties properties) {
        // The guard follows the watcher by itself (each new version is recorded before it judges a call); the
        // watcher logs what it loads and what it refuses.
        try {
            return PolicyWatcher.start(properties.getPolicy(), properties.getPolicyPollInterval(), policy -> { });
        } catch (IllegalArgumentException e) {
            // The interval is what is wrong, not the file: an outside trial's report named vouch.policy.
            throw new VouchStartupException("Vouch: vouch.policy-poll-interval="
                    + dev.vouch.internal.Durations.policyText(properties.getPolicyPollInterval()) + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new VouchStartupException("Vouch: vouch.policy=" + properties.getPolicy() + ": " + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "vouch.redaction-key")
    RedactionKey vouchRedactionKey(VouchProperties properties) {
        try {
            return RedactionKey.load(properties.getRedactionKey());
        } catch (RuntimeException e) {
            throw new VouchStartupException("Vouch: vouch.redaction-key=" + properties.getRedactionKey() + ": "
                    + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    ApprovalHandler vouchApprovalHandler() {
        // INFO: a stalled call is the policy at work, not a fault (it was a WARN for every stall).
        return new ProgrammaticApprovals(request -> LOG.info("Vouch: {} (call seq {}) awaits approval under policy {}"
                + " until {}; answer it through VouchApprovals", request.tool(), request.callSequence(),
                request.policyId(), request.deadline()));
    }

    @Bean
    @ConditionalOnMissingBean
    Guard vouchGuard(Ledger ledger, VouchProperties properties, Environment environment,
            ObjectProvider<PolicyWatcher> policy, ApprovalHandler approvals, ObjectProvider<CallObserver> observer,
            ObjectProvider<RedactionKey> redactionKey) {
        String agent = properties.getAgent();
        if (agent == null || agent.isBlank()) {
            agent = environment.getProperty("spring.application.name", "spring-ai");
        }
        GuardBuilder builder = Guard.builder(ledger).agent(agent).approvals(approvals).principal(properties.getPrincipal());
        PolicyWatcher watcher = policy.getIfUnique();
        if (watcher != null) {
            builder.policy(watcher);
        } else {
            LOG.warn("Vouch: no policy (vouch.policy is not set): every tool call is allowed, and recorded");
            builder.policy(PolicyEvaluator.allowAll());
        }
        RedactionKey key = redactionKey.getIfUnique();
        if (key != null) {
            builder.redactionKey(key);
        }
        CallObserver callObserver = observer.getIfUnique();
        if (callObserver != null) {
            builder.observer(callObserver);
        }
        // Calls deferred before a restart and never answered: listed again, answerable, timed out at their deadline.
        try {
            builder.recoverPending(JournalReader.open(ledger.journalDirectory()));
        } catch (IOException e) {
            throw new UncheckedIOException("Vouch: cannot read " + ledger.journalDirectory()
                    + " to rediscover calls waiting for approval: " + e.getMessage(), e);
        }
        return builder.build();
    }

    @Bean
    GuardedCalls vouchGuardedCalls(Guard guard, VouchProperties properties,
            ObjectProvider<ObservationRegistry> observations) {
        return new GuardedCalls(guard, properties.getStallMode(),
                new ToolCallIds(observations.getIfUnique(() -> ObservationRegistry.NOOP)),
                properties.isHideBlockedTools());
    }

    @Bean
    VouchApprovals vouchApprovals(GuardedCalls calls, ApprovalHandler approvals) {
        return new VouchApprovals(calls, approvals);
    }

    /** Static: a post-processor is created before other beans; it looks the guard up only on the first tool call. */
    @Bean
    static ToolCallbackGuard vouchToolCallbackGuard(ObjectProvider<GuardedCalls> calls) {
        return new ToolCallbackGuard(calls::getObject);
    }

    /** Keeps Spring AI's tool-call observations (and so the model's tool-call ids) alive: see {@link ToolCallIds}. */
    @Bean
    ObservationHandler<ToolCallingObservationContext> vouchToolCallObservations() {
        return new ToolCallObservations();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class MetricsConfiguration {
        /** Boot binds every {@code MeterBinder} bean to its meter registries. */
        @Bean
        @ConditionalOnMissingBean
        VouchMetrics vouchMetrics(Ledger ledger) {
            return new VouchMetrics(ledger);
        }
    }

    /** Nested, so that the health annotations are read only when Actuator's health module is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnEnabledHealthIndicator("vouch")
        static class Indicator {
            @Bean
            @ConditionalOnMissingBean(name = "vouchHealthIndicator")
            HealthIndicator vouchHealthIndicator(Ledger ledger, VouchProperties properties) {
                return new LedgerHealthIndicator(ledger);
            }
        }
    }
}
