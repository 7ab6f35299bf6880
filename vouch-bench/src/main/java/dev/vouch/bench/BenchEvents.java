package dev.vouch.bench;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.RecorderStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/** The event every benchmark records, so that pipeline and baselines handle exactly the same bytes. */
final class BenchEvents {
    private BenchEvents() {
    }

    /** A payload of {@code bytes} ASCII 'x's, standing in for a tool call's JSON parameters. */
    static byte[] payload(int bytes) {
        byte[] params = new byte[bytes];
        Arrays.fill(params, (byte) 'x');
        return params;
    }

    /** Fills {@code event} (reused, so recording allocates nothing) as the benchmarks' tool call. */
    static Event toolCall(Event event, byte[] params) {
        return event.reset().kind(EventKind.TOOL_CALL).agent("bench-agent").task("bench-task").name("fs.read")
                .params(params);
    }

    /** Prints the ledger's own counters after a trial, and fails the trial if any accepted event went missing. */
    static void printAndCheck(RecorderStats stats) {
        System.out.printf(Locale.ROOT,
                "%n  journaled %,d events, %,d checkpoints (%.0f events per signature), ring found full %,d times,"
                        + " mean accepted->journaled %.1f us%n", stats.journaled(), stats.checkpoints(),
                (double) stats.journaled() / Math.max(1, stats.checkpoints()), stats.ringFull(),
                stats.appendLatencyNanosTotal() / 1e3 / Math.max(1, stats.journaled()));
        if (stats.journaled() != stats.accepted() || stats.lost() != 0 || stats.dropped() != 0) {
            throw new IllegalStateException("events went missing: " + stats);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
