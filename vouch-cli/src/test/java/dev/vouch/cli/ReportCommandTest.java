package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.Risk;
import dev.vouch.ledger.Ledger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report, opened in headless Chromium: it renders, its figures are stats --json's, and it cannot be injected. */
class ReportCommandTest {
    /** An element whose text is a figure, labelled with its JSON Pointer in {@code vouch stats --json}. */
    private static final Pattern STAT = Pattern.compile("<(\\w+)[^>]*?\\sdata-stat=\"([^\"]*)\"[^>]*>([^<]*)</\\1>");

    @TempDir
    Path tmp;

    @Test
    void shouldRenderInChromiumWithTheFiguresOfStatsJson() throws Exception {
        RichJournal.Rich rich = RichJournal.shared();
        Path html = tmp.resolve("report.html");

        Cli.Result r = Cli.run("report", rich.dir(), "-o", html.toString(), "--pubkey", rich.pub());

        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("wrote the report on "), r::toString);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(html));
        String file = Files.readString(html, StandardCharsets.UTF_8);
        assertSelfContained(file);

        String dom = Chromium.dumpDom(html, tmp.resolve("profile"));
        assertTrue(dom.contains("data-status=\"intact\""), "the verdict leads: intact");
        for (String section : List.of("verdict", "overview", "keys", "timeline", "decisions", "approvals", "stopped",
                "risky", "rate", "breakdown", "continuity")) {
            assertTrue(dom.contains("<section id=\"" + section + "\">"), section);
        }
        assertEquals(3, count(dom, "<td class=\"ok\">yes</td>"), "3 keys, each verified");
        assertTrue(dom.contains("<svg"), "charts");
        int checked = assertFiguresMatch(dom, Cli.run("stats", rich.dir(), "--json").json());
        assertTrue(checked > 150, checked + " figures checked");
        for (String pointer : List.of("/calls", "/outcomes/not_run", "/tools/crm.lookup/calls", "/decisions/block",
                "/approvals/waits/median_ns", "/recoveries", "/dropped_total", "/key_rotations", "/risks/critical",
                "/policies/big-refunds/stall", "/tasks/ticket-2/calls", "/principals/alice", "/high_risk_calls")) {
            assertTrue(dom.contains("data-stat=\"" + pointer + "\""), "the report shows " + pointer);
        }

        Path png = tmp.resolve("report.png");
        Chromium.screenshot(html, png, tmp.resolve("profile"));
        assertTrue(Files.size(png) > 20_000, "a rendered page, not a blank one: " + Files.size(png) + " bytes");
    }

    @Test
    void shouldShowJournalTextAsTextNeverAsMarkupOrScript() throws Exception {
        Path dir = tmp.resolve("evil");
        String tool = "<script>document.title='pwned'</script>\u001b[2J";
        String task = "\"><img src=x onerror=\"document.title='pwned'\">\u2028[CRITICAL] fake";
        try (Ledger ledger = Ledger.builder(dir).keyFile(tmp.resolve("k")).origin("evil.example/agent")
                .shutdownHook(false).open()) {
            Event e = new Event();
            long start = ledger.recordDurably(e.reset().kind(EventKind.TASK_START).task(task).name("t")
                    .agent("<b>agent</b>").principal("</td></tr></table><h1>fake</h1>"));
            // An auditor's find: an agent's name reached a data-stat attribute with its U+202E raw.
            ledger.recordDurably(e.reset().kind(EventKind.NOTE).name("n").agent("ag\u202eent\u2029"));
            long call = ledger.recordDurably(e.reset().kind(EventKind.TOOL_CALL).task(task).name(tool).parent(start)
                    .agent("<b>agent</b>").params("{\"q\":\"<script>alert(1)</script>\",\"r\":\"\u202eevil\"}"));
            ledger.recordDurably(e.reset().kind(EventKind.POLICY_DECISION).task(task).name(tool).parent(call)
                    .decision(Decision.BLOCK).risk(Risk.CRITICAL).policy("<i>rule</i>")
                    .params("{\"reason\":\"<svg onload=alert(1)>\"}"));
        }
        Path html = tmp.resolve("evil.html");

        Cli.Result r = Cli.run("report", dir.toString(), "-o", html.toString());

        assertEquals(0, r.exit(), r::toString);
        String file = Files.readString(html, StandardCharsets.UTF_8);
        assertSelfContained(file);
        String dom = Chromium.dumpDom(html, tmp.resolve("profile"));
        // Attribute values are quoted with " (escaped inside as &quot;); without them only markup is left.
        String tags = dom.replaceAll("=\"[^\"]*\"", "=\"\"");
        for (String element : List.of("<script", "<img", "<b>", "<i>", "<h1>fake", "<svg onload")) {
            assertFalse(tags.contains(element), "journal text became an element " + element + ":\n" + dom);
        }
        assertFalse(Pattern.compile("<[^>]*\\son\\w+=").matcher(tags).find(), "an event handler attribute");
        assertTrue(dom.contains("<title>Vouch journal report: evil.example/agent</title>"), "the title is ours");
        assertTrue(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;\\u001b[2J"), "the tool name, as text");
        // U+2028 and U+2029 break a line for a Unicode-aware reader: escaped like the other line breaks.
        for (String command : List.of("stats", "status", "risk", "events", "tasks", "tail")) {
            Cli.Result text = Cli.run(command, dir.toString());
            assertEquals(0, text.exit(), text::toString);
            assertFalse(text.out().contains("\u001b") || text.out().contains("\u202e"), command + " escapes: " + text);
            assertFalse(text.out().contains("\u2028") || text.out().contains("\u2029"), command + " escapes: " + text);
        }
        assertTrue(dom.contains("&lt;i&gt;rule&lt;/i&gt;"), "the rule, as text");
        assertTrue(dom.contains("\\u202eevil"), "the right-to-left override is shown as an escape");
        assertFalse(tags.contains("\u202e"), "and never acted on");
        assertFalse(file.contains("\u202e"), "not even raw in an attribute (a character reference there)");
        assertFalse(file.contains("\u2028") || file.contains("\u2029"), "nor a line or paragraph separator");
        assertTrue(dom.contains("NOT VERIFIED"), "no --pubkey: the report says so");
        assertTrue(assertFiguresMatch(dom, Cli.run("stats", dir.toString(), "--json").json()) > 20,
                "figures keyed by hostile names match too");
    }

    @Test
    void shouldLeadWithTheVerdictOfATamperedJournalAndExitOne() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("w"), 10);
        long seq = TestJournals.sequenceOf(w.journal(), "MARK4X");
        TestJournals.flipByteIn(w.journal(), "MARK4X");
        Path html = tmp.resolve("tampered.html");

        Cli.Result r = Cli.run("report", w.dir(), "-o", html.toString(), "--pubkey", w.pub());

        assertEquals(1, r.exit(), r::toString);
        String file = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(file.contains("data-status=\"tampered\""), "the verdict");
        assertTrue(file.contains("<p class=\"headline\">TAMPERED: "), "the headline");
        assertTrue(file.contains("<tr><td class=\"num\">" + seq + "</td><td>chain</td>"), "the failure, by sequence");

        Cli.Result refused = Cli.run("report", w.dir(), "-o", w.journal().resolve("r.html").toString());
        assertEquals(2, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("refusing to write inside the journal directory"), refused::toString);
        assertFalse(Files.exists(w.journal().resolve("r.html")));

        Path missingKey = tmp.resolve("missing.pub");
        Cli.Result noKey = Cli.run("report", w.dir(), "--pubkey", missingKey.toString());
        assertEquals(2, noKey.exit(), noKey::toString);
        assertTrue(noKey.err().contains(missingKey.toString()), noKey::toString);
    }

    @Test
    void shouldCallAJournalOfAnotherKeyTamperedAndCheckASavedCheckpoint() throws Exception {
        TestJournals.Written w = TestJournals.write(tmp.resolve("w"), 3);
        TestJournals.Written other = TestJournals.write(tmp.resolve("other"), 1);
        Path html = tmp.resolve("r.html");

        Cli.Result wrongKey = Cli.run("report", w.dir(), "-o", html.toString(), "--pubkey", other.pub());
        assertEquals(1, wrongKey.exit(), wrongKey::toString);
        String file = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(file.contains("data-status=\"tampered\"") && file.contains("<td>genesis</td>"), "a genesis failure");
        assertTrue(file.contains("<td class=\"bad\">no</td>"), "the journal's key is not the trusted one");

        Path saved = tmp.resolve("saved.txt");
        assertEquals(0, Cli.run("checkpoint", w.dir(), "--pubkey", w.pub(), "-o", saved.toString()).exit());
        TestJournals.extend(w, 10, 2);
        Cli.Result r = Cli.run("report", w.dir(), "-o", html.toString(), "--pubkey", w.pub(), "--checkpoint",
                saved.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(Files.readString(html, StandardCharsets.UTF_8).contains("matches: the journal extends it"));
        Cli.Result without = Cli.run("report", w.dir(), "--checkpoint", saved.toString());
        assertEquals(2, without.exit(), without::toString);
        assertTrue(without.err().contains("--checkpoint needs --pubkey"), without::toString);
    }

    @Test
    void shouldWriteOneTasksReportThroughTrace() throws Exception {
        RichJournal.Rich rich = RichJournal.shared();
        Path html = tmp.resolve("ticket-2.html");

        Cli.Result r = Cli.run("trace", rich.dir(), "ticket-2", "--html", html.toString(), "--pubkey", rich.pub());

        assertEquals(0, r.exit(), r::toString);
        String dom = Chromium.dumpDom(html, tmp.resolve("profile"));
        assertTrue(dom.contains("<span class=\"k\">task</span> ticket-2"), "says which task");
        assertFiguresMatch(dom, Cli.run("stats", rich.dir(), "--task", "ticket-2", "--json").json());
        assertTrue(dom.contains("data-stat=\"/calls\">4<"), "the task's 4 calls");
        assertFalse(dom.contains("fs.delete"), "another task's call");

        assertEquals(0, Cli.run("tasks", rich.dir(), "ticket-2").exit(), "tasks and trace are one command");
        assertEquals(Cli.run("tasks", rich.dir(), "ticket-2").out(), Cli.run("trace", rich.dir(), "ticket-2").out());
    }

    /** Every figure the report labels equals the same figure of stats --json; returns how many were compared. */
    private static int assertFiguresMatch(String dom, Map<String, Object> stats) {
        Matcher m = STAT.matcher(dom);
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        while (m.find()) {
            String pointer = unescape(m.group(2));
            String shown = unescape(m.group(3)).strip();
            Object value = resolve(stats, pointer);
            String expected = value instanceof Number ? value.toString() : String.valueOf(value);
            String actual = value instanceof Number ? shown.replace(",", "") : shown;
            if (!expected.equals(actual)) {
                mismatches.add(pointer + ": report " + shown + ", stats " + value);
            }
            n++;
        }
        assertTrue(mismatches.isEmpty(), mismatches::toString);
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Object resolve(Object json, String pointer) {
        Object at = json;
        for (String raw : pointer.substring(1).split("/", -1)) {
            String part = raw.replace("~1", "/").replace("~0", "~");
            if (at instanceof Map) {
                assertTrue(((Map<String, Object>) at).containsKey(part), "no " + pointer + " in stats --json");
                at = ((Map<String, Object>) at).get(part);
            } else if (at instanceof List) {
                at = ((List<Object>) at).get(Integer.parseInt(part));
            } else {
                throw new AssertionError("no " + pointer + " in stats --json");
            }
        }
        return at;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", "\u00a0").replace("&amp;", "&");
    }

    /** Nothing to fetch: no script, no stylesheet or image from anywhere, links only within the page. */
    private static void assertSelfContained(String html) {
        assertTrue(html.startsWith("<!DOCTYPE html>"), "a whole document");
        assertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
                "a policy that forbids loading anything");
        assertFalse(html.contains("<script"), "no script of its own");
        assertFalse(html.contains("<link"), "no external stylesheet");
        assertFalse(html.contains("@import") || html.contains("url("), "no resource from CSS");
        Matcher refs = Pattern.compile("\\s(src|href)=\"([^\"]*)\"").matcher(html);
        while (refs.find()) {
            assertTrue(refs.group(1).equals("href") && refs.group(2).startsWith("#"), "a reference out: " + refs.group());
        }
    }

    private static int count(String s, String text) {
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }
}
