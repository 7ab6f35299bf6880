package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vouch.KeyFileException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from PEM files, and the token file's rules: hashes only, private, well-formed, or the gateway does not start. */
class GatewayTlsAndTokensTest {
    @TempDir
    Path tmp;

    @Test
    void shouldServeHttpsFromPemFilesAndRefusePlainHttpThere() throws Exception {
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        assumeTrue(openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1"), "openssl is needed to make a test certificate");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        try (GatewayFixture f = new GatewayFixture(tmp, b -> {
            b.readTimeout = Duration.ofSeconds(1); // a long poll over TLS outlives it (ReadDeadlines)
            return b.tls(cert, key);
        })) {
            assertEquals("https", f.gateway.uri().getScheme());
            Http https = new Http(f.gateway.uri(), HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build());

            Http.Reply r = https.post("/v1/calls", f.agentToken, "{\"tool\":\"fs.read\"}");

            assertEquals(200, r.status(), r::toString);
            assertEquals(200, https.post("/v1/calls/" + r.seq() + "/result", f.agentToken, "{\"result\":1}").status());
            Http.Reply stalled = https.post("/v1/calls", f.agentToken,
                    "{\"tool\":\"payments.refund\",\"params\":{\"amount\":900}}");
            assertEquals(202, stalled.status(), stalled::toString);
            Http.Reply waited = https.get("/v1/calls/" + stalled.seq() + "?wait_ms=2500", f.agentToken);
            assertEquals(202, waited.status(), waited::toString);
            Http plain = new Http(java.net.URI.create(f.gateway.uri().toString().replace("https", "http")));
            assertThrows(UncheckedIOException.class, () -> plain.post("/v1/calls", f.agentToken, "{\"tool\":\"fs.read\"}"));
        }
    }

    @Test
    void shouldRefuseATlsKeyOthersCanRead() throws Exception {
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        assumeTrue(openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        KeyFileException e = assertThrows(KeyFileException.class, () -> new GatewayFixture(tmp, b -> b.tls(cert, key)));

        assertTrue(e.getMessage().contains("chmod 600"), e::getMessage);
    }

    @Test
    void shouldKeepOnlyHashesAndRecogniseEachTokenAsItsHolder() throws Exception {
        Path file = tmp.resolve("tokens");
        String agent = AccessTokens.newToken();
        String operator = AccessTokens.newToken();
        AccessTokens.append(file, AccessTokens.Role.AGENT, "refund-bot", agent);
        AccessTokens.append(file, AccessTokens.Role.OPERATOR, "alice", operator);

        AccessTokens tokens = AccessTokens.load(file);
        String text = Files.readString(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(!text.contains(agent) && !text.contains(operator), "no token is stored in clear");
        assertTrue(text.contains("agent refund-bot " + AccessTokens.hash(agent)), text);
        assertEquals(new AccessTokens.Identity(AccessTokens.Role.AGENT, "refund-bot"), tokens.identify(agent));
        assertEquals(new AccessTokens.Identity(AccessTokens.Role.OPERATOR, "alice"), tokens.identify(operator));
        assertNull(tokens.identify(agent + "x"));
        assertNull(tokens.identify(""));
        assertNull(tokens.identify(null));
        assertTrue(agent.startsWith("vouch_") && agent.length() == 6 + 43, agent);
    }

    @Test
    void shouldFailClosedOnATokenFileThatIsNotPrivateOrNotWellFormed() throws Exception {
        Path open = Files.writeString(tmp.resolve("open"), "agent a " + AccessTokens.hash("t") + "\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r-----"));
        Path clear = Files.writeString(tmp.resolve("clear"), "agent a vouch_secret\n");
        Path role = Files.writeString(tmp.resolve("role"), "# fine\n\nadmin a " + AccessTokens.hash("t") + "\n");
        for (Path p : new Path[] {clear, role}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }

        assertTrue(assertThrows(KeyFileException.class, () -> AccessTokens.load(open)).getMessage().contains("mode 0640"));
        assertTrue(assertThrows(KeyFileException.class, () -> AccessTokens.load(clear)).getMessage()
                .contains("line 1: expected the token's hash"));
        assertTrue(assertThrows(KeyFileException.class, () -> AccessTokens.load(role)).getMessage()
                .contains("line 3: unknown role"));
        assertTrue(assertThrows(KeyFileException.class, () -> AccessTokens.load(tmp.resolve("none"))).getMessage()
                .contains("does not exist"));
        assertThrows(KeyFileException.class, () -> AccessTokens.append(open, AccessTokens.Role.AGENT, "b", "t"),
                "never adds to a file that is not private");
    }

    private boolean openssl(String... args) throws Exception {
        return Openssl.run(tmp, args);
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
