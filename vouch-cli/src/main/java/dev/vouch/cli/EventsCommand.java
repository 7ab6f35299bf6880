package dev.vouch.cli;

import dev.vouch.internal.format.RecordType;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code vouch events}: the agent's event records as a table, filtered. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the agent's event records (tool calls, decisions, approvals, results, errors, tasks, notes) as a"
                    + " table, one row each: sequence number, time (UTC), type, task, tool, decision, then risk,"
                    + " parent and a preview of the payload. Filter by sequence or time range, task, tool, agent,"
                    + " principal, decision and risk; --limit N keeps the last N. --type adds ledger records.",
            "Does not verify the journal (run 'vouch verify'); only reads it. Text from the journal is shown with"
                    + " control characters escaped.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the records were shown", "1:the journal's storage is damaged: records beyond it are missing",
            "2:usage error, missing or unreadable journal"})
final class EventsCommand extends RecordTableCommand {
    @Override
    Set<RecordType> defaultTypes() {
        return RecordFilter.eventTypes();
    }

    @Override
    boolean header() {
        return !json;
    }
}
