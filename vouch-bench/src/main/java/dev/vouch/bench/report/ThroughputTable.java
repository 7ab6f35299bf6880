package dev.vouch.bench.report;

import static dev.vouch.bench.report.Benchmarks.BASELINE;
import static dev.vouch.bench.report.Benchmarks.CHECKPOINT;
import static dev.vouch.bench.report.Benchmarks.LOG4J;
import static dev.vouch.bench.report.Benchmarks.PER_EVENT;
import static dev.vouch.bench.report.Benchmarks.SIGNING;
import static dev.vouch.bench.report.Benchmarks.THROUGHPUT;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Sustained pipeline throughput by signing mode, payload and producer count, each against its baselines from the
 * same JMH run where there is one: the raw Chronicle append of the same payload, the Ed25519 signature (for
 * {@code PER_EVENT}, which signs every event) and Log4j2's async logger with as many threads and the same payload.
 */
final class ThroughputTable {
    private ThroughputTable() {
    }

    static List<JmhResult> rows(Results r) {
        return r.distinct().stream().filter(x -> x.className().equals(THROUGHPUT))
                .sorted(Comparator.comparing(ThroughputTable::signingOrder)
                        .thenComparing(x -> Results.numeric(x.param(Select.PAYLOAD)))
                        .thenComparingInt(JmhResult::threads))
                .toList();
    }

    static String render(Results r) {
        MarkdownTable t = new MarkdownTable("signing", "payload", "producers", "events/s", "± error",
                "× `chronicleAppend` (same payload)", "× `ed25519Sign`", "× Log4j2 async (same threads, payload)")
                .right(1, 2, 3, 4, 5, 6, 7);
        for (JmhResult x : rows(r)) {
            String payload = x.param(Select.PAYLOAD);
            Select journal = Select.of(BASELINE, "chronicleAppend").payload(payload);
            Select log4j = Select.of(LOG4J).threads(x.threads()).payload(payload);
            int decimals = Num.decimalsFor(x.primary().score());
            Select sign = Select.of(BASELINE, "ed25519Sign").payload(payload);
            t.row(String.valueOf(x.param(SIGNING)), payload == null ? "—" : payload + " B",
                    Integer.toString(x.threads()), Num.format(x.primary().score(), decimals),
                    Num.format(x.primary().error(), decimals), ratio(x, r.find(journal, x)),
                    PER_EVENT.equals(x.param(SIGNING)) ? ratio(x, r.find(sign, x)) : "—",
                    ratio(x, r.find(log4j, x)));
        }
        return t.isEmpty() ? "No `" + THROUGHPUT + "` results in this run.\n" : t.render();
    }

    private static String ratio(JmhResult x, Optional<JmhResult> baseline) {
        return baseline.map(b -> Num.ratio(x.primary().score() / b.primary().score())).orElse("—");
    }

    private static int signingOrder(JmhResult x) {
        String s = x.param(SIGNING);
        return CHECKPOINT.equals(s) ? 0 : PER_EVENT.equals(s) ? 1 : 2;
    }
}
