package dev.vouch.ledger.internal;

/**
 * What a fault in the memory-mapped journal means, in words. A write to a page the file system cannot back raises
 * SIGBUS, which the JVM turns into {@code InternalError: a fault occurred in a recent unsafe memory access operation};
 * an outside trial's operators read only that, for a full disk on a file system without {@code fallocate} and for an
 * XFS that shut down, while the docs told them to look for "no space left".
 */
final class JournalFaults {
    private JournalFaults() {
    }

    /** {@code t} described for a log line or a refusal: a mapped-file fault in words, anything else as it is. */
    static String describe(Throwable t) {
        if (t instanceof InternalError && String.valueOf(t.getMessage()).contains("unsafe memory access")) {
            return "a write to the journal's memory-mapped file faulted (SIGBUS): its disk is full and its file system"
                    + " cannot reserve space ahead (no fallocate), or its storage failed (" + t + ")";
        }
        return t.toString();
    }
}
