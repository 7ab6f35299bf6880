/**
 * The journal's record format, byte for byte (docs/FORMAT.md): reading records ({@link dev.vouch.format.RecordView})
 * and writing them. Used by the ledger, the verifier and the CLI; an application rarely needs it directly.
 */
package dev.vouch.format;
