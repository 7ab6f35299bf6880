package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.internal.format.RecordView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Approvals and how long calls waited for them: from a call's STALL decision to the APPROVAL record that answers it
 * (both name the call as their parent; docs/GUARD.md, "Stalled calls and approvals"). Keeps one waiting time per
 * answer (8 bytes) for the percentiles, the first {@code maxRows} answers in full, and the stalls not answered yet.
 */
final class ApprovalStats {
    /** One answer to a stalled call. {@code waitNanos} is -1 when no STALL decision for the call was read. */
    record Row(long seq, long callSeq, long timestamp, String agent, String task, String tool, Decision decision,
            long waitNanos, String approver, String reason) {
    }

    /** The waiting times' summary, in nanoseconds; all zero when there is none. */
    record Waits(long count, long min, long median, long p95, long max, long mean) {
    }

    private final int maxRows;
    private final Map<Long, Long> stalledAt = new HashMap<>();
    private long[] waits = new long[16];
    private int waitCount;
    private final long[] byDecision = new long[Decision.values().length];
    private long answers;
    private final List<Row> rows = new ArrayList<>();

    ApprovalStats(int maxRows) {
        this.maxRows = maxRows;
    }

    /** A POLICY_DECISION record: a STALL starts a wait. */
    void onDecision(RecordView v) {
        if (v.decision() == Decision.STALL && v.parent() >= 0) {
            stalledAt.put(v.parent(), v.timestamp());
        }
    }

    /** An APPROVAL record: ends its call's wait. */
    void onApproval(RecordView v) {
        answers++;
        byDecision[v.decision().ordinal()]++;
        Long stalled = v.parent() >= 0 ? stalledAt.remove(v.parent()) : null;
        long wait = stalled == null ? -1 : Math.max(0, v.timestamp() - stalled);
        if (wait >= 0) {
            if (waitCount == waits.length) {
                waits = Arrays.copyOf(waits, waitCount * 2);
            }
            waits[waitCount++] = wait;
        }
        if (rows.size() < maxRows) {
            byte[] params = v.params();
            rows.add(new Row(v.sequence(), v.parent(), v.timestamp(), v.agent(), v.task(), v.name(), v.decision(), wait,
                    Payloads.string(params, "approver"), Payloads.string(params, "reason")));
        }
    }

    /** APPROVAL records read. */
    long answers() {
        return answers;
    }

    /** APPROVAL records with this decision. */
    long count(Decision d) {
        return byDecision[d.ordinal()];
    }

    /** The first answers, in journal order (at most the {@code maxRows} given). */
    List<Row> rows() {
        return rows;
    }

    /** The waiting times (nearest-rank percentiles). */
    Waits waits() {
        if (waitCount == 0) {
            return new Waits(0, 0, 0, 0, 0, 0);
        }
        long[] sorted = Arrays.copyOf(waits, waitCount);
        Arrays.sort(sorted);
        double sum = 0;
        for (long w : sorted) {
            sum += w;
        }
        return new Waits(waitCount, sorted[0], rank(sorted, 50), rank(sorted, 95), sorted[waitCount - 1],
                Math.round(sum / waitCount));
    }

    /** Every waiting time, sorted; for charts. */
    long[] sortedWaits() {
        long[] sorted = Arrays.copyOf(waits, waitCount);
        Arrays.sort(sorted);
        return sorted;
    }

    private static long rank(long[] sorted, int percent) {
        int n = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, n - 1)];
    }
}
