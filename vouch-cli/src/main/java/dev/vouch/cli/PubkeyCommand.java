package dev.vouch.cli;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vouch pubkey}: the public half of a key file, to hand to auditors. */
@Command(
        name = "pubkey",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the public key of a private key file: as a PUBLIC KEY PEM (byte for byte what 'openssl pkey"
                    + " -pubout' writes), or as a C2SP note verifier key line (name+keyid+base64), whose name is the"
                    + " journal's origin. Either form is what 'vouch verify --pubkey' takes.",
            "Never creates or changes a key file: a missing, malformed or group/world-readable key file is an error.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the key was printed", "2:usage error, or the key file or journal cannot be used"})
final class PubkeyCommand implements Callable<Integer> {
    enum KeyFormat {
        pem,
        note
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--key", defaultValue = ".vouch_key", paramLabel = "KEYFILE",
            description = "The private key file (PKCS#8 PEM Ed25519, mode 0600). Default: ${DEFAULT-VALUE}.")
    Path key;

    @Parameters(index = "0", arity = "0..1", paramLabel = "KEYFILE",
            description = "The private key file, as --key gives it (either, not both).")
    Path keyFile;

    @Option(names = "--format", defaultValue = "pem", paramLabel = "FORMAT",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}. 'note' needs --origin or --journal.")
    KeyFormat format;

    @ArgGroup(exclusive = true)
    KeyName name;

    static final class KeyName {
        @Option(names = "--origin", paramLabel = "NAME", description = "The key name for --format note: the"
                + " journal's origin line.")
        String origin;

        @Option(names = "--journal", paramLabel = "DIR", description = "Take the origin from this journal's"
                + " genesis record.")
        Path journal;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (format == KeyFormat.note && name == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format note needs the key name: pass --origin NAME or --journal DIR");
        }
        if (keyFile != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--key")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "two key files: give KEYFILE or --key, not both");
            }
            key = keyFile;
        }
        SigningKey signing = KeyFile.load(key);
        VerifyingKey pub;
        try {
            pub = signing.verifyingKey();
        } finally {
            signing.destroy();
        }
        if (format == KeyFormat.pem) {
            out.print(pub.toPem());
        } else {
            String origin = name.origin != null ? name.origin : JournalInput.genesisOrigin(name.journal);
            out.println(NoteKeys.verifierKey(origin, pub));
        }
        out.flush();
        return VouchCli.EXIT_OK;
    }
}
