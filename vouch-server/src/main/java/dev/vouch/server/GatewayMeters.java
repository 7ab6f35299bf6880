package dev.vouch.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's request meter, {@code vouch.gateway.requests} (Prometheus {@code vouch_gateway_requests_seconds_*}),
 * tagged with the endpoint and the HTTP status; each timer is built once and then found in a map. And the count of
 * {@code traceparent} headers ignored because they did not parse.
 */
final class GatewayMeters {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private final Counter ignoredTraceparents;

    GatewayMeters(MeterRegistry registry) {
        this.registry = registry;
        this.ignoredTraceparents = Counter.builder("vouch.gateway.traceparent.ignored")
                .description("Submits whose traceparent header did not parse: recorded without trace ids, as W3C"
                        + " Trace Context requires")
                .register(registry);
    }

    void ignoredTraceparent() {
        ignoredTraceparents.increment();
    }

    void request(String route, int status, long nanos) {
        String key = route + ' ' + status;
        Timer t = timers.get(key);
        if (t == null) {
            t = timers.computeIfAbsent(key, k -> Timer.builder("vouch.gateway.requests")
                    .description("Gateway HTTP requests by endpoint and status")
                    .tag("route", route).tag("status", Integer.toString(status)).register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }
}
