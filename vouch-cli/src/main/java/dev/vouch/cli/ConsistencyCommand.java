package dev.vouch.cli;

import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.ConsistencyProof;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.ProofCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch consistency}: an RFC 9162 consistency proof from a saved checkpoint to the latest one. */
@Command(
        name = "consistency",
        mixinStandardHelpOptions = true,
        description = {
            "Verifies a journal, which must extend the checkpoint saved earlier (--from), then writes an RFC 9162"
                    + " consistency proof from that checkpoint to the journal's latest signed one: whoever saw the"
                    + " earlier checkpoint can check with 'vouch check-consistency', without the journal, that the log"
                    + " only grew since.",
            "The proof is text (docs/FORMAT.md, \"Consistency proofs\"): from its 'old' line on it is a C2SP"
                    + " tlog-witness add-checkpoint request body. Memory stays O(log n).",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the proof was written",
            "1:verification failed, or the journal does not extend the saved checkpoint",
            "2:usage error, missing or unreadable journal, key or checkpoint file, or an output that cannot be written",
        })
final class ConsistencyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--from", required = true, paramLabel = "FILE",
            description = "The checkpoint saved earlier (with 'vouch checkpoint'), to prove consistency from.")
    Path from;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE",
            description = "The trusted public key (PUBLIC KEY PEM or note verifier key line), as for verify.")
    Path pubkey;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the proof to FILE (atomically) instead of standard output. Not inside the journal.")
    Path output;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        VerifyingKey anchor = Inputs.trustAnchor(pubkey, journal, err);
        VerifiedJournal verified = VerifiedJournal.verify(journal, anchor, from, err,
                "no proof written (a journal that does not extend the saved checkpoint was rewritten or cut short)");
        String oldNote = verified.savedNote();
        Checkpoint old = Checkpoint.parse(SignedNote.parse(oldNote).text());
        String newNote = verified.outcome().report().lastCheckpointNote();
        Checkpoint latest = verified.outcome().lastCheckpoint();
        if (old.size() > latest.size()) {
            throw new CheckFailed("the saved checkpoint (tree size " + old.size() + ") is newer than the journal's latest"
                    + " signed one (" + latest.size() + "); no proof written");
        }
        String handover = ProofPass.handoverBefore(journal, old.size(), latest.size());
        if (handover != null) {
            // The key that signs the latest checkpoint does not vouch for the records between the saved checkpoint and
            // its rotation (docs/FORMAT.md, "Which records a key vouches for"): one step reaches the checkpoint that
            // covers the first rotation after the saved one, which the key before signed; the next starts from it.
            newNote = handover;
            latest = Checkpoint.parse(SignedNote.parse(newNote).text());
            err.println("the journal rotated its key after the saved checkpoint: this proof reaches tree size "
                    + latest.size() + ", the checkpoint that covers that rotation, signed by the key before (a later"
                    + " key vouches only for the records after its rotation)" + (output == null ? "; that checkpoint is"
                    + " the proof's text after its first empty line" : "; that checkpoint is written to "
                    + nextCheckpointFile(output)) + ": run vouch consistency --from it for the next step");
        }
        ProofPass.Result pass = ProofPass.consistency(journal, old.size(), latest.size());
        byte[] history = ProofPass.keyHistory(verified.outcome().report().keys(), pass.rotations(), latest.origin(),
                newNote);
        ConsistencyProof proof = ConsistencyProof.of(old.size(), pass.hashes(), newNote, history);
        ProofCheck.Result check = ProofCheck.consistency(oldNote, proof, anchor);
        if (!check.valid()) {
            throw new CheckFailed("the computed proof does not check (" + check.problem() + "); was the journal"
                    + " changed while it was read? No proof written");
        }
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(proof.text());
            out.flush();
        } else {
            try (OutputFile file = OutputFile.create(output, journal)) {
                file.writer().write(proof.text());
                file.commit();
            }
            if (handover != null) {
                try (OutputFile file = OutputFile.create(nextCheckpointFile(output), journal)) {
                    file.writer().write(newNote);
                    file.commit();
                }
            }
            err.println("wrote " + output + ": tree size " + old.size() + " -> " + latest.size() + " of "
                    + Text.safe(latest.origin()) + ", " + proof.hashes().size() + " hash(es)");
        }
        return VouchCli.EXIT_OK;
    }

    /** Where a step's newer checkpoint goes, beside the proof: {@code p.proof} gives {@code p.proof.checkpoint}. */
    static Path nextCheckpointFile(Path output) {
        return output.resolveSibling(output.getFileName() + ".checkpoint");
    }
}
