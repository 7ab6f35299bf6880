package dev.vouch.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events and tool calls over time, for rates: counted per second at first, per minute once more than
 * {@value #MAX_KEYS} distinct seconds were seen, per hour beyond that, so memory stays bounded whatever the
 * journal's span. {@link #buckets} regroups them into intervals of a fixed ladder aligned on the epoch (UTC).
 */
final class RateSeries {
    /** The intervals a series can be shown at, in seconds: each divides the next. */
    static final long[] LADDER = {1, 10, 60, 600, 3600, 21600, 86400, 604800};
    static final int MAX_KEYS = 100_000;
    /** {@link #autoInterval} picks the finest interval that gives at most this many buckets. */
    static final int AUTO_BUCKETS = 60;
    /** The most buckets {@link #buckets} returns, whatever interval was asked for. */
    static final int MAX_BUCKETS = 10_000;
    private static final long NANOS = 1_000_000_000L;

    /** Events and calls in one interval from {@code start} (seconds since the epoch). */
    record Bucket(long start, long events, long calls) {
    }

    private long resolution = 1;
    private final TreeMap<Long, long[]> counts = new TreeMap<>();

    void add(long timestampNanos, boolean call) {
        long second = Math.floorDiv(timestampNanos, NANOS);
        long[] c = counts.computeIfAbsent(second - Math.floorMod(second, resolution), k -> new long[2]);
        c[0]++;
        if (call) {
            c[1]++;
        }
        if (counts.size() > MAX_KEYS) {
            coarsen();
        }
    }

    private void coarsen() {
        resolution = resolution < 60 ? 60 : resolution < 3600 ? 3600 : resolution < 86400 ? 86400 : 604800;
        TreeMap<Long, long[]> coarse = new TreeMap<>();
        for (Map.Entry<Long, long[]> e : counts.entrySet()) {
            long[] c = coarse.computeIfAbsent(e.getKey() - Math.floorMod(e.getKey(), resolution), k -> new long[2]);
            c[0] += e.getValue()[0];
            c[1] += e.getValue()[1];
        }
        counts.clear();
        counts.putAll(coarse);
    }

    /** The finest interval kept, in seconds. */
    long resolution() {
        return resolution;
    }

    /** The finest interval of the ladder, at least the resolution, that shows the span in few buckets. */
    long autoInterval() {
        if (counts.isEmpty()) {
            return Math.max(resolution, 60);
        }
        long span = counts.lastKey() - counts.firstKey();
        for (long step : LADDER) {
            if (step >= resolution && span / step + 1 <= AUTO_BUCKETS) {
                return step;
            }
        }
        return LADDER[LADDER.length - 1];
    }

    /** Whether {@code seconds} can be shown: on the ladder and not finer than what was kept. */
    boolean canShow(long seconds) {
        if (seconds < resolution) {
            return false;
        }
        for (long step : LADDER) {
            if (step == seconds) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every interval from the first event's to the last's, empty ones included, at most {@value #MAX_BUCKETS}.
     *
     * @throws CliException if the interval is not one {@link #canShow}, or gives too many buckets
     */
    List<Bucket> buckets(long interval) {
        if (!canShow(interval)) {
            throw new CliException("--interval: cannot show " + interval + " s intervals; the series is kept per "
                    + resolution + " s, and intervals are " + java.util.Arrays.toString(LADDER) + " s");
        }
        List<Bucket> out = new ArrayList<>();
        if (counts.isEmpty()) {
            return out;
        }
        long first = floor(counts.firstKey(), interval);
        long last = floor(counts.lastKey(), interval);
        if ((last - first) / interval + 1 > MAX_BUCKETS) {
            throw new CliException("--interval: " + interval + " s intervals make more than " + MAX_BUCKETS
                    + " buckets over this journal; choose a longer one");
        }
        long events = 0;
        long calls = 0;
        long start = first;
        for (Map.Entry<Long, long[]> e : counts.entrySet()) {
            long at = floor(e.getKey(), interval);
            while (start < at) {
                out.add(new Bucket(start, events, calls));
                events = 0;
                calls = 0;
                start += interval;
            }
            events += e.getValue()[0];
            calls += e.getValue()[1];
        }
        out.add(new Bucket(start, events, calls));
        return out;
    }

    private static long floor(long second, long interval) {
        return second - Math.floorMod(second, interval);
    }

    /** The interval as people write it: 1s, 10s, 1m, 10m, 1h, 6h, 1d, 7d. */
    static String label(long seconds) {
        if (seconds % 86400 == 0) {
            return seconds / 86400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    /** The inverse of {@link #label}, or -1. */
    static long parseLabel(String s) {
        for (long step : LADDER) {
            if (label(step).equals(s.strip())) {
                return step;
            }
        }
        return -1;
    }
}
