package dev.vouch.cli;

import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.internal.KeyRotation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vouch rekey}: the operator's key rotation, offline on a journal nobody has open, or with {@code --server}
 * through the running gateway (which rotates its open ledger's key; the journal never has two writers).
 */
@Command(
        name = "rekey",
        mixinStandardHelpOptions = true,
        description = {
            "Rotates a journal's signing key: opens the journal with the ledger (which verifies it in full first),"
                    + " records a key rotation signed by the current key, replaces the key file atomically with the"
                    + " new key, and closes the journal, which seals it. Prints the new public key as PEM and as a"
                    + " note verifier key.",
            "Auditors keep verifying with the journal's first key (its trust anchor): the rotation is signed into"
                    + " the journal. A journal has one writer: while an agent has it open, rekey is refused;"
                    + " rotate from the agent (Ledger.rotateKey()) or stop it first.",
            "With --server URL instead of JOURNAL_DIR, asks the running gateway ('vouch serve') to rotate the key of"
                    + " the journal it has open (an operator token is needed: --token-file or VOUCH_TOKEN); the"
                    + " output is the same.",
            "This command WRITES to the journal and the key file; the other commands only read.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the key was rotated and the journal sealed",
            "1:the journal fails verification; nothing was written",
            "2:usage error, no journal in the directory, the key file cannot be used, or the gateway refused",
        })
final class RekeyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOURNAL_DIR",
            description = "The journal directory (offline); or give --server.")
    Path journal;

    @Mixin
    GatewayClient gateway;

    @Option(names = "--key", defaultValue = ".vouch_key", paramLabel = "KEYFILE",
            description = "The journal's current private key file; replaced by the new key. Default: ${DEFAULT-VALUE}.")
    Path key;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean online = spec.commandLine().getParseResult().hasMatchedOption("--server");
        if (online == (journal != null)) {
            throw new ParameterException(spec.commandLine(), online
                    ? "give JOURNAL_DIR (offline) or --server URL (the running gateway), not both"
                    : "Missing required parameter: 'JOURNAL_DIR' (or --server URL for the running gateway)");
        }
        if (online) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--key")) {
                throw new ParameterException(spec.commandLine(), "--key is the gateway's own with --server");
            }
            return rotateOnline(out, err);
        }
        // The ledger creates a journal (and a key) where there is none; rekey must only ever rotate an existing one.
        JournalInput.check(journal, spec.commandLine().getErr());
        if (!Files.exists(key)) {
            throw new CliException(key + ": no key file; rekey needs the journal's current key (--key) and never"
                    + " creates one");
        }
        // Before the ledger opens (which writes a session into the journal): a rotation that could leave the old
        // key readable is refused with nothing written at all.
        KeyRotation.checkRotatable(key);
        VerifyingKey old;
        VerifyingKey next;
        String origin;
        // Offline and rare: verify the whole journal, not only its tail, before signing anything new onto it.
        try (Ledger ledger = Ledger.builder(journal).keyFile(key).fullVerificationOnOpen(true).open()) {
            old = ledger.verifyingKey();
            origin = ledger.origin();
            next = ledger.rotateKey();
        }
        out.print(next.toPem());
        out.println(NoteKeys.verifierKey(origin, next));
        out.flush();
        err.println("rotated the signing key of " + journal + ": " + old + " -> " + next + "; " + key
                + " now holds the new key and the journal is sealed");
        return VouchCli.EXIT_OK;
    }

    private int rotateOnline(PrintWriter out, PrintWriter err) {
        GatewayClient.Reply r = gateway.post("/v1/admin/rekey", "{}");
        if (r.status() != 200) {
            throw GatewayClient.failed(r);
        }
        out.print(r.json().get("public_key_pem"));
        out.println(r.json().get("note_key"));
        out.flush();
        err.println("rotated the signing key of the journal the gateway at " + gateway.server + " writes: "
                + r.json().get("previous") + " -> " + r.json().get("key") + "; its key file now holds the new key");
        return VouchCli.EXIT_OK;
    }
}
