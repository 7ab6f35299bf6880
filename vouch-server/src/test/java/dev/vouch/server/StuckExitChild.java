package dev.vouch.server;

/**
 * A process whose shutdown never ends (a hook that waits for ever, as the gateway's did for a stuck ledger) runs out
 * of heap; {@link OutOfHeapDeadlineTest} expects it to end all the same. Never run by JUnit itself.
 */
public final class StuckExitChild {
    private StuckExitChild() {
    }

    public static void main(String[] args) throws Exception {
        OutOfHeap.exitOnOutOfMemory("stuck-exit", Long.parseLong(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stuck-hook"));
        System.out.println("READY");
        Thread t = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space (test)");
        }, "runs-out");
        t.start();
        t.join();
        Thread.sleep(Long.MAX_VALUE);
    }
}
