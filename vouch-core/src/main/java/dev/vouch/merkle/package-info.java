/**
 * The RFC 6962 Merkle tree over a journal's records: leaf and node hashes, the compact range a writer keeps, and
 * inclusion and consistency proofs. docs/FORMAT.md, "Merkle tree".
 */
package dev.vouch.merkle;
