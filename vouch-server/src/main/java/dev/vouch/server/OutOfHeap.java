package dev.vouch.server;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway process out of heap: one line that says how to give it more, then exit status 1 (the shutdown hook seals
 * the journal as the JVM exits, where the heap allows; otherwise the next start recovers it), and nothing more on
 * standard error. An outside trial's
 * gateway at -Xmx16m printed three OutOfMemoryError traces (the policy watcher, a timer, main), and at -Xmx40m under
 * large stalled calls, 60 lines of traces from the request handler and Jetty's thread pool before that line.
 * Installed only by the {@code vouch-server} command: a gateway embedded with {@link GatewayBuilder} leaves its
 * application's handling as it is.
 */
final class OutOfHeap {
    private static volatile OutOfHeap installed;

    private final AtomicBoolean exiting = new AtomicBoolean();
    private final byte[] line;
    private final FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
    /**
     * Standard error from the line on: nothing. The JVM exits through the shutdown hook, while request threads still
     * run into the full heap inside Jetty, which logged its own traces (Response.writeError, ManagedSelector) after
     * the line on a loaded machine. Made now, as the line is.
     */
    private final PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
    private final Thread exit = new Thread(() -> System.exit(1), "vouch-gateway-exit"); // not one the hook waits for
    /**
     * Ends the process if the exit has not within {@link #EXIT_DEADLINE_MILLIS}: the shutdown hook seals the journal
     * where the heap allows, and must not hold the process for ever where it does not. An outside trial's gateway
     * printed the line and then hung for ten minutes (its ledger stuck after a producer ran out of heap mid-claim, a
     * bug since fixed): no supervisor restarted it, since it never exited. Made now, as the line is; a daemon, so
     * that it never holds a JVM that exits in time.
     */
    private final Thread deadline;
    /** The drain (10 s) and the ledger's close, with room to spare. */
    static final long EXIT_DEADLINE_MILLIS = 30_000;

    private OutOfHeap(String me, long deadlineMillis) {
        deadline = new Thread(() -> {
            try {
                Thread.sleep(deadlineMillis);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(1);
        }, "vouch-gateway-exit-deadline");
        deadline.setDaemon(true);
        // Made now: with the heap full, the exit must allocate as little as it can (a first cut built its message
        // then, and on JDK 25 that threw a second OutOfMemoryError). The line's bytes are written to file
        // descriptor 2 straight, since a PrintStream encodes into new buffers.
        line = (me + ": out of memory: " + GatewayOptions.tooSmall() + "; exiting with status 1"
                + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Makes any thread of this process that runs out of heap end it, as the class comment says; other uncaught
     * exceptions are printed as before.
     */
    static void exitOnOutOfMemory(String me) {
        exitOnOutOfMemory(me, EXIT_DEADLINE_MILLIS);
    }

    /** As above, the process halted {@code deadlineMillis} after the line if it has not exited (tests shorten it). */
    static void exitOnOutOfMemory(String me, long deadlineMillis) {
        OutOfHeap oom = new OutOfHeap(me, deadlineMillis);
        installed = oom;
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof OutOfMemoryError) {
                oom.exit();
            } else if (before != null) {
                before.uncaughtException(t, e);
            } else {
                System.err.print("Exception in thread \"" + t.getName() + "\" ");
                e.printStackTrace();
            }
        });
    }

    /**
     * For code that catches what a request throws (the request handler, Jetty's thread pool): true if the process is
     * exiting because of {@code e}, which the caller then neither logs nor answers; false in an embedded gateway.
     */
    static boolean exiting(OutOfMemoryError e) {
        OutOfHeap oom = installed;
        if (oom == null) {
            return false;
        }
        oom.exit();
        return true;
    }

    private void exit() {
        if (!exiting.compareAndSet(false, true)) {
            return;
        }
        try {
            stderr.write(line);
        } catch (IOException ignored) {
            // standard error is gone: the exit status still says it
        }
        System.setErr(silent); // slf4j-simple looks System.err up at each line
        try {
            deadline.start();
        } catch (Throwable cannot) {
            // the exit below still runs; only its bound is lost
        }
        try {
            exit.start();
        } catch (Throwable cannot) {
            System.exit(1); // from this thread, then
        }
    }
}
