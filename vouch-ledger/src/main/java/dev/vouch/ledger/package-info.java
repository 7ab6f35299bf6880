/**
 * The ledger: {@link dev.vouch.ledger.Ledger}, opened with {@link dev.vouch.ledger.LedgerBuilder}, records events
 * through a Disruptor ring into a signed, hash-chained Chronicle Queue journal; {@link dev.vouch.ledger.JournalReader}
 * reads a journal without writing anything; {@link dev.vouch.ledger.JvmFlags} holds the JVM flags it needs.
 */
package dev.vouch.ledger;
