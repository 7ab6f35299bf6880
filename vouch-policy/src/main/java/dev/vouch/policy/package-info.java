/**
 * Policy files ({@code vouch-policy.yaml}, docs/POLICY.md): {@link dev.vouch.policy.Policy} loads and evaluates
 * one, {@link dev.vouch.policy.PolicyWatcher} follows a file as it changes.
 */
package dev.vouch.policy;
