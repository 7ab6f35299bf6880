package dev.vouch.bench.report;

import dev.vouch.bench.report.ResultReader.ResultDir;
import dev.vouch.bench.report.RunProperties.Invocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Section (a) of results.md: when, on what JDK and machine, and how (mode and the exact JMH command lines). */
final class ReportHeader {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")
            .withZone(ZoneId.systemDefault());

    private ReportHeader() {
    }

    static String render(Path dir, ResultDir files, Results results, RunProperties run, MachineInfo machine)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("- **Date:** ").append(date(dir, files, run)).append('\n');
        sb.append("- **JDK:** ").append(jdk(results, run)).append('\n');
        sb.append("- **Machine:** ").append(machine.describe()).append('\n');
        sb.append("- **Mode:** ").append(mode(run)).append('\n');
        run.get("git.commit").ifPresent(c -> sb.append("- **Commit:** `").append(c).append("`\n"));
        sb.append('\n');
        for (Invocation i : run.invocations()) {
            if (!i.ok()) {
                sb.append("> **Warning:** the `").append(i.group()).append("` JMH run ").append(i.status())
                        .append(i.status().startsWith("failed") ? "; its results are missing or partial" : "")
                        .append(".\n\n");
            }
        }
        run.get("missing").ifPresent(m -> sb.append("> **Note:** not in this benchmark jar, so not run: ")
                .append(m).append(".\n\n"));
        for (String problem : files.problems()) {
            sb.append("> **Warning:** could not read ").append(problem).append(".\n\n");
        }
        List<Invocation> invocations = run.invocations();
        if (!invocations.isEmpty()) {
            sb.append("Commands (from the repository root):\n\n```sh\n");
            run.get("build").ifPresent(b -> sb.append(b).append('\n'));
            for (Invocation i : invocations) {
                sb.append("# ").append(i.group()).append(": ").append(i.status()).append('\n');
                sb.append(i.command()).append('\n');
            }
            sb.append("java -cp vouch-bench/target/benchmarks.jar ").append(ReportMain.class.getName())
                    .append(" <this directory>\n");
            sb.append("```\n");
        }
        return sb.toString();
    }

    static String mode(RunProperties run) {
        if (!run.present()) {
            return "not recorded (no " + RunProperties.FILE + ": JMH run by hand); iterations per file under Runs";
        }
        String mode = run.get("mode").orElse("unknown");
        String what = switch (mode) {
            case "quick" -> "`vouch-bench/run.sh`: a subset (256 B, fewer producers, verify at 1 M records, ingest"
                    + " after 2 M) with short iterations; a first look, not numbers to quote";
            case "full" -> "`vouch-bench/run.sh --full`: every benchmark and parameter, annotated iterations";
            case "smoke" -> "`vouch-bench/run.sh --smoke`: a pipeline check; the numbers mean nothing";
            default -> "`vouch-bench/run.sh`";
        };
        String extra = run.get("jmh.extra").orElse("");
        if (!extra.isBlank()) {
            // Options after -- override the iterations of every group: say so, since they change what "quick" means.
            what = what.replace(" with short iterations; a first look, not numbers to quote", "")
                    + "; every JMH invocation with `" + extra + "`";
        }
        return "**" + mode + "**, " + what;
    }

    private static String date(Path dir, ResultDir files, RunProperties run) throws IOException {
        if (run.get("start").isPresent()) {
            return run.get("start").get() + run.get("end").map(e -> " to " + e).orElse("");
        }
        FileTime latest = null;
        for (String f : files.files()) {
            FileTime t = Files.getLastModifiedTime(dir.resolve(f));
            latest = latest == null || t.compareTo(latest) > 0 ? t : latest;
        }
        return latest == null ? "unknown" : DATE.format(latest.toInstant()) + " (result files written)";
    }

    private static String jdk(Results results, RunProperties run) {
        Set<String> jvms = new LinkedHashSet<>();
        results.all().forEach(r -> jvms.add(r.jvm().jdkVersion() + ", " + r.jvm().vmName() + " "
                + r.jvm().vmVersion()));
        String fromResults = jvms.isEmpty() ? "unknown" : String.join("; ", jvms);
        if (jvms.size() > 1) {
            fromResults += " (**results from different JVMs**)";
        }
        return fromResults + run.get("java").map(j -> " — `" + j + "`").orElse("");
    }

    /** The Runs section: per file, the benchmarks it holds and JMH's forks and iterations. */
    static String runs(Results results, ResultDir files) {
        MarkdownTable t = new MarkdownTable("file", "results", "forks", "warmup", "measurement").right(1, 2);
        for (String file : files.files()) {
            String run = file.substring(0, file.length() - ".json".length());
            List<JmhResult> in = results.all().stream().filter(r -> r.run().equals(run)).toList();
            t.row("`" + file + "`", Integer.toString(in.size()),
                    distinct(in, r -> Integer.toString(r.settings().forks())),
                    distinct(in, r -> r.settings().warmupIterations() + " × " + r.settings().warmupTime()),
                    distinct(in, r -> r.settings().measurementIterations() + " × " + r.settings().measurementTime()));
        }
        return t.render();
    }

    private static String distinct(List<JmhResult> in, Function<JmhResult, String> f) {
        String s = in.stream().map(f).distinct().collect(Collectors.joining(", "));
        return s.isEmpty() ? "—" : s;
    }
}
