/**
 * The auditor's verifier: {@link dev.vouch.verify.JournalVerifier} streams through a journal's records
 * ({@link dev.vouch.verify.RecordSource}) trusting only the first public key and reports INTACT, INCOMPLETE or
 * TAMPERED with every failure. docs/FORMAT.md, "Verification".
 */
package dev.vouch.verify;
