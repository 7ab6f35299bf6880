package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tool calls listed one by one, joined from the records that name them: the call itself, its policy decision and
 * its approval. Two lists use it: the calls whose risk is at least a threshold ({@code vouch risk}, the report) and
 * the calls a decision or approval stopped (blocked, refused, timed out: the report). A decision names its call as
 * its parent and comes right after it, so the call's own fields (time, parameters) come from a small cache of the
 * latest calls; a row whose call is not cached takes them from the decision. Keeps at most {@code maxRows} rows;
 * {@link #count()} counts them all. Not thread-safe.
 */
final class CallRows {
    /** Calls remembered to join a later decision with: decisions follow their calls at once. */
    private static final int RECENT_CALLS = 4096;
    /** Characters of a call's parameters kept for a row. */
    static final int PARAMS_KEPT = 200;

    /** Which calls a list holds. */
    enum Kind {
        /** Calls whose risk, on the call or on its decision or approval, is at least the threshold. */
        RISKY,
        /** Calls a BLOCK decision, or a REFUSED or TIMED_OUT approval, stopped. */
        STOPPED
    }

    /** One call. Mutable: the records after the call fill it in. */
    static final class Row {
        final long callSeq;
        long timestamp;
        String agent;
        String task;
        String tool;
        /** The call's parameters as text, cut to {@value #PARAMS_KEPT} characters; null if binary or not read. */
        String params;
        Risk risk = Risk.NONE;
        Decision decision = Decision.NONE;
        Decision approval = Decision.NONE;
        String policy = "";
        /** The policy decision's reason, and the approver's. */
        String reason;
        String approver;
        String approvalReason;
        /** The record that put the call on the list. */
        long flaggedAt;

        Row(long callSeq) {
            this.callSeq = callSeq;
        }
    }

    /** A call as its own record and its policy decision tell it, until a later record may need it. */
    private static final class RecentCall {
        final long timestamp;
        final String agent;
        final String task;
        final String tool;
        final String params;
        final Risk risk;
        Decision decision = Decision.NONE;
        String policy = "";
        String reason;

        RecentCall(long timestamp, String agent, String task, String tool, String params, Risk risk) {
            this.timestamp = timestamp;
            this.agent = agent;
            this.task = task;
            this.tool = tool;
            this.params = params;
            this.risk = risk;
        }
    }

    private final Kind kind;
    private final Risk threshold;
    private final int maxRows;
    private final Map<Long, RecentCall> recent = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, RecentCall> eldest) {
            return size() > RECENT_CALLS;
        }
    };
    private final TreeMap<Long, Row> rows = new TreeMap<>();
    /** Every call put on the list, kept or not: it is counted once. */
    private final SparseBits flagged = new SparseBits();
    private long count;

    private CallRows(Kind kind, Risk threshold, int maxRows) {
        this.kind = kind;
        this.threshold = threshold;
        this.maxRows = maxRows;
    }

    /** The calls of risk {@code threshold} or higher. */
    static CallRows risky(Risk threshold, int maxRows) {
        return new CallRows(Kind.RISKY, threshold, maxRows);
    }

    /** The calls a decision or approval stopped. */
    static CallRows stopped(int maxRows) {
        return new CallRows(Kind.STOPPED, Risk.NONE, maxRows);
    }

    /** Takes note of an event record. */
    void add(RecordView v) {
        RecordType type = v.type();
        if (type == RecordType.TOOL_CALL) {
            String params = Text.utf8OrNull(v.params());
            RecentCall call = new RecentCall(v.timestamp(), v.agent(), v.task(), v.name(),
                    params == null ? null : Text.cut(params, PARAMS_KEPT), v.risk());
            recent.put(v.sequence(), call);
            if (kind == Kind.RISKY && atLeast(v.risk()) && !flagged.get(v.sequence())) {
                Row row = flag(v.sequence(), v.sequence(), call, v);
                if (row != null) {
                    row.risk = max(row.risk, v.risk());
                }
            }
            return;
        }
        if ((type != RecordType.POLICY_DECISION && type != RecordType.APPROVAL) || v.parent() < 0) {
            return;
        }
        RecentCall call = recent.get(v.parent());
        if (call != null && type == RecordType.POLICY_DECISION) {
            call.decision = v.decision();
            call.policy = v.policy();
            call.reason = Payloads.string(v.params(), "reason");
        }
        Row row = rows.get(v.parent());
        if (row == null && flags(v) && !flagged.get(v.parent())) {
            row = flag(v.parent(), v.sequence(), call, v);
        }
        if (row == null) {
            return;
        }
        row.risk = max(row.risk, v.risk());
        byte[] params = v.params();
        if (type == RecordType.POLICY_DECISION) {
            row.decision = v.decision();
            row.policy = v.policy();
            row.reason = Payloads.string(params, "reason");
        } else {
            row.approval = v.decision();
            if (row.decision == Decision.NONE) {
                row.decision = Decision.STALL; // only a stalled call is answered
            }
            if (row.policy.isEmpty()) {
                row.policy = v.policy();
            }
            row.approver = Payloads.string(params, "approver");
            row.approvalReason = Payloads.string(params, "reason");
        }
    }

    private boolean flags(RecordView v) {
        if (kind == Kind.RISKY) {
            return atLeast(v.risk());
        }
        Decision d = v.decision();
        return v.type() == RecordType.POLICY_DECISION ? d == Decision.BLOCK
                : d == Decision.REFUSED || d == Decision.TIMED_OUT;
    }

    /** Puts the call on the list (counted; kept if there is room); null if not kept. */
    private Row flag(long callSeq, long flaggedAt, RecentCall call, RecordView v) {
        count++;
        flagged.set(callSeq);
        if (rows.size() >= maxRows) {
            return null;
        }
        Row row = new Row(callSeq);
        row.flaggedAt = flaggedAt;
        if (call != null) {
            row.timestamp = call.timestamp;
            row.agent = call.agent;
            row.task = call.task;
            row.tool = call.tool;
            row.params = call.params;
            row.risk = call.risk;
            row.decision = call.decision;
            row.policy = call.policy;
            row.reason = call.reason;
        } else {
            row.timestamp = v.timestamp();
            row.agent = v.agent();
            row.task = v.task();
            row.tool = v.name();
        }
        rows.put(callSeq, row);
        return row;
    }

    private boolean atLeast(Risk r) {
        return r.code() >= threshold.code() && r != Risk.NONE;
    }

    private static Risk max(Risk a, Risk b) {
        return a.code() >= b.code() ? a : b;
    }

    /** The calls kept, by sequence number. */
    Collection<Row> rows() {
        return rows.values();
    }

    /** The last {@code n} calls kept. */
    List<Row> last(int n) {
        List<Row> all = new ArrayList<>(rows.values());
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** Every call that went on the list, kept or not. */
    long count() {
        return count;
    }
}
