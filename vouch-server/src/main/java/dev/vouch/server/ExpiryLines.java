package dev.vouch.server;

import java.util.function.Consumer;

/**
 * The log lines for calls ended because nobody reported their results: the first of each minute in full, the rest
 * counted in one line when the minute is over. One WARN per expired call made a soak trial's gateway, whose clients
 * never reported a share of their calls, write 84,693 WARN lines an hour; every expiry is in the journal and in
 * {@code vouch_gateway_calls_total{status="expired"}} all the same.
 */
final class ExpiryLines {
    private final long windowNanos;
    private final Consumer<String> warn;
    private long windowStart; // guarded by this
    private boolean windowOpen; // guarded by this
    private long untold; // guarded by this

    ExpiryLines(long windowNanos, Consumer<String> warn) {
        this.windowNanos = windowNanos;
        this.warn = warn;
    }

    /** Whether the expiry at {@code now} gets its own line; if not, it is counted for the summary. */
    synchronized boolean tell(long now) {
        if (!windowOpen) {
            windowOpen = true;
            windowStart = now;
            return true;
        }
        untold++;
        return false;
    }

    /** Once the minute of the last full line is over: the line for the expiries it did not tell, if any. */
    synchronized void flush(long now) {
        if (windowOpen && now - windowStart >= windowNanos) {
            tell("because no result was reported in time");
        }
    }

    /**
     * The line for the expiries not told yet, now: at a stop, where the gateway exits before the minute is over (an
     * outside operator's trial saw "counted in one line" and no such line, for two of three calls ended at a stop).
     */
    synchronized void flushNow() {
        if (windowOpen) {
            tell("without a reported result (its time ran out, or the gateway stopped)");
        }
    }

    private void tell(String why) {
        if (untold > 0) {
            warn.accept(untold + " more call(s) ended on record as tool errors in the last "
                    + (windowNanos / 1_000_000_000L) + " s " + why + " (one line per minute tells one in full;"
                    + " vouch_gateway_calls_total{status=\"expired\"} counts them all)");
        }
        untold = 0;
        windowOpen = false;
    }
}
