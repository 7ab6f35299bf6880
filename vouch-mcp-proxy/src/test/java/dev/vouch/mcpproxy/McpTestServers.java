package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the real MCP servers and the TypeScript SDK live: {@code tools/mcp-test-servers} (system property
 * {@code vouch.mcp.test.servers}, set by the pom), installed there by {@code npm ci}.
 */
final class McpTestServers {
    private McpTestServers() {
    }

    static Path dir() {
        String configured = System.getProperty("vouch.mcp.test.servers");
        Path dir = Path.of(configured == null ? "../tools/mcp-test-servers" : configured).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("node_modules/@modelcontextprotocol/sdk"))) {
            fail("The MCP test servers are not installed in " + dir + ": run `npm ci` there"
                    + " (cd tools/mcp-test-servers && npm ci), as .ci/run does");
        }
        return dir;
    }

    /** {@code node} on the PATH. */
    static String node() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(p, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("node is not on the PATH: the MCP proxy tests run the npm MCP servers with it");
    }

    /** The command that runs an npm server ({@code mcp-server-filesystem}, ...) with node. */
    static List<String> server(String bin, String... args) {
        Path script = dir().resolve("node_modules/.bin").resolve(bin);
        if (!Files.exists(script)) {
            fail("no " + script + ": run `npm ci` in " + dir());
        }
        List<String> cmd = new ArrayList<>(List.of(node(), script.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * As {@link #server}, with every byte the proxy sends the server and every byte the server sends back copied
     * into {@code toServer} and {@code fromServer} ({@code tee}): to prove that what passes through is byte-exact.
     */
    static List<String> tapped(Path toServer, Path fromServer, String bin, String... args) {
        StringBuilder cmd = new StringBuilder("tee '" + toServer + "' | ");
        for (String word : server(bin, args)) {
            cmd.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        cmd.append("| tee '").append(fromServer).append('\'');
        return List.of("/bin/sh", "-c", cmd.toString());
    }
}
