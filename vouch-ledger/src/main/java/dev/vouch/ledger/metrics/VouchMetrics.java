package dev.vouch.ledger.metrics;

import dev.vouch.Recorder;
import dev.vouch.RecorderStats;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.LedgerStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for a recorder. Reads the recorder's own counters when scraped; never touches the hot
 * path. In Prometheus form the names are those of the original Vouch: {@code vouch_ledger_events_processed_total},
 * {@code vouch_ledger_events_dropped_total}, {@code vouch_pool_event_hits_total}, {@code vouch_engine_active_tasks_total},
 * and more (see docs/OPERATIONS.md). Prometheus reserves {@code _total} for counters, so the original's active-task
 * gauge keeps its name as a counter whose value goes down as tasks end, and is also a proper gauge,
 * {@code vouch_engine_tasks_open}.
 *
 * <p>Every meter is tagged with the ledger's {@code origin} (unless the caller gives an {@code origin} tag itself),
 * so that two ledgers on one registry both report rather than the second being dropped as a duplicate.
 */
@SuppressWarnings("exports") // Micrometer is optional, so not required transitively (module-info says why)
public final class VouchMetrics implements MeterBinder {
    /** The tag that tells ledgers apart on one registry. */
    public static final String ORIGIN_TAG = "origin";

    private final Recorder recorder;
    private final Iterable<Tag> tags;

    public VouchMetrics(Recorder recorder) {
        this(recorder, Tags.empty());
    }

    /** The journaled count the processed counter last reported; -1 before it was first read. */
    private final java.util.concurrent.atomic.AtomicLong journaledReported = new java.util.concurrent.atomic.AtomicLong(-1);

    /** Meters for {@code recorder} with these extra tags, plus {@code origin} for a {@link Ledger}. */
    public VouchMetrics(Recorder recorder, Iterable<Tag> tags) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        Tags all = Tags.of(Objects.requireNonNull(tags, "tags"));
        if (recorder instanceof Ledger ledger && all.stream().noneMatch(t -> t.getKey().equals(ORIGIN_TAG))) {
            all = all.and(ORIGIN_TAG, ledger.origin());
        }
        this.tags = all;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // A scrape reads each meter at its own moment, so a sealed count read after the processed one could exceed
        // it (an outside trial saw sealed 5 against processed 4): sealed is reported no higher than the processed
        // count last reported, so that sealed <= processed holds in every scrape, as it does in the journal.
        counter(registry, "vouch.ledger.events.processed", "Events written to the journal (journaled)", s -> {
            journaledReported.accumulateAndGet(s.journaled(), Math::max);
            return s.journaled();
        });
        counter(registry, "vouch.ledger.events.sealed", "Events covered by a signed checkpoint", s -> {
            long shown = journaledReported.get();
            return shown < 0 ? s.sealed() : Math.min(s.sealed(), shown);
        });
        counter(registry, "vouch.ledger.events.accepted", "Events accepted into the ring", RecorderStats::accepted);
        counter(registry, "vouch.ledger.events.dropped", "Events dropped by backpressure (each recorded as part of a gap record)", RecorderStats::dropped);
        counter(registry, "vouch.ledger.events.lost", "Events accepted but never journaled because the ledger failed or closed", RecorderStats::lost);
        counter(registry, "vouch.ledger.checkpoints", "Signed checkpoints written", RecorderStats::checkpoints);
        counter(registry, "vouch.ledger.records", "Journal records of every type written", RecorderStats::records);
        counter(registry, "vouch.ledger.ring.full", "Times a caller found the ring full", RecorderStats::ringFull);
        counter(registry, "vouch.pool.event.hits", "Events that fit their pre-allocated ring slot", s -> s.journaled() - s.poolMisses());
        counter(registry, "vouch.pool.event.misses", "Events whose ring slot had to grow", RecorderStats::poolMisses);
        gauge(registry, "vouch.engine.tasks.open", "Tasks started and not yet ended", RecorderStats::activeTasks);
        // The original Vouch's name for the same number. Prometheus reserves _total for counters and Micrometer
        // strips it from any other meter, so only a counter can carry it; it goes down as tasks end.
        counter(registry, "vouch.engine.active.tasks", "Tasks started and not yet ended (the original Vouch's name;"
                + " goes down as tasks end: do not rate() it, prefer vouch_engine_tasks_open)", RecorderStats::activeTasks);
        gauge(registry, "vouch.ledger.ring.remaining", "Free slots in the ring", RecorderStats::ringRemaining);
        gauge(registry, "vouch.ledger.ring.capacity", "Slots in the ring", RecorderStats::ringCapacity);
        gauge(registry, "vouch.ledger.ring.depth", "Events waiting in the ring", s -> s.ringCapacity() - s.ringRemaining());
        if (recorder instanceof Ledger ledger) {
            // Health as numbers, for alerts: a failed ledger, and records waiting for their checkpoint.
            Gauge.builder("vouch.ledger.failed", ledger, l -> l.status().state() == LedgerStatus.State.FAILED ? 1 : 0)
                    .description("1 once the ledger stopped after a fatal failure (logged as [CRITICAL]), else 0")
                    .tags(tags)
                    .register(registry);
            Gauge.builder("vouch.ledger.checkpoint.age", ledger, l -> l.status().checkpointAge().toNanos() / 1e9)
                    .description("Time since the last signed checkpoint reached the journal")
                    .baseUnit("seconds")
                    .tags(tags)
                    .register(registry);
            Gauge.builder("vouch.ledger.events.unsealed", ledger, l -> l.status().unsealedEvents())
                    .description("Events journaled and not yet covered by a signed checkpoint")
                    .tags(tags)
                    .register(registry);
            Gauge.builder("vouch.ledger.seal.overdue", ledger, l -> l.status().sealOverdue() ? 1 : 0)
                    .description("1 while events have waited for a checkpoint far past checkpointMaxDelay, else 0")
                    .tags(tags)
                    .register(registry);
        }
        Gauge.builder("vouch.ledger.append.latency.max", recorder, r -> r.stats().appendLatencyNanosMax() / 1e9)
                .description("Largest time from accepted to journaled since the ledger opened")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry);
        FunctionTimer.builder("vouch.ledger.append.latency", recorder,
                        r -> r.stats().journaled(), r -> r.stats().appendLatencyNanosTotal(), TimeUnit.NANOSECONDS)
                .description("Time from accepted to journaled")
                .tags(tags)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<RecorderStats> f) {
        FunctionCounter.builder(name, recorder, r -> f.applyAsDouble(r.stats()))
                .description(description)
                .tags(tags)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<RecorderStats> f) {
        Gauge.builder(name, recorder, r -> f.applyAsDouble(r.stats()))
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
