package dev.vouch.server;

import dev.vouch.guard.RedactionKey;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.Policy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures a {@link Gateway}. Every setting is checked by {@link #start()}, which names the setting and its limit.
 * Not thread-safe; build once at start-up.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@link #policy(Path)} or {@link #policy(Policy)}</td><td>required</td><td>the policy file, followed
 *       (hot reload, and {@code POST /v1/admin/policy/reload}); or a fixed policy</td></tr>
 *   <tr><td>{@link #tokens(Path)} or {@link #tokens(AccessTokens)}</td><td>required</td><td>who may call: one
 *       guard per agent named in it</td></tr>
 *   <tr><td>{@link #bind}, {@link #port}</td><td>127.0.0.1, 9999</td><td>the gateway's address; port 0 picks a free
 *       one</td></tr>
 *   <tr><td>{@link #adminBind}, {@link #adminPort}</td><td>127.0.0.1, 9998</td><td>metrics and health; -1 for
 *       none</td></tr>
 *   <tr><td>{@link #tls}</td><td>none (plain HTTP)</td><td>certificate chain and PKCS#8 key, PEM</td></tr>
 *   <tr><td>{@link #maxBodyBytes}</td><td>1 MiB</td><td>larger request bodies get 413</td></tr>
 *   <tr><td>{@link #resultTimeout}</td><td>5 min</td><td>how long an allowed call waits for its report before it is
 *       recorded as an error</td></tr>
 *   <tr><td>{@link #maxWait}</td><td>60 s</td><td>the longest long poll ({@code wait_ms}) the gateway honours</td></tr>
 *   <tr><td>{@link #remember}</td><td>1 min</td><td>how long an ended call can still be asked about (at most
 *       the latest 100,000)</td></tr>
 *   <tr><td>{@link #maxRunning}</td><td>100,000</td><td>allowed calls waiting for their reports at once; more
 *       submissions get 429</td></tr>
 *   <tr><td>{@link #maxOpenTasksPerAgent}</td><td>10,000</td><td>tasks one agent may have open at once; more
 *       get 429</td></tr>
 *   <tr><td>{@link #maxPendingPerAgent}</td><td>1,000 calls, 64 MiB</td><td>calls one agent may have awaiting
 *       approval at once, and their parameters' size; a call that stalls beyond either is refused on record</td></tr>
 *   <tr><td>{@link #drainTimeout}</td><td>10 s</td><td>at close, how long running calls may still report</td></tr>
 *   <tr><td>{@link #threads}</td><td>64</td><td>the gateway's request threads</td></tr>
 *   <tr><td>{@link #recoverPending}</td><td>true</td><td>rediscover calls still waiting for approval from the
 *       journal</td></tr>
 *   <tr><td>{@link #redactionKey}</td><td>none</td><td>commitments for redacted parameters</td></tr>
 *   <tr><td>{@link #checkpointStaleAfter}</td><td>10 s</td><td>not ready once records wait this long for a signed
 *       checkpoint</td></tr>
 *   <tr><td>{@link #meterRegistry}</td><td>a new one</td><td>where the meters go; {@code /metrics} scrapes it</td></tr>
 *   <tr><td>{@link #onLedgerFailure}</td><td>nothing</td><td>run once when the ledger stops for good</td></tr>
 * </table>
 */
public final class GatewayBuilder {
    static final int MAX_BODY_LIMIT = 64 << 20;

    Ledger ledger;
    Path policyFile;
    Policy policy;
    Duration policyPollInterval = Duration.ofSeconds(1);
    Path tokensFile;
    AccessTokens tokens;
    String bind = "127.0.0.1";
    int port = 9999;
    String adminBind = "127.0.0.1";
    int adminPort = 9998;
    Path tlsCert;
    Path tlsKey;
    /** How long a client may take to send a whole request ({@link ReadDeadlines}); shorter only in tests. */
    Duration readTimeout = Duration.ofSeconds(30);
    /** Runs once the admin port is open, before the start's rediscovery: tests hold the start there. */
    Runnable whileStarting = () -> { };
    /** The TLS files as read and checked by {@link #checkSettings}, once. */
    PemFiles.TlsKeys tlsKeys;
    int maxBodyBytes = 1 << 20;
    Duration resultTimeout = Duration.ofMinutes(5);
    Duration maxWait = Duration.ofSeconds(60);
    /** How long a connection may stay silent beyond the longest long poll (tests shorten it). */
    Duration idleBeyondMaxWait = Duration.ofSeconds(30);
    Duration remember = Duration.ofMinutes(1);
    int maxRunning = 100_000;
    int maxOpenTasks = 10_000;
    int maxPendingCalls = 1_000;
    long maxPendingBytes = 64L << 20;
    Duration drainTimeout = Duration.ofSeconds(10);
    int threads = 64;
    boolean recoverPending = true;
    RedactionKey redactionKey;
    Duration checkpointStaleAfter = Duration.ofSeconds(10);
    PrometheusMeterRegistry meterRegistry;
    Runnable onLedgerFailure = () -> { };

    GatewayBuilder(Ledger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** A builder whose ledger is given later ({@link #ledger}): {@code vouch serve} checks its settings first. */
    GatewayBuilder() {
    }

    GatewayBuilder ledger(Ledger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        return this;
    }

    /** The policy file: followed while it changes (polled every second) and reloaded on an operator's request. */
    public GatewayBuilder policy(Path file) {
        this.policyFile = Objects.requireNonNull(file, "file");
        this.policy = null;
        return this;
    }

    /** A fixed policy (no reload). */
    public GatewayBuilder policy(Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.policyFile = null;
        return this;
    }

    /** How often the policy file is checked for a new version (10 ms to 1 h). Default 1 s. */
    public GatewayBuilder policyPollInterval(Duration interval) {
        this.policyPollInterval = Objects.requireNonNull(interval, "interval");
        return this;
    }

    /** The token file ({@link AccessTokens}); read once, at start. */
    public GatewayBuilder tokens(Path file) {
        this.tokensFile = Objects.requireNonNull(file, "file");
        this.tokens = null;
        return this;
    }

    public GatewayBuilder tokens(AccessTokens tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.tokensFile = null;
        return this;
    }

    /** The address the gateway listens on. Default 127.0.0.1: set 0.0.0.0 (with TLS) only on purpose. */
    public GatewayBuilder bind(String host) {
        this.bind = Objects.requireNonNull(host, "host");
        return this;
    }

    /** The gateway's port, 0 to 65535 (0: any free port, see {@link Gateway#uri()}). Default 9999. */
    public GatewayBuilder port(int port) {
        this.port = port;
        return this;
    }

    /** The admin port's address. Default 127.0.0.1. */
    public GatewayBuilder adminBind(String host) {
        this.adminBind = Objects.requireNonNull(host, "host");
        return this;
    }

    /** The admin port (metrics, health), 0 to 65535, or -1 for none. Default 9998. */
    public GatewayBuilder adminPort(int port) {
        this.adminPort = port;
        return this;
    }

    /** Serve HTTPS with this certificate chain and PKCS#8 private key (PEM; the key file must be mode 0600). */
    public GatewayBuilder tls(Path certificatePem, Path privateKeyPem) {
        this.tlsCert = Objects.requireNonNull(certificatePem, "certificatePem");
        this.tlsKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        this.tlsKeys = null;
        return this;
    }

    /** The largest request body, 1 KiB to 64 MiB. Default 1 MiB (the ledger's default largest event). */
    public GatewayBuilder maxBodyBytes(int bytes) {
        this.maxBodyBytes = bytes;
        return this;
    }

    /** How long an allowed call waits for its client's report (1 s to 24 h). Default 5 min. */
    public GatewayBuilder resultTimeout(Duration timeout) {
        this.resultTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** The longest {@code wait_ms} honoured (0 to 10 min); longer waits are cut to it. Default 60 s. */
    public GatewayBuilder maxWait(Duration wait) {
        this.maxWait = Objects.requireNonNull(wait, "wait");
        return this;
    }

    /**
     * How long an ended call can still be asked about, and a retry with its call id gets it back (1 s to 24 h); at most
     * the latest 100,000 ended calls are remembered. Default 1 min.
     */
    public GatewayBuilder remember(Duration remember) {
        this.remember = Objects.requireNonNull(remember, "remember");
        return this;
    }

    /**
     * How many allowed calls may wait for their reports at once (1 to 10,000,000): a client that submits without
     * reporting cannot exhaust the gateway's memory; beyond it submissions get 429 {@code too_many_running}, unrecorded.
     * Default 100,000.
     */
    public GatewayBuilder maxRunning(int calls) {
        this.maxRunning = calls;
        return this;
    }

    /**
     * How many tasks one agent may have open at once (1 to 1,000,000; default 10,000, about 3 MB): beyond it, opening
     * a task gets 429 {@code too_many_tasks}, unrecorded. A client that opens tasks and never ends them held them
     * until the gateway stopped; a crash's restart takes open tasks back.
     */
    public GatewayBuilder maxOpenTasksPerAgent(int tasks) {
        this.maxOpenTasks = tasks;
        return this;
    }

    /**
     * How many calls one agent may have awaiting approval at once (1 to 1,000,000; default 1,000), and how large their
     * parameters may be together (1 MiB to 16 GiB, counted as submitted; default 64 MiB). A call that
     * stalls beyond either is refused at once, on record, by the approver {@code vouch-gateway}, with the reason;
     * calls the policy allows or blocks are not affected. An outside red team held 1,162 stalled calls of 1 MB each
     * with one token, and the gateway's 6.3 GB heap was full; pending calls wait up to their approval timeout.
     */
    public GatewayBuilder maxPendingPerAgent(int calls, long paramBytes) {
        this.maxPendingCalls = calls;
        this.maxPendingBytes = paramBytes;
        return this;
    }

    /** At {@link Gateway#close()}, how long running calls may still report (0 to 10 min). Default 10 s. */
    public GatewayBuilder drainTimeout(Duration timeout) {
        this.drainTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Request threads, 4 to 1,024. Default 64. */
    public GatewayBuilder threads(int threads) {
        this.threads = threads;
        return this;
    }

    /**
     * Whether calls that waited for approval when the gateway last stopped are taken back from the journal at start
     * ({@code GuardBuilder.recoverPending}), so they can still be approved and run. Default true.
     */
    public GatewayBuilder recoverPending(boolean recover) {
        this.recoverPending = recover;
        return this;
    }

    /** The operator's redaction key, for commitments to redacted parameters. Default none. */
    public GatewayBuilder redactionKey(RedactionKey key) {
        this.redactionKey = key;
        return this;
    }

    /** Readiness fails once records wait this long for a signed checkpoint (100 ms to 1 h). Default 10 s. */
    public GatewayBuilder checkpointStaleAfter(Duration bound) {
        this.checkpointStaleAfter = Objects.requireNonNull(bound, "bound");
        return this;
    }

    /**
     * Run once, on the gateway's timer or a request thread, when the ledger stops for good (a full disk, say) while
     * the gateway runs: from then on every call is refused with 503 and {@code /healthz} fails, and only a new ledger
     * heals that. {@code vouch serve} exits (status 75) so that its supervisor restarts it, which reopens and recovers
     * the journal. Must not block. Default: nothing.
     */
    public GatewayBuilder onLedgerFailure(Runnable action) {
        this.onLedgerFailure = Objects.requireNonNull(action, "action");
        return this;
    }

    /** The registry {@code /metrics} scrapes; the gateway binds the ledger's, the guards' and its own meters to it. */
    public GatewayBuilder meterRegistry(PrometheusMeterRegistry registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /**
     * Checks every setting, builds one guard per agent (recording the policy in force for each, and taking back the
     * calls still pending in the journal), and starts listening.
     *
     * @throws IllegalStateException    if the policy or the tokens are not set
     * @throws IllegalArgumentException if a setting is out of range
     * @throws dev.vouch.KeyFileException if the token file or the TLS key is not private or malformed
     * @throws dev.vouch.policy.PolicyException if the policy file cannot be loaded
     * @throws java.io.UncheckedIOException if a port cannot be bound
     */
    public Gateway start() {
        checkSettings();
        return Gateway.start(this);
    }

    /**
     * Refuses a setting out of range, naming it, and reads the TLS files (a key that is not the certificate's is
     * refused). {@code vouch serve} calls it before it opens the ledger, so that a start refused for a setting leaves
     * no journal or key behind (a re-trial's --max-pending 0 did, and so did every refused TLS file).
     */
    void checkSettings() {
        if (policy == null && policyFile == null) {
            throw new IllegalStateException("policy is not set: policy(Path.of(\"vouch-policy.yaml\")) or policy(Policy)");
        }
        if (tokens == null && tokensFile == null) {
            throw new IllegalStateException("tokens is not set: tokens(Path.of(\"tokens\")), the file of agent and"
                    + " operator token hashes (AccessTokens)");
        }
        check(port >= 0 && port <= 65535, "port must be from 0 to 65535, was " + port);
        check(adminPort >= -1 && adminPort <= 65535, "adminPort must be from 0 to 65535, or -1 for none, was " + adminPort);
        check(maxBodyBytes >= 1024 && maxBodyBytes <= MAX_BODY_LIMIT,
                "maxBodyBytes must be from 1024 to " + MAX_BODY_LIMIT + ", was " + maxBodyBytes);
        check(within(resultTimeout, Duration.ofSeconds(1), Duration.ofHours(24)),
                "resultTimeout must be from 1 s to 24 h, was " + resultTimeout);
        check(within(maxWait, Duration.ZERO, Duration.ofMinutes(10)), "maxWait must be from 0 to 10 min, was " + maxWait);
        check(within(remember, Duration.ofSeconds(1), Duration.ofHours(24)),
                "remember must be from 1 s to 24 h, was " + remember);
        check(within(drainTimeout, Duration.ZERO, Duration.ofMinutes(10)),
                "drainTimeout must be from 0 to 10 min, was " + drainTimeout);
        check(threads >= 4 && threads <= 1024, "threads must be from 4 to 1024, was " + threads);
        check(maxRunning >= 1 && maxRunning <= 10_000_000, "maxRunning must be from 1 to 10000000, was " + maxRunning);
        check(maxOpenTasks >= 1 && maxOpenTasks <= 1_000_000, "maxOpenTasksPerAgent must be from 1 to 1000000, was "
                + maxOpenTasks);
        check(maxPendingCalls >= 1 && maxPendingCalls <= 1_000_000,
                "maxPendingPerAgent calls must be from 1 to 1000000, was " + maxPendingCalls);
        check(maxPendingBytes >= 1L << 20 && maxPendingBytes <= 16L << 30,
                "maxPendingPerAgent bytes must be from 1 MiB to 16 GiB, was " + maxPendingBytes);
        check(within(checkpointStaleAfter, Duration.ofMillis(100), Duration.ofHours(1)),
                "checkpointStaleAfter must be from 100 ms to 1 h, was " + checkpointStaleAfter);
        if (tlsCert != null && tlsKeys == null) {
            tlsKeys = PemFiles.read(tlsCert, tlsKey, java.time.Instant.now()); // an operator's mismatched key started
        }
    }

    private static boolean within(Duration d, Duration min, Duration max) {
        return d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
