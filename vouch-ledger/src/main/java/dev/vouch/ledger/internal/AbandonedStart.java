package dev.vouch.ledger.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
final class AbandonedStart {
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
            return CycleFiles.hasTableStore(dir);
        }
        for (Path f : listing.cycles()) {
            if (!CycleFileReader.neverWritten(f)) {
                return false;
            }
        }
        return true;
    }

    /**
     * If the last of several cycle files of {@code dir} never held a record (a writer killed while Chronicle created
     * the next day's file: an outside trial's kill -9 just after midnight left one whose header was never completed,
     * and every start after it refused the journal), moves it into a new subdirectory and returns it there; else
     * null. Nothing was ever acknowledged from such a file.
     */
    public static Path moveAsideUnfinishedLastFile(Path dir) throws IOException {
        List<Path> cycles = CycleFiles.list(dir).cycles();
        if (cycles.size() < 2) {
            return null; // one such file alone is an abandoned start (isAbandoned)
        }
        Path last = cycles.get(cycles.size() - 1);
        if (!CycleFileReader.neverWritten(last)) {
            return null;
        }
        String name = "abandoned-day-" + STAMP.format(Instant.now());
        Path aside = dir.resolve(name);
        for (int i = 2; Files.exists(aside); i++) {
            aside = dir.resolve(name + "-" + i);
        }
        JournalModes.createDirectories(aside);
        return Files.move(last, aside.resolve(last.getFileName()), StandardCopyOption.ATOMIC_MOVE);
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
        // As private as the journal directory it sits in (an outside trial found these 0755 inside a 0750 one).
        JournalModes.createDirectories(aside);
        List<Path> moved = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> {
                String n = f.getFileName().toString();
                return (n.endsWith(CycleFiles.SUFFIX) || n.endsWith(CycleFiles.TABLE_STORE_SUFFIX))
                        && Files.isRegularFile(f);
            }).forEach(moved::add);
        }
        for (Path f : moved) {
            Files.move(f, aside.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        return aside.getFileName().toString();
    }
}
