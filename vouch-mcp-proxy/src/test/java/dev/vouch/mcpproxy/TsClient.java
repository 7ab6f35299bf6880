package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The official TypeScript MCP client ({@code tools/mcp-test-servers/proxy-client.mjs}) in a node process, running a
 * scenario through the proxy: connected to an in-process session ({@link #through}), or starting the proxy as a
 * command the way an MCP configuration does ({@link #spawning}). What the client saw comes back on its stderr, one
 * JSON line per step.
 */
final class TsClient implements AutoCloseable {
    private final Process process;
    private final McpProxy.Session session;
    private final List<JsonNode> steps = new ArrayList<>();
    private final StringBuilder otherOutput = new StringBuilder();
    private final Thread reader;

    private TsClient(McpProxy proxy, List<String> spawn, Object... scenario) {
        try {
            List<String> cmd = new ArrayList<>(List.of(McpTestServers.node(),
                    McpTestServers.dir().resolve("proxy-client.mjs").toString(), RawClient.JSON.writeValueAsString(scenario)));
            if (spawn != null) {
                cmd.add(RawClient.JSON.writeValueAsString(spawn));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.directory(McpTestServers.dir().toFile());
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        session = proxy == null ? null : proxy.start(process.getInputStream(), process.getOutputStream());
        reader = new Thread(this::readStderr, "ts-client-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** The client talks to an in-process proxy session over its stdio. */
    static TsClient through(McpProxy proxy, Object... scenario) {
        return new TsClient(proxy, null, scenario);
    }

    /** The client starts {@code command} (the proxy) and talks to it over its stdio. */
    static TsClient spawning(List<String> command, Object... scenario) {
        return new TsClient(null, command, scenario);
    }

    McpProxy.Session session() {
        return session;
    }

    /** Waits for the scenario to end and returns each step's outcome (without the final "done"). */
    List<JsonNode> outcomes() throws InterruptedException {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the TypeScript client did not finish in 60 s");
        reader.join(5_000);
        synchronized (steps) {
            assertEquals(0, process.exitValue(), () -> "the TypeScript client failed: " + steps + "\n" + otherOutput);
            JsonNode last = steps.get(steps.size() - 1);
            assertEquals("done", last.get("op").asText(), () -> "scenario did not end: " + steps + "\n" + otherOutput);
            return List.copyOf(steps.subList(0, steps.size() - 1));
        }
    }

    String otherOutput() {
        synchronized (steps) {
            return otherOutput.toString();
        }
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (steps) {
                    if (line.startsWith("VOUCH-TS ")) {
                        steps.add(RawClient.JSON.readTree(line.substring("VOUCH-TS ".length())));
                    } else {
                        otherOutput.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    @Override
    public void close() {
        process.destroy();
        if (session != null) {
            session.close();
        }
    }

    static Object list() {
        return Map.of("op", "list");
    }

    static Object ping() {
        return Map.of("op", "ping");
    }

    static Object call(String name, Map<String, Object> arguments) {
        return Map.of("op", "call", "name", name, "arguments", arguments);
    }

    static Object callWithProgress(String name, Map<String, Object> arguments) {
        return Map.of("op", "call", "name", name, "arguments", arguments, "progress", true);
    }

    static Object parallel(List<Object> calls) {
        return Map.of("op", "parallel", "calls", calls);
    }

    static Object waitFor(Path file) {
        return Map.of("op", "waitFor", "path", file.toString());
    }

    /** A step that creates {@code file}: the steps before it are done (their outcomes received). */
    static Object touch(Path file) {
        return Map.of("op", "touch", "path", file.toString());
    }
}
