package dev.vouch.ledger.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the disk blocks under the journal's next writes allocated, so that a full disk stops the ledger with an
 * error where it happens instead of a fault in a memory-mapped write.
 *
 * <p>Chronicle writes through memory-mapped files that it grows as sparse files. A write to a page the file system
 * cannot back does not fail where it happens: the kernel raises SIGBUS, the JVM skips the write and raises an
 * {@code InternalError} at some later safepoint (on JDK 17, possibly after more records were written and their
 * document committed with zeros where the skipped bytes belong). Reserving the blocks ahead with
 * {@code fallocate(FALLOC_FL_KEEP_SIZE)} turns a full disk into an ordinary error before any byte is written
 * into space that does not exist. It changes neither the file's content nor its size. One per journal; used by
 * the thread that appends.
 */
final class SpaceReservation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");

    /** Reserved at a time: on ext4 or XFS a few microseconds; tmpfs zeroes the pages (~1 ms). */
    static final long STEP = 8 << 20;
    /**
     * Always reserved beyond the end of the record being written: the rest of its document and what Chronicle
     * writes between two of our writes (a document header, a new index array of 64 KiB).
     */
    static final long HEADROOM = 1 << 20;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;
    /** Released in whole blocks of this size (a hole is punched in whole file-system blocks). */
    private static final long BLOCK = 4096;
    private static final int O_RDWR = 2;
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;

    /**
     * The usual cause where the JVM flags are right: JNR unpacks its native stub into {@code java.io.tmpdir} (else a
     * {@code tmp} directory it creates in the working directory). An outside trial's read-only container without a
     * writable /tmp read only "no native access", and looked for a missing flag.
     */
    private static final String TMPDIR_HINT = ": JNR could not load its native library, which it unpacks into"
            + " java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ") and loads from there, or from the"
            + " working directory when java.io.tmpdir is mounted noexec; make java.io.tmpdir a writable directory on a"
            + " file system mounted with exec (container runtimes mount a tmpfs noexec unless told: /tmp:exec), or"
            + " set -Djava.io.tmpdir to one";

    private final PosixAPI posix;
    private File file;
    private int fd = -1;
    private long reservedUpTo;
    /**
     * The furthest end of a write reserved for in {@link #file}. Exact when the file is left at a roll: the journal
     * reserves for its next document's header in the old file (ending where its last write ended) before Chronicle
     * rolls; at {@link #close(long)} the journal says where its last write ended.
     */
    private long writtenUpTo;
    private boolean unsupported;

    SpaceReservation() {
        PosixAPI p = null;
        try {
            p = PosixAPI.posix();
        } catch (RuntimeException | LinkageError e) {
            unsupported("no native access (" + e + ")" + TMPDIR_HINT);
        }
        if (p != null && p.getClass().getSimpleName().startsWith("NoOp")) {
            unsupported("no native access" + TMPDIR_HINT);
            p = null;
        }
        this.posix = p;
    }

    /**
     * Makes sure the blocks of {@code file} from {@code position} to {@code end + HEADROOM} are allocated.
     *
     * @throws UncheckedIOException if the device has no space for them (the ledger then stops before writing there)
     */
    void reserve(File file, long position, long end) {
        if (unsupported || file == null) {
            return; // null: Chronicle named no file (it has none open), so there is nothing to reserve in
        }
        if (file != this.file && !file.equals(this.file)) {
            switchTo(file, position);
            if (unsupported) {
                return;
            }
        }
        writtenUpTo = Math.max(writtenUpTo, end);
        long need = end + HEADROOM;
        if (need <= reservedUpTo) {
            return;
        }
        long from = Math.max(reservedUpTo, position);
        long to = need + STEP;
        if (posix.fallocate(fd, FALLOC_FL_KEEP_SIZE, from, to - from) != 0) {
            int errno = posix.lastError();
            if (errno == ENOSPC || errno == EDQUOT) {
                String message = "no space left for the journal: cannot reserve " + ((to - from) >> 20)
                        + " MiB at offset " + from + " of " + file + " (" + posix.strerror(errno) + ")";
                throw new UncheckedIOException(message, new IOException(message));
            }
            if (!missingCapability(errno)) {
                // The storage refused (an outside trial's ext4 turned read-only under the writer, and EROFS here
                // read as "cannot reserve", a WARN, while calls went on being acknowledged and lost).
                throw refused(file, from, errno);
            }
            unsupported("fallocate on " + file + " failed: " + posix.strerror(errno));
            return;
        }
        reservedUpTo = to;
    }

    /** An errno of {@code fallocate} that says the file system cannot reserve, rather than that it refused. */
    private static boolean missingCapability(int errno) {
        return errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL;
    }

    private UncheckedIOException refused(File in, long at, int errno) {
        String message = "the journal's storage refused to reserve space at offset " + at + " of " + in + " ("
                + posix.strerror(errno) + "): its file system turned read-only (as ext4's errors=remount-ro does"
                + " after an I/O error) or failed";
        return new UncheckedIOException(message, new IOException(message));
    }

    /** Whether {@link #reserve} would have nothing to do for a write ending at {@code end} in the current file. */
    boolean covers(long end) {
        return unsupported || end + HEADROOM <= reservedUpTo;
    }

    private void switchTo(File next, long position) {
        release();
        closeFile();
        int opened = posix.open(next.getPath(), O_RDWR, 0);
        if (opened < 0) {
            int errno = posix.lastError();
            unsupported("cannot open " + next + " to reserve space: " + posix.strerror(errno));
            return;
        }
        fd = opened;
        file = next;
        reservedUpTo = position;
        writtenUpTo = position;
    }

    /**
     * Gives back what was reserved beyond the last write of the file being left (a day's file at the roll, the file
     * open at close), keeping {@link #HEADROOM} past that write for what Chronicle writes after it (its end-of-file
     * marker): the space is not needed there any more, and an outside trial found each day's file keeping its 9 MiB
     * reservation for ever, 3.3 GiB a year for a quiet agent. Punching a hole changes neither content (the blocks
     * were never written: they read as zeros before and after) nor size. Best effort.
     */
    private void release() {
        if (fd < 0 || unsupported) {
            return;
        }
        long from = (writtenUpTo + HEADROOM + BLOCK - 1) / BLOCK * BLOCK;
        if (from < reservedUpTo
                && posix.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, from, reservedUpTo - from) != 0) {
            LOG.debug("Could not give back the space reserved in {} beyond offset {}: {}", file, from,
                    posix.strerror(posix.lastError()));
        }
    }

    private void unsupported(String why) {
        if (!unsupported) {
            unsupported = true;
            LOG.warn("The journal cannot reserve disk space ahead of its writes ({}); if its disk fills up, the "
                    + "ledger still stops, but the last records written may be unreadable.", why);
        }
        closeFile();
    }

    private void closeFile() {
        if (fd >= 0 && posix != null) {
            posix.close(fd);
        }
        fd = -1;
        file = null;
        reservedUpTo = 0;
    }

    /** Gives back what is reserved beyond {@code writtenEnd} (where the last write in the current file ended). */
    void close(long writtenEnd) {
        writtenUpTo = Math.max(writtenUpTo, writtenEnd);
        close();
    }

    @Override
    public void close() {
        release();
        closeFile();
    }
}
