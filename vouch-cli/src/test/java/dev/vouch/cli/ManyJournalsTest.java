package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.internal.format.RecordType;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vouch verify} over several journals, one per agent host, each with its own key: verified in parallel, one
 * line each in order and a total, a non-zero exit if any is not intact, and two journals claiming one origin flagged.
 */
class ManyJournalsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldVerifyADirectoryOfJournalsEachWithItsOwnKeyAndTotalThem() throws Exception {
        Path hosts = tmp.resolve("hosts");
        TestJournals.Written a = TestJournals.write(hosts.resolve("host-a"), 3, "example.com/host-a");
        TestJournals.Written b = TestJournals.write(hosts.resolve("host-b"), 4, "example.com/host-b");
        TestJournals.Written c = TestJournals.write(hosts.resolve("host-c"), 2, "example.com/host-c");
        TestJournals.extend(c, 2, 2);
        List<Path> journals = List.of(a.journal(), b.journal(), c.journal());
        // The journals live one level deeper (host-x/journal): gather them into one directory of journals.
        Path parent = Files.createDirectories(tmp.resolve("all"));
        for (Path j : journals) {
            Files.move(j, parent.resolve(j.getParent().getFileName()));
        }

        Cli.Result r = Cli.run("verify", "--all", parent.toString(), "--pubkey", a.pub(), "--pubkey", b.pub(),
                "--pubkey", c.pub(), "--threads", "3");

