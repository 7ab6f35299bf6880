package dev.vouch.server;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

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

    private enum BodyState { NOT_READ, READ, TOO_LARGE, UNREADABLE }

    /** Written by {@link #readBody}'s thread before it runs the handler's step, which reads it. */
    private BodyState bodyState = BodyState.NOT_READ;
    private byte[] received;
    private int receivedLength;
    private Throwable bodyFailure;

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
     * Refuses query parameters other than {@code allowed}, and any given twice: as in bodies, nothing is silently
     * ignored (an outside trial's {@code ?wait_ms=1&wait_ms=2} and {@code ?foo=1} were accepted without a word).
     */
    void onlyQuery(List<String> allowed) {
        for (Fields.Field f : Request.extractQueryParameters(request)) {
            if (!allowed.contains(f.getName())) {
                throw HttpError.badRequest("unknown query parameter \"" + Texts.clip(f.getName()) + "\"; "
                        + (allowed.isEmpty() ? "this endpoint takes none" : "this endpoint takes "
                        + String.join(", ", allowed)));
            }
            if (f.getValues().size() > 1) {
                throw HttpError.badRequest("query parameter \"" + f.getName() + "\" is given "
                        + f.getValues().size() + " times; give it once");
            }
        }
    }

    /**
     * Reads the whole body without holding a thread while its bytes are on their way, then runs {@code then} (on
     * one of the server's threads). A client that sends half a body and stops costs a connection until the idle
     * timeout, never a request thread: with blocking reads, as many slow clients as threads, no token needed,
     * stopped the gateway. A declared length over {@code max} is not read at all ({@link #body} answers 413).
     */
    void readBody(int max, Runnable then) {
        long declared = request.getLength();
        if (declared > max) {
            bodyState = BodyState.TOO_LARGE;
            then.run();
            return;
        }
        received = new byte[declared >= 0 ? (int) declared : Math.min(max + 1, 8192)];
        readMore(max, then);
    }

    private void readMore(int max, Runnable then) {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(() -> readMore(max, then));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                bodyFailure = chunk.getFailure();
                bodyState = BodyState.UNREADABLE;
                then.run();
                return;
            }
            ByteBuffer b = chunk.getByteBuffer();
            int n = b.remaining();
            if (receivedLength + n > max) {
                chunk.release();
                received = null;
                bodyState = BodyState.TOO_LARGE;
                then.run();
                return;
            }
            if (receivedLength + n > received.length) {
                received = Arrays.copyOf(received, Math.min(max + 1, Math.max(receivedLength + n,
                        received.length * 2)));
            }
            b.get(received, receivedLength, n);
            receivedLength += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                bodyState = BodyState.READ;
                then.run();
                return;
            }
        }
    }

    /**
     * The body {@link #readBody} read, at most {@code max} bytes.
     *
     * @throws HttpError 413 if it is longer (a declared length is refused before anything is read), 400 if it cannot
     *     be read
     */
    byte[] body(int max) {
        switch (bodyState) {
            case TOO_LARGE -> throw tooLarge(max);
            case UNREADABLE -> throw HttpError.badRequest("the body could not be read: "
                    + (bodyFailure == null || bodyFailure.getMessage() == null ? "the connection failed"
                            : bodyFailure.getMessage()));
            case READ -> {
                long declared = request.getLength();
                if (declared >= 0 && receivedLength < declared) {
                    throw HttpError.badRequest("the body ended after " + receivedLength + " of its " + declared
                            + " bytes");
                }
                return receivedLength == received.length ? received : Arrays.copyOf(received, receivedLength);
            }
            default -> throw new IllegalStateException("the body was not read first");
        }
    }

    /** Drops the body {@link #readBody} read (a longer one than the limit closes the connection after the answer). */
    void discardBody(int max) {
        if (bodyState == BodyState.TOO_LARGE) {
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
        send(status, json);
        meters.request(route, status, System.nanoTime() - start);
    }

    /**
     * Answers with a JSON body that {@code body} writes (ending with {@link JsonOut#finish()}): held and sent as one
     * piece, with its length, as {@link #respond} does, up to {@link #HELD_BODY_BYTES}; a larger one is written to the
     * response as it is made (chunked), so that it is never held whole. Blocks this thread while the client reads.
     */
    void respondStreaming(int status, java.util.function.Consumer<java.io.OutputStream> body) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        SpillingBody out = new SpillingBody(status);
        try {
            body.accept(out);
            out.finish();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            callback.failed(e); // the client went away mid-answer: nothing to tell it
        }
        meters.request(route, status, System.nanoTime() - start);
    }

    /** The largest body {@link #respondStreaming} holds before it starts to send. */
    static final int HELD_BODY_BYTES = 1 << 20;

    private void send(int status, byte[] json) {
        headers(status);
        response.write(true, ByteBuffer.wrap(json), callback);
    }

    private void headers(int status) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    /** Holds a body up to {@link #HELD_BODY_BYTES}, then sends what it holds and the rest as it comes. */
    private final class SpillingBody extends java.io.OutputStream {
        private final int status;
        private java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream(4096);
        private java.io.OutputStream sending;

        SpillingBody(int status) {
            this.status = status;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            if (sending == null && held.size() + len > HELD_BODY_BYTES) {
                headers(status);
                sending = Content.Sink.asOutputStream(response);
                held.writeTo(sending);
                held = null;
            }
            if (sending != null) {
                sending.write(b, off, len);
            } else {
                held.write(b, off, len);
            }
        }

        @Override
        public void close() {
            // JsonOut's generator closes its target; finish() completes the answer.
        }

        void finish() throws java.io.IOException {
            if (sending == null) {
                send(status, held.toByteArray());
                return;
            }
            sending.close();
            callback.succeeded();
        }
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
