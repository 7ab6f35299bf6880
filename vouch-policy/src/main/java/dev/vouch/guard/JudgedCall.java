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

    boolean metadataOnly() {
        return decision.payloadLogging() == PayloadLogging.METADATA_ONLY;
    }

    ToolBlockedException blocked() {
        return new ToolBlockedException(tool, policyId, decision.reason(), callSeq, decisionSeq, evaluatorFailure);
    }
}
