package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.server.AccessTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vouch serve} in a child JVM as an operator runs it: it prints where it listens, serves calls, takes an
 * operator's {@code vouch approve}, exposes metrics, and on SIGTERM stops and seals the journal, which then verifies
 * INTACT with the public key {@code vouch pubkey} prints. Usage errors end it at once with exit code 2.
 */
class ServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldServeUntilSigtermAndLeaveASealedIntactJournal() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayCommandsTest.POLICY);
        Path tokens = tmp.resolve("tokens");
        String agent = AccessTokens.newToken();
        String operator = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agent);
        AccessTokens.append(tokens, AccessTokens.Role.OPERATOR, "alice", operator);
        Path operatorFile = Files.writeString(tmp.resolve("op.token"), operator);
        Files.setPosixFilePermissions(operatorFile, PosixFilePermissions.fromString("rw-------"));

        Process p = start("serve", "--journal", "journal", "--policy", policy.toString(), "--tokens", tokens.toString(),
                "--port", "0", "--admin-port", "0", "--origin", "test.vouch.dev/serve");
        try {
            Matcher m = Pattern.compile("listening on (\\S+) \\(admin (\\S+)\\); agents: refund-bot").matcher(firstLine(p));
            assertTrue(m.find(), "the first line says where it listens");
            URI gateway = URI.create(m.group(1));
            URI admin = URI.create(m.group(2));
            HttpClient http = HttpClient.newHttpClient();
            long seq = Cli.num(Cli.parseObject(http.send(HttpRequest.newBuilder(gateway.resolve("/v1/calls"))
                    .header("Authorization", "Bearer " + agent)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"payments.refund\",\"params\":{\"amount\":700}}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).get("seq"));

            Cli.Result approve = Cli.run("approve", Long.toString(seq), "--server", gateway.toString(), "--token-file",
                    operatorFile.toString(), "--reason", "checked");
            String metrics = http.send(HttpRequest.newBuilder(admin.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Object> done = Cli.parseObject(http.send(HttpRequest.newBuilder(
                    gateway.resolve("/v1/calls/" + seq + "/result")).header("Authorization", "Bearer " + agent)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"result\":{\"refund\":\"r-9\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            assertEquals(0, approve.exit(), approve::toString);
            assertTrue(metrics.contains("vouch_ledger_events_processed_total{origin=\"test.vouch.dev/serve\"}"), metrics);
            assertEquals("tool_result", done.get("recorded"));
        } finally {
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
        }
        Cli.Result pub = Cli.run("pubkey", "--key", tmp.resolve(".vouch_key").toString());
        Path pem = Files.writeString(tmp.resolve("pub.pem"), pub.out());
        Cli.Result verify = Cli.run("verify", tmp.resolve("journal").toString(), "--pubkey", pem.toString());
        assertEquals(0, verify.exit(), verify::toString);
        assertTrue(verify.out().contains("sealed:            yes"), verify::toString);
        Cli.Result tasks = Cli.run("tasks", tmp.resolve("journal").toString());
        assertTrue(tasks.out().contains("result {\"refund\":\"r-9\"}"), tasks::toString);
    }

    @Test
    void shouldExitTwoAtOnceWithoutItsTokenFile() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayCommandsTest.POLICY);
        Process p = start("serve", "--journal", "journal", "--policy", policy.toString(), "--tokens",
                tmp.resolve("missing").toString(), "--port", "0", "--admin-port", "-1");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String err = Files.readString(tmp.resolve("serve.stderr"));
        assertTrue(err.contains("token file does not exist"), err);
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
    }

    private Process start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("vouch.test.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Arrays.stream(System.getProperty("vouch.test.jvmflags", "").split(" ")).filter(s -> !s.isBlank()).forEach(cmd::add);
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), VouchCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(tmp.toFile()).redirectError(tmp.resolve("serve.stderr").toFile()).start();
    }

    private static String firstLine(Process p) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        });
        String l = line.get(60, TimeUnit.SECONDS);
        if (l == null) {
            throw new AssertionError("no output from vouch serve (its standard error is in serve.stderr)");
        }
        return l;
    }
}
