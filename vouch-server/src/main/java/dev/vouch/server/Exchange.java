package dev.vouch.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP request and its answer, which is always one JSON body, given once (a long poll answers from another
 * thread, later). Times the request for {@code vouch_gateway_requests_seconds}.
 */
final class Exchange {
    final Request request;
    private final Response response;
    private final Callback callback;
    private final GatewayMeters meters;
    private final long start = System.nanoTime();
    private final AtomicBoolean answered = new AtomicBoolean();
    /** The endpoint, for the request meter: set once the path is known. */
    String route = "unknown";

    Exchange(Request request, Response response, Callback callback, GatewayMeters meters) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.meters = meters;
    }

    String method() {
        return request.getMethod();
    }

    String path() {
        return request.getHttpURI().getPath();
    }

    String remote() {
        return Request.getRemoteAddr(request);
    }

    String header(HttpHeader h) {
        return request.getHeaders().get(h);
    }

    int headerCount(HttpHeader h) {
        return request.getHeaders().getValuesList(h).size();
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    String query(String name) {
        return Request.extractQueryParameters(request).getValue(name);
    }

    /**
     * The body, at most {@code max} bytes.
     *
     * @throws HttpError 413 if it is longer (a declared length is refused before anything is read), 400 if it cannot
     *     be read
     */
    byte[] body(int max) {
        long declared = request.getLength();
        if (declared > max) {
            throw tooLarge(max);
        }
        try (InputStream in = Request.asInputStream(request)) {
            if (declared >= 0) {
                // The usual case: read exactly the declared length into one array.
                byte[] b = new byte[(int) declared];
                int n = in.readNBytes(b, 0, b.length);
                if (n < b.length) {
                    throw HttpError.badRequest("the body ended after " + n + " of its " + declared + " bytes");
                }
                return b;
            }
            byte[] b = in.readNBytes(max + 1); // chunked: no length up front
            if (b.length > max) {
                throw tooLarge(max);
            }
            return b;
        } catch (IOException e) {
            throw HttpError.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    /** Reads and drops the body, at most {@code max} bytes (a longer one closes the connection after the answer). */
    void discardBody(int max) {
        try {
            body(max);
        } catch (HttpError tooLargeOrUnreadable) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    private HttpError tooLarge(int max) {
        // The rest of the body is not read: this connection cannot carry another request.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        return new HttpError(413, "payload_too_large", "the body is larger than " + max + " bytes, the gateway's limit");
    }

    void respond(int status, byte[] json) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(json), callback);
        meters.request(route, status, System.nanoTime() - start);
    }

    void error(HttpError e) {
        if (e.status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"vouch\"");
        }
        respond(e.status, JsonOut.error(e.code, e.getMessage()));
    }

    void allow(String methods) {
        response.getHeaders().put(HttpHeader.ALLOW, methods);
    }
}
