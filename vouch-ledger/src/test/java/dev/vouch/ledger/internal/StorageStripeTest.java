package dev.vouch.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.ledger.Ledger;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.StorageDamageException;
import dev.vouch.verify.StripeReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading by stripes ({@link StorageStripe}): whatever the number of readers and the stripes' length, the readers'
 * stripes taken in turn yield exactly what one reader reads, records, positions and damage alike, also while a
 * writer appends.
 */
class StorageStripeTest {
    @TempDir
    static Path shared;
    static Path oneFile;
    static Path multiDay;
    static List<byte[]> records;

    /** A record read, or the damage met instead, with where it came from. */
    record Read(byte[] bytes, String position) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Read r && Arrays.equals(bytes, r.bytes) && position.equals(r.position);
        }

        @Override
        public int hashCode() {
            return position.hashCode();
        }

        @Override
        public String toString() {
            return position + (bytes == null ? " (damage)" : " (" + bytes.length + " bytes)");
        }
    }

    @BeforeAll
    static void writeJournals() throws IOException {
        oneFile = shared.resolve("one");
        Path key = shared.resolve("key");
        String params = "{\"pad\":\"" + "x".repeat(300) + "\",\"i\":";
        try (Ledger ledger = Ledger.builder(oneFile).keyFile(key).shutdownHook(false).open()) {
            Event e = new Event();
            for (int i = 0; i < 3_000; i++) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("t").params(params + i + "}"));
            }
        }
        records = RawJournal.read(oneFile);
        multiDay = shared.resolve("days");
        RawJournal.writeAcrossDays(multiDay, records, 700);
    }

    @Test
    void stripesTogetherReadWhatOneReaderReads() throws IOException {
        for (Path dir : List.of(oneFile, multiDay)) {
            List<Read> alone = readAlone(dir);
            assertEquals(records.size(), alone.size());
            for (int readers : new int[] {1, 2, 3}) {
                for (int stripeBytes : new int[] {1, 4096, StorageStripe.STRIPE_BYTES}) {
                    assertEquals(alone, readByStripes(dir, readers, stripeBytes),
                            dir.getFileName() + ", " + readers + " readers, stripes of " + stripeBytes + " bytes");
                }
            }
        }
    }

    @Test
    void damageIsReadOnceByTheReaderWhoseStripeItEnds(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("days");
        List<Path> files = RawJournal.writeAcrossDays(dir, records, 700);
        // A file cut short in its middle, and in another an overwritten document header.
        try (RandomAccessFile f = new RandomAccessFile(files.get(1).toFile(), "rw")) {
            f.setLength(firstDataDocument(files.get(1)) + 100_000);
        }
        long header = documentAfter(files.get(2), 60_000);
        try (RandomAccessFile f = new RandomAccessFile(files.get(2).toFile(), "rw")) {
            f.seek(header);
            f.write(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x00, 0x00});
        }
        List<Read> alone = readAlone(dir);
        assertEquals(2, alone.stream().filter(r -> r.bytes == null).count(), "two damaged places: " + alone);
        for (int readers : new int[] {2, 3}) {
            for (int stripeBytes : new int[] {1, 4096, StorageStripe.STRIPE_BYTES}) {
                assertEquals(alone, readByStripes(dir, readers, stripeBytes),
                        readers + " readers, stripes of " + stripeBytes + " bytes");
            }
        }
    }

    /**
     * While a writer appends, readers that open and walk the same file at different moments still agree on every
     * stripe, and what they read together is the journal's beginning, in order, byte for byte.
     */
    @Test
    void readersAgreeWhileAWriterAppends(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("live");
        AtomicBoolean stop = new AtomicBoolean();
        List<List<Read>> reads = new ArrayList<>();
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve("key")).shutdownHook(false).open()) {
            Thread writer = new Thread(() -> {
                Event e = new Event();
                for (int i = 0; !stop.get(); i++) {
                    ledger.record(e.reset().kind(EventKind.TOOL_CALL).name("t").params("{\"i\":" + i + "}"));
                    if (i % 64 == 0) {
                        Thread.yield();
                    }
                }
            });
            writer.start();
            try {
                long until = System.nanoTime() + 3_000_000_000L;
                int round = 0;
                while (System.nanoTime() < until) {
                    reads.add(readByStripes(dir, 2 + round % 2, round % 3 == 0 ? 1 : 4096));
                    round++;
                }
            } finally {
                stop.set(true);
                writer.join();
            }
        }
        List<Read> whole = readAlone(dir);
        long lastLength = -1;
        for (List<Read> read : reads) {
            assertTrue(read.size() <= whole.size());
            for (int i = 0; i < read.size(); i++) {
                assertArrayEquals(whole.get(i).bytes, read.get(i).bytes, "record " + i);
                assertEquals(i, BigEndian.getLong(read.get(i).bytes, RecordDescriptor.SEQUENCE_OFFSET));
            }
            lastLength = Math.max(lastLength, read.size());
        }
        assertTrue(reads.size() > 3 && lastLength > 1_000, reads.size() + " reads, the longest " + lastLength);
    }

    private static List<Read> readAlone(Path dir) throws IOException {
        List<Read> out = new ArrayList<>();
        try (StorageRecordSource source = StorageRecordSource.open(dir)) {
            RecordBuffer buffer = new RecordBuffer(256);
            while (true) {
                try {
                    if (!source.next(buffer)) {
                        return out;
                    }
                    out.add(new Read(Arrays.copyOf(buffer.data(), buffer.length()), source.position()));
                } catch (StorageDamageException e) {
                    out.add(new Read(null, e.position()));
                }
            }
        }
    }

    /** The records of every stripe, in stripe order, as a verifier takes them. */
    static List<Read> readByStripes(Path dir, int readers, int stripeBytes) throws IOException {
        List<Read> out = new ArrayList<>();
        try (StorageRecordSource source = StorageRecordSource.open(dir)) {
            StripeReader[] r = source.stripes(readers, stripeBytes);
            boolean[] more = new boolean[readers];
            for (int i = 0; i < readers; i++) {
                more[i] = r[i].nextStripe();
            }
            RecordBuffer buffer = new RecordBuffer(256);
            for (long stripe = 0; ; stripe++) {
                int owner = (int) (stripe % readers);
                if (!more[owner]) {
                    break;
                }
                assertEquals(stripe, r[owner].stripe(), "reader " + owner);
                while (true) {
                    try {
                        if (!r[owner].nextInStripe(buffer)) {
                            break;
                        }
                        out.add(new Read(Arrays.copyOf(buffer.data(), buffer.length()),
                                source.position(r[owner].positionToken())));
                    } catch (StorageDamageException e) {
                        out.add(new Read(null, e.position()));
                    }
                }
                more[owner] = r[owner].nextStripe();
            }
            for (int i = 0; i < readers; i++) {
                // Every reader walks every stripe: one still holding a stripe when the order ended disagrees.
                assertFalse(more[i], "reader " + i + " holds stripe " + r[i].stripe() + " beyond the end");
                r[i].close();
            }
        }
        return out;
    }

    private static long firstDataDocument(Path file) throws IOException {
        return documentAfter(file, 0);
    }

    /** The offset of the first data document starting at or after {@code from}. */
    private static long documentAfter(Path file, long from) throws IOException {
        byte[] b = Files.readAllBytes(file);
        long at = align(4 + (le(b, 0) & CycleFileReader.LENGTH_MASK));
        while (at + 4 <= b.length) {
            int h = le(b, (int) at);
            if (h == 0) {
                break;
            }
            if ((h & CycleFileReader.META_DATA) == 0 && at >= from) {
                return at;
            }
            at = align(at + 4 + (h & CycleFileReader.LENGTH_MASK));
        }
        throw new AssertionError("no data document after " + from + " in " + file);
    }

    private static int le(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static long align(long x) {
        return (x + 3) & ~3L;
    }
}
