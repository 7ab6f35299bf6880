package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The causal tree of an agent run, rebuilt from the {@code parent} links of a journal's event records. A child
 * always comes after its parent in the journal, so one pass in journal order builds it, and membership in a task's
 * subtree is known the moment a record is read.
 *
 * <p>It holds every event it shows, so its size is the journal's: a node keeps the payloads themselves only when they
 * are printed whole ({@code --json}); for the text tree it keeps what a line shows of them (a preview, the reason,
 * the duration), names and tasks are shared, and nodes are found by sequence number in arrays, not a map of boxed
 * keys. An outside trial's 5.6 M-record journal took 5 GB of memory before this.
 */
final class CausalTree {
    /** Characters of a payload a line of the text tree shows. */
    static final int PREVIEW = 60;
    /** Characters of a task's end result its line shows. */
    static final int END_PREVIEW = 24;
    /** Characters of a tool-call id or a principal a line of the text tree shows. */
    static final int PREVIEW_ID = 64;

    /** One event record, with what the views print of it. */
    static final class Node {
        final long seq;
        final RecordType type;
        final long timestamp;
        final String task;
        final String name;
        final String policy;
        final Decision decision;
        final Risk risk;
        final long parent;
        /**
         * The correlation fields (format 1.2), "" when the record has none: whole for {@code --json}, as a line shows
         * them for the text (escaped, cut at {@link #PREVIEW_ID}); trace and span ids for {@code --json} only.
         */
        final String toolCallId;
        final String principal;
        final String traceId;
        final String spanId;
        /** The payloads, for {@code --json}; null in a tree kept for text. */
        final byte[] params;
        final byte[] result;
        /** What a text line shows of the payloads: previews, a decision's reason ("" when none). */
        final String paramsPreview;
        final String resultPreview;
        final String reason;
        /** The {@code duration_ns} the guard records with an outcome, or -1. */
        final long durationNanos;
        private List<Node> children;

        Node(RecordView v, boolean payloads, Strings strings) {
            seq = v.sequence();
            type = v.type();
            timestamp = v.timestamp();
            task = strings.shared(v.task());
            name = strings.shared(v.name());
            policy = strings.shared(v.policy());
            decision = v.decision();
            risk = v.risk();
            parent = v.parent();
            toolCallId = payloads ? v.toolCallId() : shown(v.toolCallId());
            principal = strings.shared(payloads ? v.principal() : shown(v.principal()));
            // The trace context matters to --json only; the text tree leaves it out.
            traceId = payloads ? v.traceId() : null;
            spanId = payloads ? v.spanId() : null;
            byte[] p = v.params();
            byte[] r = v.result();
            params = payloads ? p : null;
            result = payloads ? r : null;
            paramsPreview = payloads ? null : Text.preview(p, PREVIEW);
            resultPreview = payloads ? null : Text.preview(r, type == RecordType.TASK_END ? END_PREVIEW : PREVIEW);
            reason = payloads || type != RecordType.POLICY_DECISION ? "" : reasonOf(p);
            // --json gives any record's duration_ns; the text, a result's or an error's.
            durationNanos = payloads || type == RecordType.TOOL_RESULT || type == RecordType.TOOL_ERROR
                    ? Payloads.nonNegativeLong(p, "duration_ns") : -1;
        }

        private static String shown(String field) {
            return field.isEmpty() ? "" : Text.cut(Text.safe(field), PREVIEW_ID);
        }

        private static String reasonOf(byte[] params) {
            String reason = Payloads.string(params, "reason");
            return reason == null || reason.isBlank() ? "" : Text.cut(Text.safe(reason), PREVIEW);
        }

        List<Node> children() {
            return children == null ? Collections.emptyList() : children;
        }

        private void add(Node child) {
            if (children == null) {
                children = new ArrayList<>(2);
            }
            children.add(child);
        }

        /** The first child of this type, or null: a call's decision, approval and result, a task's end. */
        Node child(RecordType wanted) {
            for (Node c : children()) {
                if (c.type == wanted) {
                    return c;
                }
            }
            return null;
        }
    }

    /** One instance of each tool name, task and policy name: they repeat on most records. */
    static final class Strings {
        private final Map<String, String> seen = new HashMap<>();

        String shared(String s) {
            if (s.isEmpty()) {
                return "";
            }
            String kept = seen.putIfAbsent(s, s);
            return kept == null ? s : kept;
        }
    }

    /** Nodes by sequence number, in chunks of 64 Ki references allocated as sequence numbers reach them. */
    private static final class BySeq {
        private static final int SHIFT = 16;
        private Node[][] chunks = new Node[16][];

        Node get(long seq) {
            long c = seq >>> SHIFT;
            if (seq < 0 || c >= chunks.length || chunks[(int) c] == null) {
                return null;
            }
            return chunks[(int) c][(int) (seq & 0xFFFF)];
        }

        void put(long seq, Node node) {
            long c = seq >>> SHIFT;
            if (c >= Integer.MAX_VALUE) {
                throw new IllegalStateException("sequence number " + seq + " beyond what one tree can hold");
            }
            if (c >= chunks.length) {
                chunks = java.util.Arrays.copyOf(chunks, (int) Math.max(c + 1, chunks.length * 2L));
            }
            if (chunks[(int) c] == null) {
                chunks[(int) c] = new Node[1 << SHIFT];
            }
            chunks[(int) c][(int) (seq & 0xFFFF)] = node;
        }
    }

    private final String onlyTask;
    private final boolean payloads;
    private final Strings strings = new Strings();
    private final CallOutcomes outcomes = new CallOutcomes();
    private final BySeq bySeq = new BySeq();
    private final List<Node> roots = new ArrayList<>();
    private int size;

    /**
     * A tree of every event, or, if {@code onlyTask} is not null, of that task's records and their descendants;
     * {@code payloads}: whether nodes keep their payloads whole (for {@code --json}) or only what a text line shows.
     */
    CausalTree(String onlyTask, boolean payloads) {
        this.onlyTask = onlyTask;
        this.payloads = payloads;
    }

    /** Adds an event record; ledger records (checkpoints, seals...) are not part of the causal tree. */
    void add(RecordView v) {
        if (!v.type().isEvent()) {
            return;
        }
        outcomes.add(v);
        Node parent = v.parent() >= 0 ? bySeq.get(v.parent()) : null;
        boolean wanted = onlyTask == null || onlyTask.equals(v.task()) || parent != null;
        if (!wanted) {
            return;
        }
        Node node = new Node(v, payloads, strings);
        if (bySeq.get(node.seq) == null) {
            size++;
        }
        bySeq.put(node.seq, node);
        if (parent != null) {
            parent.add(node);
        } else {
            roots.add(node);
        }
    }

    List<Node> roots() {
        return roots;
    }

    /** What became of the call {@code callSeq}; outcomes outside a filtered tree count too. */
    CallOutcomes.Outcome outcome(long callSeq) {
        return outcomes.of(callSeq);
    }

    int size() {
        return size;
    }
}
