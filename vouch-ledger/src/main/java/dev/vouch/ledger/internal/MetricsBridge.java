package dev.vouch.ledger.internal;

import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.metrics.VouchMetrics;

/** Keeps Micrometer types out of {@link DisruptorLedger}'s own bytecode, so the ledger loads without Micrometer. */
final class MetricsBridge {
    private MetricsBridge() {
    }

    /** {@code registry} is a {@code MeterRegistry}: only {@code LedgerBuilder.meterRegistry} sets it. */
    static void bind(Ledger ledger, Object registry) {
        new VouchMetrics(ledger).bindTo((io.micrometer.core.instrument.MeterRegistry) registry);
    }
}
