package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.Ledger;
import dev.vouch.server.AccessTokens;
import dev.vouch.server.Gateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vouch approvals}, {@code approve}, {@code reject}, {@code rekey --server} and {@code token} against a real
 * gateway on a real ledger; the journal verifies INTACT with {@code vouch verify} at the end of each test.
 */
class GatewayCommandsTest {
    static final String POLICY = String.join("\n",
            "version: \"2026.1\"",
            "defaults:",
            "  default_action: block",
            "policies:",
            "  - id: big-refunds",
            "    match_methods: [\"payments.refund\"]",
            "    conditions:",
            "      - {key: amount, operator: gt, value: 500}",
            "    action: stall",
            "    reason: refunds over 500 need a person",
            "  - id: work",
            "    match_methods: [\"payments.*\", \"fs.*\"]",
            "    action: allow",
            "");

    @TempDir
    Path tmp;
    Ledger ledger;
    Gateway gateway;
    Path keyFile;
    Path pub;
    String agentToken;
    Path operatorTokenFile;
    Path agentTokenFile;

    @BeforeEach
    void start() throws IOException {
        keyFile = tmp.resolve(".vouch_key");
        Path tokens = tmp.resolve("tokens");
        agentToken = AccessTokens.newToken();
        String operatorToken = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agentToken);
        AccessTokens.append(tokens, AccessTokens.Role.OPERATOR, "alice", operatorToken);
        operatorTokenFile = secret("operator.token", operatorToken);
        agentTokenFile = secret("agent.token", agentToken);
        ledger = Ledger.builder(tmp.resolve("journal")).keyFile(keyFile).origin(TestJournals.ORIGIN)
                .shutdownHook(false).open();
        pub = Files.writeString(tmp.resolve("pub.pem"), ledger.verifyingKey().toPem());
        gateway = Gateway.builder(ledger).policy(Files.writeString(tmp.resolve("policy.yaml"), POLICY)).tokens(tokens)
                .port(0).adminPort(-1).drainTimeout(java.time.Duration.ZERO).start();
    }

    @AfterEach
    void verify() {
        gateway.close();
        ledger.close();
        Cli.Result v = Cli.run("verify", tmp.resolve("journal").toString(), "--pubkey", pub.toString());
        assertEquals(0, v.exit(), v::toString);
    }

    private Path secret(String name, String content) throws IOException {
        Path p = Files.writeString(tmp.resolve(name), content + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private long submit(String json) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri().resolve("/v1/calls"))
                .header("Authorization", "Bearer " + agentToken).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Cli.num(Cli.parseObject(r.body()).get("seq"));
    }

    private String[] online(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server";
        all[args.length + 1] = gateway.uri().toString();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = operatorTokenFile.toString();
        return all;
    }

    @Test
    void shouldListApproveAndRejectStalledCallsAsTheOperatorTheTokenNames() throws Exception {
        long first = submit("{\"tool\":\"payments.refund\",\"params\":{\"order\":1,\"amount\":900}}");
        long second = submit("{\"tool\":\"payments.refund\",\"params\":{\"order\":2,\"amount\":950,"
                + "\"note\":\"v\\n\\u202e\\\\\\u2028\"}}");

        Cli.Result list = Cli.run(online("approvals"));
        Cli.Result json = Cli.run(online("approvals", "--json"));
        Cli.Result approve = Cli.run(online("approve", Long.toString(first), "--reason", "known \"customer\""));
        Cli.Result again = Cli.run(online("approve", Long.toString(first)));
        Cli.Result reject = Cli.run(online("reject", Long.toString(second), "--reason", "fraud"));
        Cli.Result unknown = Cli.run(online("reject", "99999"));

        assertEquals(0, list.exit(), list::toString);
        assertTrue(list.out().contains(first + "  refund-bot") && list.out().contains(second + "  refund-bot"), list::toString);
        assertTrue(list.out().contains("params: {\"order\":1,\"amount\":900}"), list::toString);
        // Escaped once, as JSON (an outside trial saw "v\\u000a...", read as JSON a literal backslash).
        assertTrue(list.out().contains("\"note\":\"v\\u000a\\u202e\\\\\\u2028\"}"), list::toString);
        assertEquals(2, ((List<?>) json.json().get("approvals")).size(), json::toString);
        assertEquals(0, approve.exit(), approve::toString);
        assertEquals("call " + first + " approved by alice (payments.refund of refund-bot); it is now allowed\n",
                approve.out());
        assertEquals(1, again.exit(), again::toString);
        assertEquals("", again.out());
        assertEquals(0, reject.exit(), reject::toString);
        assertTrue(reject.out().contains("refused by alice"), reject::toString);
        assertEquals(1, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("no call 99999 waits for approval"), unknown::toString);
        Cli.Result none = Cli.run(online("approvals"));
        assertEquals("", none.out());
        assertTrue(none.err().contains("no call is waiting"), none::toString);
        ledger.checkpoint();
        Cli.Result tasks = Cli.run("tasks", tmp.resolve("journal").toString());
        assertTrue(tasks.out().contains("approval approved {\"approver\":\"alice\",\"reason\":\"known "), tasks::toString);
        assertTrue(tasks.out().contains("approval refused {\"approver\":\"alice\",\"reason\":\"fraud\""), tasks::toString);
    }

    @Test
    void shouldRotateTheKeyOfTheRunningGatewaysJournal() throws Exception {
        VerifyingKey before = key();

        Cli.Result r = Cli.run(online("rekey"));

        assertEquals(0, r.exit(), r::toString);
        VerifyingKey after = key();
        assertNotEquals(before, after);
        assertEquals(after.toPem() + NoteKeys.verifierKey(TestJournals.ORIGIN, after) + "\n", r.out());
        assertTrue(r.err().contains("rotated the signing key"), r::toString);
        long seq = submit("{\"tool\":\"fs.read\"}");
        assertTrue(seq > 0, "the gateway goes on recording with the new key");
    }

    @Test
    void shouldRefuseWithExitTwoWithoutAnOperatorTokenOrAGateway() throws Exception {
        Cli.Result asAgent = Cli.run("approvals", "--server", gateway.uri().toString(), "--token-file",
                agentTokenFile.toString());
        Map<String, String> none = Map.of();
        GatewayClient.env = none::get;
        Cli.Result noToken;
        try {
            noToken = Cli.run("approvals", "--server", gateway.uri().toString());
        } finally {
            GatewayClient.env = System::getenv;
        }
        Path open = Files.writeString(tmp.resolve("open.token"), "x");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result readable = Cli.run("approvals", "--server", gateway.uri().toString(), "--token-file", open.toString());
        Cli.Result both = Cli.run(online("rekey", tmp.resolve("journal").toString()));
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        Cli.Result down = Cli.run("approve", "1", "--server", "http://127.0.0.1:" + freePort, "--token-file",
                operatorTokenFile.toString());

        assertEquals(2, asAgent.exit(), asAgent::toString);
        assertTrue(asAgent.err().contains("refused the token (forbidden)"), asAgent::toString);
        assertEquals(2, noToken.exit(), noToken::toString);
        assertTrue(noToken.err().contains("VOUCH_TOKEN"), noToken::toString);
        assertEquals(2, readable.exit(), readable::toString);
        assertTrue(readable.err().contains("chmod 600"), readable::toString);
        assertEquals(2, both.exit(), both::toString);
        assertEquals(2, down.exit(), down::toString);
        assertTrue(down.err().contains("cannot reach the gateway"), down::toString);
        for (Cli.Result r : List.of(asAgent, noToken, readable, both, down)) {
            assertEquals("", r.out(), r::toString);
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        }
    }

    /** Over TLS with a self-signed certificate: without --cacert the CLI says which option to give, in words. */
    @Test
    void shouldSayToGiveTheCertificateWhenTheGatewaysTlsIsNotTrusted() throws Exception {
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        openssl.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        org.junit.jupiter.api.Assumptions.assumeTrue(openssl.waitFor() == 0, "openssl makes the test certificate");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String[] tlsToPlain = online("approvals");
        tlsToPlain[tlsToPlain.length - 3] = gateway.uri().toString().replace("http:", "https:");
        Cli.Result notTls = Cli.run(tlsToPlain);
        assertEquals(2, notTls.exit(), notTls::toString);
        assertTrue(notTls.err().contains("over TLS: it does not answer in TLS; if it serves plain HTTP, give --server"
                + " http://..."), notTls::toString);
        gateway.close();
        gateway = Gateway.builder(ledger).policy(tmp.resolve("policy.yaml")).tokens(tmp.resolve("tokens")).tls(cert, key)
                .port(0).adminPort(-1).drainTimeout(java.time.Duration.ZERO).start();

        Cli.Result untrusted = Cli.run(online("approvals"));
        String[] withCa = online("approvals");
        String[] trusted = java.util.Arrays.copyOf(withCa, withCa.length + 2);
        trusted[withCa.length] = "--cacert";
        trusted[withCa.length + 1] = cert.toString();
        Cli.Result ok = Cli.run(trusted);
        // The wrong scheme: an outside operator's trial read the parser's state and the TLS alert's bytes.
        String[] plain = trusted.clone();
        plain[java.util.Arrays.asList(plain).indexOf("--server") + 1] = gateway.uri().toString().replace("https:", "http:");
        Cli.Result wrongScheme = Cli.run(plain);

        assertEquals(2, wrongScheme.exit(), wrongScheme::toString);
        assertTrue(wrongScheme.err().contains("its answer is not HTTP; if it serves HTTPS (vouch serve --tls-cert), give"
                + " --server https://..."), wrongScheme::toString);
        assertEquals(2, untrusted.exit(), untrusted::toString);
        assertTrue(untrusted.err().contains("over TLS: its certificate is not trusted; for a self-signed certificate or a"
                + " private CA, give it with --cacert PEM"), untrusted::toString);
        assertFalse(untrusted.err().contains("sun.security") || untrusted.err().contains("PKIX"), untrusted::toString);
        assertEquals(0, ok.exit(), ok::toString);
    }

    @Test
    void shouldMakeATokenAndAddOnlyItsHashToTheTokenFile() throws Exception {
        Path file = tmp.resolve("new-tokens");

        Cli.Result made = Cli.run("token", "--role", "operator", "--name", "bob", "--tokens", file.toString());
        Cli.Result printed = Cli.run("token", "--role", "agent", "--name", "crawler");
        Cli.Result bad = Cli.run("token", "--role", "agent", "--name", "has space");

        assertEquals(0, made.exit(), made::toString);
        String token = made.out().strip();
        assertTrue(token.startsWith("vouch_"), made::toString);
        String content = Files.readString(file);
        assertFalse(content.contains(token));
        assertTrue(content.contains("operator bob " + AccessTokens.hash(token)), content);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(0, printed.exit(), printed::toString);
        assertTrue(printed.err().contains("agent crawler " + AccessTokens.hash(printed.out().strip())), printed::toString);
        assertEquals(2, bad.exit(), bad::toString);

        // A token nobody saw is not added (a re-trial's `vouch token ... > /dev/full` added its hash all the same).
        java.io.StringWriter err = new java.io.StringWriter();
        java.io.PrintWriter full = new java.io.PrintWriter(new java.io.OutputStreamWriter(new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("No space left on device");
            }
        }, java.nio.charset.StandardCharsets.UTF_8));
        String before = Files.readString(file);
        int exit = VouchCli.run(full, new java.io.PrintWriter(err), "token", "--role", "agent", "--name", "lost",
                "--tokens", file.toString());
        assertEquals(2, exit, err::toString);
        assertTrue(err.toString().contains("the token was not shown, so nothing was added"), err::toString);
        assertEquals(before, Files.readString(file), "no hash of an unseen token");
    }

    private VerifyingKey key() {
        SigningKey k = KeyFile.load(keyFile);
        try {
            return k.verifyingKey();
        } finally {
            k.destroy();
        }
    }

    static URI uri(String s) {
        return URI.create(s);
    }
}
