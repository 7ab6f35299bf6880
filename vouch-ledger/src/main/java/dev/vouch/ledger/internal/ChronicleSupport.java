package dev.vouch.ledger.internal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;

/**
 * The one place Vouch sets Chronicle Queue's process-wide switches. Chronicle reads them in static
 * initialisers, so this runs before any Chronicle class loads. The JVM flags it needs on JDK 17+ are in the
 * root pom ({@code vouch.jvm.flags}) and docs/OPERATIONS.md.
 */
final class ChronicleSupport {
    /**
     * One file per UTC day, sized for the rate Vouch aims at: 2^37 records a day (1 M/s is 2^36.3), where the
     * common {@code FAST_DAILY} cycle holds 2^32, some 72 minutes at 1 M/s. Its index spacing of 128 also halves
     * the scan Chronicle does from the last index entry on every append.
     */
    public static final RollCycle ROLL_CYCLE = LargeRollCycles.LARGE_DAILY;

    private ChronicleSupport() {
    }

    /** Turns off Chronicle's analytics phone-home and its start-up banner. Idempotent; keeps explicit user settings. */
    public static void configure() {
        // Belt and braces: the chronicle-analytics artifact is excluded from the build too.
        System.setProperty("chronicle.analytics.disable", "true");
        setIfAbsent("chronicle.announcer.disable", "true");
        // The disk-space monitor starts a background thread that logs at INFO; the journal is ours to watch.
        setIfAbsent("chronicle.disk.monitor.disable", "true");
        // Chronicle's start-up and performance notes ("Chronicle core loaded from...", "Took N ms to add mapping")
        // are INFO chatter in the application's log; its warnings still show.
        setIfAbsent("disable.perf.info", "true");
        // Unmap on close() on the closing thread, not on a background thread that outlives the ledger (exec:java
        // interrupts it at exit and it logs "Died on interrupt"; on JDK 25 a late shutdown hook failed).
        setIfAbsent("background.releaser", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
