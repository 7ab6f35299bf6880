package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.server.AccessTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
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

    /**
     * An operator's {@code podman stop} two seconds into a start: the gateway exited 143 and left its journal unsealed.
     * A stop at any moment of the start now leaves no journal, or a sealed one.
     */
    @Test
    void shouldSealTheJournalWhenStoppedWhileItStarts() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayCommandsTest.POLICY);
        Path tokens = tmp.resolve("tokens");
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", AccessTokens.newToken());
        int sealed = 0;
        // The last stop waits for the line saying it listens (up to a minute): on a loaded machine the fixed delays can
        // all come before the journal exists, and the test would prove nothing.
        for (int delayMs : new int[] {600, 1000, 1400, 1800, 2400, -1}) {
            Path journal = tmp.resolve("journal-" + delayMs);
            Process p = start("serve", "--journal", journal.toString(), "--key", tmp.resolve("key-" + delayMs).toString(),
                    "--policy", policy.toString(), "--tokens", tokens.toString(), "--port", "0", "--admin-port", "-1");
            if (delayMs >= 0) {
                Thread.sleep(delayMs);
            } else {
                firstLine(p);
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
            if (!Files.exists(tmp.resolve("key-" + delayMs))) {
                continue; // stopped before anything was created
            }
            Path pem = Files.writeString(tmp.resolve("pub-" + delayMs + ".pem"),
                    Cli.run("pubkey", "--key", tmp.resolve("key-" + delayMs).toString()).out());
            Cli.Result verify = Cli.run("verify", journal.toString(), "--pubkey", pem.toString());
            if (verify.out().contains("no records") || verify.err().contains("no .cq4 journal files")) {
                continue; // stopped before the genesis record
            }
            assertEquals(0, verify.exit(), "stopped " + delayMs + " ms into the start: " + verify);
            sealed++;
        }
        assertTrue(sealed > 0, "no stop came late enough to find a journal: make the delays longer");
    }

    @Test
    void shouldExitTwoAtOnceWithoutItsTokenFile() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayCommandsTest.POLICY);
        assertRefusedLeavingNothing("token file does not exist", "--policy", policy.toString(), "--tokens",
                tmp.resolve("missing").toString(), "--port", "0", "--admin-port", "-1");
    }

    /** A start that fails creates no journal and no key: the checks run before the ledger opens. */
    @Test
    void shouldLeaveNoJournalOrKeyBehindWhenItCannotStart() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayCommandsTest.POLICY);
        Path tokens = tmp.resolve("tokens");
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", AccessTokens.newToken());
        Path readable = Files.copy(tokens, tmp.resolve("tokens-readable"));
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        Path badPolicy = Files.writeString(tmp.resolve("bad.yaml"), "rules:\n  - tool: [\n");

        assertRefusedLeavingNothing("lets group or others", "--policy", policy.toString(), "--tokens", readable.toString(),
                "--port", "0", "--admin-port", "-1");
        assertRefusedLeavingNothing("bad.yaml", "--policy", badPolicy.toString(), "--tokens", tokens.toString(),
                "--port", "0", "--admin-port", "-1");
        // Settings out of range were refused after the ledger opened, leaving a journal and a key (a re-trial's find).
        assertRefusedLeavingNothing("maxPendingPerAgent calls must be from 1", "--policy", policy.toString(), "--tokens",
                tokens.toString(), "--port", "0", "--admin-port", "-1", "--max-pending", "0");
        assertRefusedLeavingNothing("resultTimeout must be from 1 s", "--policy", policy.toString(), "--tokens",
                tokens.toString(), "--port", "0", "--admin-port", "-1", "--result-timeout", "0s");
        // TLS files were read after the ledger opened, and a key that is not the certificate's started (an outside
        // operator's trial: every handshake then failed, unlogged).
        Path cert = tmp.resolve("cert.pem");
        Path otherKey = tmp.resolve("other-key.pem");
        if (openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                tmp.resolve("key.pem").toString(), "-out", cert.toString(), "-days", "30", "-subj", "/CN=localhost")
                && openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out",
                        otherKey.toString())) {
            Files.setPosixFilePermissions(otherKey, PosixFilePermissions.fromString("rw-------"));
            assertRefusedLeavingNothing("the key is not the one the certificate in " + cert + " certifies", "--policy",
                    policy.toString(), "--tokens", tokens.toString(), "--port", "0", "--admin-port", "-1",
                    "--tls-cert", cert.toString(), "--tls-key", otherKey.toString());
            assertRefusedLeavingNothing("TLS key file does not exist", "--policy", policy.toString(), "--tokens",
                    tokens.toString(), "--port", "0", "--admin-port", "-1", "--tls-cert", cert.toString(),
                    "--tls-key", tmp.resolve("none.pem").toString());
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            assertRefusedLeavingNothing("127.0.0.1:" + port + " (--port)", "--policy", policy.toString(), "--tokens",
                    tokens.toString(), "--port", port, "--admin-port", "-1");
            assertRefusedLeavingNothing("127.0.0.1:" + port + " (--admin-port)", "--policy", policy.toString(),
                    "--tokens", tokens.toString(), "--port", "0", "--admin-port", port);
        }
    }

    private boolean openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("openssl.log").toFile()).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void assertRefusedLeavingNothing(String expectedError, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--journal", "journal"));
        args.addAll(List.of(options));
        Process p = start(args.toArray(String[]::new));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(tmp.resolve("serve.stderr"));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains(expectedError), err);
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
        assertFalse(Files.exists(tmp.resolve("journal")), "a journal directory was created: " + err);
        assertFalse(Files.exists(tmp.resolve(".vouch_key")), "a key was created: " + err);
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
