package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every read command on damaged storage (files cut short, zeroed, emptied, bits flipped anywhere, table store
 * broken): a verdict or one plain error line and exit 1 or 2, --json always one complete object, never a stack
 * trace, never the JVM's exit code for an uncaught error.
 */
class DamagedStorageCliTest {
    private static final int JOURNALS = Integer.getInteger("vouch.fuzz.iterations", 300) / 10;
    private static final long SEED = Long.getLong("vouch.fuzz.seed", System.nanoTime());

    @TempDir
    static Path shared;
    static TestJournals.Written intact;

    @TempDir
    Path tmp;

    @BeforeAll
    static void write() {
        intact = TestJournals.write(shared, 40);
    }

    private static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** Where the data of {@code file} ends: after its last document. */
    private static long endOfData(Path file) throws IOException {
        return walkDocuments(file, new java.util.ArrayList<>());
    }

    private static String mutate(Path dir, Random random) throws IOException {
        Path f;
        try (Stream<Path> s = Files.list(dir)) {
            f = s.filter(p -> p.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        long end = endOfData(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    long at = (long) (random.nextDouble() * end);
                    ch.truncate(at);
                    return "cut at " + at;
                }
                case 1 -> {
                    long at = (long) (random.nextDouble() * end);
                    ch.write(ByteBuffer.allocate(1 + random.nextInt(512)), at);
                    return "zeroed at " + at;
                }
                case 2 -> {
                    StringBuilder where = new StringBuilder("flipped");
                    for (int i = 0; i < 1 + random.nextInt(6); i++) {
                        long at = (long) (random.nextDouble() * end);
                        ByteBuffer one = ByteBuffer.allocate(1);
                        ch.read(one, at);
                        one.put(0, (byte) (one.get(0) ^ (1 << random.nextInt(8))));
                        one.rewind();
                        ch.write(one, at);
                        where.append(' ').append(at);
                    }
                    return where.toString();
                }
                case 3 -> {
                    ch.truncate(0);
                    return "emptied";
                }
                default -> {
                    Files.write(dir.resolve("metadata.cq4t"), new byte[] {1, 2, 3});
                    ch.truncate(end - 1 - random.nextInt(200));
                    return "broke the table store and cut the tail";
                }
            }
        }
    }

    /** Where each document of {@code file} begins, up to the end of its data. */
    private static List<Long> documentStarts(Path file) throws IOException {
        List<Long> starts = new java.util.ArrayList<>();
        walkDocuments(file, starts);
        return starts;
    }

