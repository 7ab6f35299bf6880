package dev.vouch.ledger;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.LedgerClosedException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A writer whose ext4 file system turns read-only under it, in a child JVM that {@link StorageFailureTest} starts
 * in its own mount namespace with the file system mounted at {@code MOUNT}. Never run by JUnit itself.
 *
 * <p>{@code MOUNT KEYFILE}: makes write-ahead calls of 1 KiB, about 2,000 a second, printing {@code DURABLE seq} for
 * each, until the ledger fails; prints {@code FAILED message}, then waits for its standard input to close.
 */
public final class ReadOnlyStorageChild {
    private ReadOnlyStorageChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Ledger ledger = Ledger.builder(Path.of(args[0]).resolve("journal")).keyFile(Path.of(args[1]))
                .shutdownHook(false).open();
        String params = "{\"fill\":\"" + "x".repeat(1024) + "\"}";
        Event e = new Event();
        try {
            while (true) {
                long seq = ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).name("durable").params(params));
                out.println("DURABLE " + seq);
                Thread.sleep(0, 500_000);
            }
        } catch (LedgerClosedException failed) {
            out.println("FAILED " + failed.getMessage());
        }
        try {
            ledger.close();
        } catch (LedgerClosedException expected) {
            // it had failed
        }
        out.println("DONE");
        out.flush();
        System.in.read(); // the test reads what it needs, then ends us (and the mount with us)
    }
}
