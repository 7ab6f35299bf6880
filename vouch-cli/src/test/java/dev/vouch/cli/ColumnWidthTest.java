package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.Risk;
import dev.vouch.ledger.Ledger;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables line up in a terminal whatever the names: an outside trial's Japanese and emoji tool names (two cells a
 * character) pushed their rows right in {@code show}, {@code events}, {@code risk} and {@code stats}, since
 * {@code %-24s} counts UTF-16 units, and a decomposed accent (no cell of its own) pulled its row left.
 */
class ColumnWidthTest {
    private static final List<String> TOOLS = List.of("fs.read", "日本.検索", "emoji.🚀", "o\u0308deme.iade",
            "日本語の非常に長いツール名です.検索する", "payments.refund");

    @TempDir
    Path tmp;

    @Test
    void shouldCountTerminalCells() {
        assertEquals(1, Text.cells('a'));
        assertEquals(2, Text.cells('日'));
        assertEquals(2, Text.cells("🚀".codePointAt(0)));
        assertEquals(0, Text.cells(0x0308));
        assertEquals(2, Text.cells('한'));
        assertEquals(2, Text.cells(0xFF21)); // fullwidth A
        assertEquals(1, Text.cells('é'));
        assertEquals(9, Text.cells("日本.検索", 0, 5));
        assertEquals(10, Text.cells("o\u0308deme.iade", 0, 11));
    }

    @Test
    void shouldPadAndCutByCells() {
        assertEquals("fs.read   ", Text.column("fs.read", 10));
        assertEquals("日本.検索 ", Text.column("日本.検索", 10));
        assertEquals("日本語...", Text.column("日本語の非常に", 9));
        // A wide character that would straddle the cut is left out; the cell it leaves is padded.
        assertEquals("日本... ", Text.column("日本語の非常に", 8));
        assertEquals("abcdefg...", Text.column("abcdefghijklm", 10));
        String emoji = Text.column("emoji.🚀🚀🚀🚀🚀", 10);
        assertEquals(10, Text.cells(emoji, 0, emoji.length()));
        assertEquals("日本語の非常に", Text.pad("日本語の非常に", 8));
        assertEquals("日本 ", Text.pad("日本", 5));
    }

    @Test
    void shouldAlignTheRowsOfShowEventsRiskAndStats() {
        TestJournals.Written w = TestJournals.write(tmp, 1);
        try (Ledger ledger = Ledger.builder(w.journal()).keyFile(w.keyFile()).shutdownHook(false).open()) {
            Event e = new Event();
            for (String tool : TOOLS) {
                ledger.record(e.reset().kind(EventKind.TOOL_CALL).agent("agent-1").task("タスク-" + tool.length())
                        .name(tool).policy("p").decision(Decision.STALL).risk(Risk.HIGH).params("{}"));
            }
        }
        for (String command : List.of("show", "events", "risk")) {
            Cli.Result r = Cli.run(command, w.dir());
            assertEquals(0, r.exit(), r::toString);
            String mark = command.equals("risk") ? "not_recorded" : "stall";
            List<String> rows = r.out().lines().filter(l -> l.contains(mark)).collect(Collectors.toList());
            assertEquals(TOOLS.size(), rows.size(), r::toString);
            List<Integer> at = rows.stream().map(l -> Text.cells(l, 0, l.indexOf(mark))).distinct()
                    .collect(Collectors.toList());
            assertEquals(1, at.size(), () -> command + ": the decision column starts at cells " + at + "\n" + r.out());
        }
        Cli.Result stats = Cli.run("stats", w.dir());
        assertEquals(0, stats.exit(), stats::toString);
        List<Integer> ends = stats.out().lines()
                .filter(l -> TOOLS.stream().anyMatch(t -> l.contains(t.substring(0, 3))))
                .map(l -> Text.cells(l, 0, l.stripTrailing().length())).distinct().collect(Collectors.toList());
        assertTrue(ends.size() <= 2, () -> "stats rows end at cells " + ends + "\n" + stats.out());
    }
}
