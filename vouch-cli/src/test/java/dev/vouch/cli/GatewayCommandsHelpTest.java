package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway's commands are listed and documented like the others. */
class GatewayCommandsHelpTest {
    private static final List<String> COMMANDS = List.of("serve", "approvals", "approve", "reject", "token");

    @Test
    void shouldListAndDescribeEveryGatewayCommand() {
        Cli.Result help = Cli.run("--help");
        for (String command : COMMANDS) {
            assertTrue(help.out().contains("\n  " + command + " "), "help lists " + command + ": " + help);
            Cli.Result own = Cli.run(command, "--help");
            assertEquals(0, own.exit(), own::toString);
            assertTrue(own.out().startsWith("Usage: vouch " + command), own::toString);
            assertTrue(own.out().contains("Exit codes:"), own::toString);
        }
        assertTrue(Cli.run("serve", "--help").out().contains("--tls-cert=PEM"));
        assertTrue(Cli.run("rekey", "--help").out().contains("--server=URL"));
    }

    @Test
    void shouldExitTwoOnUsageErrorsOfTheGatewayCommands() {
        for (String[] args : List.of(new String[] {"approve"}, new String[] {"approve", "x"},
                new String[] {"serve", "--journal", "j"}, new String[] {"token", "--role", "admin", "--name", "a"},
                new String[] {"rekey"})) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exit(), r::toString);
            assertEquals("", r.out(), r::toString);
        }
    }
}
