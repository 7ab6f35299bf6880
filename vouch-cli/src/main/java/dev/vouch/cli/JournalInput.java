package dev.vouch.cli;

import dev.vouch.FormatException;
import dev.vouch.format.RecordType;
import dev.vouch.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A journal opened read-only through {@link JournalReader}, with the errors a user sees made plain: a missing
 * directory, a directory that holds no journal, and storage files the reader cannot parse all become a
 * {@link CliException} naming the directory (exit code 2). Not thread-safe.
 */
final class JournalInput implements RecordSource {
    private final Path directory;
    private final RecordSource source;
    private final long indexedAtOpen;
    private long read;

    private JournalInput(Path directory, RecordSource source) {
        this.directory = directory;
        this.source = source;
        this.indexedAtOpen = source.estimatedRecords();
    }

    /**
     * What the storage says about itself, beside what could be read: a reader that stops early (a damaged document
     * header in the middle of a file) looks like a journal that simply ends there, a crash's torn tail.
     *
     * @param indexedAtOpen entries Chronicle's index counted when the journal was opened, or -1 if unknown; a
     *     writer only adds entries, so fewer records read than this means entries that could not be read
     * @param recordsRead   records this input returned
     * @param storageBytes  bytes in the journal's .cq4 files
     */
    record Storage(long indexedAtOpen, long recordsRead, long storageBytes) {
        /** Entries the index counts that could not be read, or 0. */
        long unreadable() {
            return indexedAtOpen > recordsRead ? indexedAtOpen - recordsRead : 0;
        }
    }

    /** The storage facts, once reading is done. */
    Storage storage() {
        long bytes = 0;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(".cq4")) {
                    bytes += Files.size(f);
                }
            }
        } catch (IOException e) {
            bytes = -1;
        }
        return new Storage(indexedAtOpen, read, bytes);
    }

    static JournalInput open(Path directory) {
        check(directory);
        try {
            return new JournalInput(directory, JournalReader.open(directory));
        } catch (IOException e) {
            throw new CliException(Errors.describe(e), e);
        } catch (RuntimeException e) {
            throw unreadable(directory, e);
        }
    }

    /**
     * The origin line of the journal's genesis record (its first), unverified: a name to print, not a trust
     * decision.
     */
    static String genesisOrigin(Path directory) {
        check(directory);
        try (JournalInput source = open(directory)) {
            RecordBuffer buffer = new RecordBuffer(1024);
            if (!source.next(buffer)) {
                throw new CliException(directory + ": the journal holds no records, so no genesis record to take"
                        + " the origin from; pass --origin");
            }
            RecordView view = new RecordView();
            try {
                view.wrap(buffer.data(), buffer.length());
            } catch (FormatException e) {
                throw new CliException(directory + ": the first record is malformed (" + e.getMessage() + ")", e);
            }
            if (view.type() != RecordType.GENESIS) {
                throw new CliException(directory + ": the first record is " + view.type().label()
                        + ", not genesis; pass --origin");
            }
            return view.origin();
        }
    }

    /** Whether {@code directory} holds journal files: what separates "a journal" from "some directory". */
    static boolean hasJournalFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".cq4"));
        } catch (IOException e) {
            throw new CliException(Errors.describe(e), e);
        }
    }

    /** Checks {@code directory} is an existing, readable journal directory; names what is wrong otherwise. */
    static void check(Path directory) {
        if (!Files.exists(directory)) {
            throw new CliException(directory + ": no such journal directory");
        }
        if (!Files.isDirectory(directory)) {
            throw new CliException(directory + ": not a directory; pass the journal's directory");
        }
        if (!Files.isReadable(directory)) {
            throw new CliException(directory + ": permission denied");
        }
        if (!hasJournalFiles(directory)) {
            throw new CliException(directory + ": not a Vouch journal (no .cq4 journal files in it)");
        }
    }

    private static CliException unreadable(Path directory, RuntimeException e) {
        return new CliException(directory + ": cannot read the journal's storage files (damaged, or not a Vouch"
                + " journal): " + e, e);
    }

    @Override
    public boolean next(RecordBuffer into) {
        try {
            boolean more = source.next(into);
            if (more) {
                read++;
            }
            return more;
        } catch (IOException e) {
            throw new CliException(directory + ": " + Errors.describe(e), e);
        } catch (RuntimeException e) {
            throw unreadable(directory, e);
        }
    }

    @Override
    public String position() {
        return source.position();
    }

    @Override
    public long estimatedRecords() {
        return source.estimatedRecords();
    }

    @Override
    public void close() {
        try {
            source.close();
        } catch (IOException | RuntimeException e) {
            // Read-only: nothing to lose by ignoring a failure to unmap.
        }
    }
}
