/**
 * The guard in front of an agent's tools (docs/GUARD.md): {@link dev.vouch.guard.Guard} records every call
 * write-ahead, asks the policy, runs, refuses or holds the call for a person's approval, and records the outcome.
 */
package dev.vouch.guard;