    /** Adds where each document of {@code file} begins to {@code starts}; returns where its data ends. */
    private static long walkDocuments(Path file, List<Long> starts) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long pos = 0;
            while (true) {
                b.clear();
                ch.read(b, pos);
                int h = b.getInt(0);
                if (h == 0 || h < 0) {
                    return pos;
                }
                starts.add(pos);
                pos = (pos + 4 + (h & 0x3FFFFFFF) + 3) & ~3L;
            }
        }
    }

    /**
     * Damage where the readable records end: the last document cut short, or a document's header zeroed (an outside
     * verifier's trial). {@code vouch export} stopped where its first pass (the calls' outcomes) had stopped, before
     * reading on to the damage, so it exported with exit 0 and said nothing, and every export verifier then called
     * the cut export INCOMPLETE, as if a writer had crashed. Every reading command says so and exits 1.
     */
    @Test
    void damageWhereTheReadableRecordsEndIsReportedByEveryReadingCommand() throws IOException {
        Path source;
        try (Stream<Path> s = Files.list(intact.journal())) {
            source = s.filter(p -> p.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        List<Long> starts = documentStarts(source);
        for (String damage : List.of("cut", "zeroed")) {
            Path dir = tmp.resolve(damage);
            copyDir(intact.journal(), dir);
            Path f = dir.resolve(source.getFileName());
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                if (damage.equals("cut")) {
                    ch.truncate(starts.get(starts.size() - 1) + 10);
                } else {
                    ch.write(ByteBuffer.allocate(4), starts.get(starts.size() / 2));
                }
            }
            String d = dir.toString();
            Path file = tmp.resolve(damage + ".jsonl");
            for (String[] command : List.of(new String[] {"export", d}, new String[] {"export", d, "-o", file.toString()},
                    new String[] {"show", d}, new String[] {"events", d}, new String[] {"tasks", d},
                    new String[] {"stats", d})) {
                Cli.Result r = Cli.run(command);
                String context = damage + ": " + String.join(" ", command) + "\n" + r;
                assertEquals(1, r.exit(), context);
                assertTrue(r.err().contains("vouch " + command[0] + ": damaged storage, the records beyond it are missing"
                        + " from this output"), context);
            }
            assertTrue(Files.size(file) > 0, "what could be read is still exported");
        }
    }

    /**
     * Chronicle's end-of-cycle marker after the last document: what the last remaining file shows when the journal's
     * later days were removed. The marker is not signed, so it proves nothing, but a sealed journal ending so is not
     * called intact (an outside auditor read INTACT, exit 0, for a journal whose last day was deleted, which the
     * ledger itself refuses to open); the warning and the explanation say what it means.
     */
    @Test
    void aLastFileThatRolledOverToAMissingLaterOneIsWarnedAbout() throws IOException {
        Path dir = tmp.resolve("rolled-over");
        copyDir(intact.journal(), dir);
        Path f = markEndOfCycle(dir);
        // Unsealed: what is left of a journal whose later days were removed while its writer ran on.
        Path torn = TestJournals.truncatedCopy(intact.journal(), tmp.resolve("torn-rolled-over"),
                TestJournals.lastIndexOf(intact.journal(), dev.vouch.internal.format.RecordType.TASK_END) + 1);
        markEndOfCycle(torn);

        Cli.Result rolled = Cli.run("verify", dir.toString(), "--pubkey", intact.pub());
        Cli.Result plain = Cli.run("verify", intact.dir(), "--pubkey", intact.pub());
        Cli.Result tornRolled = Cli.run("verify", torn.toString(), "--pubkey", intact.pub());

        Cli.Result rolledJson = Cli.run("verify", dir.toString(), "--pubkey", intact.pub(), "--json");

        assertEquals(1, rolled.exit(), rolled::toString);
        assertTrue(rolled.out().contains("INCOMPLETE (a later cycle file is missing): all "), rolled::toString);
        assertTrue(rolled.out().contains("the journal is sealed, but its last cycle file says a later one followed"),
                rolled::toString);
        assertTrue(rolled.err().contains("warning: " + f.getFileName() + ", the journal's last cycle file, ends with"
                + " Chronicle's end-of-cycle marker"), rolled::toString);
        assertEquals(1, rolledJson.exit(), rolledJson::toString);
        // Nor is it bundled: on its own, the bundle would forget the missing file and read INTACT (found by a re-trial).
        Cli.Result bundle = Cli.run("export", dir.toString(), "--format", "bundle", "--pubkey", intact.pub(), "-o",
                tmp.resolve("rolled.zip").toString());
        assertEquals(1, bundle.exit(), bundle::toString);
        assertTrue(bundle.err().contains("no bundle is made of it"), bundle::toString);
        assertFalse(Files.exists(tmp.resolve("rolled.zip")), "no bundle left behind");
        // The JSONL export is made, but exits 1: on its own it verifies INTACT (an outside trial's archive of closed
        // day files). Status says what is missing, and exits 1 too.
        Path exported = tmp.resolve("rolled.jsonl");
        Cli.Result export = Cli.run("export", dir.toString(), "-o", exported.toString());
        assertEquals(1, export.exit(), export::toString);
        assertTrue(Files.size(exported) > 0 && export.err().contains("is not the journal's last day file: on its own,"
                + " the export verifies as if the journal ended there"), export::toString);
        Cli.Result status = Cli.run("status", dir.toString());
        assertEquals(1, status.exit(), status::toString);
        assertTrue(status.out().contains("WARNING:          its end is missing: " + f.getFileName() + " ends with"
                + " Chronicle's end-of-cycle marker"), status::toString);
        assertEquals(f.getFileName().toString(), Cli.run("status", dir.toString(), "--json").json()
                .get("later_file_missing_after"));
        assertTrue(rolledJson.out().contains("\"status\":\"later_file_missing\""), rolledJson::toString);
        assertTrue(rolledJson.out().contains("\"verdict\":\"INCOMPLETE\""), rolledJson::toString);
        assertFalse(plain.err().contains("end-of-cycle"), plain::toString);
        assertEquals(1, tornRolled.exit(), tornRolled::toString);
        assertTrue(tornRolled.out().startsWith("INCOMPLETE (torn tail, a later cycle file is missing)"),
                tornRolled::toString);
        assertFalse(tornRolled.out().contains("no sign of tampering"), tornRolled::toString);
    }

    /**
     * An outside trial copied a day file under the other roll cycle's name (20261206.cq4 beside 20261206L.cq4):
     * verify read every record twice and called the sound journal TAMPERED, with no word of the copy, while the
     * ledger refuses to open it. Every reader now refuses it the ledger's way.
     */
    @Test
    void aDayFileCopiedUnderTheOtherRollCyclesNameIsExitTwoNamingBoth() throws IOException {
        Path dir = tmp.resolve("copied-day");
        copyDir(intact.journal(), dir);
        Path own;
        try (Stream<Path> s = Files.list(dir)) {
            own = s.filter(p -> p.getFileName().toString().matches("\\d{8}L\\.cq4")).findFirst().orElseThrow();
        }
        String copyName = own.getFileName().toString().replace("L.cq4", ".cq4");
        Files.copy(own, dir.resolve(copyName));

        for (String command : List.of("verify", "export", "status", "tasks")) {
            Cli.Result r = "verify".equals(command) ? Cli.run("verify", dir.toString(), "--pubkey", intact.pub())
                    : Cli.run(command, dir.toString());
            assertEquals(2, r.exit(), command + ": " + r);
            assertTrue(r.err().contains("holds cycle files of more than one roll cycle") && r.err().contains(copyName)
                    && r.err().contains(own.getFileName().toString()), command + ": " + r);
        }
    }

    /** Writes Chronicle's end-of-cycle marker after the data of the journal's (only) cycle file. */
    private static Path markEndOfCycle(Path dir) throws IOException {
        Path f;
        try (Stream<Path> s = Files.list(dir)) {
            f = s.filter(p -> p.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 0xC0000000), endOfData(f));
        }
        return f;
    }

    @Test
    void everyReadCommandEndsWithAVerdictOrAPlainError() throws IOException {
        Random random = new Random(SEED);
        for (int i = 0; i < JOURNALS; i++) {
            Path dir = tmp.resolve("j" + i);
            copyDir(intact.journal(), dir);
            String what = "seed " + SEED + " journal " + i + ": " + mutate(dir, random);
            String d = dir.toString();
            List<String[]> commands = List.of(
                    new String[] {"verify", d, "--pubkey", intact.pub()},
                    new String[] {"export", d},
                    new String[] {"show", d},
                    new String[] {"tasks", d},
                    new String[] {"checkpoint", d, "--pubkey", intact.pub()},
                    new String[] {"prove", d, "--pubkey", intact.pub(), "--seq", "3", "--format", "json"});
            for (String[] command : commands) {
                Cli.Result r = Cli.run(command);
                String context = command[0] + " after " + what + "\n" + r;
                assertTrue(r.exit() >= 0 && r.exit() <= 2, context);
                assertFalse(r.err().contains("unexpected error") || r.err().contains("\tat ")
                        || r.err().contains("Exception in"), context);
            }
            Cli.Result json = Cli.run("verify", d, "--pubkey", intact.pub(), "--json");
            Map<String, Object> o = json.json();
            assertNotNull(o.get("status"), json::toString);
            assertEquals((long) json.exit(), Cli.num(o.get("exit_code")), json::toString);
            if ("intact".equals(o.get("status"))) {
                assertEquals(0, json.exit(), what);
            }
        }
    }

    @Test
    void aChronicleQueueThatIsNotAJournalIsExitTwoWithOneLine() {
        Path dir = tmp.resolve("other");
        System.setProperty("chronicle.analytics.disable", "true");
        try (net.openhft.chronicle.queue.ChronicleQueue q = net.openhft.chronicle.queue.impl.single
                .SingleChronicleQueueBuilder.binary(dir.toFile()).build();
             net.openhft.chronicle.queue.ExcerptAppender a = q.createAppender()) {
            a.writeText("plain");
            a.writeText("text");
        }

        Cli.Result r = Cli.run("verify", dir.toString(), "--pubkey", intact.pub());

        assertEquals(2, r.exit(), r::toString);
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertTrue(r.err().contains("not a Vouch journal"), r::toString);
    }
}
