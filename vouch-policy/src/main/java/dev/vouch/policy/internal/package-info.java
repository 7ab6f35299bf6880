/**
 * What the policy compiles for the guard (redaction path trees); shared between {@code dev.vouch.policy} and
 * {@code dev.vouch.guard} in this module and exported by none. Not API.
 */
package dev.vouch.policy.internal;
