package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends its request slowly is cut off once its time is up, however steadily it trickles (an outside
 * operator's client sent one header line every 5 s and kept its connection for minutes); a long poll, the gateway's
 * own wait, is not the client's time.
 */
class ReadDeadlinesTest {
    @TempDir
    Path tmp;

    @Test
    void shouldCloseAConnectionWhoseRequestTricklesInPastTheReadTimeout() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> {
            b.readTimeout = Duration.ofSeconds(2);
            return b;
        })) {
            double seconds = trickle(f.gateway.uri(), "POST /v1/calls");

            assertTrue(seconds >= 1.9 && seconds < 8, "cut after " + seconds + " s (-1: never)");
            assertEquals(1.0, slowClients(f));
        }
    }

    /** The admin port too: a scraper or probe that trickles its headers held its connection as long as it liked. */
    @Test
    void shouldCloseAnAdminConnectionWhoseRequestTricklesInPastTheReadTimeout() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> {
            b.readTimeout = Duration.ofSeconds(2);
            return b;
        })) {
            double seconds = trickle(f.gateway.adminUri(), "GET /metrics");

            assertTrue(seconds >= 1.9 && seconds < 8, "cut after " + seconds + " s (-1: never)");
            assertEquals(1.0, slowClients(f)); // and a prompt scrape on a fresh connection is served
        }
    }

    /**
     * Sends {@code requestLine} and then a header line every 250 ms (never idle for Jetty), for up to 10 s; returns
     * the seconds after which the gateway closed the connection, or -1 if it never did.
     */
    private static double trickle(java.net.URI to, String requestLine) throws Exception {
        try (Socket s = new Socket(to.getHost(), to.getPort())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            long start = System.nanoTime();
            out.write((requestLine + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
            boolean cut = false;
            for (int i = 0; i < 40 && !cut; i++) {
                Thread.sleep(250);
                try {
                    out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (SocketException closed) {
                    cut = true;
                }
            }
            if (!cut) {
                cut = drained(s.getInputStream());
            }
            return cut ? (System.nanoTime() - start) / 1e9 : -1;
        }
    }

    private static double slowClients(GatewayFixture f) {
        Http.Reply metrics = f.admin().get("/metrics", null);
        assertEquals(200, metrics.status(), metrics::toString);
        return metrics.body().lines().filter(l -> l.startsWith("vouch_gateway_slow_clients_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void shouldLeaveAnIdleConnectionToTheIdleTimeoutAndNotCountIt() throws Exception {
        // A re-trial: idle keep-alive connections were closed at the read timeout (a pooled client's next request
        // failed) and counted as slow clients, as was every connection that never sent a byte.
        try (GatewayFixture f = new GatewayFixture(tmp, b -> {
            b.readTimeout = Duration.ofSeconds(1);
            return b;
        }); Socket s = new Socket(f.gateway.uri().getHost(), f.gateway.uri().getPort())) {
            s.setSoTimeout(15_000);
            Thread.sleep(2_500); // connected, nothing sent
            String first = exchange(s, f.operatorToken);
            Thread.sleep(2_500); // kept alive, idle
            String second = exchange(s, f.operatorToken);

            assertTrue(first.startsWith("HTTP/1.1 200"), first);
            assertTrue(second.startsWith("HTTP/1.1 200"), second);
            assertEquals(0.0, slowClients(f));
        }
    }

    /**
     * A kept-alive connection that Jetty's idle timeout ends: a soak trial's pooled clients (a policy reloader, a
     * key rotator) were each counted as a slow client 30 s after Jetty half-closed their idle connection, one count
     * every few minutes for the life of the gateway, which made any alert on the counter noise.
     */
    @Test
    void shouldNotCountAConnectionTheIdleTimeoutEnds() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> {
            b.readTimeout = Duration.ofSeconds(1);
            b.maxWait = Duration.ZERO; // the idle timeout is the longest long poll plus this:
            b.idleBeyondMaxWait = Duration.ofSeconds(3);
            return b;
        }); Socket s = new Socket(f.gateway.uri().getHost(), f.gateway.uri().getPort())) {
            s.setSoTimeout(60_000);
            assertTrue(exchange(s, f.operatorToken).startsWith("HTTP/1.1 200"));
            long start = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "the idle timeout ends the connection");
            double idle = (System.nanoTime() - start) / 1e9;
            Thread.sleep(3_000); // the client keeps its end open, as a pool does until it next uses the connection

            assertTrue(idle > 2, "ended after " + idle + " s");
            assertEquals(0.0, slowClients(f));
        }
    }

    /** Sends GET /v1/approvals on the connection and reads its answer's head and body (Content-Length framed). */
    private static String exchange(Socket s, String token) throws IOException {
        s.getOutputStream().write(("GET /v1/approvals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head + "<closed>";
            }
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        in.readNBytes(length);
        return head.toString();
    }

    @Test
    void shouldNotCountALongPollAsTheClientsTime() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> {
            b.readTimeout = Duration.ofSeconds(1);
            return b;
        })) {
            Http.Reply stalled = f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":900}}");
            assertEquals(202, stalled.status(), stalled::toString);

            Http.Reply waited = f.poll(stalled.seq(), 3_000); // three times the read timeout, on one connection

            assertEquals(202, waited.status(), waited::toString);
            assertEquals(200, f.decide(stalled.seq(), "refuse", "no").status());
            assertEquals(200, f.poll(stalled.seq(), 0).status());
        }
    }

    @Test
    void shouldTellAClientStillSendingItsRequestWhenTheGatewayStopsThatItStops() throws Exception {
        // An operator's slow client at SIGTERM read 500 "Server Error".
        GatewayFixture f = new GatewayFixture(tmp);
        try (Socket s = new Socket(f.gateway.uri().getHost(), f.gateway.uri().getPort())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write("POST /v1/calls HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Thread.sleep(300);
            f.close();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 503") && answer.contains("\"stopping\""),
                    answer);
        }
    }

    /** Reads until the server closes the connection (true) or answers something (false). */
    private static boolean drained(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }
}
