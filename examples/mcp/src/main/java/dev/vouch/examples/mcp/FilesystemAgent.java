package dev.vouch.examples.mcp;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ProgrammaticApprovals;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.mcp.GuardedMcpClient;
import dev.vouch.mcp.VouchMcp;
import dev.vouch.policy.Policy;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * An agent's MCP client, guarded by Vouch, against the real npm filesystem server
 * ({@code @modelcontextprotocol/server-filesystem}): it lists the tools (the always-blocked {@code move_file} is
 * hidden), reads a file, tries to move it (blocked: the server never sees the call), writes a file (held until a
 * person approves it), then verifies the journal with the public key alone.
 *
 * <pre>
 * java -cp ... dev.vouch.examples.mcp.FilesystemAgent [work-dir [mcp-test-servers-dir]]
 * </pre>
 *
 * The servers directory (default {@code tools/mcp-test-servers}, or system property {@code vouch.mcp.test.servers})
 * must hold the npm packages: {@code npm ci} there. Exits 1 unless the journal verifies INTACT.
 */
public final class FilesystemAgent {
    private FilesystemAgent() {
    }

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("vouch-mcp-example");
        Path servers = Path.of(args.length > 1 ? args[1]
                : System.getProperty("vouch.mcp.test.servers", "tools/mcp-test-servers"));
        Verdict verdict = run(work, servers, System.out);
        System.exit(verdict == Verdict.INTACT ? 0 : 1);
    }

    /** Runs the agent in {@code work} and returns the journal's verdict. */
    public static Verdict run(Path work, Path servers, PrintStream out) throws IOException {
        Path server = servers.resolve("node_modules/.bin/mcp-server-filesystem");
        if (!Files.exists(server)) {
            throw new IllegalStateException("no " + server + ": run `npm ci` in " + servers);
        }
        Path files = Files.createDirectories(work.resolve("files")).toRealPath();
        Files.writeString(files.resolve("notes.txt"), "buy milk\n");
        Path journal = work.resolve("journal");
        Policy policy;
        try (InputStream in = FilesystemAgent.class.getResourceAsStream("/vouch-policy.yaml")) {
            policy = Policy.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "vouch-policy.yaml");
        }

        VerifyingKey publicKey;
        try (Ledger ledger = Ledger.builder(journal).keyFile(work.resolve(".vouch_key")).origin("example.vouch.dev/mcp").open()) {
            publicKey = ledger.verifyingKey();
            // The person: told about each stalled call, answers from another thread (a chat bot, an admin page...).
            ProgrammaticApprovals[] person = new ProgrammaticApprovals[1];
            person[0] = new ProgrammaticApprovals(request -> CompletableFuture.runAsync(() -> {
                out.println("  [person] " + request.tool() + " (call seq " + request.callSequence() + ") asks: "
                        + request.reason() + " -> approved");
                person[0].approve(request.callSequence(), "operator@example.com", "the note is fine");
            }));
            Guard guard = Guard.builder(ledger).agent("mcp-filesystem-agent").policy(policy).approvals(person[0]).build();
            VouchMcp vouch = VouchMcp.builder(guard).hideAlwaysBlocked(policy::alwaysBlocks).build();

            StdioClientTransport transport = new StdioClientTransport(ServerParameters.builder("node")
                    .args(server.toString(), files.toString()).build(), McpJsonDefaults.getMapper());
            try (GuardedMcpClient fs = vouch.client(McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build())) {
                fs.initialize();
                out.println("Tools the model sees: " + fs.listTools().tools().stream().map(Tool::name)
                        .collect(Collectors.joining(", ")));

                show(out, "read_text_file notes.txt", fs.callTool(call("read_text_file", "path", files.resolve("notes.txt")), "call_1"));
                show(out, "move_file notes.txt -> archive.txt", fs.callTool(call("move_file", "source",
                        files.resolve("notes.txt"), "destination", files.resolve("archive.txt")), "call_2"));
                out.println("  notes.txt still there: " + Files.exists(files.resolve("notes.txt"))
                        + "; archive.txt exists: " + Files.exists(files.resolve("archive.txt")));
                show(out, "write_file todo.txt", fs.callTool(call("write_file", "path", files.resolve("todo.txt"),
                        "content", "call mum\n"), "call_3"));
            }
        }

        VerificationReport report;
        try (RecordSource source = JournalReader.open(journal)) {
            report = JournalVerifier.trusting(publicKey).verify(source);
        }
        out.println("Journal " + journal + ": " + report.events() + " events; verdict " + report.verdict() + ": "
                + report.verdictReason());
        return report.verdict();
    }

    private static CallToolRequest call(String tool, Object... keysAndValues) {
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            args.put((String) keysAndValues[i], keysAndValues[i + 1].toString());
        }
        return CallToolRequest.builder(tool).arguments(args).build();
    }

    private static void show(PrintStream out, String what, CallToolResult r) {
        String text = r.content().stream().map(FilesystemAgent::text).collect(Collectors.joining(" "));
        out.println((Boolean.TRUE.equals(r.isError()) ? "NOT RUN/ERROR " : "ok            ") + what + ": " + text.strip());
    }

    private static String text(Content c) {
        return c instanceof TextContent t ? t.text() : c.type();
    }
}
