package dev.vouch.internal;

import java.time.Duration;

/** Durations in the words people read them in: the approval timeout in a recorded reason, in the CLI's output. */
public final class Durations {
    private static final long[] SIZES = {3_600_000, 60_000, 1_000, 1};
    private static final String[] UNITS = {"h", "m", "s", "ms"};

    private Durations() {
    }

    /**
     * A duration as a policy file writes it ({@code 10m}, {@code 1h30m}, {@code 200ms}; POLICY.md), not Java's
     * {@code PT10M}. Below a millisecond it is rounded up.
     */
    public static String policyText(Duration d) {
        long ms = Math.max(1, (d.toNanos() + 999_999) / 1_000_000);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < SIZES.length; i++) {
            if (ms >= SIZES[i]) {
                b.append(ms / SIZES[i]).append(UNITS[i]);
                ms %= SIZES[i];
            }
        }
        return b.toString();
    }
}
