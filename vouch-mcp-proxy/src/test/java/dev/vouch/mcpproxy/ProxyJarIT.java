package dev.vouch.mcpproxy;

import static dev.vouch.mcpproxy.TsClient.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.Decision;
import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar, started by the official TypeScript client exactly as an agent's MCP configuration starts a server
 * ({@code "command": "java", "args": ["-jar", ".../vouch-mcp-proxy-all.jar", "--policy", ..., "--", "npx", ...]}),
 * with a plain {@code java -jar}: the manifest carries the JVM flags Chronicle Queue needs. And stopped by SIGTERM with
 * a call in flight, as a supervisor stops it: the call is answered and its outcome recorded before the journal is
 * sealed.
 */
class ProxyJarIT {
    @TempDir
    Path tmp;

    @Test
    void shouldRunAsAnMcpServerCommandAndLeaveAnIntactJournal() throws Exception {
        Path jar = jar();
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

    @Test
    void shouldAnswerAndRecordACallInFlightOnSigtermBeforeSealingTheJournal() throws Exception {
        Path policy = Files.writeString(tmp.resolve("vouch-policy.yaml"), ProxyTestBase.POLICY);
        List<String> command = new ArrayList<>(List.of(System.getProperty("vouch.test.java", "java"), "-jar", jar().toString(),
                "--policy", policy.toString(), "--journal", tmp.resolve("journal").toString(), "--key",
                tmp.resolve(".vouch_key").toString(), "--origin", "test.vouch.dev/guard", "--"));
        command.addAll(McpTestServers.server("mcp-server-everything"));
        Path log = tmp.resolve("proxy.log");
        Process proxy = new ProcessBuilder(command).redirectError(log.toFile()).start();
        JsonNode error;
        try (RawClient client = new RawClient((in, out) -> relayedTo(proxy, in, out))) {
            client.initialize();
            CompletableFuture<JsonNode> answer = client.request("\"slow\"", "tools/call", "{\"name\":"
                    + "\"trigger-long-running-operation\",\"arguments\":{\"duration\":20,\"steps\":20},"
                    + "\"_meta\":{\"progressToken\":\"ps\"}}");
            client.awaitLine(l -> l.contains("\"ps\"")); // the server runs it
            proxy.toHandle().destroy(); // SIGTERM (Process.destroy would also close the streams the answer comes on)
            try {
                error = answer.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no answer in 20 s of SIGTERM; the client got " + client.received()
                        + "; the proxy logged:\n" + Files.readString(log), e);
            }
            assertTrue(proxy.waitFor(30, TimeUnit.SECONDS), "the proxy did not exit within 30 s of SIGTERM");
        }
        assertEquals(-32000, error.at("/error/code").asInt(), error::toString);
        assertEquals("the proxy was stopped; the call was forwarded and not answered", error.at("/error/message").asText());
        String messages = Files.readString(log);
        assertFalse(messages.contains("CRITICAL"), messages);

        try (TestJournal records = new TestJournal(tmp)) { // sealed: verified INTACT when closed
            List<TestJournal.Rec> calls = records.ofType(RecordType.TOOL_CALL);
            assertEquals(List.of("slow"), calls.stream().map(TestJournal.Rec::toolCallId).toList());
            List<TestJournal.Rec> outcome = records.children(calls.get(0).seq());
            assertEquals(List.of(RecordType.POLICY_DECISION, RecordType.TOOL_ERROR),
                    outcome.stream().map(TestJournal.Rec::type).toList());
            assertEquals("the proxy was stopped; the call was forwarded and not answered",
                    ProxyTestBase.json(outcome.get(1).result()).get("message").asText());
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("vouch.test.proxyjar", "target/vouch-mcp-proxy-0.2.0-SNAPSHOT-all.jar"));
        assertTrue(Files.isRegularFile(jar), "no runnable jar at " + jar + ": run mvn verify");
        return jar;
    }

    /** The proxy process as a session of a {@link RawClient}: the client's streams copied to and from its stdio. */
    private static McpProxy.Session relayedTo(Process proxy, InputStream fromClient, OutputStream toClient) {
        copying("to-proxy", fromClient, proxy.getOutputStream());
        copying("from-proxy", proxy.getInputStream(), toClient);
        return new McpProxy.Session() {
            @Override
            public int awaitExit() throws InterruptedException {
                return proxy.waitFor();
            }

            @Override
            public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
                return proxy.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(proxy.exitValue())
                        : OptionalInt.empty();
            }

            @Override
            public void close() {
                proxy.destroyForcibly();
            }
        };
    }

    private static void copying(String name, InputStream from, OutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (from; to) {
                for (int n; (n = from.read(buf)) >= 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // one side ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
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
