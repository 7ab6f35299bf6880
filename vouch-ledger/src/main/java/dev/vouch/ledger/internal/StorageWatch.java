package dev.vouch.ledger.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether the journal's storage still takes writes, asked at most ten times a second by the thread that appends.
 * Records reach the journal through memory-mapped pages: when the file system turns read-only under the writer (ext4
 * mounted {@code errors=remount-ro}, the common default, after an I/O error), every write still lands in memory and
 * nothing fails until the next disk reservation, 8 MiB later. An outside trial's gateway went on acknowledging calls
 * for 40 s, health "ok", and all 11,167 of them were gone after the remount. The mount table still says {@code rw}
 * then (with {@code emergency_ro}) and so does {@code access(2)}: only ext4 itself answers, so the question is put to
 * it as a reservation of a block already reserved ({@link SpaceReservation#probe}, a few microseconds); without
 * {@code fallocate}, {@code access(W_OK)} on the directory still catches a file system remounted read-only.
 */
final class StorageWatch {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path directory;
    private final SpaceReservation space;
    private long lastCheck;

    StorageWatch(Path directory, SpaceReservation space, long now) {
        this.directory = directory;
        this.space = space;
        this.lastCheck = now;
    }

    /**
     * @throws UncheckedIOException if the journal's directory no longer takes writes (checked once {@code now} is
     *     100 ms past the last check)
     */
    void check(long now) {
        if (now - lastCheck < INTERVAL_NANOS) {
            return;
        }
        lastCheck = now;
        if (!space.probe() && !Files.isWritable(directory)) {
            String message = "the journal's directory " + directory + " no longer takes writes: its file system"
                    + " turned read-only under the writer (as ext4's errors=remount-ro does after an I/O error), or its"
                    + " permissions changed; the records of the last moments may not have reached the disk";
            throw new UncheckedIOException(message, new IOException(message));
        }
    }
}
