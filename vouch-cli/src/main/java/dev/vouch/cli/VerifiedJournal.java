package dev.vouch.cli;

import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.VerificationListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The first step of every command that hands out something signed (proofs, DSSE envelopes, bundles): verify the
 * journal in full against the trust anchor, and refuse one that fails. A journal that is merely not sealed (a
 * running writer, a crash) is accepted with a warning: everything up to its last signed checkpoint verifies.
 */
final class VerifiedJournal {
    private final Outcome outcome;
    private final String savedNote;

    private VerifiedJournal(Outcome outcome, String savedNote) {
        this.outcome = outcome;
        this.savedNote = savedNote;
    }

    /**
     * Verifies {@code journal}; with {@code savedCheckpoint}, the journal must also extend that saved note.
     *
     * @throws CheckFailed (exit 1) if verification finds a failure or no valid checkpoint
     */
    static VerifiedJournal verify(Path journal, VerifyingKey anchor, Path savedCheckpoint, PrintWriter err,
            String whatIsRefused) throws IOException {
        JournalVerifier verifier = JournalVerifier.trusting(anchor).listener(VerificationListener.NONE);
        String saved = null;
        if (savedCheckpoint != null) {
            saved = Inputs.savedCheckpoint(savedCheckpoint);
            try {
                verifier = verifier.extending(saved);
            } catch (FormatException e) {
                throw new CliException(savedCheckpoint + ": not a usable saved checkpoint: " + e.getMessage(), e);
            }
        }
        JournalInput.check(journal, err);
        Outcome outcome;
        ProgressBar progress = ProgressBar.forTerminal(err, "verifying");
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            outcome = Outcome.verify(verifier.listener(progress.verificationProgress()), source);
        } finally {
            progress.clear();
        }
        if (outcome.status() == Outcome.Status.TAMPERED || outcome.status() == Outcome.Status.UNREADABLE) {
            String first = outcome.report().failures().isEmpty() ? ""
                    : " First failure: " + outcome.report().failures().get(0) + ".";
            throw new CheckFailed("verification failed, " + whatIsRefused + ": " + outcome.headline() + "." + first
                    + " Run 'vouch verify " + journal + "' for the details");
        }
        if (outcome.lastCheckpoint() == null) {
            throw new CheckFailed(journal + ": the journal has no validly signed checkpoint; " + whatIsRefused);
        }
        if (outcome.status() != Outcome.Status.INTACT) {
            err.println("warning: " + Text.safe(outcome.headline()) + ". The latest signed checkpoint covers tree size "
                    + outcome.lastCheckpoint().size() + (outcome.report().uncoveredRecords() > 0 ? "; the "
                    + outcome.report().uncoveredRecords() + " record(s) after it are not covered." : "."));
        }
        return new VerifiedJournal(outcome, saved);
    }

    Outcome outcome() {
        return outcome;
    }

    /** The saved checkpoint the journal extends, as given, or null. */
    String savedNote() {
        return savedNote;
    }

    /** The saved checkpoint if one was given, else the latest validly signed one: what a proof is against. */
    String targetNote() {
        return savedNote != null ? savedNote : outcome.report().lastCheckpointNote();
    }

    Checkpoint targetCheckpoint() {
        return Checkpoint.parse(SignedNote.parse(targetNote()).text());
    }
}
