package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.Risk;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch stats}: what a journal holds, counted. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = {
            "Counts what a journal holds: records by type; tool calls by tool and by outcome; policy decisions and"
                    + " approvals by decision, policy rule and risk; events by agent, task and principal; events"
                    + " over time; approvals and how long calls waited for them; gaps, drops and recoveries.",
            "Does not verify the journal (run 'vouch verify'); only reads it, in one pass. Holds one counter per"
                    + " distinct tool, agent, task, principal and rule.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the statistics were printed",
            "1:the journal's storage is damaged: the figures lack the records beyond it",
            "2:usage error, missing or unreadable journal"})
final class StatsCommand implements Callable<Integer>, ReadingCommand {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--json", description = "Print one JSON object with every figure (docs/CLI.md, \"stats --json\").")
    boolean json;

    @Option(names = "--interval", paramLabel = "INTERVAL", defaultValue = "auto",
            description = "The interval of the rate over time: 1s, 10s, 1m, 10m, 1h, 6h, 1d, 7d, or auto (at most"
                    + " 60 intervals over the journal). Default: ${DEFAULT-VALUE}.")
    String interval;

    @Option(names = "--task", paramLabel = "TASK_ID",
            description = "Count only this task and the records it caused (as 'vouch tasks TASK_ID'); ledger records"
                    + " are counted whole.")
    String task;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "Tools, rules, agents, tasks and principals listed in the text output. Default: ${DEFAULT-VALUE}.")
    int top;

    @Override
    public Path unverifiedJournal() {
        return journal;
    }

    @Override
    public Integer call() throws IOException {
        long step = interval.equals("auto") ? 0 : RateSeries.parseLabel(interval);
        if (step < 0) {
            throw new CliException("--interval " + interval + ": one of 1s, 10s, 1m, 10m, 1h, 6h, 1d, 7d or auto");
        }
        if (top < 0) {
            throw new CliException("--top must not be negative, was " + top);
        }
        PrintWriter err = spec.commandLine().getErr();
        JournalInput.check(journal, err);
        JournalStats stats = new JournalStats(0, Risk.HIGH).scope(task);
        boolean damaged = stats.read(journal, err, spec.qualifiedName());
        long shown = step == 0 ? stats.rate().autoInterval() : step;
        PrintWriter out = spec.commandLine().getOut();
        String dir = journal.toAbsolutePath().normalize().toString();
        if (json) {
            try (JsonGenerator g = Json.generator(out)) {
                StatsJson.write(g, stats, dir, shown);
            }
            out.println();
        } else {
            StatsText.write(out, stats, dir, shown, top);
        }
        out.flush();
        if (task != null && stats.tasks().isEmpty()) {
            err.println(spec.qualifiedName() + ": no record of task '" + Text.safe(task) + "' in " + journal);
            return VouchCli.EXIT_FAILED;
        }
        return damaged ? VouchCli.EXIT_FAILED : VouchCli.EXIT_OK;
    }
}
