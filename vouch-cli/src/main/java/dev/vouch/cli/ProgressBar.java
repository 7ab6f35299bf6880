package dev.vouch.cli;

import dev.vouch.verify.VerificationListener;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * A one-line progress bar on standard error, redrawn in place with a carriage return. Shown only when a person is
 * watching (a terminal is attached) and the journal is large enough for it to matter; never in a pipe, a file or
 * a CI log. Not thread-safe: driven by the verifier's listener on the calling thread.
 */
final class ProgressBar {
    /** Below this many records a verification takes well under a second: no bar. */
    static final long MIN_RECORDS = 1L << 18;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final String label;
    private boolean shown;
    private int lastLength;

    ProgressBar(PrintWriter err, boolean enabled, String label) {
        this.err = err;
        this.enabled = enabled;
        this.label = label;
    }

    /** A bar on {@code err} that shows itself only if {@link #interactive()}. */
    static ProgressBar forTerminal(PrintWriter err, String label) {
        return new ProgressBar(err, interactive(), label);
    }

    /**
     * Whether a terminal is attached. {@code System.console()} is null in a pipe on JDK 17 to 21; on JDK 22 to 24
     * it may return a console that is not a terminal, which {@code Console.isTerminal()} (JDK 22+) tells.
     */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** A verification listener that moves this bar with the records read, and does nothing else. */
    VerificationListener verificationProgress() {
        return new VerificationListener() {
            @Override
            public void onProgress(long recordsRead, long estimatedTotal) {
                update(recordsRead, estimatedTotal);
            }
        };
    }

    /** Redraws the bar; a no-op unless enabled and the journal is large. {@code total} may be -1 (unknown). */
    void update(long done, long total) {
        if (!enabled || Math.max(done, total) < MIN_RECORDS) {
            return;
        }
        StringBuilder line = new StringBuilder(80).append(label).append(' ');
        if (total > 0) {
            long shownDone = Math.min(done, total);
            int filled = (int) (WIDTH * shownDone / total);
            line.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT,
                            "%3d%%  %,d / %,d records", 100 * shownDone / total, done, total));
        } else {
            line.append(String.format(Locale.ROOT, "%,d records", done));
        }
        int pad = Math.max(0, lastLength - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastLength = line.length();
        shown = true;
    }

    /** Erases the bar so that other output starts on a clean line; it is redrawn at the next update. */
    void clear() {
        if (shown) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
            shown = false;
            lastLength = 0;
        }
    }
}
