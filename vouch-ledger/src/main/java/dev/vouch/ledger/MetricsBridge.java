package dev.vouch.ledger;

import dev.vouch.ledger.metrics.VouchMetrics;

/** Keeps Micrometer types out of {@link Ledger}'s own bytecode, so the ledger loads without Micrometer. */
final class MetricsBridge {
    private MetricsBridge() {
    }

    static void bind(Ledger ledger, Object registry) {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("meterRegistry was set but Micrometer is not on the classpath", e);
        }
        if (!(registry instanceof io.micrometer.core.instrument.MeterRegistry meterRegistry)) {
            throw new IllegalArgumentException("meterRegistry must be an io.micrometer.core.instrument.MeterRegistry, was "
                    + registry.getClass().getName());
        }
        new VouchMetrics(ledger).bindTo(meterRegistry);
    }
}
