package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.internal.format.BigEndian;
import dev.vouch.Decision;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.Risk;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.BackpressureMode;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.internal.ChronicleJournal;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Real journals, written by the real ledger, and the ways the tests damage them. */
final class TestJournals {
    static final String ORIGIN = "test.vouch.dev/cli";

    /**
     * A journal and its keys: the directory, the private key file and the public key PEM, both kept outside the
     * journal directory as an operator would.
     */
    record Written(Path journal, Path keyFile, Path pubkey, VerifyingKey key) {
        String pub() {
            return pubkey.toString();
        }

        String dir() {
            return journal.toString();
        }
    }

    private TestJournals() {
    }

    /**
     * Writes a sealed journal under {@code root}: a task start, {@code calls} tool calls (params carrying the
     * unique marker {@code MARK<i>X}) each with a result, and a task end with binary params.
     */
    static Written write(Path root, int calls) {
        return write(root, calls, ORIGIN);
    }

    /** As {@link #write(Path, int)}, with another origin (and, as always, a key of its own). */
    static Written write(Path root, int calls, String origin) {
        Path journal = root.resolve("journal");
        Path keyFile = root.resolve("vouch.key");
        VerifyingKey key;
        try (Ledger ledger = Ledger.builder(journal).keyFile(keyFile).origin(origin).shutdownHook(false).open()) {
            key = ledger.verifyingKey();
            append(ledger, 0, calls);
        }
        Path pub = root.resolve("vouch.pub");
        writeString(pub, key.toPem());
        return new Written(journal, keyFile, pub, key);
    }

