package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The causal tree of an agent run, rebuilt from the {@code parent} links of a journal's event records. A child
 * always comes after its parent in the journal, so one pass in journal order builds it, and membership in a task's
 * subtree is known the moment a record is read.
 */
final class CausalTree {
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
        final byte[] params;
        final byte[] result;
        final List<Node> children = new ArrayList<>();

        Node(RecordView v) {
            seq = v.sequence();
            type = v.type();
            timestamp = v.timestamp();
            task = v.task();
            name = v.name();
            policy = v.policy();
            decision = v.decision();
            risk = v.risk();
            parent = v.parent();
            params = v.params();
            result = v.result();
        }

        /** The first child of this type, or null: a call's decision, approval and result, a task's end. */
        Node child(RecordType wanted) {
            for (Node c : children) {
                if (c.type == wanted) {
                    return c;
                }
            }
            return null;
        }
    }

    private final String onlyTask;
    private final CallOutcomes outcomes = new CallOutcomes();
    private final Map<Long, Node> bySeq = new HashMap<>();
    private final List<Node> roots = new ArrayList<>();

    /** A tree of every event, or, if {@code onlyTask} is not null, of that task's records and their descendants. */
    CausalTree(String onlyTask) {
        this.onlyTask = onlyTask;
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
        Node node = new Node(v);
        bySeq.put(node.seq, node);
        if (parent != null) {
            parent.children.add(node);
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
        return bySeq.size();
    }
}
