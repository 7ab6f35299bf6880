package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.RecorderStats;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's meters as a real Prometheus registry exposes them. */
class MetricsTest {
    @TempDir
    Path tmp;

    /** Sample lines of the scrape of one ledger, name (labels dropped) to value; comments skipped. */
    static Map<String, Double> samples(String scrape) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space);
            int brace = name.indexOf('{');
            out.put(brace < 0 ? name : name.substring(0, brace), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    @Test
    void shouldExposeTheOriginalVouchMetricNamesInPrometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Path dir = tmp.resolve("journal");
        RecorderStats stats;
        String scrape;
        Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).meterRegistry(registry)
                .shutdownHook(false).open();
        try {
            Event e = new Event();
            ledger.record(e.reset().kind(EventKind.TASK_START).task("t1"));
            long t2 = ledger.recordDurably(e.reset().kind(EventKind.TASK_START).task("t2"));
            for (int i = 0; i < 1000; i++) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).task("t1").name("x").params("{\"i\":" + i + "}"));
            }
            // A TASK_END ends the task its parent names; one naming none, or a task already ended, changes nothing
            // (a re-trial drove the count below zero with such ends).
            ledger.record(e.reset().kind(EventKind.TASK_END).task("t2"));
            ledger.recordDurably(e.reset().kind(EventKind.TASK_END).task("t2").parent(t2));
            ledger.recordDurably(e.reset().kind(EventKind.TASK_END).task("t2").parent(t2));
        } finally {
            ledger.close();
        }
        // Scraped after close: drained and sealed, every counter is final, so the values are deterministic.
        stats = ledger.stats();
        scrape = registry.scrape();
        Map<String, Double> s = samples(scrape);
        String all = String.join("\n", s.keySet());

        assertEquals(1005.0, s.get("vouch_ledger_events_processed_total"), all);
        assertEquals(0.0, s.get("vouch_ledger_events_dropped_total"), all);
        assertEquals((double) stats.journaled() - stats.poolMisses(), s.get("vouch_pool_event_hits_total"), all);
        assertEquals((double) stats.checkpoints(), s.get("vouch_ledger_checkpoints_total"), all);
        assertTrue(stats.checkpoints() >= 2);
        assertEquals(1005.0, s.get("vouch_ledger_append_latency_seconds_count"), all);
        assertTrue(s.get("vouch_ledger_append_latency_seconds_sum") > 0, all);
        assertEquals((double) LedgerBuilder.DEFAULT_RING_SIZE, s.get("vouch_ledger_ring_remaining"), all);
        assertEquals((double) LedgerBuilder.DEFAULT_RING_SIZE, s.get("vouch_ledger_ring_capacity"), all);
        // One task started and not ended. The original Vouch's name, vouch_engine_active_tasks_total, can only be
        // a counter through Micrometer 1.13+ and the Prometheus 1.x model (PrometheusNaming.sanitizeMetricName
        // strips _total from every meter name; only counters get it back), so it is one, next to a real gauge.
        assertEquals(1.0, s.get("vouch_engine_active_tasks_total"), all);
        assertEquals(1.0, s.get("vouch_engine_tasks_open"), all);
        assertTrue(scrape.contains("# TYPE vouch_engine_tasks_open gauge"), scrape);

        Set<String> families = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("# TYPE vouch_")) {
                families.add(line.split(" ")[2] + " " + line.split(" ")[3]);
            }
        }
        assertEquals(new TreeSet<>(Set.of(
                "vouch_engine_active_tasks_total counter",
                "vouch_engine_tasks_open gauge",
                "vouch_ledger_append_latency_max_seconds gauge",
                "vouch_ledger_append_latency_seconds summary",
                "vouch_ledger_checkpoint_age_seconds gauge",
                "vouch_ledger_checkpoints_total counter",
                "vouch_ledger_events_accepted_total counter",
                "vouch_ledger_events_dropped_total counter",
                "vouch_ledger_events_lost_total counter",
                "vouch_ledger_events_processed_total counter",
                "vouch_ledger_events_sealed_total counter",
                "vouch_ledger_events_unsealed gauge",
                "vouch_ledger_failed gauge",
                "vouch_ledger_ring_capacity gauge",
                "vouch_ledger_ring_depth gauge",
                "vouch_ledger_records_total counter",
                "vouch_ledger_ring_full_total counter",
                "vouch_ledger_ring_remaining gauge",
                "vouch_ledger_seal_overdue gauge",
                "vouch_pool_event_hits_total counter",
                "vouch_pool_event_misses_total counter")), families, scrape);
    }

    @Test
    void shouldNeverShowMoreSealedThanProcessedEventsInAScrapeOrSnapshot() throws Exception {
        // An outside trial scraped sealed 5 against processed 4. Each meter is read at its own moment; this run did
        // not reproduce it without the change either, so it guards the invariant under load rather than proving the
        // cause.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Ledger ledger = Ledger.builder(tmp.resolve("journal")).keyFile(tmp.resolve(".vouch_key"))
                .meterRegistry(registry).shutdownHook(false).open()) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread writer = new Thread(() -> {
                Event e = new Event();
                for (int i = 0; !stop.get(); i++) {
                    e.reset().kind(EventKind.TOOL_CALL).name("x").params("{\"i\":" + i + "}");
                    if (i % 8 == 0) {
                        ledger.recordDurably(e, Durability.SEALED); // a checkpoint now and then: sealed moves
                    } else {
                        ledger.recordDurably(e);
                    }
                }
            });
            writer.start();
            try {
                for (int i = 0; i < 300; i++) {
                    Map<String, Double> m = samples(registry.scrape());
                    double processed = m.get("vouch_ledger_events_processed_total");
                    double sealed = m.get("vouch_ledger_events_sealed_total");
                    assertTrue(sealed <= processed, "scrape " + i + ": sealed " + sealed + " > processed " + processed);
                    RecorderStats st = ledger.stats();
                    assertTrue(st.sealed() <= st.journaled() && st.journaled() <= st.accepted(), st::toString);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
        }
    }

    @Test
    void shouldCountDropsInTheDroppedCounter() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Path dir = tmp.resolve("journal");
        RecorderStats stats;
        String scrape;
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve(".vouch_key")).meterRegistry(registry)
                .ringSize(64).backpressure(BackpressureMode.DROP).signingMode(SigningMode.PER_EVENT)
                .shutdownHook(false).open()) {
            Thread[] producers = new Thread[2];
            for (int t = 0; t < producers.length; t++) {
                producers[t] = new Thread(() -> {
                    Event e = new Event();
                    for (int i = 0; i < 5_000; i++) {
                        ledger.record(e.reset().name("flood"));
                    }
                });
                producers[t].start();
            }
            for (Thread p : producers) {
                p.join();
            }
            stats = ledger.stats();
            scrape = registry.scrape();
        }
        assertTrue(stats.dropped() > 0, stats.toString());
        assertEquals((double) stats.dropped(), samples(scrape).get("vouch_ledger_events_dropped_total"));
    }

    /** Two ledgers on one registry both report, told apart by their origin (0.1 silently dropped the second). */
    @Test
    void shouldReportTwoLedgersOnOneRegistryByOrigin() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Ledger a = Ledger.builder(tmp.resolve("a")).keyFile(tmp.resolve("key-a")).origin("example.com/a")
                     .meterRegistry(registry).shutdownHook(false).open();
             Ledger b = Ledger.builder(tmp.resolve("b")).keyFile(tmp.resolve("key-b")).origin("example.com/b")
                     .meterRegistry(registry).shutdownHook(false).open()) {
            Event e = new Event();
            a.recordDurably(e.reset().kind(EventKind.NOTE).name("one"));
            for (int i = 0; i < 3; i++) {
                b.recordDurably(e.reset().kind(EventKind.NOTE).name("three"));
            }
            String scrape = registry.scrape();
            assertTrue(scrape.contains("vouch_ledger_events_processed_total{origin=\"example.com/a\"} 1.0"), scrape);
            assertTrue(scrape.contains("vouch_ledger_events_processed_total{origin=\"example.com/b\"} 3.0"), scrape);
            assertTrue(scrape.contains("vouch_engine_active_tasks_total{origin=\"example.com/b\"}"), scrape);
        }
    }
}
