package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches the log of a gateway started as an operator starts it (its own JVM, so that Jetty's loggers are made
 * there) when a client without a token sends header bytes that Jetty quotes.
 */
class GatewayJettyLogTest {
    /** Byte 0x85, which Jetty reads as Latin-1: U+0085, NEL, a line break to a Unicode-aware reader. */
    private static final String FORGED = "\u0085[CRITICAL] the ledger stopped; exiting with status 75";

    @TempDir
    Path tmp;

    /**
     * An outside trial's duplicate Host header was written verbatim by Jetty's HttpParser at WARN, with no token, so
     * a forged [CRITICAL] line followed it: 300 requests a second gave 300 such lines, counted nowhere.
     */
    @Test
    void shouldKeepTheBytesOfARequestJettyRefusesOutOfTheLogAndCountIt() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), GatewayFixture.POLICY);
        Path tokens = tmp.resolve("tokens");
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", AccessTokens.newToken());
        String[] args = {"--journal", "journal", "--key", ".vouch_key", "--policy", policy.toString(), "--tokens",
            tokens.toString(), "--port", "0", "--admin-port", "0"};
        String log;
        String metrics;
        try (ServerProcess gateway = ServerProcess.start(tmp, GatewayMain.class.getName(), args)) {
            String twoHosts = send(gateway.uri, "GET /v1/calls HTTP/1.1\r\nHost: x\r\nHost: " + FORGED + "\r\n\r\n");
            String badHost = send(gateway.uri, "GET /v1/calls HTTP/1.1\r\nHost: " + FORGED + "\r\n\r\n");
            assertTrue(twoHosts.startsWith("HTTP/1.1 400 "), twoHosts);
            assertTrue(badHost.startsWith("HTTP/1.1 400 "), badHost);
            metrics = new Http(gateway.admin).get("/metrics", null).body();
            gateway.stop();
            log = gateway.log();
        }

        assertFalse(log.contains("\u0085") || log.contains("[CRITICAL]") || log.contains("Host"), log);
        assertTrue(metrics.contains("vouch_gateway_malformed_requests_total{status=\"400\"} 2.0"), metrics);
    }

    /** Sends {@code request} as Latin-1 bytes (one byte per char) and returns the answer's first line. */
    private static String send(URI uri, String request) throws IOException {
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0 && b != '\r'; ) {
                got.write(b);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
