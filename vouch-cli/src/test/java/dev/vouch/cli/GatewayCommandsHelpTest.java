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

    /**
     * {@code vouch help mcp-proxy} is {@code vouch mcp-proxy --help}, as {@code help} is for every command (an outside
     * trial's was "Unknown subcommand", exit 2); the proxy's arguments reach it unparsed.
     */
    @Test
    void shouldTakeHelpMcpProxyForTheProxysOwnHelp() {
        assertEquals(List.of("--help"), List.of(VouchCli.mcpProxyArgs(new String[] {"help", "mcp-proxy"})));
        assertEquals(List.of("--policy", "p", "--", "npx", "help"), List.of(VouchCli.mcpProxyArgs(
                new String[] {"mcp-proxy", "--policy", "p", "--", "npx", "help"})));
        assertEquals(null, VouchCli.mcpProxyArgs(new String[] {"help", "verify"}));
        assertEquals(null, VouchCli.mcpProxyArgs(new String[] {}));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = dev.vouch.mcpproxy.McpProxyMain.run(VouchCli.mcpProxyArgs(new String[] {"help", "mcp-proxy"}),
                java.io.InputStream.nullInputStream(), java.io.OutputStream.nullOutputStream(),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, exit, err::toString);
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("Usage: mcp-proxy"), err::toString);
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
