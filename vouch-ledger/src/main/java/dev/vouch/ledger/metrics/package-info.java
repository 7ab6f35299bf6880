/** Micrometer meters for a ledger ({@link dev.vouch.ledger.metrics.VouchMetrics}); Micrometer is optional. */
package dev.vouch.ledger.metrics;
