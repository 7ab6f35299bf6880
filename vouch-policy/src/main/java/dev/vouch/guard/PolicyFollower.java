package dev.vouch.guard;

import dev.vouch.policy.Policy;
import dev.vouch.policy.PolicyWatcher;

/**
 * Keeps a guard on whatever policy a {@link PolicyWatcher} holds: before each call is judged, a new version is
 * handed to the guard as in force (recorded, and paired with its own evaluator), so the decision and the policy it
 * names always agree. One volatile read and a reference comparison per call when nothing changed.
 */
final class PolicyFollower {
    private final PolicyWatcher watcher;
    private final RecordingGuard guard;
    private volatile Policy followed;

    PolicyFollower(PolicyWatcher watcher, RecordingGuard guard) {
        this.watcher = watcher;
        this.guard = guard;
    }

    /** Hands the watcher's current policy to the guard if it is not the one in force yet. */
    void sync() {
        Policy p = watcher.current();
        if (p != followed) {
            // Synchronized in the guard, and a no-op for a policy already recorded: racing callers record it once.
            guard.policyChanged(PolicyEvaluator.of(p), p.sha256Hex(), p.source());
            followed = p;
        }
    }
}