        assertEquals(0, r.exit(), r::toString);
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("INTACT      " + parent.resolve("host-a")), r::toString);
        assertTrue(lines[0].matches(".*example.com/host-a  \\d+ records, 1 key\\(s\\), sealed"), r::toString);
        assertTrue(lines[1].startsWith("INTACT      " + parent.resolve("host-b")), r::toString);
        assertTrue(lines[2].startsWith("INTACT      " + parent.resolve("host-c")), r::toString);
        assertTrue(r.out().contains("ALL INTACT: 3 journal(s): 3 intact, 0 tampered or unreadable, 0 incomplete, 0 could"
                + " not be read; 0 origin(s) claimed by more than one journal"), r::toString);

        Cli.Result detected = Cli.run("verify", parent.toString(), "--pubkey", a.pub(), "--pubkey", b.pub(), "--pubkey",
                c.pub());
        assertEquals(0, detected.exit(), detected::toString);
        assertTrue(detected.err().contains("is not a journal; verifying the 3 journal(s) in it (--all)"), detected::toString);

        Cli.Result oneKey = Cli.run("verify", "--all", parent.toString(), "--pubkey", a.pub());
        assertEquals(1, oneKey.exit(), oneKey::toString);
        assertTrue(oneKey.out().contains("NOT ALL INTACT: 3 journal(s): 1 intact, 2 tampered"), oneKey::toString);
    }

    /**
     * A subdirectory of cycle files that does not read as a Vouch journal (here another program's Chronicle queue;
     * damage can make a journal look like one) is listed as an error, never left out of an "ALL INTACT".
     */
    @Test
    void shouldListADirectoryOfCycleFilesThatIsNotAVouchJournalAsAnErrorUnderAll() throws Exception {
        TestJournals.Written a = TestJournals.write(tmp.resolve("host-a"), 2, "example.com/host-a");
        Path parent = Files.createDirectories(tmp.resolve("all"));
        Files.move(a.journal(), parent.resolve("host-a"));
        System.setProperty("chronicle.analytics.disable", "true");
        try (ChronicleQueue other = SingleChronicleQueueBuilder.binary(parent.resolve("other-queue").toFile()).build();
             ExcerptAppender appender = other.createAppender()) {
            appender.writeText("not a Vouch record");
        }
        Files.writeString(Files.createDirectories(parent.resolve("notes")).resolve("readme.txt"), "no cycle files here");

        Cli.Result r = Cli.run("verify", "--all", parent.toString(), "--pubkey", a.pub());

        assertEquals(2, r.exit(), r::toString);
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("INTACT      " + parent.resolve("host-a")), r::toString);
        assertTrue(lines[1].startsWith("ERROR       " + parent.resolve("other-queue")) && lines[1].contains(
                "not a Vouch journal"), r::toString);
        assertTrue(r.out().contains("NOT ALL INTACT: 2 journal(s): 1 intact"), r::toString);
        assertTrue(!r.out().contains("notes"), "a directory without cycle files is not a journal to verify: " + r);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldExitNonZeroIfAnyIsNotIntactAndReportEachInJson() throws Exception {
        TestJournals.Written good = TestJournals.write(tmp.resolve("good"), 3, "example.com/good");
        TestJournals.Written bad = TestJournals.write(tmp.resolve("bad"), 3, "example.com/bad");
        TestJournals.flipByteIn(bad.journal(), "MARK1X");
        TestJournals.Written live = TestJournals.write(tmp.resolve("live"), 3, "example.com/live");
        Path torn = TestJournals.truncatedCopy(live.journal(), tmp.resolve("torn"),
                TestJournals.lastIndexOf(live.journal(), RecordType.TASK_END) + 1);
        String[] keys = {"--pubkey", good.pub(), "--pubkey", bad.pub(), "--pubkey", live.pub()};

        Cli.Result r = Cli.run(concat(new String[] {"verify", good.dir(), bad.dir(), torn.toString()}, keys));

        assertEquals(1, r.exit(), r::toString);
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("INTACT "), r::toString);
        assertTrue(lines[1].startsWith("TAMPERED ") && lines[1].contains("failure(s); first: seq "), r::toString);
        assertTrue(lines[2].startsWith("INCOMPLETE ") && lines[2].contains("torn tail"), r::toString);
        assertTrue(r.out().contains("NOT ALL INTACT: 3 journal(s): 1 intact, 1 tampered or unreadable, 1 incomplete"), r::toString);

        Cli.Result json = Cli.run(concat(new String[] {"verify", good.dir(), bad.dir(), torn.toString(),
            tmp.resolve("missing").toString(), "--json"}, keys));
        assertEquals(2, json.exit(), "a journal that cannot be read makes it 2: " + json);
        Map<String, Object> o = json.json();
        List<Map<String, Object>> each = (List<Map<String, Object>>) o.get("journals");
        assertEquals(4, each.size());
        assertEquals(List.of("intact", "tampered", "torn_tail", "error"), each.stream().map(j -> j.get("status")).toList());
        Map<String, Object> single = Cli.run("verify", good.dir(), "--pubkey", good.pub(), "--json").json();
        assertEquals(single.keySet(), each.get(0).keySet(), "each journal's object is the single-journal object");
        assertTrue(!((List<?>) each.get(1).get("failures")).isEmpty());
        assertTrue(((String) each.get(3).get("reason")).contains("no such journal directory"));
        Map<String, Object> total = (Map<String, Object>) o.get("total");
        assertEquals(4L, Cli.num(total.get("journals")));
        assertEquals(1L, Cli.num(total.get("intact")));
        assertEquals(1L, Cli.num(total.get("error")));
        assertEquals(2L, Cli.num(o.get("exit_code")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldFlagTwoJournalsClaimingTheSameOrigin() {
        TestJournals.Written one = TestJournals.write(tmp.resolve("one"), 2, "example.com/agent");
        TestJournals.Written two = TestJournals.write(tmp.resolve("two"), 2, "example.com/agent");

        Cli.Result r = Cli.run("verify", one.dir(), two.dir(), "--pubkey", one.pub(), "--pubkey", two.pub());

        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("DUPLICATE ORIGIN example.com/agent: claimed by 2 journals: " + one.journal() + ", "
                + two.journal()), r::toString);
        assertTrue(r.out().contains("2 intact") && r.out().contains("1 origin(s) claimed by more than one journal"), r::toString);
        Map<String, Object> json = Cli.run("verify", one.dir(), two.dir(), "--pubkey", one.pub(), "--pubkey", two.pub(),
                "--json").json();
        List<Map<String, Object>> dups = (List<Map<String, Object>>) json.get("duplicate_origins");
        assertEquals("example.com/agent", dups.get(0).get("origin"));
        assertEquals(List.of(one.journal().toString(), two.journal().toString()), dups.get(0).get("journals"));
    }

    @Test
    void shouldRefuseOptionsThatBelongToOneJournalAndEmptyDirectories() throws Exception {
        TestJournals.Written one = TestJournals.write(tmp.resolve("one"), 1, "example.com/one");
        Path saved = tmp.resolve("saved.txt");
        assertEquals(0, Cli.run("checkpoint", one.dir(), "--pubkey", one.pub(), "-o", saved.toString()).exit());

        Cli.Result r = Cli.run("verify", one.dir(), one.dir(), "--pubkey", one.pub(), "--checkpoint", saved.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--checkpoint belongs to one journal"), r::toString);

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        r = Cli.run("verify", "--all", empty.toString(), "--pubkey", one.pub());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("no journal directory in it"), r::toString);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
