package dev.vouch.server;

import dev.vouch.internal.PlatformNames;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar vouch-server-<version>-all.jar --journal DIR --policy FILE --tokens FILE ...}: the gateway on its
 * own, with the options of {@code vouch serve}. Exit code 2 if it cannot start (the reason on standard error), 1 if
 * the journal fails verification.
 */
@Command(name = "vouch-server", mixinStandardHelpOptions = true,
        description = "Runs the Vouch HTTP gateway (docs/GATEWAY.md) until SIGTERM or Ctrl-C.")
public final class GatewayMain implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions options;

    GatewayMain() {
    }

    @Override
    public Integer call() {
        return options.run(spec.commandLine(), spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PlatformNames.standardErrorInUtf8();
        String unreadable = PlatformNames.problem(args); // in a C locale: "b\ufffd\ufffdro" signed into the origin
        if (unreadable != null) {
            System.err.println("vouch-server: " + unreadable);
            System.exit(2);
        }
        CommandLine cl = new CommandLine(new GatewayMain());
        cl.setExpandAtFiles(false); // decoded in the platform's character set, past the check above
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("vouch-server: " + ex.getMessage());
            return ex instanceof dev.vouch.JournalCorruptException ? 1 : 2;
        });
        System.exit(cl.execute(args));
    }
}
