package dev.vouch.ledger.internal;

import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.StorageDamageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A journal directory left by a writer that died while creating it: Chronicle had created its files, but no
 * record was ever written (a SIGKILL in the first milliseconds). Nothing was ever acknowledged from such a journal,
 * so the ledger may start it afresh; the files are kept, moved into a subdirectory as evidence.
 *
 * <p>Only files that provably never held a record qualify: empty or all-zero files, or a Chronicle header (complete
 * or not) with nothing written after it. A file that is merely damaged, however badly, holds content and does not
 * qualify: the ledger then refuses it as corrupt.
 */
public final class AbandonedStart {
    /** A creation leaves at most Chronicle's first block; anything larger held data. */
    private static final long MAX_ABANDONED_FILE = 1L << 30;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private AbandonedStart() {
    }

    /**
     * Whether every cycle file of {@code dir} is one that no record was ever written to, or there is none but
     * Chronicle's table store is there (a writer killed while Chronicle created it leaves it half-written, and
     * Chronicle then waits on it and gives up).
     */
    public static boolean isAbandoned(Path dir) throws IOException {
        CycleFiles.Listing listing = CycleFiles.list(dir);
        if (!listing.strays().isEmpty()) {
            return false;
        }
        if (listing.cycles().isEmpty()) {
            return hasTableStore(dir);
        }
        for (Path f : listing.cycles()) {
            if (!neverWritten(f)) {
                return false;
            }
        }
        return true;
    }

    /** Whether Chronicle's table store ({@code *.cq4t}) is in {@code dir}. */
    public static boolean hasTableStore(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".cq4t"));
        }
    }

    private static boolean neverWritten(Path file) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return true;
        }
        if (size > MAX_ABANDONED_FILE) {
            return false;
        }
        int header = firstInt(file);
        if (header == 0 || (header & CycleFileReader.NOT_COMPLETE) != 0) {
            // Nothing, or a header being written: nothing may follow the space a header can take.
            return zeroFrom(file, header == 0 ? 0 : 4L + CycleFileReader.MAX_HEADER);
        }
        try (CycleFileReader reader = CycleFileReader.open(file)) {
            return !reader.recordsWritten() && !reader.next(new RecordBuffer(256));
        } catch (StorageDamageException e) {
            return false;
        }
    }

    /**
     * Moves the abandoned files of {@code dir} (its {@code .cq4} files and Chronicle's table store) into a new
     * subdirectory and returns its name.
     */
    public static String moveAside(Path dir) throws IOException {
        String name = "abandoned-start-" + STAMP.format(Instant.now());
        Path aside = dir.resolve(name);
        for (int i = 2; Files.exists(aside); i++) {
            aside = dir.resolve(name + "-" + i);
        }
        Files.createDirectory(aside);
        List<Path> moved = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> {
                String n = f.getFileName().toString();
                return (n.endsWith(CycleFiles.SUFFIX) || n.endsWith(".cq4t")) && Files.isRegularFile(f);
            }).forEach(moved::add);
        }
        for (Path f : moved) {
            Files.move(f, aside.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        return aside.getFileName().toString();
    }

    private static int firstInt(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // read on
            }
        }
        return b.remaining() == 0 ? b.getInt(0) : 0;
    }

    private static boolean zeroFrom(Path file, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long p = offset;
            while (true) {
                b.clear();
                int n = ch.read(b, p);
                if (n <= 0) {
                    return true;
                }
                for (int i = 0; i < n; i++) {
                    if (b.get(i) != 0) {
                        return false;
                    }
                }
                p += n;
            }
        }
    }
}
