package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.vouch.testsupport.StderrCapture;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.VouchException;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.internal.RawJournal;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.StorageDamageException;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the whole read path with damaged storage: cycle files truncated, zeroed, bit-flipped and deleted anywhere
 * (file headers, Chronicle's indexes, document headers, records, the space after the data), not only record bytes.
 * Every read must end with a verdict, and an INTACT verdict only for exactly the original records; every
 * {@code Ledger.open()} must either refuse with a typed exception or append to a journal that then verifies (with
 * a full verification on open), or leave damage found before still found (the default, tail-only open).
 *
 * <p>Sizes: {@code -Dvouch.fuzz.iterations} (default 120) and {@code -Dvouch.fuzz.seed}; {@code mvn -Pfuzz verify}
 * runs 5,000. A failure prints the seed and iteration to reproduce it.
 */
class StorageFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("vouch.fuzz.iterations", 120);
    private static final long SEED = Long.getLong("vouch.fuzz.seed", System.nanoTime());
    /** Every this many iterations the mutated journal is also opened by the ledger (slower: a writer starts). */
    private static final int OPEN_EVERY = 4;

    @TempDir
    static Path shared;
    static Path single;
    static Path multiDay;
    static Path keyFile;
    static VerifyingKey anchor;
    static List<byte[]> records;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeJournals() {
        Path written = shared.resolve("written");
        keyFile = shared.resolve(".vouch_key");
        anchor = Journals.writeSealed(written, keyFile, 25, 300);
        records = RawJournal.read(written);
        single = Cq4.compactCopy(written, shared.resolve("single"), 8192);
        multiDay = shared.resolve("multi-day");
        RawJournal.writeAcrossDays(multiDay, records, 100);
        multiDay = Cq4.compactCopy(multiDay, shared.resolve("multi-day-compact"), 8192);
    }

    @Test
    void everyDamagedJournalGetsAVerdictAndTheLedgerFailsClosed() throws IOException {
        Random random = new Random(SEED);
        int damaged = 0;
        int opened = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            boolean open = i % OPEN_EVERY == 0;
            Path base = open || random.nextBoolean() ? single : multiDay;
            Path dir = Cq4.compactCopy(base, tmp.resolve("m" + i), 0);
            String what = mutate(dir, random);
            String context = "seed " + SEED + " iteration " + i + ": " + what;
            try {
                VerificationReport r = verify(dir);
                if (r.verdict() == Verdict.INTACT) {
                    assertEquals(records.size(), r.records(), context);
                    assertTrue(sameRecords(dir), () -> "INTACT but the records differ: " + context + ": " + firstDifference(dir));
                } else {
                    damaged++;
                }
                if (open) {
                    opened += openAndAppend(dir, context, (i / OPEN_EVERY) % 2 == 0) ? 1 : 0;
                }
            } catch (AssertionError e) {
                if (e.getMessage() != null && e.getMessage().contains("seed " + SEED)) {
                    throw e;
                }
                // An assertion inside a library (Chronicle asserts with -ea) says nothing of which journal: add it.
                throw new AssertionError("assertion failed for " + context + ": " + e, e);
            } catch (Throwable t) {
                throw new AssertionError("unexpected " + t + " for " + context, t);
            }
            deleteTree(dir);
        }
        assertTrue(damaged > ITERATIONS / 3, "the mutations must mostly hit something: " + damaged);
        System.out.println("StorageFuzzTest: seed " + SEED + ", " + ITERATIONS + " journals, " + damaged
                + " not intact, " + opened + " reopened and appended to");
    }

    private static VerificationReport verify(Path dir) throws IOException {
        try (RecordSource source = JournalReader.open(dir)) {
            return JournalVerifier.trusting(anchor).verify(source);
        }
    }

    private static String firstDifference(Path dir) {
        List<byte[]> read = RawJournal.read(dir);
        if (read.size() != records.size()) {
            return read.size() + " records read, " + records.size() + " written";
        }
        for (int i = 0; i < read.size(); i++) {
            if (!Arrays.equals(read.get(i), records.get(i))) {
                return "record " + i + " differs: read " + read.get(i).length + " bytes " + java.util.HexFormat.of()
                        .formatHex(read.get(i), 0, Math.min(64, read.get(i).length)) + ", written " + records.get(i).length
                        + " bytes " + java.util.HexFormat.of().formatHex(records.get(i), 0, Math.min(64, records.get(i).length));
            }
        }
        return "none";
    }

    /**
     * Whether the journal holds exactly the written records, but for what no signature covers and FORMAT.md says so
     * ("What a checkpoint covers"): the minor version and timestamp in the header of the journal's last checkpoint.
     */
    private static boolean sameRecords(Path dir) {
        List<byte[]> read = RawJournal.read(dir);
        if (read.size() != records.size()) {
            return false;
        }
        for (int i = 0; i < read.size(); i++) {
            byte[] a = read.get(i);
            byte[] b = records.get(i);
            if (i == read.size() - 1 && a.length == b.length && Forger.type(b) == dev.vouch.internal.format.RecordType.CHECKPOINT) {
                a = unauthenticatedHeaderCleared(a);
                b = unauthenticatedHeaderCleared(b);
            }
            if (!Arrays.equals(a, b)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] unauthenticatedHeaderCleared(byte[] record) {
        byte[] copy = record.clone();
        copy[dev.vouch.internal.format.RecordDescriptor.MINOR_OFFSET] = 0;
        Arrays.fill(copy, dev.vouch.internal.format.RecordDescriptor.TIMESTAMP_OFFSET,
                dev.vouch.internal.format.RecordDescriptor.TIMESTAMP_OFFSET + 8, (byte) 0);
        return copy;
    }

    /**
     * Opens the ledger on the damaged journal: a refusal must be a typed Vouch exception; if it opens, what it
     * appends must verify, on top of exactly the original records.
     */
    private boolean openAndAppend(Path dir, String context, boolean full) throws IOException {
        VerificationReport before = verify(dir);
        boolean cleanBefore = before.failureCount() == 0;
        Ledger ledger;
        StderrCapture quiet = new StderrCapture(); // a refusal logs [CRITICAL]: expected here
        try {
            ledger = Ledger.builder(dir).keyFile(keyFile).fullVerificationOnOpen(full).shutdownHook(false).open();
        } catch (VouchException refused) {
            return false;
        } finally {
            quiet.close();
        }
        try (ledger) {
            ledger.record(new Event().kind(EventKind.TOOL_CALL).name("after").params("{}"));
        }
        VerificationReport r = verify(dir);
        if (abandonedStart(dir)) {
            // Nothing readable was left (an emptied or zeroed only file): the ledger set the files aside and began anew.
            assertEquals(Verdict.INTACT, r.verdict(), context);
            return true;
        }
        if (!full && !cleanBefore) {
            // The default open reads only the tail: damage before the last checkpoint stays for vouch verify. Zeros at
            // the tail are what a power loss leaves: the ledger sets them aside and says so in its recovery record
            // (TornTail), so the damage is written into the chain instead (a CI run's seed zeroed the seal's pages).
            assertTrue(r.failureCount() > 0 || tornTailSetAside(dir),
                    "damage found before must still be found, or set aside on record: " + context);
            return true;
        }
        assertEquals(Verdict.INTACT, r.verdict(), "appended to, then " + Journals.describe(r) + ": " + context);
        List<byte[]> read;
        try {
            read = RawJournal.read(dir);
        } catch (UncheckedIOException e) {
            throw new AssertionError("damaged after appending: " + e.getCause() + ": " + context, e);
        }
        // Zeros over the last records are a power loss's torn tail: the ledger sets aside the documents they tore, on
        // record, and carries on from the last whole document (a JDK 25 run's seed zeroed part of a document of several
        // records; its first records were intact, and went with it). The records before stay exactly as written, and
        // the set-aside starts no later than the first damaged record.
        int kept = records.size();
        int setAsideAt = setAsideRecovery(read);
        if (setAsideAt >= 0) {
            kept = setAsideAt;
            long firstDamaged = before.failures().isEmpty() ? before.records() : before.failures().get(0).sequence();
            assertTrue(kept <= firstDamaged, "kept " + kept + " records, past the damage at " + firstDamaged + ": "
                    + context);
        }
        for (int i = 0; i < kept; i++) {
            assertTrue(Arrays.equals(records.get(i), read.get(i)), "record " + i + " changed: " + context);
        }
        return true;
    }

    /** The position of the RECOVERY record saying the ledger set aside a torn tail, or -1 if there is none. */
    private static int setAsideRecovery(List<byte[]> records) {
        for (int i = 0; i < records.size(); i++) {
            dev.vouch.internal.format.RecordView v = new dev.vouch.internal.format.RecordView()
                    .wrap(records.get(i), records.get(i).length);
            if (v.type() == dev.vouch.internal.format.RecordType.RECOVERY && v.reason().contains("set aside")) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the journal holds a RECOVERY record saying the ledger set aside a torn tail (docs/FORMAT.md). */
    private static boolean tornTailSetAside(Path dir) {
        for (byte[] record : RawJournal.read(dir)) {
            dev.vouch.internal.format.RecordView v = new dev.vouch.internal.format.RecordView().wrap(record, record.length);
            if (v.type() == dev.vouch.internal.format.RecordType.RECOVERY && v.reason().contains("set aside")) {
                return true;
            }
        }
        return false;
    }

    private static boolean abandonedStart(Path dir) throws IOException {
        try (RecordSource source = JournalReader.open(dir)) {
            RecordBuffer b = new RecordBuffer(1024);
            return source.next(b) && new dev.vouch.internal.format.RecordView().wrap(b.data(), b.length()).settings()
                    .contains("abandoned-start=");
        } catch (StorageDamageException | dev.vouch.FormatException e) {
            return false;
        }
    }

    /** One random kind of damage to one random cycle file; returns what was done. */
    private static String mutate(Path dir, Random random) throws IOException {
        List<Path> files = JournalFiles.cq4Files(dir);
        Path f = files.get(random.nextInt(files.size()));
        long size = Files.size(f);
        List<Cq4.Document> docs = Cq4.documents(f);
        String name = f.getFileName().toString();
        switch (random.nextInt(8)) {
            case 0 -> {
                long at = (long) (random.nextDouble() * size);
                Cq4.truncate(f, at);
                return "truncated " + name + " to " + at;
            }
            case 1 -> {
                long at = (long) (random.nextDouble() * size);
                int n = 1 + random.nextInt(4096);
                Cq4.write(f, at, new byte[(int) Math.min(n, size - at)]);
                return "zeroed " + n + " bytes of " + name + " at " + at;
            }
            case 2, 3 -> {
                int flips = 1 + random.nextInt(8);
                StringBuilder where = new StringBuilder();
                for (int k = 0; k < flips; k++) {
                    long at = (long) (random.nextDouble() * size);
                    byte[] b = new byte[1];
                    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.READ)) {
                        ch.read(java.nio.ByteBuffer.wrap(b), at);
                    }
                    b[0] ^= (byte) (1 << random.nextInt(8));
                    Cq4.write(f, at, b);
                    where.append(' ').append(at);
                }
                return "flipped bits in " + name + " at" + where;
            }
            case 4 -> {
                Cq4.Document d = docs.get(random.nextInt(docs.size()));
                byte[] junk = new byte[4];
                random.nextBytes(junk);
                if (random.nextBoolean()) {
                    junk = new byte[4];
                }
                Cq4.write(f, d.offset(), junk);
                return "overwrote the header of the document at " + d.offset() + " of " + name + " with "
                        + Arrays.toString(junk);
            }
            case 5 -> {
                if (files.size() == 1) {
                    Cq4.truncate(f, 0);
                    return "emptied the only file " + name;
                }
                Files.delete(f);
                return "deleted " + name;
            }
            case 6 -> {
                Cq4.truncate(f, 0);
                if (random.nextBoolean()) {
                    Cq4.write(f, 0, new byte[(int) size]);
                    return "zero-filled " + name;
                }
                return "emptied " + name;
            }
            default -> {
                Path meta = dir.resolve("metadata.cq4t");
                if (Files.exists(meta)) {
                    Cq4.truncate(meta, random.nextInt(1 + (int) Files.size(meta)));
                }
                long at = Cq4.endOfData(f);
                byte[] junk = new byte[1 + random.nextInt(64)];
                random.nextBytes(junk);
                Cq4.write(f, at + 8 + random.nextInt(64), junk);
                return "damaged metadata.cq4t and wrote junk after the data of " + name;
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
