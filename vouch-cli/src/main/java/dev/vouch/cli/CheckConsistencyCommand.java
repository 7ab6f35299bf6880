package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.ConsistencyProof;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.ProofCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch check-consistency}: checks a consistency proof offline against a checkpoint saved earlier. */
@Command(
        name = "check-consistency",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a consistency proof written by 'vouch consistency' without the journal: both checkpoints are"
                    + " signed by the trusted key (or a key it rotated to, through the rotation statements in the"
                    + " proof's extra line), they are of the same log, and the RFC 9162 proof leads from the saved"
                    + " checkpoint's root to the newer one's: the log only grew, nothing before the saved tree size"
                    + " changed.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the newer checkpoint extends the saved one",
            "1:it does not, or a signature does not verify: the log was rewritten, or the proof, a checkpoint or the"
                    + " key is wrong",
            "2:usage error, or a file that cannot be read or is not a proof, a checkpoint or a key",
        })
final class CheckConsistencyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROOF", description = "The consistency proof file.")
    Path proofFile;

    @Option(names = "--from", required = true, paramLabel = "FILE",
            description = "The checkpoint saved earlier, the one the proof starts from.")
    Path from;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE",
            description = "The journal's trusted public key (PUBLIC KEY PEM or note verifier key line), as for verify.")
    Path pubkey;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        VerifyingKey anchor = ProofFiles.anchor(pubkey);
        ConsistencyProof proof;
        try {
            proof = ConsistencyProof.parse(ProofFiles.text(proofFile, "a consistency proof (vouch.consistency-proof.v1)"));
        } catch (FormatException e) {
            throw new CliException(proofFile + ": not a consistency proof: " + e.getMessage(), e);
        }
        String oldNote = Inputs.savedCheckpoint(from);
        Checkpoint old = Checkpoint.parse(SignedNote.parse(oldNote).text());
        ProofCheck.Result result = ProofCheck.consistency(oldNote, proof, anchor);
        Checkpoint cp = proof.checkpoint();
        int exit = result.valid() ? VouchCli.EXIT_OK : VouchCli.EXIT_FAILED;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonGenerator g = Json.generator(out);
            g.writeStartObject();
            g.writeBooleanField("consistent", result.valid());
            Json.stringOrNull(g, "problem", result.problem());
            g.writeNumberField("exit_code", exit);
            g.writeStringField("origin", cp.origin());
            g.writeNumberField("old_tree_size", old.size());
            g.writeStringField("old_root_hash_b64", Base64.getEncoder().encodeToString(old.rootHash()));
            g.writeNumberField("tree_size", cp.size());
            g.writeStringField("root_hash_b64", Base64.getEncoder().encodeToString(cp.rootHash()));
            Json.stringOrNull(g, "signer_fingerprint", result.signer() == null ? null : result.signer().fingerprint());
            g.writeEndObject();
            g.flush();
            out.println();
        } else {
            if (result.valid()) {
                out.println("CONSISTENT: the journal " + Text.safe(cp.origin()) + " grew from " + old.size() + " to "
                        + cp.size() + " records, and none of the first " + old.size() + " changed");
            } else {
                out.println("NOT CONSISTENT: " + Text.safe(result.problem()));
            }
            out.println();
            out.printf(Locale.ROOT, "%-12s tree size %d, root %s  (%s)%n", "saved:", old.size(),
                    Base64.getEncoder().encodeToString(old.rootHash()), from);
            out.printf(Locale.ROOT, "%-12s tree size %d, root %s%n", "newer:", cp.size(),
                    Base64.getEncoder().encodeToString(cp.rootHash()));
            out.printf(Locale.ROOT,
                    "%-12s %s%n", "signed by:",
                    result.signer() == null ? "no trusted key" : result.signer().toString());
            out.printf(Locale.ROOT, "%-12s %d hash(es); %s%n", "proof:", proof.hashes().size(), proofFile);
        }
        out.flush();
        return exit;
    }
}
