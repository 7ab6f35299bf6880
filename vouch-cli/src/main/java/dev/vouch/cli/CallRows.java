package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tool calls listed one by one, joined from the records that name them: the call itself, its policy decision and
 * its approval. Two lists use it: the calls whose risk is at least a threshold ({@code vouch risk}, the report) and
 * the calls a decision or approval stopped (blocked, refused, timed out: the report). A decision names its call as
 * its parent and comes right after it, and an approval a little later, so the call's own fields (time, parameters)
 * and its decision come from a small cache of the latest calls ({@link Recent}, shared by the lists and fed once
 * per record); a row whose call is no longer cached takes them from the record that flags it. Keeps at most
 * {@code maxRows} rows; {@link #count()} counts them all. Not thread-safe.
 */
final class CallRows {
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

        Row(long callSeq) {
            this.callSeq = callSeq;
        }
    }

    /**
     * The latest calls and their decisions, as they were recorded: payloads are kept as bytes and decoded only for a
     * call that goes on a list, so that counting a journal does not pay for text it never shows.
     */
    static final class Recent {
        /** Calls remembered to join a later decision or approval with. */
        private static final int CALLS = 4096;

        private static final class Call {
            final long timestamp;
            final String agent;
            final String task;
            final String tool;
            final byte[] params;
            final Risk risk;
            Decision decision = Decision.NONE;
            Risk decisionRisk = Risk.NONE;
            String policy = "";
            byte[] decisionParams;

            Call(RecordView v) {
                timestamp = v.timestamp();
                agent = v.agent();
                task = v.task();
                tool = v.name();
                params = v.params();
                risk = v.risk();
            }
        }

        private final Map<Long, Call> calls = new LinkedHashMap<>(256, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Call> eldest) {
                return size() > CALLS;
            }
        };

        /** Takes note of a call, or of a call's policy decision. */
        void add(RecordView v) {
            if (v.type() == RecordType.TOOL_CALL) {
                calls.put(v.sequence(), new Call(v));
            } else if (v.type() == RecordType.POLICY_DECISION && v.parent() >= 0) {
                Call c = calls.get(v.parent());
                if (c != null) {
                    c.decision = v.decision();
                    c.decisionRisk = v.risk();
                    c.policy = v.policy();
                    c.decisionParams = v.params();
                }
            }
        }

        /** Fills in {@code row} from the call {@code seq}, if it is cached; false if not. */
        boolean fill(long seq, Row row) {
            Call c = calls.get(seq);
            if (c == null) {
                return false;
            }
            row.timestamp = c.timestamp;
            row.agent = c.agent;
            row.task = c.task;
            row.tool = c.tool;
            String params = Text.utf8OrNull(c.params);
            row.params = params == null ? null : Text.cut(params, PARAMS_KEPT);
            row.risk = max(c.risk, c.decisionRisk);
            row.decision = c.decision;
            row.policy = c.policy;
            row.reason = c.decisionParams == null ? null : Payloads.string(c.decisionParams, "reason");
            return true;
        }
    }

    private final Kind kind;
    private final Risk threshold;
    private final int maxRows;
    private final Recent recent;
    private final TreeMap<Long, Row> rows = new TreeMap<>();
    /** Every call put on the list, kept or not: it is counted once. */
    private final SparseBits flagged = new SparseBits();
    private long count;

    private CallRows(Kind kind, Risk threshold, int maxRows, Recent recent) {
        this.kind = kind;
        this.threshold = threshold;
        this.maxRows = maxRows;
        this.recent = recent;
    }

    /** The calls of risk {@code threshold} or higher; {@code recent} must see each record first. */
    static CallRows risky(Risk threshold, int maxRows, Recent recent) {
        return new CallRows(Kind.RISKY, threshold, maxRows, recent);
    }

    /** The calls a decision or approval stopped; {@code recent} must see each record first. */
    static CallRows stopped(int maxRows, Recent recent) {
        return new CallRows(Kind.STOPPED, Risk.NONE, maxRows, recent);
    }

    /** Takes note of an event record, after {@link Recent#add} has. */
    void add(RecordView v) {
        RecordType type = v.type();
        if (type == RecordType.TOOL_CALL) {
            if (kind == Kind.RISKY && atLeast(v.risk()) && !flagged.get(v.sequence())) {
                flag(v.sequence(), v);
            }
            return;
        }
        if ((type != RecordType.POLICY_DECISION && type != RecordType.APPROVAL) || v.parent() < 0) {
            return;
        }
        Row row = rows.get(v.parent());
        if (row == null && flags(v) && !flagged.get(v.parent())) {
            row = flag(v.parent(), v);
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
    private Row flag(long callSeq, RecordView v) {
        count++;
        flagged.set(callSeq);
        if (rows.size() >= maxRows) {
            return null;
        }
        Row row = new Row(callSeq);
        if (!recent.fill(callSeq, row)) {
            row.timestamp = v.timestamp();
            row.agent = v.agent();
            row.task = v.task();
            row.tool = v.name();
            if (v.type() == RecordType.TOOL_CALL) {
                String params = Text.utf8OrNull(v.params());
                row.params = params == null ? null : Text.cut(params, PARAMS_KEPT);
            }
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

    /** Every call that went on the list, kept or not. */
    long count() {
        return count;
    }
}
