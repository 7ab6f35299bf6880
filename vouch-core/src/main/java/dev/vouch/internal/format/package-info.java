/**
 * The journal's record format, byte for byte (docs/FORMAT.md): reading records ({@link RecordView}) and writing
 * them. Shared by the ledger, the verifier and the CLI; not API. Third parties read the format from the spec, not
 * from these classes, and the module exports this package only to Vouch's own modules.
 */
package dev.vouch.internal.format;
