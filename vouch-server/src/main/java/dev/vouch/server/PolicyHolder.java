package dev.vouch.server;

import dev.vouch.guard.Guard;
import dev.vouch.guard.GuardBuilder;
import dev.vouch.guard.PolicyEvaluator;
import dev.vouch.policy.Policy;
import dev.vouch.policy.PolicyException;
import dev.vouch.policy.PolicyWatcher;
import dev.vouch.verify.RecordSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy every agent's guard judges by: a file a {@link PolicyWatcher} follows (hot reload), or a fixed policy.
 * A new version, from the watcher or from an operator's explicit reload, is handed to every guard with
 * {@link Guard#policyChanged(PolicyEvaluator, String, String)}, which records it (a {@code vouch.policy} NOTE per
 * agent) and swaps the evaluator atomically with it. The same version again records nothing.
 */
final class PolicyHolder implements PolicyWatcher.ChangeHandler, AutoCloseable {
    /** What a reload did. */
    record Reloaded(Policy policy, boolean changed) {
    }

    private final Path file;
    private final List<Guard> guards = new ArrayList<>();
    private volatile Policy current;
    private PolicyWatcher watcher;

    private PolicyHolder(Path file, Policy fixed) {
        this.file = file;
        this.current = fixed;
    }

    /** Follows {@code file}; fails now if it cannot be loaded. */
    static PolicyHolder watching(Path file, Duration pollInterval) {
        PolicyHolder h = new PolicyHolder(file, null);
        h.watcher = PolicyWatcher.start(file, pollInterval, h);
        return h;
    }

    static PolicyHolder fixed(Policy policy) {
        return new PolicyHolder(null, policy);
    }

    Policy current() {
        return current;
    }

    /**
     * Builds guards judged by the current policy and by every later one; with {@code journal}, rediscovering their
     * agents' pending calls in one pass over it ({@link GuardBuilder#buildAll}).
     */
    synchronized List<Guard> buildAll(List<GuardBuilder> builders, RecordSource journal) {
        for (GuardBuilder b : builders) {
            b.policy(current);
        }
        List<Guard> built;
        if (journal != null) {
            built = GuardBuilder.buildAll(journal, builders);
        } else {
            built = new ArrayList<>();
            for (GuardBuilder b : builders) {
                built.add(b.build());
            }
        }
        guards.addAll(built);
        return built;
    }

    @Override
    public synchronized void onPolicyChanged(Policy policy) {
        current = policy;
        for (Guard g : guards) {
            g.policyChanged(PolicyEvaluator.of(policy), policy.sha256Hex(), policy.source());
        }
    }

    /**
     * Reads the file now (an operator's explicit reload) and puts it in force if it is valid.
     *
     * @throws HttpError 409 without a policy file, 422 naming the problem (file, line, column) if it is not valid;
     *     the policy in force stays
     */
    synchronized Reloaded reload() {
        if (file == null) {
            throw HttpError.conflict("no_policy_file", "this gateway was started with a fixed policy, not a file");
        }
        Policy next;
        try {
            next = Policy.load(file);
        } catch (PolicyException e) {
            throw new HttpError(422, "policy_invalid", e.getMessage() + "; the policy in force stays (sha256 "
                    + current.sha256Hex() + ")");
        }
        boolean changed = !next.sha256Hex().equals(current.sha256Hex());
        onPolicyChanged(next);
        return new Reloaded(next, changed);
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
