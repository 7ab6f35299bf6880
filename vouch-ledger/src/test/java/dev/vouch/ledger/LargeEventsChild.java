package dev.vouch.ledger;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import java.nio.file.Path;

/**
 * Records large events one at a time, then small ones, in a child JVM that {@link SlotMemoryTest} starts, and says how
 * much heap stays in use after a full collection. Never run by JUnit itself.
 *
 * <p>{@code DIR KEYFILE COUNT BYTES}: {@code COUNT} write-ahead events with {@code BYTES} of parameters each, then
 * 5,000 small ones; prints {@code HEAP-AFTER-LARGE <bytes>} and {@code HEAP-AFTER-SMALL <bytes>} (heap in use after
 * {@code System.gc()}, with the ledger still open), then {@code DONE} after closing it.
 */
public final class LargeEventsChild {
    private LargeEventsChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[2]);
        String params = "{\"pad\":\"" + "x".repeat(Integer.parseInt(args[3])) + "\"}";
        try (Ledger ledger = Ledger.builder(dir).keyFile(Path.of(args[1])).shutdownHook(false).open()) {
            Event e = new Event();
            for (int i = 0; i < count; i++) {
                ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).name("big").params(params),
                        Durability.JOURNALED);
            }
            System.out.println("HEAP-AFTER-LARGE " + heapInUse());
            for (int i = 0; i < 5_000; i++) {
                ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).name("small").params("{}"),
                        Durability.JOURNALED);
            }
            System.out.println("HEAP-AFTER-SMALL " + heapInUse());
        }
        System.out.println("DONE");
    }

    private static long heapInUse() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return r.totalMemory() - r.freeMemory();
    }
}
