package dev.vouch.server;

import dev.vouch.LedgerClosedException;
import dev.vouch.guard.RedactionKey;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.LedgerBuilder;
import dev.vouch.policy.Policy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of {@code vouch serve} and of the server's runnable jar (a picocli mixin, so both take exactly the same
 * ones), and {@link #run}: open the ledger, start the gateway, serve until the JVM is asked to stop (SIGTERM, Ctrl-C),
 * then stop the gateway gracefully and close the ledger, which seals the journal.
 */
public final class GatewayOptions {
    @Option(names = "--journal", required = true, paramLabel = "DIR",
            description = "The journal directory (created with a new journal if empty).")
    Path journal;

    @Option(names = "--policy", required = true, paramLabel = "FILE",
            description = "The policy file (YAML, docs/POLICY.md), followed while it changes.")
    Path policy;

    @Option(names = "--key", defaultValue = ".vouch_key", paramLabel = "FILE",
            description = "The journal's signing key (mode 0600; created for a new journal). Default: ${DEFAULT-VALUE}.")
    Path key;

    @Option(names = "--tokens", required = true, paramLabel = "FILE",
            description = "The token file: '<agent|operator> <name> sha256:<hex>' lines, mode 0600 ('vouch token' adds"
                    + " one).")
    Path tokens;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "The gateway's address. Default: ${DEFAULT-VALUE} (loopback only).")
    String bind;

    @Option(names = "--port", defaultValue = "9999", paramLabel = "PORT",
            description = "The gateway's port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--admin-bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "The admin port's address (metrics, health; no authentication). Default: ${DEFAULT-VALUE}.")
    String adminBind;

    @Option(names = "--admin-port", defaultValue = "9998", paramLabel = "PORT",
            description = "The admin port (/metrics, /healthz, /readyz); -1 for none. Default: ${DEFAULT-VALUE}.")
    int adminPort;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM",
            description = "The certificate's private key, unencrypted PKCS#8 PEM, mode 0600.")
    Path tlsKey;

    @Option(names = "--origin", paramLabel = "NAME",
            description = "The journal's origin, for a new journal (e.g. example.com/agents).")
    String origin;

    @Option(names = "--redaction-key", paramLabel = "FILE",
            description = "The redaction key (docs/GUARD.md): commitments to redacted parameters.")
    Path redactionKey;

    @Option(names = "--max-body", defaultValue = "1048576", paramLabel = "BYTES",
            description = "The largest request body. Default: ${DEFAULT-VALUE}.")
    int maxBody;

    @Option(names = "--result-timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = "How long an allowed call waits for its result before it is recorded as an error"
                    + " (e.g. 30s, 5m, 1h). Default: ${DEFAULT-VALUE}.")
    String resultTimeout;

    @Option(names = "--max-open-tasks", defaultValue = "10000", paramLabel = "TASKS",
            description = "How many tasks one agent may have open at once; opening more gets 429 too_many_tasks."
                    + " Default: ${DEFAULT-VALUE}.")
    int maxOpenTasks;

    @Option(names = "--max-pending", defaultValue = "1000", paramLabel = "CALLS",
            description = "How many calls one agent may have awaiting approval at once; a call that stalls beyond it is"
                    + " refused on record. Default: ${DEFAULT-VALUE}.")
    int maxPending;

    @Option(names = "--max-pending-bytes", defaultValue = "67108864", paramLabel = "BYTES",
            description = "How large the parameters of one agent's calls awaiting approval may be together; a call"
                    + " that stalls beyond it is refused on record. Default: ${DEFAULT-VALUE}.")
    long maxPendingBytes;

    @Option(names = "--threads", defaultValue = "64", paramLabel = "N",
            description = "Request threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    /** What {@link #run} tells the person who started it, on standard output, once the gateway listens. */
    static String listening(Gateway g) {
        return "vouch gateway listening on " + g.uri() + (g.adminUri() == null ? "" : " (admin " + g.adminUri() + ")")
                + "; agents: " + String.join(", ", g.agents());
    }

    /**
     * Serves until the JVM is asked to stop.
     *
     * @param out where the one line saying where it listens goes
     * @return 0 once stopped, {@link #LEDGER_FAILED} once the ledger stopped for good
     * @throws CommandLine.ParameterException for inconsistent options
     * @throws dev.vouch.VouchException and others if the journal, key, policy or tokens cannot be used, or a port
     *     cannot be bound; nothing is left running then
     */
    public int run(CommandLine cl, PrintWriter out) {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(cl, "--tls-cert and --tls-key go together");
        }
        // "vouch serve" from the CLI, "vouch-server" in the image: every line names the command that was run.
        String me = cl.getCommandSpec().qualifiedName();
        OutOfHeap.exitOnOutOfMemory(me);
        JettyLogs.quietLoggersQuotingRequests();
        Duration timeout = duration(cl, "--result-timeout", resultTimeout);
        // Everything that can stop the start is checked before the ledger opens: a start that fails leaves no new
        // journal, key or cycle file behind.
        AccessTokens accessTokens = AccessTokens.load(tokens);
        Policy.load(policy);
        RedactionKey redaction = redactionKey == null ? null : RedactionKey.load(redactionKey);
        portFree(bind, port, "--port");
        portFree(adminBind, adminPort, "--admin-port");
        GatewayBuilder b = new GatewayBuilder().policy(policy).tokens(accessTokens).bind(bind).port(port)
                .adminBind(adminBind).adminPort(adminPort).maxBodyBytes(maxBody).resultTimeout(timeout)
                .threads(threads).redactionKey(redaction).maxPendingPerAgent(maxPending, maxPendingBytes)
                .maxOpenTasksPerAgent(maxOpenTasks);
        if (tlsCert != null) {
            b.tls(tlsCert, tlsKey);
        }
        b.checkSettings(); // a re-trial's --max-pending 0 was refused after the journal and key were created
        LedgerBuilder lb = Ledger.builder(journal).keyFile(key).shutdownHook(false);
        if (origin != null) {
            lb.origin(origin);
        }
        // Counted down when the shutdown hook has closed everything, or when the ledger stopped for good: a gateway
        // whose ledger failed refuses every call, and only a restart (which recovers the journal) heals it, so the
        // process exits and lets its supervisor restart it (the original Vouch stayed unhealthy until restarted).
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean ledgerFailed = new java.util.concurrent.atomic.AtomicBoolean();
        // Installed before the ledger opens: a SIGTERM during the start (an operator's podman stop 2 s in) exited 143
        // and left the journal unsealed. The hook waits for the start to finish, then closes what it opened.
        java.util.concurrent.atomic.AtomicReference<Ledger> opened = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Gateway> serving = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopRequested = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopRequested.set(true);
            try {
                started.await(START_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean sealed = false;
            try {
                Gateway g = serving.get();
                if (g != null) {
                    g.close();
                }
            } finally {
                try {
                    Ledger l = opened.get();
                    if (l != null) {
                        l.close();
                    }
                    sealed = true;
                } catch (LedgerClosedException failed) {
                    // The ledger had failed (a full disk, say) and the [CRITICAL] line said why: one line, no trace.
                    System.err.println(me + ": [CRITICAL] the journal was not sealed: " + failed.getMessage()
                            + "; exiting with status " + LEDGER_FAILED + " (the next start recovers and seals it)");
                } finally {
                    stopped.countDown();
                }
            }
            if (!sealed) {
                // A stop by signal would end with 143 (128 + SIGTERM), which supervisors count as a clean stop
                // (systemd's SuccessExitStatus=143): an outside trial's ext4 turned read-only while the gateway was
                // idle, and the SIGTERM that followed failed the ledger at its last write, unseen. Not reached on
                // a normal stop; halt, not exit, because exit waits for this very hook.
                System.err.flush();
                Runtime.getRuntime().halt(LEDGER_FAILED);
            }
        }, "vouch-gateway-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Gateway gateway;
        try {
            Ledger ledger = lb.open();
            opened.set(ledger);
            b.ledger(ledger).onLedgerFailure(() -> {
                ledgerFailed.set(true);
                stopped.countDown();
            });
            gateway = b.start();
            serving.set(gateway);
        } catch (Exception | Error e) { // Exception: Chronicle throws checked ones undeclared (a hung start)
            try {
                Ledger l = opened.getAndSet(null);
                if (l != null) {
                    l.close();
                }
            } finally {
                started.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already stopping: the hook runs and finds nothing left to close
                }
            }
            if (e instanceof OutOfMemoryError) {
                throw new dev.vouch.VouchException("out of memory while starting: " + tooSmall(), e);
            }
            if (stopRequested.get() && opened.get() == null) {
                // Stopped while the journal was being opened: Chronicle cannot start once the JVM shuts down (a
                // re-trial's SIGTERM 2 s in printed an ExceptionInInitializerError). Nothing was recorded.
                throw new dev.vouch.VouchException("stopped while starting, before the journal was open: nothing was"
                        + " recorded (the next start sets aside what this one left in " + journal + ")", e);
            }
            throw e;
        }
        started.countDown();
        out.println(listening(gateway));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ledgerFailed.get()) {
            // The shutdown hook closes the gateway (running calls are refused) as the JVM exits.
            System.err.println(me + ": [CRITICAL] the ledger stopped; exiting with status " + LEDGER_FAILED
                    + " so that the supervisor restarts the gateway, which recovers the journal");
            return LEDGER_FAILED;
        }
        return 0;
    }

    /** What to do when the gateway ran out of heap. */
    static String tooSmall() {
        return "the Java heap (at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB) is too small for the"
                + " gateway; give it at least 64 MiB (-Xmx64m; docs/GATEWAY.md, \"Memory\")";
    }

    /** How long a stop asked for during the start waits for it to finish before closing what it opened. */
    private static final int START_WAIT_SECONDS = 60;

    /** The exit status when the ledger stopped for good while the gateway ran (EX_TEMPFAIL: try again). */
    public static final int LEDGER_FAILED = 75;

    /**
     * Fails if nothing can listen on {@code bind:port} now. The gateway binds again moments later, so another process
     * could take the port in between; then the start still fails, only after the ledger opened.
     */
    private static void portFree(String bind, int port, String option) {
        if (port <= 0) {
            return; // 0 picks a free port; below 0 turns the admin port off
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bind + ":" + port + " (" + option + "): "
                    + e.getMessage(), e);
        }
    }

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT5M}). */
    static Duration duration(CommandLine cl, String option, String text) {
        Matcher m = SIMPLE.matcher(text.strip().toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(text.strip());
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, option + " takes a duration such as 30s, 5m or 1h, not '"
                    + text + "'");
        }
    }
}
