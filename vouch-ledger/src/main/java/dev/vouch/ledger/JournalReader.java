package dev.vouch.ledger;

import dev.vouch.ledger.internal.ChronicleRecordSource;
import dev.vouch.verify.RecordSource;
import java.io.IOException;
import java.nio.file.Path;

/** Opens journals for reading. Reading never writes, locks, creates or renames anything in the journal directory. */
public final class JournalReader {
    private JournalReader() {
    }

    /**
     * Opens the journal in {@code directory} read-only, for {@link dev.vouch.verify.JournalVerifier} or an export.
     *
     * @throws IOException if the directory is missing, not a directory, or holds no journal files
     */
    public static RecordSource open(Path directory) throws IOException {
        return ChronicleRecordSource.open(directory);
    }
}
