package dev.vouch.policy;

import dev.vouch.Decision;

/**
 * What a policy does with a call: the policy's own vocabulary, apart from an approver's outcomes (approved,
 * refused, timed out), which share the journal's one decision byte ({@link Decision}) but not this type.
 */
public enum Action {
    /** Run the call. */
    ALLOW(Decision.ALLOW),
    /** Never run it. */
    BLOCK(Decision.BLOCK),
    /** Run it only once someone approves it. */
    STALL(Decision.STALL);

    private final Decision recorded;

    Action(Decision recorded) {
        this.recorded = recorded;
    }

    /** The decision code the journal records for this action (docs/FORMAT.md, "Event records"). */
    public Decision recorded() {
        return recorded;
    }
}
