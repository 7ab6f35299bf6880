package dev.vouch.cli;

import dev.vouch.server.AccessTokens;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vouch token}: makes a bearer token for the gateway and adds its hash to the token file. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Makes a new bearer token for the gateway (256 random bits), prints it once on standard output,"
                + " and adds '<role> <name> sha256:<hash>' to the token file (created mode 0600 if missing; rewritten"
                + " atomically). The file never holds the token itself: keep the printed token where its holder can"
                + " read it, e.g. a file of mode 0600 for --token-file. The gateway reads the token file at start.",
            "Without --tokens, prints the line to add on standard error instead."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the token was made", "2:usage error, or the token file cannot be used"})
final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
            description = "agent (submits calls as NAME) or operator (approves, reloads, rekeys as NAME).")
    AccessTokens.Role role;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "The agent's name (every record of its calls names it) or the operator's (recorded as the"
                    + " approver).")
    String name;

    @Option(names = "--tokens", paramLabel = "FILE", description = "The gateway's token file to add the hash to.")
    Path tokens;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String token = AccessTokens.newToken();
        String line;
        try {
            line = AccessTokens.line(role, name, token);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        // The token first, and the hash added only once it was written: a re-trial's `vouch token ... > /dev/full` added
        // the hash of a token nobody ever saw, and the gateway would have listed that agent.
        out.println(token);
        if (out.checkError()) {
            throw new CliException("standard output could not be written (closed early, or the disk is full): the token"
                    + " was not shown, so nothing was added" + (tokens == null ? "" : " to " + tokens));
        }
        if (tokens != null) {
            try {
                AccessTokens.append(tokens, role, name, token);
            } catch (IOException e) {
                throw new CliException("cannot write the token file: " + Errors.describe(e), e);
            }
            err.println("added " + role.name().toLowerCase(java.util.Locale.ROOT) + " " + name + " to " + tokens
                    + "; restart the gateway to use it");
        } else {
            err.println("add this line to the gateway's token file: " + line);
        }
        return VouchCli.EXIT_OK;
    }
}
