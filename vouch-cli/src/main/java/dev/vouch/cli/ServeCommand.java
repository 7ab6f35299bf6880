package dev.vouch.cli;

import dev.vouch.server.GatewayOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vouch serve}: the HTTP gateway (vouch-server), in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the HTTP gateway (docs/GATEWAY.md): agents in any language submit tool calls to the"
                + " guard and report their results on --port (9999); operators approve stalled calls ('vouch"
                + " approve'), reload the policy and rotate the key ('vouch rekey --server'); Prometheus metrics and"
                + " health on --admin-port (9998). Both bind to loopback unless told otherwise.",
            "Prints one line when it listens; stops gracefully (and seals the journal) on SIGTERM or Ctrl-C.",
            "This command WRITES the journal, like an agent's ledger: nothing else may have it open."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "1:the journal fails verification; nothing was written",
            "2:usage error, or a file (key, policy, tokens, TLS) or port that cannot be used",
            "75:the ledger stopped for good while serving (a full disk, say); start it again to recover the journal"})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions options;

    /** A server's operator wants its INFO lines (start, policy changes, approvals); the CLI's default is WARN. */
    static final String LOG_LEVEL = "org.slf4j.simpleLogger.log.dev.vouch";

    @Override
    public Integer call() {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "info");
        }
        try {
            return options.run(spec.commandLine(), spec.commandLine().getOut());
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
