package dev.vouch.bench.report;

import dev.vouch.bench.report.ResultReader.ResultDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** results.md: header, targets, throughput by producers, all results, latency, what is missing, runs. */
final class Report {
    private Report() {
    }

    static String markdown(Path dir, ResultDir files, Results results, RunProperties run, MachineInfo machine)
            throws IOException {
        StringBuilder sb = new StringBuilder("# Vouch benchmark results\n\n");
        sb.append(ReportHeader.render(dir, files, results, run, machine).stripTrailing()).append("\n\n");

        sb.append("## Targets\n\n");
        sb.append("Scores are JMH's, ± its 99.9 % confidence interval (n/a: too few iterations for one). A ratio's ±"
                + " combines both intervals; \"within error\" means the interval contains the target, so this run"
                + " cannot decide it. Ratios use baselines from the same JMH run when there is one.\n\n");
        sb.append(targetsTable(Targets.evaluate(results))).append('\n');

        sb.append("## Sustained throughput by producers and payload\n\n");
        sb.append("![sustained throughput by producer count](").append(SvgChart.FILE).append(")\n\n");
        sb.append(ThroughputTable.render(results)).append('\n');

        sb.append("## All results\n\n");
        sb.append("Every result of every file (`run` is the file): lost = the benchmark's own count of events"
                + " lost (Log4j2 drops when its ring is full); alloc = `gc.alloc.rate.norm` with `-prof gc`.\n\n");
        sb.append(ResultsTable.render(results)).append('\n');

        sb.append("## Latency percentiles\n\n");
        sb.append(LatencyTable.render(results)).append('\n');

        List<String> missing = Coverage.missing(results);
        if (!missing.isEmpty()) {
            sb.append("## Not in this run\n\n");
            missing.forEach(m -> sb.append("- ").append(m).append('\n'));
            sb.append('\n');
        }
        sb.append("## Runs\n\n").append(ReportHeader.runs(results, files));
        return sb.toString();
    }

    static String targetsTable(List<TargetRow> rows) {
        MarkdownTable t = new MarkdownTable("target", "measured", "reference", "ratio", "status");
        rows.forEach(r -> t.row(r.target(), r.measured(), r.reference(), r.ratio(), r.status()));
        return t.render();
    }
}
