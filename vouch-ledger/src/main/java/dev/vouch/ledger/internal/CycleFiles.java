package dev.vouch.ledger.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one place that knows how a journal directory holds its storage: one Chronicle Queue cycle file per UTC day,
 * named {@code yyyyMMdd} and a roll-cycle letter ({@code 20261205L.cq4}; {@code F} for journals written before
 * 0.1.0), beside Chronicle's {@code metadata.cq4t} table store, which Vouch's reader never needs.
 *
 * <p>The reader finds the cycle files itself, in name order (the names sort by day), rather than asking the table
 * store: a deleted or damaged table store must not change what is read.
 */
public final class CycleFiles {
    /** Every Chronicle data file ends so; cycle files are the ones whose name is also a day. */
    static final String SUFFIX = ".cq4";
    /** Chronicle's table store ({@code metadata.cq4t}), which the reader never needs. */
    static final String TABLE_STORE_SUFFIX = ".cq4t";
    /** The table store's name as Chronicle Queue writes it. */
    static final String TABLE_STORE_NAME = "metadata" + TABLE_STORE_SUFFIX;
    private static final Pattern CYCLE_NAME = Pattern.compile("\\d{8}[A-Z]?\\.cq4");

    private CycleFiles() {
    }

    /** The journal's listing: its cycle files by day, and other {@code .cq4} files that are not part of it. */
    public record Listing(List<Path> cycles, List<Path> strays) {
        public boolean isEmpty() {
            return cycles.isEmpty() && strays.isEmpty();
        }
    }

    /** The last cycle file if its data ends with Chronicle's end-of-cycle marker (JournalReader.lastFileRolledOver). */
    public static Path lastRolledOver(Path dir) throws IOException {
        List<Path> cycles = list(dir).cycles();
        if (cycles.isEmpty()) {
            return null;
        }
        Path last = cycles.get(cycles.size() - 1);
        return CycleFileReader.endsWithEndOfCycle(last) ? last : null;
    }

    /** Lists {@code dir}'s {@code .cq4} files. */
    public static Listing list(Path dir) throws IOException {
        List<Path> cycles = new ArrayList<>();
        List<Path> strays = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                // Only a regular file (or a link to one) is read: an outside trial's FIFO named like a day file hung
                // vouch verify, --all and status at its open, so a nightly check never reported.
                (CYCLE_NAME.matcher(name).matches() && Files.isRegularFile(f) ? cycles : strays).add(f);
            }
        }
        // yyyyMMdd first: a day's file sorts before the next day's whatever its roll-cycle letter.
        cycles.sort(Comparator.comparing(p -> p.getFileName().toString()));
        strays.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return new Listing(List.copyOf(cycles), List.copyOf(strays));
    }

    /**
     * The files a journal's writer leaves beside its cycle files that {@code dir} holds (Chronicle's table store,
     * Vouch's writer lock), by name: in a directory without cycle files, the trace of a journal whose day files were
     * removed or moved.
     */
    public static List<String> writerTraces(Path dir) {
        List<String> found = new ArrayList<>();
        for (String name : List.of(TABLE_STORE_NAME, WriterLock.FILE_NAME)) {
            if (Files.exists(dir.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                found.add(name);
            }
        }
        return found;
    }

    /** Whether {@code dir} holds any {@code .cq4} file: what makes a directory a journal rather than a new one. */
    public static boolean any(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(SUFFIX));
        }
    }

    /**
     * The day of the newest cycle file that Chronicle's table store records having created, if {@code dir} holds no
     * cycle file of that day or later: journal files were deleted or moved. Null if none is missing, or the table
     * store does not say. (The reader never needs the table store; this is only a check that nothing was taken away
     * before a writer appends, or starts a journal afresh, in the directory.)
     */
    public static java.time.LocalDate missingNewestCycle(Path dir, Listing listing) throws IOException {
        Path tableStore = dir.resolve(TABLE_STORE_NAME);
        if (!Files.isRegularFile(tableStore)) {
            return null;
        }
        long cycle = CycleFileReader.tableStoreHighestCycle(tableStore);
        if (cycle < 0) {
            return null;
        }
        java.time.LocalDate recorded = java.time.LocalDate.ofEpochDay(cycle);
        List<Path> cycles = listing.cycles();
        String newest = cycles.isEmpty() ? "" : cycles.get(cycles.size() - 1).getFileName().toString().substring(0, 8);
        return newest.compareTo(java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(recorded)) < 0 ? recorded : null;
    }

    /**
     * Why the writer cannot open a journal directory holding these files, or null if it can: {@code .cq4} files
     * beside the journal's own that are no cycle files (a backup copy), or cycle files of more than one roll cycle,
     * which one journal never has (a copy named {@code 20261206.cq4} beside {@code 20261206L.cq4}). Chronicle Queue
     * cannot open the directory with either; readers skip the first and take the second for a day of the journal.
     */
    public static String whyWriterCannotOpen(Listing listing) {
        String mixed = mixedRollCycles(listing);
        if (mixed != null) {
            return mixed;
        }
        if (!listing.strays().isEmpty()) {
            return "holds .cq4 files that are not journal cycle files (named yyyyMMdd[L].cq4), which the journal's"
                    + " storage cannot open beside its own: " + names(listing.strays())
                    + "; move them out of the directory (readers such as vouch verify skip them)";
        }
        return null;
    }

    /**
     * Why the cycle files cannot all be one journal's, or null: they are of more than one roll cycle (a copy such as
     * {@code 20261206.cq4} beside {@code 20261206L.cq4}), which one journal never has. Readers refuse it too: an
     * outside trial's copied day file made vouch verify read every record twice and call a sound journal TAMPERED.
     */
    public static String mixedRollCycles(Listing listing) {
        java.util.Set<String> rollLetters = new java.util.TreeSet<>();
        for (Path f : listing.cycles()) {
            String name = f.getFileName().toString();
            rollLetters.add(name.length() > 8 + SUFFIX.length() ? name.substring(8, 9) : "");
        }
        if (rollLetters.size() > 1) {
            return "holds cycle files of more than one roll cycle, which one journal never has: " + names(listing.cycles())
                    + "; move the copies out of the directory (the journal's own files all end in the same letter)";
        }
        return null;
    }

    private static String names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** Whether Chronicle's table store is in {@code dir}. */
    public static boolean hasTableStore(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(TABLE_STORE_SUFFIX));
        }
    }

    /** Bytes in {@code dir}'s cycle files, or -1 if they cannot be listed. */
    public static long size(Path dir) {
        try {
            long bytes = 0;
            for (Path f : list(dir).cycles()) {
                bytes += Files.size(f);
            }
            return bytes;
        } catch (IOException e) {
            return -1;
        }
    }
}