    /** Reopens the journal (a resume record), records {@code calls} more calls numbered from {@code from}, seals. */
    static void extend(Written w, int from, int calls) {
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            append(ledger, from, calls);
        }
    }

    /**
     * A journal that has lived: four sessions of the real ledger (so three reopenings, each a RESUME), a key rotation
     * in the second, events dropped by backpressure in the third (a GAP record), and a crash after it (the copy
     * loses the third session's seal, as a killed writer would; reopening it writes a RECOVERY). Calls carry the
     * markers {@code MARK0X} to {@code MARK<n>X} as {@link #write} does. The trust anchor is the genesis key; the key
     * file holds the rotated-to key.
     */
    static Written writeEventful(Path root) {
        Written first = write(root.resolve("first"), 3);
        try (Ledger ledger = Ledger.builder(first.journal()).keyFile(first.keyFile()).shutdownHook(false).open()) {
            append(ledger, 3, 2);
            ledger.rotateKey();
            append(ledger, 5, 2);
        }
        int dropped = 0;
        try (Ledger ledger = Ledger.builder(first.journal()).keyFile(first.keyFile()).shutdownHook(false)
                .backpressure(BackpressureMode.DROP).ringSize(64).open()) {
            append(ledger, 7, 1);
            Event e = new Event();
            for (int i = 0; i < 5_000_000 && dropped < 20; i++) {
                if (!ledger.record(e.reset().kind(EventKind.NOTE).agent("agent-1").name("burst").params("{\"i\":" + i + "}"))) {
                    dropped++;
                }
            }
            ledger.checkpoint();
            ledger.recordDurably(e.reset().kind(EventKind.NOTE).agent("agent-1").name("after the burst").result("fine"));
        }
        assertTrue(dropped > 0, "the burst dropped no event, so the journal has no gap record");
        // A crash: everything up to the last seal, which the writer never got to write.
        Path journal = root.resolve("journal");
        truncatedCopy(first.journal(), journal, lastIndexOf(first.journal(), RecordType.SEAL));
        Written w = new Written(journal, first.keyFile(), first.pubkey(), first.key());
        extend(w, 8, 2);
        return w;
    }

    private static void append(Ledger ledger, int from, int calls) {
        Event e = new Event();
        long start = ledger.recordDurably(e.reset().kind(EventKind.TASK_START).agent("agent-1").task("task-" + from)
                .name("refund-order"));
        for (int i = from; i < from + calls; i++) {
            ledger.record(e.reset().kind(EventKind.TOOL_CALL).agent("agent-1").task("task-" + from).name("orders.refund")
                    .policy("refunds-under-100").decision(Decision.ALLOW).risk(Risk.LOW).parent(start)
                    .params("{\"order\":" + i + ",\"marker\":\"MARK" + i + "X\"}"));
            ledger.record(e.reset().kind(EventKind.TOOL_RESULT).agent("agent-1").task("task-" + from)
                    .name("orders.refund").result("{\"refunded\":true,\"note\":\"d\u00e9j\u00e0 " + i + "\"}"));
        }
        ledger.recordDurably(e.reset().kind(EventKind.TASK_END).agent("agent-1").task("task-" + from).name("refund-order")
                .params(new byte[] {(byte) 0xff, 0, 1}));
    }

    /** Every record's bytes, in journal order, read through the public reader. */
    static List<byte[]> records(Path journal) {
        List<byte[]> out = new ArrayList<>();
        try (RecordSource source = JournalReader.open(journal)) {
            RecordBuffer buffer = new RecordBuffer(1024);
            while (source.next(buffer)) {
                out.add(Arrays.copyOf(buffer.data(), buffer.length()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The position of the last record of this type. */
    static int lastIndexOf(Path journal, RecordType type) {
        List<byte[]> records = records(journal);
        for (int i = records.size() - 1; i >= 0; i--) {
            if (records.get(i)[RecordDescriptor.TYPE_OFFSET] == type.code()) {
                return i;
            }
        }
        throw new AssertionError("no " + type.label() + " record in " + journal);
    }

    /** The sequence number of the one record whose bytes contain {@code marker}. */
    static long sequenceOf(Path journal, String marker) {
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        long found = -1;
        for (byte[] r : records(journal)) {
            if (indexOf(r, m, 0) >= 0) {
                assertEquals(-1, found, "marker " + marker + " is in more than one record");
                found = new RecordView().wrap(r, r.length).sequence();
            }
        }
        assertTrue(found >= 0, "no record holds " + marker);
        return found;
    }

    /**
     * Flips one bit of one byte inside {@code marker} in the journal's storage file, as an attacker editing the
     * file would: the marker must occur exactly once in all .cq4 bytes.
     */
    static void flipByteIn(Path journal, String marker) {
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        int hits = 0;
        for (Path f : cq4Files(journal)) {
            byte[] bytes = readAll(f);
            int at = indexOf(bytes, m, 0);
            if (at < 0) {
                continue;
            }
            assertEquals(-1, indexOf(bytes, m, at + 1), "marker " + marker + " occurs twice in " + f);
            hits++;
            bytes[at + m.length / 2] ^= 0x01;
            try {
                Files.write(f, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertEquals(1, hits, "marker " + marker + " must be in exactly one journal file");
    }

    /**
     * Overwrites the 4-byte Chronicle document header in front of the record holding {@code marker}: the storage
     * layer's framing is damaged, the record bytes themselves are not.
     */
    /**
     * Overwrites the Chronicle header of the document holding the record with {@code marker} (the ledger puts a
     * batch of records in one document) with {@code 0xFFFFFFFF}.
     *
     * @return the sequence number of the first record of that document: reading stops before it
     */
    static long damageHeaderBefore(Path journal, String marker) {
        return damageHeaderBefore(journal, marker, (byte) 0xFF);
    }

    /** As {@link #damageHeaderBefore(Path, String)}, with each of the header's bytes set to {@code fill}. */
    static long damageHeaderBefore(Path journal, String marker, byte fill) {
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        byte[] record = records(journal).stream().filter(r -> indexOf(r, m, 0) >= 0).findFirst().orElseThrow();
        for (Path f : cq4Files(journal)) {
            byte[] bytes = readAll(f);
            int at = indexOf(bytes, record, 0);
            if (at < 0) {
                continue;
            }
            // Documents start on 4-byte boundaries, each with a little-endian header whose low 30 bits are its length.
            int pos = 0;
            while (pos + 4 <= bytes.length) {
                int header = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8 | (bytes[pos + 2] & 0xFF) << 16
                        | (bytes[pos + 3] & 0xFF) << 24;
                int end = pos + 4 + (header & 0x3FFFFFFF);
                if (at >= pos + 4 && at < end) {
                    long first = BigEndian.getLong(bytes, pos + 4 + 4);
                    Arrays.fill(bytes, pos, pos + 4, fill);
                    try {
                        Files.write(f, bytes);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return first;
                }
                pos = (end + 3) & ~3;
            }
        }
        throw new AssertionError("record with " + marker + " not found in the storage files");
    }

    /**
     * A journal as a crash leaves it: the first {@code keep} records of {@code source}, written to {@code target}
     * through the journal's own storage adapter, with no seal and no checkpoint after the last event.
     */
    static Path truncatedCopy(Path source, Path target, int keep) {
        List<byte[]> records = records(source);
        try (ChronicleJournal out = openForWriting(target)) {
            for (int i = 0; i < keep; i++) {
                out.append(records.get(i), records.get(i).length);
            }
        }
        return target;
    }

    /** A journal with {@code extra} appended after the records of {@code source}. */
    static Path copyWithExtraRecord(Path source, Path target, byte[] extra) {
        List<byte[]> records = new ArrayList<>(records(source));
        records.add(extra);
        return journalOf(target, records);
    }

    /** A journal of exactly {@code records}, written through the journal's own storage adapter, signed or not. */
    static Path journalOf(Path target, List<byte[]> records) {
        try (ChronicleJournal out = openForWriting(target)) {
            for (byte[] r : records) {
                out.append(r, r.length);
            }
        }
        return target;
    }

    /**
     * A journal of exactly {@code records}, one per document, {@code perDay} records in each day's cycle file (from
     * 2026-11-01), as a writer running over several days leaves it; returns the cycle files, oldest first.
     */
    static List<Path> journalAcrossDays(Path target, List<byte[]> records, int perDay) {
        net.openhft.chronicle.core.time.SetTimeProvider clock = new net.openhft.chronicle.core.time.SetTimeProvider(
                java.time.Instant.parse("2026-11-01T12:00:00Z").toEpochMilli() * 1_000_000L);
        try (net.openhft.chronicle.queue.ChronicleQueue queue = net.openhft.chronicle.queue.impl.single
                .SingleChronicleQueueBuilder.binary(target.toFile())
                .rollCycle(net.openhft.chronicle.queue.rollcycles.LargeRollCycles.LARGE_DAILY).timeProvider(clock)
                .build();
             net.openhft.chronicle.queue.ExcerptAppender appender = queue.createAppender()) {
            for (int i = 0; i < records.size(); i++) {
                if (i > 0 && i % perDay == 0) {
                    clock.advanceMillis(java.util.concurrent.TimeUnit.DAYS.toMillis(1));
                }
                byte[] r = records.get(i);
                try (net.openhft.chronicle.wire.DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(r, 0, r.length);
                }
            }
        }
        return cq4Files(target);
    }

    /** What a file looked like: content hash, size and modification time, to prove nothing changed. */
    record FileState(String sha256, long size, FileTime modified) {
    }

    /** Every file under {@code dir} (recursively), by relative path. */
    static Map<String, FileState> snapshot(Path dir) {
        Map<String, FileState> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.collect(Collectors.toList())) {
                String name = dir.relativize(f).toString();
                if (Files.isDirectory(f)) {
                    out.put(name + "/", new FileState("", 0, Files.getLastModifiedTime(f)));
                } else {
                    byte[] bytes = readAll(f);
                    out.put(name, new FileState(sha256Hex(bytes), bytes.length, Files.getLastModifiedTime(f)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> cq4Files(Path journal) {
        try (Stream<Path> files = Files.list(journal)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] readAll(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeString(Path f, String s) {
        try {
            Files.writeString(f, s, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static ChronicleJournal openForWriting(Path target) {
        try {
            java.nio.file.Files.createDirectories(target);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ChronicleJournal.openLocked(target);
    }
}
