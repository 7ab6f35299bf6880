package dev.vouch.ledger;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.LedgerClosedException;
import dev.vouch.RecorderStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A writer on a file system that fills up, in a child JVM that {@link DiskFullTest} starts in its own mount
 * namespace with a small tmpfs mounted at {@code MOUNT} (the mount ends with the child, so the child copies the
 * journal out at each step). Never run by JUnit itself.
 *
 * <p>{@code MOUNT KEYFILE OUT CONSUMER_THREADS}: two threads {@code record} 2 KiB events and the main thread makes
 * write-ahead calls, printing {@code DURABLE seq} for each, until the ledger fails; prints {@code FAILED message}
 * and, after close, {@code STATS accepted journaled lost dropped}; copies the journal to {@code OUT/failed}; tries
 * to reopen it on the full disk ({@code REOPEN-FULL message}) and copies it to {@code OUT/reopen-full}; grows the
 * tmpfs (or, given {@code FILLER}, deletes that file to free space); reopens it, makes 100 write-ahead calls and
 * closes ({@code RECOVERED last-seq}); copies it to {@code OUT/recovered}; prints {@code DONE}.
 */
public final class DiskFullChild {
    private DiskFullChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path mount = Path.of(args[0]);
        Path keyFile = Path.of(args[1]);
        Path copies = Path.of(args[2]);
        int consumerThreads = Integer.parseInt(args[3]);
        Path dir = mount.resolve("journal");

        Ledger ledger = Ledger.builder(dir).keyFile(keyFile).consumerThreads(consumerThreads).shutdownHook(false).open();
        String params = "{\"fill\":\"" + "x".repeat(2048) + "\"}";
        Thread[] producers = new Thread[2];
        for (int t = 0; t < producers.length; t++) {
            producers[t] = new Thread(() -> {
                Event e = new Event();
                try {
                    while (true) {
                        ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("fill").params(params));
                    }
                } catch (LedgerClosedException expected) {
                    // the disk is full
                }
            });
            producers[t].start();
        }
        Event e = new Event();
        try {
            while (true) {
                long seq = ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).name("durable").params(params));
                out.println("DURABLE " + seq);
            }
        } catch (LedgerClosedException failed) {
            out.println("FAILED " + failed.getMessage());
        }
        for (Thread p : producers) {
            p.join();
        }
        try {
            ledger.close();
        } catch (LedgerClosedException expected) {
            // it had failed
        }
        RecorderStats s = ledger.stats();
        out.println("STATS " + s.accepted() + " " + s.journaled() + " " + s.lost() + " " + s.dropped());
        copy(dir, copies.resolve("failed"));

        Path rest = mount.resolve("filler-rest");
        if (args.length > 4) {
            // Without fallocate the failed write leaves whatever it had not reached free: take that too, so that the
            // reopen meets a disk with no block left, as the outside trial's restart did.
            try (java.io.OutputStream o = Files.newOutputStream(rest)) {
                byte[] zeros = new byte[1 << 16];
                while (true) {
                    o.write(zeros);
                    o.flush();
                }
            } catch (IOException full) {
                // no space left
            }
        }
        try (Ledger again = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            out.println("REOPEN-FULL opened " + again.stats());
        } catch (RuntimeException refused) {
            out.println("REOPEN-FULL " + refused);
        }
        copy(dir, copies.resolve("reopen-full"));

        if (args.length > 4) {
            Files.delete(Path.of(args[4])); // a file system that cannot grow: room made the way an operator makes it
            Files.delete(rest);
        } else {
            Process remount = new ProcessBuilder("mount", "-o", "remount,size=256m", mount.toString()).inheritIO()
                    .start();
            if (remount.waitFor() != 0) {
                throw new IllegalStateException("remount failed: " + remount.exitValue());
            }
        }
        long last = -1;
        try (Ledger recovered = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            for (int i = 0; i < 100; i++) {
                last = recovered.recordDurably(e.reset().kind(EventKind.NOTE).name("after").params("{\"i\":" + i + "}"));
            }
        }
        out.println("RECOVERED " + last);
        copy(dir, copies.resolve("recovered"));
        out.println("DONE");
        out.flush();
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
