package dev.vouch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official TypeScript MCP client ({@code tools/mcp-test-servers/ts-client.mjs}) in a node process, running a
 * scenario against the Java server the test connects to the process's stdin and stdout. What the client saw comes
 * back on its stderr, one JSON line per step.
 */
final class TsClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<JsonNode> steps = new ArrayList<>();
    private final StringBuilder otherOutput = new StringBuilder();
    private final Thread reader;

    TsClient(Object... scenario) {
        try {
            ProcessBuilder pb = new ProcessBuilder(McpTestServers.node(),
                    McpTestServers.dir().resolve("ts-client.mjs").toString(), JSON.writeValueAsString(scenario));
            pb.directory(McpTestServers.dir().toFile());
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reader = new Thread(this::readStderr, "ts-client-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** What the Java server reads (the client's stdout). */
    InputStream toServer() {
        return process.getInputStream();
    }

    /** What the Java server writes (the client's stdin). */
    OutputStream fromServer() {
        return process.getOutputStream();
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

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (steps) {
                    if (line.startsWith("VOUCH-TS ")) {
                        steps.add(JSON.readTree(line.substring("VOUCH-TS ".length())));
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
    }

    static Object list() {
        return java.util.Map.of("op", "list");
    }

    static Object call(String name, java.util.Map<String, Object> arguments) {
        return java.util.Map.of("op", "call", "name", name, "arguments", arguments);
    }

    static Object waitFor(java.nio.file.Path file) {
        return java.util.Map.of("op", "waitFor", "path", file.toString());
    }

    /** Creates {@code file}, to tell the test that the steps before it are done. */
    static Object touch(java.nio.file.Path file) {
        return java.util.Map.of("op", "touch", "path", file.toString());
    }
}
