package dev.vouch.ledger.internal;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a fault in the memory-mapped journal means, in words. A write to a page the file system cannot back raises
 * SIGBUS, which the JVM turns into {@code InternalError: a fault occurred in a recent unsafe memory access operation};
 * an outside trial's operators read only that, for a full disk on a file system without {@code fallocate} and for an
 * XFS that shut down, while the docs told them to look for "no space left". The ledger's failure is the
 * {@link MappedFileFault} instead, so every line and refusal that names it (the gateway's, the close's) says it.
 */
final class JournalFaults {
    private JournalFaults() {
    }

    /** A fault writing the memory-mapped journal; its cause is the JVM's {@code InternalError}. */
    static final class MappedFileFault extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        MappedFileFault(Throwable fault) {
            super("a write to the journal's memory-mapped file faulted (SIGBUS): its disk is full and its file system"
                    + " cannot reserve space ahead (no fallocate), or its storage failed", new IOException(fault));
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** {@code t}, or the {@link MappedFileFault} it is. */
    static Throwable explained(Throwable t) {
        return raw(t) ? new MappedFileFault(t) : t;
    }

    /** Whether {@code t} is a fault writing the mapped journal, explained or not. */
    static boolean isFault(Throwable t) {
        return t instanceof MappedFileFault || raw(t);
    }

    /** {@code t} described for a log line or a refusal. */
    static String describe(Throwable t) {
        return explained(t).toString();
    }

    private static boolean raw(Throwable t) {
        return t instanceof InternalError && String.valueOf(t.getMessage()).contains("unsafe memory access");
    }
}
