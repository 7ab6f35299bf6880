/**
 * The ledger's implementation: the chain and journal stages, the storage reader and writer, key rotation's file
 * steps. Not API: types here are public only so that {@code dev.vouch.ledger} can reach them, and change without
 * notice.
 */
package dev.vouch.ledger.internal;
