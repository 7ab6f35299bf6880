package dev.vouch.ledger;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.internal.ChronicleRecordSource;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Test helpers for reading journals back. */
final class Journals {
    private Journals() {
    }

    static VerificationReport verify(Path dir, VerifyingKey anchor) {
        try (ChronicleRecordSource source = ChronicleRecordSource.open(dir)) {
            return JournalVerifier.trusting(anchor).verify(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
