/**
 * Keys and signatures: Ed25519 key files ({@link dev.vouch.crypto.KeyFile}), public keys as an auditor's trust
 * anchor ({@link dev.vouch.crypto.VerifyingKey}), and the C2SP signed notes and checkpoints a journal's
 * signatures are made of. docs/FORMAT.md, "Signed notes", "Checkpoints", "Keys".
 */
package dev.vouch.crypto;
