package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.ledger.Ledger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call that was allowed to run but has no outcome (what a crash between a tool's run and its outcome record
 * leaves, since the guard accepts outcomes without waiting) is shown as "outcome not recorded", never as nothing.
 */
class CallOutcomeTest {
    @TempDir
    static Path shared;

    static Path journal;
    static long ran;
    static long blocked;
    static long lost;
    static long waiting;
    static long refused;

    @BeforeAll
    static void writeCalls() {
        journal = shared.resolve("journal");
        try (Ledger ledger = Ledger.builder(journal).keyFile(shared.resolve(".vouch_key")).shutdownHook(false).open()) {
            ran = call(ledger, "fs.read", Decision.ALLOW);
            ledger.recordDurably(new Event().kind(EventKind.TOOL_RESULT).name("fs.read").parent(ran).result("ok"));
            blocked = call(ledger, "fs.delete", Decision.BLOCK);
            refused = call(ledger, "pay", Decision.STALL);
            ledger.recordDurably(new Event().kind(EventKind.APPROVAL).name("pay").parent(refused).decision(Decision.REFUSED));
            lost = call(ledger, "fs.write", Decision.ALLOW);
            waiting = call(ledger, "fs.move", Decision.STALL);
        }
    }

    private static long call(Ledger ledger, String tool, Decision decision) {
        Event[] pair = {new Event().kind(EventKind.TOOL_CALL).name(tool).params("{}"),
            new Event().kind(EventKind.POLICY_DECISION).name(tool).parentInGroup(0).decision(decision)};
        return ledger.recordDurably(pair, Durability.JOURNALED);
    }

    @Test
    void shouldMarkTheCallWithoutOutcomeInTheTree() {
        Cli.Result r = Cli.run("tasks", journal.toString());
        assertEquals(0, r.exit(), r::toString);
        String[] lines = r.out().split("\n");
        int at = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("outcome not recorded")) {
                assertEquals(-1, at, "only one call lacks its outcome: " + r.out());
                at = i;
            }
        }
        assertTrue(at > 1 && lines[at - 2].contains("call fs.write") && lines[at - 1].contains("decision allow"), r.out());
        assertTrue(r.out().contains("awaiting approval"), r.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldGiveEveryCallItsOutcomeInTheJsonTree() {
        Cli.Result r = Cli.run("tasks", journal.toString(), "--json");
        assertEquals(0, r.exit(), r::toString);
        Map<Long, Object> outcomes = new HashMap<>();
        for (Object o : (List<Object>) Cli.parseObject(r.out()).get("roots")) {
            Map<String, Object> node = (Map<String, Object>) o;
            if ("tool_call".equals(node.get("type"))) {
                outcomes.put(Cli.num(node.get("seq")), node.get("outcome"));
            }
        }
        assertEquals(Map.of(ran, "result", blocked, "not_run", refused, "not_run", lost, "not_recorded", waiting,
                "awaiting_approval"), outcomes);
    }

    @Test
    void shouldGiveEveryCallItsOutcomeInTheExport() {
        Cli.Result r = Cli.run("export", journal.toString());
        assertEquals(0, r.exit(), r::toString);
        Map<Long, Object> outcomes = new HashMap<>();
        for (Map<String, Object> line : ExportCommandTest.lines(r.out())) {
            if ("tool_call".equals(line.get("type"))) {
                outcomes.put(Cli.num(line.get("seq")), line.get("outcome"));
            } else {
                assertFalse(line.containsKey("outcome"), line::toString);
            }
        }
        assertEquals(Map.of(ran, "result", blocked, "not_run", refused, "not_run", lost, "not_recorded", waiting,
                "awaiting_approval"), outcomes);
    }
}
