package dev.vouch.ledger;

import dev.vouch.crypto.NoteKeys;
import dev.vouch.ledger.internal.DisruptorLedger;
import dev.vouch.ledger.internal.LedgerConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Configures and opens a {@link Ledger}. Every setting is checked in {@link #open()}, which names the setting
 * and its limit when one is out of range. Not thread-safe; a builder may be reused.
 */
public final class LedgerBuilder {
    static final int DEFAULT_RING_SIZE = 4_096;
    static final int DEFAULT_SLOT_CAPACITY = 1_024;
    static final int DEFAULT_MAX_EVENT_SIZE = 1 << 20;
    /**
     * Under load, the delay bound usually signs first; this count caps how many records one signature covers. At
     * 32,768, Bouncy Castle's 2,240 bytes per signature come to under 0.1 byte per event.
     */
    static final int DEFAULT_CHECKPOINT_MAX_EVENTS = 32_768;
    static final Duration DEFAULT_CHECKPOINT_MAX_DELAY = Duration.ofMillis(50);

    private final Path journal;
    private Path freshJournalIfCorrupt;
    private Path keyFile = Path.of(".vouch_key");
    private String origin;
    private Object meterRegistry;
    private int ringSize = DEFAULT_RING_SIZE;
    private int slotCapacity = DEFAULT_SLOT_CAPACITY;
    private int maxEventSize = DEFAULT_MAX_EVENT_SIZE;
    private BackpressureMode backpressure = BackpressureMode.BLOCK;
    private SigningMode signingMode = SigningMode.CHECKPOINT;
    private int checkpointMaxEvents = DEFAULT_CHECKPOINT_MAX_EVENTS;
    private Duration checkpointMaxDelay = DEFAULT_CHECKPOINT_MAX_DELAY;
    private WaitMode waitMode = WaitMode.BLOCKING;
    /**
     * {@link #DEFAULT_THREADS} until set, then chosen by {@link #open()} from the processors the JVM has; 0 is refused
     * like any other value out of range.
     */
    private int consumerThreads = DEFAULT_THREADS;
    private static final int DEFAULT_THREADS = Integer.MIN_VALUE;
    private boolean shutdownHook = true;
    private boolean fullVerificationOnOpen;
    private SecureRandom random;

    LedgerBuilder(Path journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** The Ed25519 key file (PKCS#8 PEM, mode 0600). Default {@code .vouch_key} in the working directory; created on first use. */
    public LedgerBuilder keyFile(Path keyFile) {
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
        return this;
    }

    /**
     * The log's origin line in every checkpoint, and the signer's key name: a unique name such as
     * {@code example.com/agents/refunds}, no spaces or '+'. Default for a new journal: {@code vouch/<random hex>}.
     * Must match the journal's origin when reopening one: {@link #open()} refuses another with a
     * {@link dev.vouch.VouchException} naming both.
     */
    public LedgerBuilder origin(String origin) {
        this.origin = Objects.requireNonNull(origin, "origin");
        return this;
    }

    /**
     * Registers the ledger's meters (tagged with its origin) in this Micrometer registry when it opens; or bind
     * {@link dev.vouch.ledger.metrics.VouchMetrics} yourself. Micrometer is an optional dependency: without it on
     * the class path the ledger runs as long as this method is not called (the registry is held untyped, and only
     * {@code MetricsBridge} touches Micrometer's types). An application module that calls it requires
     * {@code micrometer.core} itself.
     */
    @SuppressWarnings("exports") // Micrometer is optional, so not required transitively (module-info says why)
    public LedgerBuilder meterRegistry(io.micrometer.core.instrument.MeterRegistry meterRegistry) {
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        return this;
    }

    /** Ring slots, a power of two from 64 to 1,048,576. Default {@value #DEFAULT_RING_SIZE}. */
    public LedgerBuilder ringSize(int ringSize) {
        this.ringSize = ringSize;
        return this;
    }

    /** Bytes pre-allocated per ring slot; larger events grow their slot once. Default 1,024. */
    public LedgerBuilder slotCapacity(int bytes) {
        this.slotCapacity = bytes;
        return this;
    }

    /** Largest encoded event accepted, in bytes (up to 64 MiB). Larger events get {@link dev.vouch.EventTooLargeException}. Default 1 MiB. */
    public LedgerBuilder maxEventSize(int bytes) {
        this.maxEventSize = bytes;
        return this;
    }

    /** What {@code record} does when the ring is full. Default {@link BackpressureMode#BLOCK}. */
    public LedgerBuilder backpressure(BackpressureMode mode) {
        this.backpressure = Objects.requireNonNull(mode, "backpressure");
        return this;
    }

    /** How often to sign. Default {@link SigningMode#CHECKPOINT}. */
    public LedgerBuilder signingMode(SigningMode mode) {
        this.signingMode = Objects.requireNonNull(mode, "signingMode");
        return this;
    }

    /** Sign a checkpoint at the latest once this many records are unsigned (1 to 1,048,576). Default 32,768. */
    public LedgerBuilder checkpointMaxEvents(int events) {
        this.checkpointMaxEvents = events;
        return this;
    }

    /** Sign a checkpoint at the latest this long after the first unsigned record (1 ms to 1 hour). Default 50 ms. */
    public LedgerBuilder checkpointMaxDelay(Duration delay) {
        this.checkpointMaxDelay = Objects.requireNonNull(delay, "delay");
        return this;
    }

    public LedgerBuilder waitMode(WaitMode mode) {
        this.waitMode = Objects.requireNonNull(mode, "waitMode");
        return this;
    }

    /**
     * How many threads run the ledger's two stages (hashing and signing, then appending to the journal): 1 runs both
     * on one thread, each event chained and then appended; 2 gives each stage its own thread, so that one event's
     * append overlaps the next one's hashing. What is recorded, and every promise of the durability levels, is the
     * same either way. Default: 1 on a machine with at most 2 processors, where one thread measured a quarter less
     * CPU per event, the same burst rate and about half the write-ahead latency (vouch-bench/README.md); otherwise 2.
     */
    public LedgerBuilder consumerThreads(int threads) {
        this.consumerThreads = threads;
        return this;
    }

    /**
     * How much of an existing journal {@code open()} verifies before appending. Default false: the tail, from the
     * last checkpoint that carries a resume state (format 1.1) on, so reopening costs reading the records written
     * since that checkpoint, however long the journal is. The tail's checkpoint must be signed by the key file's
     * key (or the key it rotated to), its compact range must hash to the root it signs, and every record after it
     * must verify. Records before that checkpoint are not re-read: damage or tampering there is found by
     * {@code vouch verify}, not by {@code open()}. True: verify the whole journal on every open, as Vouch 0.1 did
     * (about 1 M records/s on one core); journals without a format 1.1 checkpoint are always verified in full.
     */
    public LedgerBuilder fullVerificationOnOpen(boolean full) {
        this.fullVerificationOnOpen = full;
        return this;
    }

    /**
     * If the existing journal fails verification, leave it untouched as evidence and start a fresh journal in
     * {@code freshDirectory} instead of failing (the default is to fail with
     * {@link dev.vouch.JournalCorruptException}). Either way a {@code [CRITICAL]} line is logged. The fresh
     * journal's genesis settings name the journal it replaces; {@link Ledger#journalDirectory()} tells which one
     * is in use. The fresh directory must not hold a journal already.
     */
    public LedgerBuilder freshJournalIfCorrupt(Path freshDirectory) {
        this.freshJournalIfCorrupt = Objects.requireNonNull(freshDirectory, "freshDirectory");
        return this;
    }

    /** Seal the journal when the JVM shuts down normally (SIGTERM, System.exit). Default true. */
    public LedgerBuilder shutdownHook(boolean install) {
        this.shutdownHook = install;
        return this;
    }

    /** The randomness for new keys and the default origin. Default a new {@link SecureRandom}. */
    public LedgerBuilder secureRandom(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    /**
     * Validates the settings, opens (or creates) the journal, verifies what it already holds, seals a crashed
     * tail, and starts the consumer.
     *
     * @throws IllegalArgumentException naming the setting and its limit, if one is out of range
     * @throws dev.vouch.KeyFileException if the key file is unsafe, invalid, or does not match the journal
     * @throws dev.vouch.JournalCorruptException if the journal's existing content fails verification
     * @throws dev.vouch.VouchException if the journal directory cannot be created or written, or if
     *         {@link #origin(String)} was set and differs from the existing journal's origin
     */
    public Ledger open() {
        check(Integer.bitCount(ringSize) == 1 && ringSize >= 64 && ringSize <= (1 << 20),
                "ringSize must be a power of two from 64 to 1048576, was " + ringSize);
        check(maxEventSize >= 256 && maxEventSize <= (64 << 20),
                "maxEventSize must be from 256 bytes to 64 MiB, was " + maxEventSize);
        check(slotCapacity >= 128 && slotCapacity <= maxEventSize,
                "slotCapacity must be from 128 bytes to maxEventSize (" + maxEventSize + "), was " + slotCapacity);
        check(consumerThreads == DEFAULT_THREADS || consumerThreads >= 1 && consumerThreads <= 2,
                "consumerThreads must be 1 or 2, was " + consumerThreads);
        if (origin != null) {
            try {
                NoteKeys.checkName(origin);
            } catch (dev.vouch.FormatException e) {
                // An outside trial: the setter threw "key name ... contains a space", never saying which setting.
                throw new IllegalArgumentException("origin " + quoted(origin) + " cannot name the journal's signer: "
                        + e.getMessage(), e);
            }
        }
        check(freshJournalIfCorrupt == null || !freshJournalIfCorrupt.toAbsolutePath().normalize()
                        .equals(journal.toAbsolutePath().normalize()),
                "freshJournalIfCorrupt must be another directory than the journal's own, was " + freshJournalIfCorrupt);
        check(checkpointMaxEvents >= 1 && checkpointMaxEvents <= (1 << 20),
                "checkpointMaxEvents must be from 1 to 1048576, was " + checkpointMaxEvents);
        check(checkpointMaxDelay.compareTo(Duration.ofMillis(1)) >= 0 && checkpointMaxDelay.compareTo(Duration.ofHours(1)) <= 0,
                "checkpointMaxDelay must be from 1 ms to 1 hour, was " + checkpointMaxDelay);
        return DisruptorLedger.open(config());
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The settings as they stand, unvalidated. */
    LedgerConfig config() {
        return new LedgerConfig(journal, freshJournalIfCorrupt, keyFile, origin, meterRegistry, ringSize,
                slotCapacity, maxEventSize, backpressure, signingMode, checkpointMaxEvents, checkpointMaxDelay,
                waitMode, consumerThreads != DEFAULT_THREADS ? consumerThreads : defaultConsumerThreads(), shutdownHook,
                fullVerificationOnOpen, random != null ? random : new SecureRandom(), settingsText());
    }

    private static int defaultConsumerThreads() {
        return Runtime.getRuntime().availableProcessors() <= 2 ? 1 : 2;
    }

    /** The settings an auditor needs, written into the genesis and resume records as sorted {@code key=value} lines. */
    String settingsText() {
        return "backpressure=" + backpressure + "\n"
                + "checkpoint.max-delay-ms=" + checkpointMaxDelay.toMillis() + "\n"
                + "checkpoint.max-events=" + checkpointMaxEvents + "\n"
                + "max-event-size=" + maxEventSize + "\n"
                + "open.verification=" + (fullVerificationOnOpen ? "FULL" : "TAIL") + "\n"
                + "ring-size=" + ringSize + "\n"
                + "signing=" + signingMode + "\n";
    }
}
