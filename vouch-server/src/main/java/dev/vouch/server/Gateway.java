package dev.vouch.server;

import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.Guard;
import dev.vouch.guard.GuardBuilder;
import dev.vouch.guard.metrics.GuardMetrics;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.metrics.VouchMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway: agents written in any language submit their tool calls to the guard over HTTP, run the tools
 * themselves, and report the results; operators approve or refuse stalled calls, reload the policy and rotate the
 * signing key. Every call goes through a {@link Guard} (one per agent, all recording into the one {@link Ledger}), so
 * the journal holds exactly what an in-process agent's guard would record. The API is docs/GATEWAY.md.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.builder(Path.of("journal")).keyFile(Path.of(".vouch_key")).open();
 *      Gateway gateway = Gateway.builder(ledger)
 *              .policy(Path.of("vouch-policy.yaml"))
 *              .tokens(Path.of("vouch-tokens"))
 *              .start()) {
 *     System.out.println("listening on " + gateway.uri());
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops it gracefully; the ledger is the caller's to close afterwards.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayBuilder settings;
    private final Map<String, AgentGuard> agents;
    private final Calls calls;
    private final PolicyHolder policy;
    private final LedgerHealth health;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService worker;
    private final JvmGcMetrics gcMetrics;
    private Server server;
    private Server admin;
    private AuthRefusals refusals;
    private URI uri;
    private URI adminUri;
    private boolean closed;

    private Gateway(GatewayBuilder b, Map<String, AgentGuard> agents, Calls calls, PolicyHolder policy,
            LedgerHealth health, ScheduledThreadPoolExecutor timer, ExecutorService worker, JvmGcMetrics gcMetrics) {
        this.settings = b;
        this.agents = agents;
        this.calls = calls;
        this.policy = policy;
        this.health = health;
        this.timer = timer;
        this.worker = worker;
        this.gcMetrics = gcMetrics;
    }

    /** Starts configuring a gateway whose guards record into {@code ledger}. */
    public static GatewayBuilder builder(Ledger ledger) {
        return new GatewayBuilder(ledger);
    }

    /** Where the gateway listens, e.g. {@code http://127.0.0.1:9999} (the real port when 0 was asked for). */
    public URI uri() {
        return uri;
    }

    /** Where the admin port listens, or null if it is off. */
    public URI adminUri() {
        return adminUri;
    }

    /** The agents the token file names: each has a guard of its own. */
    public Set<String> agents() {
        return Collections.unmodifiableSet(agents.keySet());
    }

    /** The guard recording {@code agent}'s calls (for embedding and tests), or null for an unknown agent. */
    public Guard guard(String agent) {
        AgentGuard a = agents.get(agent);
        return a == null ? null : a.guard;
    }

    static Gateway start(GatewayBuilder b) {
        AccessTokens tokens = b.tokens != null ? b.tokens : AccessTokens.load(b.tokensFile);
        PrometheusMeterRegistry registry = b.meterRegistry != null ? b.meterRegistry
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("vouch-gateway-timer"));
        timer.setRemoveOnCancelPolicy(true);
        ThreadPoolExecutor worker = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("vouch-gateway-worker"));
        worker.allowCoreThreadTimeOut(true);
        PolicyHolder policy = null;
        Gateway g = null;
        Server admin = null;
        try {
            LedgerHealth health = new LedgerHealth(b.ledger, b.checkpointStaleAfter, b.onLedgerFailure);
            timer.scheduleAtFixedRate(health::sample, 0, 250, TimeUnit.MILLISECONDS);
            Calls calls = new Calls(b.resultTimeout, b.remember, b.maxRunning, timer, worker, health);
            policy = b.policyFile != null ? PolicyHolder.watching(b.policyFile, b.policyPollInterval)
                    : PolicyHolder.fixed(b.policy);
            new VouchMetrics(b.ledger).bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new DiskSpaceMetrics(b.ledger.journalDirectory().toFile()).bindTo(registry);
            JvmGcMetrics gc = new JvmGcMetrics();
            gc.bindTo(registry);
            ReadDeadlines deadlines = new ReadDeadlines(b.readTimeout, timer, registry);
            // The admin port opens before the agents' pending calls are rediscovered (a pass over the whole
            // journal): while they are, /healthz says the process lives and /readyz says it is starting, where a
            // closed port failed a startup or liveness probe, and a long start was killed and began again.
            AdminHandler adminHandler = new AdminHandler(registry, health, deadlines);
            URI adminUri = null;
            if (b.adminPort >= 0) {
                admin = server(8, "vouch-admin", null);
                ServerConnector ac = new OutOfHeapAwareConnector(admin, new HttpConnectionFactory(http()));
                ac.setHost(b.adminBind);
                ac.setPort(b.adminPort);
                ac.addBean(deadlines);
                admin.addConnector(ac);
                admin.setHandler(adminHandler);
                admin.start();
                adminUri = URI.create("http://" + host(b.adminBind) + ":" + ac.getLocalPort());
                LOG.info("Vouch gateway starting: admin on {} (/readyz answers 503 until the start is done)", adminUri);
            }
            b.whileStarting.run();
            Map<String, AgentGuard> agents = new LinkedHashMap<>();
            List<GuardBuilder> builders = new ArrayList<>();
            Map<String, List<ApprovalRequest>> unfinished = new LinkedHashMap<>();
            Map<String, List<dev.vouch.guard.Task>> openTasks = new LinkedHashMap<>();
            for (String name : tokens.agents()) {
                AgentGuard a = new AgentGuard(name, b.maxOpenTasks, registry);
                GuardBuilder gb = Guard.builder(b.ledger).agent(name).approvals(new GatewayApprovals(a, calls, b.maxPendingCalls, b.maxPendingBytes))
                        // The client hears "recorded" only once its result is in the journal.
                        .writeAheadOutcomes(true)
                        .asyncExecutor(worker)
                        .redactionKey(b.redactionKey);
                if (b.recoverPending) {
                    // Stalled calls wait for their answer again; allowed ones (the client may have run the tool before
                    // the stop) wait for their report again, so a client that retries after a crash is heard; open
                    // tasks stay open, so that its calls in them and their end are heard too.
                    gb.recoverUnfinished(unfinished.computeIfAbsent(name, n -> new ArrayList<>())::add)
                            .recoverOpenTasks(openTasks.computeIfAbsent(name, n -> new ArrayList<>())::add);
                }
                builders.add(gb);
                agents.put(name, a);
            }
            // Every agent's calls are rediscovered in one pass over the journal, not one pass per agent.
            List<Guard> guards = policy.buildAll(builders,
                    b.recoverPending ? JournalReader.open(b.ledger.journalDirectory()) : null);
            int i = 0;
            for (AgentGuard a : agents.values()) {
                a.guard = guards.get(i++);
                Tasks.takeBack(a, openTasks.getOrDefault(a.name, List.of()));
                for (ApprovalRequest r : unfinished.getOrDefault(a.name, List.of())) {
                    calls.takeBack(a, r);
                }
                new GuardMetrics(a.guard).bindTo(registry);
            }
            if (agents.isEmpty()) {
                LOG.warn("The token file names no agent: nobody can submit calls (only operators can use the gateway)");
            }
            Gauge.builder("vouch.gateway.calls.running", calls, Calls::running)
                    .description("Calls allowed and waiting for their client's report").register(registry);
            AuthRefusals refusals = new AuthRefusals(b.ledger, registry);
            g = new Gateway(b, agents, calls, policy, health, timer, worker, gc);
            g.refusals = refusals;
            g.admin = admin;
            g.adminUri = adminUri;
            GatewayHandler handler = new GatewayHandler(tokens, Collections.unmodifiableMap(agents), calls, policy,
                    b.ledger, refusals, new GatewayMeters(registry), b.maxBodyBytes, b.maxWait.toMillis(), timer,
                    deadlines);
            g.server = server(b.threads, "vouch-gateway", registry);
            ServerConnector c = connector(g.server, b);
            c.addBean(deadlines);
            g.server.setHandler(handler);
            g.server.start();
            g.uri = URI.create((b.tlsKeys != null ? "https" : "http") + "://" + host(b.bind) + ":" + c.getLocalPort());
            adminHandler.started();
            LOG.info("Vouch gateway listening on {} (admin {}), {} agent(s), {} operator token(s), policy sha256 {}",
                    g.uri, g.adminUri == null ? "off" : g.adminUri, agents.size(),
                    tokens.count(AccessTokens.Role.OPERATOR), policy.current().sha256Hex());
            return g;
        } catch (Exception e) {
            if (g != null) {
                g.stopServers();
            } else if (admin != null) {
                try {
                    admin.stop();
                } catch (Exception stop) {
                    e.addSuppressed(stop);
                }
            }
            if (policy != null) {
                policy.close();
            }
            timer.shutdownNow();
            worker.shutdownNow();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot listen: " + io.getMessage(), io);
            }
            throw new IllegalStateException("cannot start the gateway: " + e.getMessage(), e);
        }
    }

    /**
     * A connector whose acceptor, out of heap, ends the process through {@link OutOfHeap} instead of logging Jetty's
     * "Accept Failure" with its trace and trying again: a CI run's gateway printed that trace before the one line
     * GATEWAY.md promises. In an embedded gateway ({@code OutOfHeap} not installed) Jetty handles it as before.
     */
    private static final class OutOfHeapAwareConnector extends ServerConnector {
        OutOfHeapAwareConnector(Server server, ConnectionFactory... factories) {
            super(server, 1, 1, factories);
        }

        @Override
        public void accept(int acceptorID) throws IOException {
            try {
                super.accept(acceptorID);
            } catch (OutOfMemoryError e) {
                if (!OutOfHeap.exiting(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(Long.MAX_VALUE); // the process is exiting; the stop interrupts this acceptor
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static Server server(int threads, String name, MeterRegistry registry) {
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(threads, 8)) {
            @Override
            protected void runJob(Runnable job) {
                try {
                    super.runJob(job);
                } catch (OutOfMemoryError e) {
                    if (!OutOfHeap.exiting(e)) { // else not logged as "Job failed", with its trace
                        throw e;
                    }
                }
            }
        };
        pool.setName(name);
        pool.setDaemon(true);
        Server s = new Server(pool);
        s.setErrorHandler(new JsonErrorHandler(registry));
        s.setStopTimeout(0);
        return s;
    }

    private static HttpConfiguration http() {
        HttpConfiguration h = new HttpConfiguration();
        h.setSendServerVersion(false);
        h.setSendXPoweredBy(false);
        return h;
    }

    private static ServerConnector connector(Server server, GatewayBuilder b) {
        ConnectionFactory[] factories;
        if (b.tlsKeys != null) {
            for (String warning : b.tlsKeys.warnings()) {
                LOG.warn(warning);
            }
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(b.tlsKeys.store());
            ssl.setKeyStorePassword(b.tlsKeys.password());
            factories = new ConnectionFactory[] {new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(http())};
        } else {
            factories = new ConnectionFactory[] {new HttpConnectionFactory(http())};
        }
        ServerConnector c = new OutOfHeapAwareConnector(server, factories);
        c.setHost(b.bind);
        c.setPort(b.port);
        // A long poll sends nothing for up to maxWait: the connection must outlive it.
        c.setIdleTimeout(b.maxWait.toMillis() + b.idleBeyondMaxWait.toMillis());
        server.addConnector(c);
        return c;
    }

    private static String host(String bind) {
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Stops gracefully: new submissions and decisions get 503 while running calls may still report for the drain timeout; calls
     * still running then are recorded as ended without a result, open tasks as cancelled; then the ports close. Calls
     * waiting for approval stay pending in the journal and are taken back at the next start. The ledger stays open
     * (its owner closes it). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean ledgerFailed = health.ledgerFailed();
        health.stopping();
        try {
            // A failed ledger records nothing more: waiting for reports only kept clients on 503 "stopping" for the
            // whole drain, where journal_unavailable tells them what happened (an outside operator's trial).
            calls.stop(ledgerFailed ? java.time.Duration.ZERO : settings.drainTimeout);
            for (AgentGuard a : agents.values()) {
                try {
                    Tasks.cancelAll(a);
                } catch (RuntimeException e) {
                    LOG.warn("Could not end the open tasks of {}: {}", a.name, e.toString());
                }
            }
        } finally {
            stopServers();
            if (refusals != null) {
                refusals.flush(); // no request comes any more: the refusals left out of the journal are counted now
            }
            policy.close();
            gcMetrics.close();
            timer.shutdownNow();
            worker.shutdown();
            try {
                worker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.info("Vouch gateway on {} stopped", uri);
        }
    }

    private void stopServers() {
        for (Server s : new Server[] {server, admin}) {
            if (s != null) {
                try {
                    s.stop();
                } catch (Exception e) {
                    LOG.warn("Stopping {} failed: {}", s, e.toString());
                }
            }
        }
    }
}
