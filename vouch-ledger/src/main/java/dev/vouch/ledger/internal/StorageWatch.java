package dev.vouch.ledger.internal;

import java.util.concurrent.TimeUnit;

/**
 * Whether the journal's storage still takes writes, asked at most ten times a second by the thread that appends.
 * Records reach the journal through memory-mapped pages: when the file system turns read-only under the writer (ext4
 * mounted {@code errors=remount-ro}, the common default, after an I/O error), every write still lands in memory and
 * nothing fails until the next disk reservation, 8 MiB later, or never without {@code fallocate}. An outside trial's
 * gateway went on acknowledging calls for 40 s, health "ok", and all 11,167 of them were gone after the remount. The
 * mount table still says {@code rw} then (with {@code emergency_ro}) and so does {@code access(2)}: only a write
 * tells, so one byte is written to the writer's lock file ({@link WriterLock#probe}, a microsecond or two).
 */
final class StorageWatch {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final WriterLock lock;
    private long lastCheck;

    StorageWatch(WriterLock lock, long now) {
        this.lock = lock;
        this.lastCheck = now;
    }

    /**
     * @throws java.io.UncheckedIOException if the journal's storage refused a write (checked once {@code now} is
     *     100 ms past the last check)
     */
    void check(long now) {
        if (now - lastCheck < INTERVAL_NANOS) {
            return;
        }
        lastCheck = now;
        lock.probe();
    }
}
