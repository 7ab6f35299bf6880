package dev.vouch.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts by a text key (a tool, an agent, a task, a principal, a policy rule), each with a fixed number of
 * columns. Holds one entry per distinct key. Not thread-safe.
 */
final class Breakdown {
    private final int columns;
    private final Map<String, long[]> counts = new HashMap<>();

    Breakdown(int columns) {
        this.columns = columns;
    }

    /** The counts of {@code key}, created at zero. */
    long[] of(String key) {
        return counts.computeIfAbsent(key, k -> new long[columns]);
    }

    void add(String key, int column) {
        of(key)[column]++;
    }

    /** The counts of {@code key}, or null if it was never counted. */
    long[] get(String key) {
        return counts.get(key);
    }

    int size() {
        return counts.size();
    }

    /** Every key, by the sum of its counts (largest first), then by key. */
    List<Map.Entry<String, long[]>> sortedByTotal() {
        List<Map.Entry<String, long[]>> out = new ArrayList<>(counts.entrySet());
        out.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -sum(e.getValue()))
                .thenComparing(Map.Entry::getKey));
        return out;
    }

    static long sum(long[] values) {
        long n = 0;
        for (long v : values) {
            n += v;
        }
        return n;
    }

    /** Every key, by its count in {@code column} (largest first), then by key. */
    List<Map.Entry<String, long[]>> sorted(int column) {
        List<Map.Entry<String, long[]>> out = new ArrayList<>(counts.entrySet());
        out.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[column])
                .thenComparing(Map.Entry::getKey));
        return out;
    }
}
