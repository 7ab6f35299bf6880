package dev.vouch.bench;

import dev.vouch.Event;
import dev.vouch.RecorderStats;
import dev.vouch.ledger.SigningMode;
import dev.vouch.internal.VouchVersion;
import dev.vouch.crypto.KeyFile;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.ledger.Ledger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A journal of {@code events} 256-byte tool calls, written once by the real {@link Ledger} ({@code CHECKPOINT}
 * signing, as {@link RecordThroughputBenchmark} records them) and kept on disk for later runs: 20 M events take
 * most of a minute to write, the benchmarks that need them take seconds. Never written to after it is built:
 * readers open it read-only, writers work on a {@link #copyTo copy}.
 *
 * <p>Layout: {@code ${java.io.tmpdir}/vouch-bench-cache/journal-f<format>-<events>/} holding {@code journal/}, the
 * key file {@code .vouch_key} (0600, created by the ledger), {@code pubkey.pem} (the trust anchor) and
 * {@code COMPLETE}. A cache is used only if {@code COMPLETE} describes exactly what would be built now; anything
 * else is deleted and rebuilt. It is built in a {@code .partial-<pid>} directory, {@code COMPLETE} is written after
 * the ledger closed cleanly, and only then is the directory renamed into place, so an interrupted build never
 * carries the final name; partial directories of dead processes are deleted on the next build.
 */
final class CachedJournal {
    static final int PAYLOAD_BYTES = 256;
    private static final String MARKER = "COMPLETE";
    /** Bump when what is built changes in a way the marker's other fields do not show. */
    private static final String LAYOUT = "1";

    private final Path directory;
    private final long events;
    private final long records;

    private CachedJournal(Path directory, long events, long records) {
        this.directory = directory;
        this.events = events;
        this.records = records;
    }

    /** The cached journal of {@code events} tool calls, built first if it is missing, partial or stale. */
    static CachedJournal of(long events) throws IOException {
        if (events <= 0) {
            throw new IllegalArgumentException("a cached journal needs at least one event, was " + events);
        }
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "vouch-bench-cache");
        String name = "journal-f" + RecordDescriptor.MAJOR_VERSION + "." + RecordDescriptor.MINOR_VERSION + "-" + events;
        Path dir = root.resolve(name);
        CachedJournal cached = load(dir, events);
        if (cached != null) {
            System.out.printf(Locale.ROOT, "%n  reusing the cached journal %s (%,d records)%n", dir, cached.records);
            return cached;
        }
        if (Files.exists(dir)) {
            System.out.printf(Locale.ROOT, "%n  %s is partial or stale: deleting it%n", dir);
            BenchEvents.deleteTree(dir);
        }
        Files.createDirectories(root);
        deleteAbandonedBuilds(root, name);
        Path partial = root.resolve(name + ".partial-" + ProcessHandle.current().pid());
        BenchEvents.deleteTree(partial);
        Files.createDirectories(partial);
        long start = System.nanoTime();
        build(partial, events);
        try {
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            BenchEvents.deleteTree(partial); // another process finished the same build first: use theirs
        }
        cached = load(dir, events);
        if (cached == null) {
            throw new IOException("the journal cache " + dir + " is still unusable after building it");
        }
        System.out.printf(Locale.ROOT, "%n  built the cached journal %s: %,d records in %.1f s%n", dir, cached.records,
                (System.nanoTime() - start) / 1e9);
        return cached;
    }

    /** The directory holding {@code journal/}, {@code .vouch_key} and {@code pubkey.pem}. */
    Path directory() {
        return directory;
    }

    Path journal() {
        return directory.resolve("journal");
    }

    Path publicKey() {
        return directory.resolve("pubkey.pem");
    }

    /** Tool-call events in the journal. */
    long events() {
        return events;
    }

    /** All records in the journal: the events plus genesis, checkpoints and seal. */
    long records() {
        return records;
    }

    /**
     * Copies the journal and its key file into {@code target} (which must exist) and forces them to disk, so that
     * the copy's dirty pages are not written back while a benchmark measures. {@code cp --reflink=auto} shares
     * the blocks on a copy-on-write file system (btrfs, XFS) and is a plain kernel copy elsewhere; the plain Java
     * copy is the fallback where there is no GNU cp.
     */
    void copyTo(Path target) throws IOException, InterruptedException {
        List<String> command = List.of("cp", "-a", "--reflink=auto", journal().toString(),
                directory.resolve(".vouch_key").toString(), target.toString());
        Process cp;
        try {
            cp = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            cp = null;
        }
        if (cp == null || cp.waitFor() != 0) {
            copyTree(journal(), target.resolve("journal"));
            Files.copy(directory.resolve(".vouch_key"), target.resolve(".vouch_key"),
                    StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
        forceTree(target);
    }

    /** fsync every file under {@code dir}. */
    private static void forceTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        BenchEvents.deleteTree(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** What the marker must say for a cache to be reused: everything that decides the journal's content. */
    private static Properties expected(long events) {
        Properties p = new Properties();
        p.setProperty("layout", LAYOUT);
        p.setProperty("library", VouchVersion.LIBRARY);
        p.setProperty("format", RecordDescriptor.MAJOR_VERSION + "." + RecordDescriptor.MINOR_VERSION);
        p.setProperty("events", Long.toString(events));
        p.setProperty("payload.bytes", Integer.toString(PAYLOAD_BYTES));
        p.setProperty("signing", SigningMode.CHECKPOINT.name());
        return p;
    }

    /** The cache in {@code dir} if its marker matches what would be built now, else null. */
    private static CachedJournal load(Path dir, long events) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return null;
        }
        Properties found = new Properties();
        try (InputStream in = Files.newInputStream(marker)) {
            found.load(in);
        }
        String records = (String) found.remove("records");
        if (records == null || !found.equals(expected(events))) {
            return null;
        }
        return new CachedJournal(dir, events, Long.parseLong(records));
    }

    private static void build(Path dir, long events) throws IOException {
        byte[] params = BenchEvents.payload(PAYLOAD_BYTES);
        Event event = new Event();
        Ledger ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key"))
                .signingMode(SigningMode.CHECKPOINT).shutdownHook(false).open();
        try {
            for (long i = 0; i < events; i++) {
                ledger.record(BenchEvents.toolCall(event, params));
            }
        } finally {
            ledger.close();
        }
        RecorderStats stats = ledger.stats();
        if (stats.journaled() != events || stats.lost() != 0 || stats.dropped() != 0) {
            throw new IllegalStateException("building the cached journal lost events: " + stats);
        }
        KeyFile.writePublicPem(dir.resolve("pubkey.pem"), ledger.verifyingKey());
        // On disk before the marker: after a machine crash a marker must not vouch for pages that never got there.
        forceTree(dir);
        Properties marker = expected(events);
        marker.setProperty("records", Long.toString(stats.records()));
        try (OutputStream out = Files.newOutputStream(dir.resolve(MARKER), StandardOpenOption.CREATE_NEW)) {
            marker.store(out, "written after the ledger closed cleanly; the cache is used only if this matches");
        }
    }

    /** Removes {@code <name>.partial-<pid>} directories whose process is gone: builds that were killed. */
    private static void deleteAbandonedBuilds(Path root, String name) throws IOException {
        String prefix = name + ".partial-";
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path p : (Iterable<Path>) dirs::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix)) {
                    long pid;
                    try {
                        pid = Long.parseLong(n.substring(prefix.length()));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue; // a build in progress elsewhere
                    }
                    System.out.printf(Locale.ROOT, "%n  deleting the abandoned build %s%n", p);
                    BenchEvents.deleteTree(p);
                }
            }
        }
    }
}
