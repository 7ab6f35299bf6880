package dev.vouch.ledger;

import dev.vouch.VouchException;
import java.nio.file.Path;

/** Opens a ledger in a child JVM started with or without Chronicle's flags ({@link JvmFlagsTest}); never run by JUnit. */
public final class PreflightChild {
    private PreflightChild() {
    }

    public static void main(String[] args) {
        try (Ledger ledger = Ledger.builder(Path.of(args[0])).keyFile(Path.of(args[1])).shutdownHook(false).open()) {
            System.out.println("OPENED " + ledger.origin());
        } catch (VouchException e) {
            System.out.println("REFUSED " + e.getMessage());
            System.exit(3);
        }
        // What a closed ledger leaves running (only JDK threads should remain).
        StringBuilder threads = new StringBuilder("THREADS");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !t.isDaemon() && t != Thread.currentThread() || t.getName().contains("releaser")
                    || t.getName().startsWith("vouch") || t.getName().toLowerCase(java.util.Locale.ROOT).contains("chronicle")) {
                threads.append(' ').append(t.getName());
            }
        }
        System.out.println(threads);
    }
}
