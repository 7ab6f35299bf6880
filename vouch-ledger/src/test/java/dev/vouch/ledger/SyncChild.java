package dev.vouch.ledger;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A writer in a child JVM for {@link SyncToDiskTest}, run under strace: prints a marker line before and after each
 * step that promises the journal is on the device, so the trace shows which system calls each step made.
 * {@code write DIR KEYFILE}: a SYNCED write, a key rotation and a close; {@code halt DIR KEYFILE}: journaled writes,
 * then halts without closing; {@code reopen DIR KEYFILE}: opens (recovering the halted journal) and closes.
 */
public final class SyncChild {
    private SyncChild() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        Path dir = Path.of(args[1]);
        Path keyFile = Path.of(args[2]);
        mark(out, "OPEN");
        Ledger ledger = Ledger.builder(dir).keyFile(keyFile).origin("test.vouch.dev/sync").shutdownHook(false).open();
        mark(out, "OPENED");
        Event e = new Event();
        switch (args[0]) {
            case "write" -> {
                for (int i = 0; i < 100; i++) {
                    ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).agent("a").name("t").params("{}"));
                }
                mark(out, "SYNCED");
                ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).agent("a").name("t").params("{}"), Durability.SYNCED);
                mark(out, "SYNCED-DONE");
                mark(out, "ROTATE");
                ledger.rotateKey();
                mark(out, "ROTATE-DONE");
                mark(out, "CLOSE");
                ledger.close();
                mark(out, "CLOSE-DONE");
            }
            case "halt" -> {
                for (int i = 0; i < 100; i++) {
                    ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).agent("a").name("t").params("{}"));
                }
                out.flush();
                Runtime.getRuntime().halt(0);
            }
            default -> ledger.close();
        }
    }

    private static void mark(PrintStream out, String what) {
        out.println("MARK " + what);
        out.flush();
    }
}
