package dev.vouch.cli;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch checkpoint}: verify, then hand out the latest signed checkpoint for the auditor to keep. */
@Command(
        name = "checkpoint",
        mixinStandardHelpOptions = true,
        description = {
            "Verifies a journal, then prints its latest validly signed checkpoint: a C2SP signed note naming the"
                    + " journal's origin, its tree size and Merkle root. Keep it somewhere the journal's writer"
                    + " cannot reach; later, 'vouch verify --checkpoint FILE' proves the journal still extends it"
                    + " (nothing up to that size was rewritten or cut off, even by someone holding the key).",
            "A journal that is still being written is not sealed: its latest checkpoint is printed all the same,"
                    + " with a warning on standard error, unless --require-sealed is given. If verification finds"
                    + " any failure, nothing is printed on standard output.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the checkpoint was printed",
            "1:verification failed, no valid checkpoint, or not sealed with --require-sealed",
            "2:usage error, missing or unreadable journal or public key, or the output cannot be written",
        })
final class CheckpointCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE",
            description = "The trusted public key (PUBLIC KEY PEM or note verifier key line), as for verify.")
    Path pubkey;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the note to FILE (atomically) instead of standard output. Not inside the journal.")
    Path output;

    @Option(names = "--require-sealed", description = "Fail (exit 1) unless the journal is intact and sealed.")
    boolean requireSealed;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        VerifyingKey anchor = Inputs.trustAnchor(pubkey, journal, err);
        JournalInput.check(journal, spec.commandLine().getErr());
        ProgressBar progress = ProgressBar.forTerminal(err, "verifying");
        Outcome outcome;
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            outcome = Outcome.verify(JournalVerifier.trusting(anchor).listener(progress.verificationProgress()), source);
        } finally {
            progress.clear();
        }
        VerificationReport report = outcome.report();
        if (outcome.status() == Outcome.Status.TAMPERED || outcome.status() == Outcome.Status.UNREADABLE) {
            err.println(name + ": verification failed, no checkpoint printed: " + Text.safe(outcome.headline()));
            if (!report.failures().isEmpty()) {
                err.println("  first failure: " + Text.safe(String.valueOf(report.failures().get(0))));
            }
            err.println("  run 'vouch verify " + journal + " --pubkey " + pubkey + "' for the details");
            return VouchCli.EXIT_FAILED;
        }
        if (report.lastCheckpointNote() == null || outcome.lastCheckpoint() == null) {
            err.println(name + ": the journal has no validly signed checkpoint: " + Text.safe(outcome.headline()));
            return VouchCli.EXIT_FAILED;
        }
        if (outcome.status() != Outcome.Status.INTACT) {
            if (requireSealed) {
                err.println(name + ": " + Text.safe(outcome.headline()) + "; --require-sealed: no checkpoint printed");
                return VouchCli.EXIT_FAILED;
            }
            err.println("warning: " + Text.safe(outcome.headline()) + ". The checkpoint covers tree size "
                    + outcome.lastCheckpoint().size() + (report.uncoveredRecords() > 0 ? "; the "
                    + report.uncoveredRecords() + " record(s) after it are not covered." : "."));
        }
        String note = report.lastCheckpointNote();
        if (output == null) {
            out.print(note);
            out.flush();
        } else {
            try (OutputFile file = OutputFile.create(output, journal)) {
                file.writer().write(note);
                file.commit();
            }
            err.println("saved the checkpoint for tree size " + outcome.lastCheckpoint().size() + " of origin "
                    + Text.safe(outcome.lastCheckpoint().origin()) + " to " + output);
        }
        return VouchCli.EXIT_OK;
    }
}
