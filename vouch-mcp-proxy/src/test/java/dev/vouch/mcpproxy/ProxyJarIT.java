package dev.vouch.mcpproxy;

import static dev.vouch.mcpproxy.TsClient.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar, started by the official TypeScript client exactly as an agent's MCP configuration starts a server
 * ({@code "command": "java", "args": ["-jar", ".../vouch-mcp-proxy-all.jar", "--policy", ..., "--", "npx", ...]}),
 * with a plain {@code java -jar}: the manifest carries the JVM flags Chronicle Queue needs.
 */
class ProxyJarIT {
    @TempDir
    Path tmp;

    @Test
    void shouldRunAsAnMcpServerCommandAndLeaveAnIntactJournal() throws Exception {
        Path jar = Path.of(System.getProperty("vouch.test.proxyjar", "target/vouch-mcp-proxy-0.1.0-SNAPSHOT-all.jar"));
        assertTrue(Files.isRegularFile(jar), "no runnable jar at " + jar + ": run mvn verify");
        Path files = Files.createDirectories(tmp.resolve("files")).toRealPath();
        Path notes = Files.writeString(files.resolve("notes.txt"), "hello from the jar");
        Path policy = Files.writeString(tmp.resolve("vouch-policy.yaml"), ProxyTestBase.POLICY);
        Path journal = tmp.resolve("journal");

        List<String> command = new ArrayList<>(List.of(System.getProperty("vouch.test.java", "java"), "-jar", jar.toString(),
                "--policy", policy.toString(), "--journal", journal.toString(), "--key", tmp.resolve(".vouch_key").toString(),
                "--origin", "test.vouch.dev/guard", "--hide-blocked-tools", "--"));
        command.addAll(McpTestServers.server("mcp-server-filesystem", files.toString()));
        List<JsonNode> out;
        try (TsClient client = TsClient.spawning(command, TsClient.list(),
                call("read_text_file", Map.of("path", notes.toString())),
                call("move_file", Map.of("source", notes.toString(), "destination", files.resolve("gone.txt").toString())))) {
            out = client.outcomes();
        }
        awaitExitOfProxy(journal);

        assertFalse(out.get(0).get("tools").toString().contains("move_file"), out::toString);
        assertEquals("hello from the jar", out.get(1).at("/result/content/0/text").asText(), out::toString);
        assertEquals("blocked", out.get(2).at("/result/_meta/dev.vouch~1outcome").asText(), out::toString);
        assertTrue(Files.exists(notes));

        try (TestJournal records = new TestJournal(tmp)) { // verified INTACT when closed
            List<TestJournal.Rec> calls = records.ofType(RecordType.TOOL_CALL);
            assertEquals(List.of("read_text_file", "move_file"), calls.stream().map(TestJournal.Rec::name).toList());
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_RESULT),
                    records.children(calls.get(0).seq()).stream().map(TestJournal.Rec::type).toList());
            assertEquals(Decision.BLOCK, records.children(calls.get(1).seq()).get(0).decision());
        }
    }

    /** The client closed the proxy's input; the proxy closes its journal and exits. */
    private static void awaitExitOfProxy(Path journal) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            boolean running = ProcessHandle.allProcesses()
                    .anyMatch(p -> p.info().commandLine().orElse("").contains(journal.toString()));
            if (!running) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the proxy did not exit within 30 s of its client closing");
    }
}
