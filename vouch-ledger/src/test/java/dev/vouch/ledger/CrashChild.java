package dev.vouch.ledger;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A writer in a child JVM, for crash tests (started by {@link ChildJvm}; never run by JUnit itself).
 *
 * <ul>
 *   <li>{@code load DIR KEYFILE TAG}: two threads call {@code record} in a tight loop while the main thread
 *       calls {@code recordDurably} and prints {@code DURABLE seq} / {@code SEALED seq} once each returns;
 *       prints {@code READY} after some thousands of journaled events; runs until killed (at most 60 s).</li>
 *   <li>{@code halt DIR KEYFILE TAG N}: records N events and one durable event, then halts the JVM without
 *       closing the ledger, leaving an unsealed journal.</li>
 *   <li>{@code term DIR KEYFILE TAG}: as {@code load}, with the ledger's shutdown hook installed.</li>
 *   <li>{@code early DIR KEYFILE TAG}: prints {@code OPENING} right before opening the ledger and {@code OPENED}
 *       once it is open, then as {@code load}: for a parent that kills it while the journal is being created.</li>
 * </ul>
 */
public final class CrashChild {
    static final int READY_AFTER = 20_000;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        String mode = args[0];
        Path dir = Path.of(args[1]);
        Path keyFile = Path.of(args[2]);
        String tag = args[3];
        if (mode.equals("early")) {
            out.println("OPENING");
            out.flush();
        }
        // "term" runs the load with the shutdown hook on, for a parent that stops it with SIGTERM.
        Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(mode.equals("term")).open();
        if (mode.equals("early")) {
            out.println("OPENED");
            out.flush();
        }
        if (mode.equals("halt")) {
            int n = Integer.parseInt(args[4]);
            Event e = new Event();
            for (int i = 0; i < n; i++) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("halt").params(tag + "-" + i));
            }
            out.println("DURABLE " + ledger.recordDurably(e.reset().name("halt-durable").params(tag + "-durable")));
            out.flush();
            Runtime.getRuntime().halt(3);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int t = 0; t < 2; t++) {
            int thread = t;
            Thread producer = new Thread(() -> {
                Event e = new Event();
                for (long i = 0; ; i++) {
                    ledger.record(e.reset().kind(EventKind.TOOL_CALL).agent("child").name("load")
                            .params(tag + "-t" + thread + "-" + i));
                }
            }, "producer-" + t);
            producer.setDaemon(true);
            producer.start();
        }
        Event e = new Event();
        boolean ready = false;
        for (long i = 0; System.nanoTime() < deadline; i++) {
            boolean sealed = i % 10 == 0;
            e.reset().kind(EventKind.NOTE).agent("child").name("durable").params(tag + "-d-" + i);
            long seq = ledger.recordDurably(e, sealed ? Durability.SEALED : Durability.JOURNALED);
            out.println((sealed ? "SEALED " : "DURABLE ") + seq);
            if (!ready && ledger.stats().journaled() >= READY_AFTER) {
                ready = true;
                out.println("READY");
            }
            out.flush();
        }
        Runtime.getRuntime().halt(4); // the parent should have killed us long before
    }
}
