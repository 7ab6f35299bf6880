package dev.vouch.bench.report;

import java.util.List;

/** Percentiles of every sample-time result ({@code -bm sample}), in the benchmark's own time unit. */
final class LatencyTable {
    static final List<String> PERCENTILES = List.of("50.0", "90.0", "99.0", "99.9", "99.99", "100.0");

    private LatencyTable() {
    }

    static String render(Results r) {
        MarkdownTable t = new MarkdownTable("benchmark", "params", "threads", "unit", "mean", "p50", "p90", "p99",
                "p99.9", "p99.99", "max").right(2, 4, 5, 6, 7, 8, 9, 10);
        r.distinct().stream().filter(x -> x.mode().equals("sample") && !x.percentiles().isEmpty())
                .sorted(ResultOrder.BY_NAME).forEach(x -> {
                    String[] cells = new String[11];
                    cells[0] = "`" + x.shortName() + "`";
                    cells[1] = Labels.params(x).isEmpty() ? "—" : Labels.params(x);
                    cells[2] = Integer.toString(x.threads());
                    cells[3] = x.primary().unit();
                    cells[4] = Num.format(x.primary().score());
                    for (int i = 0; i < PERCENTILES.size(); i++) {
                        cells[5 + i] = x.percentile(PERCENTILES.get(i)).map(Num::format).orElse("—");
                    }
                    t.row(cells);
                });
        return t.isEmpty() ? "No sample-time (latency) results in this run.\n" : t.render();
    }
}
