package dev.vouch.bench.report;

import dev.vouch.bench.report.ResultReader.ResultDir;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a directory of JMH JSON results ({@code -rf json}, as {@code vouch-bench/run.sh} writes them) into
 * {@code results.md} and {@code throughput-by-producers.svg} in the same directory, and prints the targets table:
 * <pre>java -cp vouch-bench/target/benchmarks.jar dev.vouch.bench.report.ReportMain vouch-bench/results/latest</pre>
 * Benchmarks absent from the directory become "not run" lines, never errors. Exit status: 0 when the report is
 * written, 1 when the directory holds no JSON file or cannot be read or written, 2 for a usage error.
 */
public final class ReportMain {
    static final String MARKDOWN = "results.md";

    private ReportMain() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -cp benchmarks.jar " + ReportMain.class.getName() + " <results-dir>");
            System.exit(args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")) ? 0 : 2);
        }
        Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir)) {
            System.err.println("not a directory: " + dir);
            System.exit(2);
        }
        try {
            System.exit(run(dir, System.out, System.err));
        } catch (IOException e) {
            System.err.println("report failed: " + e);
            System.exit(1);
        }
    }

    /** Writes the report files for {@code dir}; returns the exit status. */
    static int run(Path dir, PrintStream out, PrintStream err) throws IOException {
        ResultDir files = ResultReader.read(dir);
        if (files.files().isEmpty()) {
            err.println("no *.json JMH results in " + dir);
            return 1;
        }
        files.problems().forEach(p -> err.println("warning: could not read " + p));
        Results results = new Results(files.results());
        RunProperties run = RunProperties.read(dir);
        MachineInfo machine = MachineInfo.forResults(dir);
        Files.writeString(dir.resolve(MARKDOWN), Report.markdown(dir, files, results, run, machine),
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(SvgChart.FILE), SvgChart.render(results), StandardCharsets.UTF_8);
        out.println("Targets (" + results.all().size() + " results from " + files.files().size() + " files):");
        out.println();
        out.print(Report.targetsTable(Targets.evaluate(results)).replace("<br>", " "));
        out.println();
        out.println("wrote " + dir.resolve(MARKDOWN) + " and " + dir.resolve(SvgChart.FILE));
        return 0;
    }
}
