package dev.vouch.guard;

import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.PolicyDecision;

/** A call that is on record with its decision: what the later steps (approval, running, result) refer back to. */
final class JudgedCall {
    final Context ctx;
    final String tool;
    final PolicyDecision decision;
    final String policyId;
    final StoredParams stored;
    final long callSeq;
    final long decisionSeq;
    final Throwable evaluatorFailure;
    /** The id the model or client gave the call, or null. */
    final String toolCallId;
    /** The principal recorded with the call, or null. */
    final String principal;

    JudgedCall(Context ctx, String tool, PolicyDecision decision, String policyId, StoredParams stored,
            long callSeq, long decisionSeq, Throwable evaluatorFailure, String toolCallId, String principal) {
        this.toolCallId = toolCallId;
        this.principal = principal;
        this.ctx = ctx;
        this.tool = tool;
        this.decision = decision;
        this.policyId = policyId;
        this.stored = stored;
        this.callSeq = callSeq;
        this.decisionSeq = decisionSeq;
        this.evaluatorFailure = evaluatorFailure;
    }

    /**
     * This call as a deferred one holds it while it waits: the stored parameters' form without their bytes, which its
     * approval request carries as text. Holding both doubled what each pending call cost (an outside trial's gateway
     * ran out of a 256 MiB heap with 71 calls of 1 MB awaiting approval).
     */
    JudgedCall held() {
        return stored.bytes.length == 0 ? this : new JudgedCall(ctx, tool, decision, policyId,
                StoredParams.recorded(new byte[0], stored.form), callSeq, decisionSeq, evaluatorFailure, toolCallId,
                principal);
    }

    boolean metadataOnly() {
        return decision.payloadLogging() == PayloadLogging.METADATA_ONLY;
    }

    ToolBlockedException blocked() {
        return new ToolBlockedException(tool, policyId, decision.reason(), callSeq, decisionSeq, evaluatorFailure);
    }
}
