package dev.vouch.guard;

import dev.vouch.Risk;
import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.Action;
import dev.vouch.policy.PolicyDecision;
import java.time.Duration;
import java.util.List;

/**
 * Judges one tool call. The guard depends only on this: {@code policy::evaluate} of a
 * {@link dev.vouch.policy.Policy} is one, a lambda is another.
 *
 * <p>Called on the caller's thread before anything is recorded (the decision says what the journal may store
 * of the parameters), so it must be fast, non-blocking and thread-safe. An evaluator that throws or returns
 * {@code null} fails closed: the call is recorded (parameters as a commitment or digest only) and blocked
 * under the policy id {@value Guard#EVALUATOR_FAILED}.
 */
@FunctionalInterface
public interface PolicyEvaluator {
    /**
     * @param toolName   the tool's name
     * @param jsonParams the call's parameters, UTF-8 JSON, exactly as the tool will receive them; empty (never
     *                   null) when there are none. Must not be modified.
     */
    PolicyDecision evaluate(String toolName, byte[] jsonParams);

    /**
     * Whether every call of {@code toolName} is blocked, whatever its parameters (adapters hide such tools from
     * the model). The default, false, is always safe: the call is still judged when made.
     */
    default boolean alwaysBlocks(String toolName) {
        return false;
    }

    /** A policy file's evaluator: {@link dev.vouch.policy.Policy#evaluate} and its {@code alwaysBlocks}. */
    static PolicyEvaluator of(dev.vouch.policy.Policy policy) {
        java.util.Objects.requireNonNull(policy, "policy");
        return new PolicyEvaluator() {
            @Override
            public PolicyDecision evaluate(String toolName, byte[] jsonParams) {
                return policy.evaluate(toolName, jsonParams);
            }

            @Override
            public boolean alwaysBlocks(String toolName) {
                return policy.alwaysBlocks(toolName);
            }
        };
    }

    /** Allows every call, stores parameters in full: a guard that records without judging. */
    static PolicyEvaluator allowAll() {
        PolicyDecision allow = new PolicyDecision(Action.ALLOW, List.of(), Risk.NONE, null,
                "no policy: every call is allowed", PayloadLogging.FULL_PAYLOAD, Duration.ZERO);
        return (tool, params) -> allow;
    }
}
