package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port: Prometheus metrics with the original Vouch's names and the gateway's own, liveness, readiness. */
class GatewayAdminTest {
    @TempDir
    Path tmp;

    @Test
    void shouldServePrometheusMetricsWithTheOriginalNamesAndTheGatewaysOwn() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            f.report(f.submit("{\"tool\":\"fs.read\"}").seq(), "{\"result\":1}");
            f.submit("{\"tool\":\"fs.delete\"}");
            f.submit("{\"tool\":\"payments.refund\",\"params\":{\"amount\":900}}");
            f.http.post("/v1/calls", "bogus", "{}");

            Http.Reply m = f.admin().get("/metrics", null);

            assertEquals(200, m.status(), m::toString);
            assertTrue(m.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), m::toString);
            for (String name : List.of(
                    "vouch_ledger_events_processed_total{origin=\"test.vouch.dev/guard\"}",
                    "vouch_ledger_events_dropped_total{",
                    "vouch_pool_event_hits_total{",
                    "vouch_pool_event_misses_total{",
                    "vouch_engine_active_tasks_total{",
                    "vouch_engine_tasks_open{",
                    "vouch_guard_approvals_pending{agent=\"refund-bot\"} 1.0",
                    "vouch_gateway_calls_total{agent=\"refund-bot\",status=\"allowed\"} 1.0",
                    "vouch_gateway_calls_total{agent=\"refund-bot\",status=\"blocked\"} 1.0",
                    "vouch_gateway_calls_total{agent=\"refund-bot\",status=\"pending\"} 1.0",
                    "vouch_gateway_calls_total{agent=\"refund-bot\",status=\"completed\"} 1.0",
                    "vouch_gateway_calls_running ",
                    "vouch_gateway_auth_refused_total{status=\"401\"} 1.0",
                    "vouch_gateway_requests_seconds_count{route=\"submit\",status=\"200\"} 2",
                    "vouch_gateway_requests_seconds_count{route=\"submit\",status=\"202\"} 1",
                    "disk_free_bytes{",
                    "jvm_memory_used_bytes{")) {
                assertTrue(m.body().contains(name), () -> name + " missing from\n" + m.body());
            }
            f.decide(f.http.get("/v1/approvals", f.operatorToken).list("approvals").get(0).get("seq").toString()
                    .transform(Long::parseLong), "refuse", "not today");
            assertTrue(m.body().contains("vouch_gateway_traceparent_ignored_total 0.0"), m::body);

            // W3C Trace Context: a traceparent that does not parse is ignored; here it is counted as well.
            Http.Reply untraced = f.http.send(HttpRequest.newBuilder(f.gateway.uri().resolve("/v1/calls"))
                    .header("Authorization", "Bearer " + f.agentToken).header("traceparent", "00-not-a-trace-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"fs.delete\"}")));
            Http.Reply later = f.admin().get("/metrics", null);

            assertEquals("blocked", untraced.get("status"), untraced::toString);
            assertEquals(null, f.journal.bySeq(untraced.seq()).traceId(), "recorded without trace ids");
            assertTrue(later.body().contains("vouch_gateway_traceparent_ignored_total 1.0"), later::body);
        }
    }

    @Test
    void shouldReportLiveAndReadyAndAnswerOtherPathsWithJson() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http admin = f.admin();
            Http.Reply live = admin.get("/healthz", null);
            Http.Reply ready = admin.get("/readyz", null);
            Http.Reply other = admin.get("/v1/calls", null);

            assertEquals(200, live.status(), live::toString);
            assertEquals("ok", live.get("status"));
            assertEquals(200, ready.status(), ready::toString);
            assertEquals(404, other.status(), other::toString);
            GatewayRequestsTest.assertJsonOnly(other);
        }
    }

    @Test
    void shouldStopBeingLiveAndReadyOnceTheLedgerFailed() {
        GatewayFixture f = new GatewayFixture(tmp);
        try {
            f.journal.ledger.close(); // from the gateway's view, exactly what a ledger that stopped looks like

            Http.Reply refused = f.submit("{\"tool\":\"fs.read\"}");
            Http.Reply live = f.admin().get("/healthz", null);
            Http.Reply ready = f.admin().get("/readyz", null);

            assertEquals(503, refused.status(), refused::toString);
            assertEquals("journal_unavailable", refused.errorCode());
            assertTrue(refused.errorMessage().startsWith("the gateway's journal cannot record any more calls"),
                    refused::toString);
            assertFalse(refused.errorMessage().contains("dev.vouch") || refused.errorMessage().contains("java."),
                    refused::toString);
            assertEquals(503, live.status(), live::toString);
            assertEquals("failing", live.get("status"));
            assertTrue(((String) live.get("reason")).contains("ledger stopped"), live::toString);
            assertEquals(503, ready.status(), ready::toString);
        } finally {
            f.gateway.close();
            f.journal.closeAndVerify();
        }
    }
    /**
     * The admin port opens before the agents' pending calls are rediscovered (a pass over the whole journal): a probe
     * during a long start hears "live, not ready", where a closed port failed Kubernetes' startup probe and a start
     * longer than its budget was killed and began again, for ever.
     */
    @Test
    void shouldAnswerLiveAndNotReadyWhileStarting() throws Exception {
        dev.vouch.guard.TestJournal journal = new dev.vouch.guard.TestJournal(tmp);
        Gateway gateway = null;
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            Path tokens = tmp.resolve("tokens");
            AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", AccessTokens.newToken());
            int adminPort;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                adminPort = free.getLocalPort();
            }
            GatewayBuilder b = Gateway.builder(journal.ledger).policy(dev.vouch.policy.Policy.parse(GatewayFixture.POLICY,
                    "test")).tokens(tokens).port(0).adminPort(adminPort);
            b.whileStarting = () -> { // the start holds here, as a long rediscovery would
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            java.util.concurrent.CompletableFuture<Gateway> started =
                    java.util.concurrent.CompletableFuture.supplyAsync(b::start);
            assertTrue(held.await(30, java.util.concurrent.TimeUnit.SECONDS), "the start never reached rediscovery");
            Http admin = new Http(java.net.URI.create("http://127.0.0.1:" + adminPort));

            Http.Reply ready = admin.get("/readyz", null);
            Http.Reply live = admin.get("/healthz", null);
            Http.Reply metrics = admin.get("/metrics", null);
            release.countDown();
            gateway = started.get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertEquals(503, ready.status(), ready::toString);
            assertEquals("the gateway is starting", ready.get("reason"));
            assertEquals(200, live.status(), live::toString);
            assertEquals(200, metrics.status(), metrics::toString);
            assertTrue(metrics.body().contains("vouch_ledger_events_processed_total"), metrics::body);
            assertEquals(200, admin.get("/readyz", null).status());
        } finally {
            release.countDown();
            if (gateway != null) {
                gateway.close();
            }
            journal.closeAndVerify();
        }
    }
}
