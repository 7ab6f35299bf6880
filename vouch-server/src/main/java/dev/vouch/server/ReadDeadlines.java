package dev.vouch.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.Callback;

/**
 * How long a client may take to send a whole request (headers and body) on a connection, counted from its first
 * byte (seen within a second). Jetty's idle timeout counts only the silence between two reads, and must outlive a
 * long poll: an outside operator's client sent one header line every 5 s and held its connection for minutes, as long
 * as it liked. Past the deadline the connection is closed; a request whose body has been read, and the long poll that
 * may follow, no longer count, and neither does a connection on which nothing arrives (Jetty's idle timeout ends it).
 * Checked once a second on the gateway's timer; counted in {@code vouch_gateway_slow_clients_total}. Both ports use
 * it: the admin port's clients (Prometheus, probes) send bodiless GETs, and one that trickles its headers held a
 * connection as long as it liked.
 */
final class ReadDeadlines implements Connection.Listener {
    private final long limitNanos;
    /** Connections waiting for (the rest of) a request, with when they started waiting. */
    private final Map<Connection, Long> waiting = new ConcurrentHashMap<>();
    private final Counter closed;

    ReadDeadlines(Duration limit, ScheduledExecutorService timer, MeterRegistry registry) {
        this.limitNanos = limit.toNanos();
        this.closed = Counter.builder("vouch.gateway.slow.clients")
                .description("Connections closed because their client took longer than the request read timeout to"
                        + " send a whole request")
                .register(registry);
        timer.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS); // ends with the gateway's timer
    }

    @Override
    public void onOpened(Connection connection) {
        // The HTTP connection only: under TLS it sits on an SslConnection, which this listener hears of too, and
        // which no request marks read (closing the HTTP connection's end point closes the TLS one beneath it).
        if (connection instanceof org.eclipse.jetty.server.ConnectionMetaData) {
            waiting.put(connection, System.nanoTime());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        waiting.remove(connection);
    }

    /** The request on this connection has been read whole: what follows is the gateway's time, not the client's. */
    void read(Connection connection) {
        waiting.remove(connection);
    }

    /** The answer on this connection was sent: the client's time for its next request starts. */
    void answered(Connection connection) {
        if (connection.getEndPoint().isOpen()) {
            waiting.put(connection, System.nanoTime());
        }
    }

    /**
     * {@code callback}, marking the connection answered before Jetty hears the answer was sent: Jetty may read the
     * next request at once, and that request's read must not be counted from this answer.
     */
    Callback answering(Connection connection, Callback callback) {
        return new Callback() {
            @Override
            public void succeeded() {
                answered(connection);
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                answered(connection);
                callback.failed(x);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<Connection, Long> e : waiting.entrySet()) {
            if (!e.getKey().getEndPoint().isOpen()) {
                waiting.remove(e.getKey(), e.getValue()); // closed between an answer's isOpen and its put
            } else if (e.getKey().getEndPoint().isOutputShutdown()) {
                // The gateway is ending it (Jetty's idle timeout half-closes a kept-alive connection, then waits for
                // the client's end): no request is coming. A soak trial's pooled clients were counted as slow 30 s
                // after each idle timeout, every few minutes for the life of the gateway.
                waiting.remove(e.getKey(), e.getValue());
            } else if (nothingReceived(e.getKey())) {
                // Idle (kept alive, or never used): the client's time starts with its first byte, seen within a
                // sweep. Jetty's idle timeout ends a connection that stays silent (a re-trial's pooled clients broke,
                // and were counted as slow, when idle connections were closed at the read timeout).
                waiting.replace(e.getKey(), e.getValue(), now);
            } else if (now - e.getValue() > limitNanos && waiting.remove(e.getKey(), e.getValue())) {
                closed.increment();
                e.getKey().getEndPoint().close();
            }
        }
    }

    /** Whether not a byte of a request has arrived on the connection since it opened or its last answer. */
    private static boolean nothingReceived(Connection connection) {
        return connection instanceof org.eclipse.jetty.server.internal.HttpConnection http
                && http.getParser().isStart() && http.isRequestBufferEmpty();
    }
}
