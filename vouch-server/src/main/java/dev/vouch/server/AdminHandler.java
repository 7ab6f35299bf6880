package dev.vouch.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin port (9998 by default; loopback unless told otherwise): {@code GET /metrics} in the Prometheus text format,
 * {@code GET /healthz} (liveness: 503 once the ledger failed, which only a restart heals) and {@code GET /readyz}
 * (readiness: 503 while starting or stopping, after a ledger failure, or while records wait longer than the bound
 * for a signed checkpoint). No authentication: keep it off public interfaces.
 */
final class AdminHandler extends Handler.Abstract.NonBlocking {
    private final PrometheusMeterRegistry registry;
    private final LedgerHealth health;
    private final ReadDeadlines deadlines;
    private volatile boolean started;

    AdminHandler(PrometheusMeterRegistry registry, LedgerHealth health, ReadDeadlines deadlines) {
        this.registry = registry;
        this.health = health;
        this.deadlines = deadlines;
    }

    void started() {
        started = true;
    }

    @Override
    public boolean handle(Request request, Response response, Callback given) {
        org.eclipse.jetty.io.Connection connection = request.getConnectionMetaData().getConnection();
        deadlines.read(connection); // a GET has no body: read whole once Jetty hands it over
        Callback callback = deadlines.answering(connection, given);
        String path = request.getHttpURI().getPath();
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            return json(response, callback, 405, JsonOut.error("method_not_allowed", "the admin port answers GET only"));
        }
        switch (path) {
            case "/metrics" -> {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                response.write(true, ByteBuffer.wrap(registry.scrape().getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
            case "/healthz" -> {
                String why = health.notLive();
                return status(response, callback, why);
            }
            case "/readyz" -> {
                String why = started ? health.notReady() : "the gateway is starting";
                return status(response, callback, why);
            }
            default -> {
                return json(response, callback, 404, JsonOut.error("not_found",
                        "the admin port serves /metrics, /healthz and /readyz"));
            }
        }
    }

    private static boolean status(Response response, Callback callback, String why) {
        byte[] body = why == null ? new JsonOut().field("status", "ok").toBytes()
                : new JsonOut().field("status", "failing").field("reason", why).toBytes();
        return json(response, callback, why == null ? 200 : 503, body);
    }

    private static boolean json(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
