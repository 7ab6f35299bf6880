package dev.vouch.cli;

import dev.vouch.internal.format.RecordType;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code vouch show}: one compact line per record, for a person reading a journal. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Prints one line per record: sequence number, time (UTC), type, then for events the task, tool name,"
                    + " decision and a preview of the payload, for ledger records their counts and keys. Every record"
                    + " by default; the options filter them ('vouch events' is the same for event records, with a"
                    + " header).",
            "Does not verify the journal (run 'vouch verify'); only reads it. Text from the journal is shown with"
                    + " control characters escaped.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the records were shown", "1:the journal's storage is damaged: records beyond it are missing",
            "2:usage error, missing or unreadable journal"})
final class ShowCommand extends RecordTableCommand {
    @Override
    Set<RecordType> defaultTypes() {
        return EnumSet.allOf(RecordType.class);
    }

    @Override
    boolean header() {
        return false;
    }
}
