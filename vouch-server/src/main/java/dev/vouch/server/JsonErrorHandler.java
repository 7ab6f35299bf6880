package dev.vouch.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty itself answers with (a request line or header it cannot parse, a header too large, a failure outside the
 * handlers): the same JSON error body as every other error, never Jetty's HTML page or a stack trace. On the gateway's
 * port, each such refusal (4xx) is counted in {@code vouch.gateway.malformed.requests}: Jetty's own lines about them
 * are kept out of the log ({@link JettyLogs}), and they come before authentication, so nothing else counts them.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final MeterRegistry registry;
    private final Map<Integer, Counter> malformed = new ConcurrentHashMap<>();

    /** @param registry where to count refusals, or null not to (the admin port) */
    JsonErrorHandler(MeterRegistry registry) {
        this.registry = registry;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() > 0 ? response.getStatus() : 500;
        if (registry != null && status >= 400 && status < 500) {
            malformed.computeIfAbsent(status, s -> Counter.builder("vouch.gateway.malformed.requests")
                    .description("Requests Jetty refused before the gateway read them (a request line or header it"
                            + " cannot parse, a duplicate Host, headers too large), by status")
                    .tag("status", Integer.toString(s)).register(registry)).increment();
        }
        Object m = request.getAttribute(ERROR_MESSAGE);
        byte[] body;
        if (status == 500 && request.getConnectionMetaData().getConnector().getServer().isStopping()) {
            // A request still arriving when the ports close (an operator's slow client at SIGTERM read "Server Error"):
            // the gateway is stopping, as every other refusal then says.
            response.setStatus(503);
            body = JsonOut.error("stopping", "the gateway is stopping; send the request again once it is back");
        } else {
            body = JsonOut.error(code(status), message(status, m));
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 426 -> "upgrade_required";
            case 431 -> "headers_too_large";
            case 500 -> "internal";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
    }

    private static String message(int status, Object detail) {
        String reason = HttpStatus.getMessage(status);
        // Jetty often gives the reason phrase itself as the detail ("Request Header Fields Too Large"): say it once.
        boolean adds = detail instanceof String s && !s.isBlank() && !s.equalsIgnoreCase(reason) && status < 500;
        return adds ? reason + ": " + Texts.clip((String) detail) : reason;
    }
}
