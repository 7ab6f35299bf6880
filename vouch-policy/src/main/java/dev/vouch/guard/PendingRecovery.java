package dev.vouch.guard;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vouch.Decision;
import dev.vouch.internal.format.RecordView;
import dev.vouch.policy.Action;
import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.PolicyDecision;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rediscovers, from the journal, the calls of one agent that a previous run deferred and nobody answered: a
 * POLICY_DECISION STALL whose call has no APPROVAL (and no outcome). Each gets back its original deadline (the
 * decision's time plus its {@code approval_timeout_ms}); one whose deadline passed while nothing ran is recorded as
 * TIMED_OUT now. Only the stalled calls are kept while reading, so memory follows their number, not the journal's.
 * One instance per agent; {@link #readAll} feeds any number of them from one pass over the journal.
 *
 * <p>Asked to ({@link GuardBuilder#recoverUnfinished}), it also rediscovers the calls that were allowed to run (by the
 * policy, or approved) and have no outcome on record: they can be resumed once to record it.
 */
final class PendingRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    /** A TOOL_CALL of this agent, until its decision says whether it stalled. */
    private record CallSeen(long seq, long parent, String task, String tool, byte[] storedParams, String toolCallId,
            String principal) {
    }

    /**
     * A stalled call, until an answer or an outcome names it; or an allowed one, until its outcome does.
     * {@code allowedAtNanos}: when it was allowed to run (its ALLOW, or its APPROVAL), which its duration counts from.
     */
    private record Stalled(CallSeen call, Action action, long decisionSeq, long decidedAtNanos, String policyId,
            String reason, dev.vouch.Risk risk, long timeoutMillis, StoredParams.Form form, boolean metadataOnly,
            long allowedAtNanos) {
        Stalled approvedAt(long nanos) {
            return new Stalled(call, action, decisionSeq, decidedAtNanos, policyId, reason, risk, timeoutMillis, form,
                    metadataOnly, nanos);
        }
    }

    private final RecordingGuard guard;
    private final GuardRecords records;
    private final DeferredCalls deferred;
    private final Consumer<ApprovalRequest> unfinishedTaker;
    private final Consumer<Task> openTaskTaker;
    private final Map<Long, CallSeen> undecided = new HashMap<>();
    private final Map<Long, Stalled> stalled = new LinkedHashMap<>();
    /** Allowed or approved, no outcome yet: kept only when asked for (most calls leave at once, with their outcome). */
    private final Map<Long, Stalled> unfinished = new LinkedHashMap<>();
    /** In sequence order: enclosing tasks first. */
    private final Map<Long, TaskSeen> openTasks = new LinkedHashMap<>();

    PendingRecovery(RecordingGuard guard, GuardRecords records, DeferredCalls deferred,
            Consumer<ApprovalRequest> unfinishedTaker, Consumer<Task> openTaskTaker) {
        this.guard = guard;
        this.records = records;
        this.deferred = deferred;
        this.unfinishedTaker = unfinishedTaker;
        this.openTaskTaker = openTaskTaker;
    }

    /** A TASK_START of this agent, until a TASK_END names it. */
    private record TaskSeen(long seq, String name, long parent) {
    }

    /**
     * Reads {@code source} to its end once (and closes it), handing each event record to the recovery of the agent
     * it names; records of other agents are skipped. One pass serves every agent of a journal
     * ({@link GuardBuilder#buildAll}): a gateway with five agents read its journal five times at every start.
     */
    static Instant readAll(RecordSource source, Map<String, PendingRecovery> byAgent) {
        // The time the previous session of the writer stopped: the last record before the newest RESUME (a
        // RECOVERY there is the new session's own). Not the largest timestamp of the journal: a re-trial found one
        // record from a clock that jumped years ahead for a moment timing out every pending call at every restart.
        long previous = Long.MIN_VALUE;
        long previousSessionEnd = Long.MIN_VALUE;
        RecordBuffer buf = new RecordBuffer(4096);
        RecordView v = new RecordView();
        try (source) {
            while (true) {
                try {
                    if (!source.next(buf)) {
                        break;
                    }
                } catch (dev.vouch.verify.StorageDamageException damage) {
                    // The source moved past it; what follows is still worth reading (vouch verify reports the damage).
                    LOG.warn("Damaged journal storage while rediscovering pending approvals ({}); reading on",
                            damage.getMessage());
                    continue;
                }
                v.wrap(buf.data(), buf.length());
                if (v.type() == dev.vouch.internal.format.RecordType.RESUME) {
                    previousSessionEnd = previous;
                } else if (v.type() != dev.vouch.internal.format.RecordType.RECOVERY) {
                    previous = v.timestamp();
                }
                if (!v.type().isEvent()) {
                    continue;
                }
                PendingRecovery r = byAgent.get(v.agent());
                if (r != null) {
                    r.offer(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the journal to rediscover pending approvals: "
                    + e.getMessage(), e);
        }
        return previousSessionEnd == Long.MIN_VALUE ? Instant.EPOCH : Instant.EPOCH.plusNanos(previousSessionEnd);
    }

    /** One event record of this agent, in journal order. */
    private void offer(RecordView v) {
        switch (v.type()) {
            case TOOL_CALL -> undecided.put(v.sequence(),
                    new CallSeen(v.sequence(), v.parent(), v.task(), v.name(), v.params(), v.toolCallId(),
                            v.principal()));
            case POLICY_DECISION -> {
                CallSeen c = undecided.remove(v.parent());
                boolean stall = v.decision() == Decision.STALL;
                if (c != null && (stall || (unfinishedTaker != null && v.decision() == Decision.ALLOW))) {
                    DecisionFields f = DecisionFields.parse(v.params());
                    (stall ? stalled : unfinished).put(c.seq(), new Stalled(c, stall ? Action.STALL
                            : Action.ALLOW, v.sequence(), v.timestamp(), v.policy(), f.reason, v.risk(),
                            f.timeoutMillis, f.form, f.metadataOnly, v.timestamp()));
                }
            }
            case APPROVAL -> {
                Stalled s = stalled.remove(v.parent());
                if (s != null && unfinishedTaker != null && v.decision() == Decision.APPROVED) {
                    unfinished.put(s.call().seq(), s.approvedAt(v.timestamp()));
                }
            }
            case TOOL_RESULT, TOOL_ERROR -> {
                stalled.remove(v.parent());
                unfinished.remove(v.parent());
            }
            case TASK_START -> {
                if (openTaskTaker != null) {
                    openTasks.put(v.sequence(), new TaskSeen(v.sequence(), v.name(), v.parent()));
                }
            }
            case TASK_END -> openTasks.remove(v.parent());
            default -> { }
        }
    }

    /**
     * Once the journal is read: defers the stalled calls again (those past their deadline are recorded as timed out),
     * hands the unfinished calls and the open tasks to their takers.
     *
     * @param previousSessionEnd when the writer's previous session wrote its last record ({@link #readAll}), or the
     *     epoch: deadlines count from it when the clock is behind it, since the time cannot be earlier than a record
     *     that session wrote. An outside trial restarted with the clock two days behind the journal, and a call whose
     *     approval window had closed was offered to the approver again, and approved. Only the previous session's
     *     end counts, not the largest timestamp anywhere: one record from a clock that was ahead for a moment would
     *     time out every pending call at every restart (a re-trial found exactly that).
     */
    void finish(Instant previousSessionEnd) {
        String agent = guard.agent();
        Instant clock = Instant.now();
        Instant now = previousSessionEnd.isAfter(clock) ? previousSessionEnd : clock;
        if (!stalled.isEmpty() && now != clock && Duration.between(clock, now).toSeconds() >= 1) {
            LOG.warn("The clock ({}) is behind the last record of the journal's previous session ({}): the deadlines of"
                    + " agent {}'s rediscovered calls count from that record's time", clock, now, agent);
        }
        int waiting = 0;
        for (Stalled s : stalled.values()) {
            Instant requestedAt = Instant.EPOCH.plusNanos(s.decidedAtNanos());
            Duration timeout = Duration.ofMillis(Math.max(0, s.timeoutMillis()));
            JudgedCall j = judged(guard, s);
            // Past deadlines are settled by the same path: the answer future times out at once.
            // A repeat finds it only by parameters on record exactly (a redacted copy or digest matches nothing).
            boolean exact = j.stored.form == StoredParams.Form.FULL
                    && ApprovalRequest.storedExactly(new String(j.stored.bytes, StandardCharsets.UTF_8));
            deferred.defer(j, exact ? j.stored.bytes : null, Map.of(), requestedAt, timeout, now); // tags: not on record
            if (now.isBefore(requestedAt.plus(timeout))) {
                waiting++;
            }
        }
        if (!stalled.isEmpty()) {
            LOG.info("Rediscovered {} deferred call(s) of agent {} from the journal: {} still waiting for approval,"
                    + " {} past their deadline (recorded as timed out)", stalled.size(), agent, waiting,
                    stalled.size() - waiting);
        }
        for (Stalled s : unfinished.values()) {
            Instant decidedAt = Instant.EPOCH.plusNanos(s.decidedAtNanos());
            JudgedCall j = judged(guard, s);
            unfinishedTaker.accept(deferred.restoreAllowed(j, decidedAt, s.action() == Action.STALL
                    ? Duration.ofMillis(Math.max(1, s.timeoutMillis())) : Duration.ZERO,
                    Instant.EPOCH.plusNanos(s.allowedAtNanos())));
        }
        if (!unfinished.isEmpty()) {
            LOG.info("Rediscovered {} call(s) of agent {} from the journal that were allowed to run and have no"
                    + " outcome on record", unfinished.size(), agent);
        }
        Map<Long, Task> reopened = new HashMap<>();
        for (TaskSeen t : openTasks.values()) {
            // Enclosed by a task taken back here, or else known only by the parent its TASK_START names (a call,
            // or nothing): the context a task restores when it is closed where it was opened, which no taken-back
            // task is.
            Task enclosingTask = reopened.get(t.parent());
            Context enclosing = enclosingTask != null ? enclosingTask.context() : new Context(guard, "", t.parent());
            Task task = new Task(guard, t.name(), t.seq(), enclosing);
            reopened.put(t.seq(), task);
            records.taskTakenBack(t.seq());
            openTaskTaker.accept(task);
        }
        if (!openTasks.isEmpty()) {
            LOG.info("Rediscovered {} task(s) of agent {} from the journal that were opened and not ended",
                    openTasks.size(), agent);
        }
    }

    private static JudgedCall judged(RecordingGuard guard, Stalled s) {
        return new JudgedCall(new Context(guard, s.call().task(), s.call().parent()), s.call().tool(),
                new PolicyDecision(s.action(), List.of(), s.risk(), s.policyId(), s.reason(),
                        s.metadataOnly() || s.form() == StoredParams.Form.DIGEST ? PayloadLogging.METADATA_ONLY
                                : PayloadLogging.FULL_PAYLOAD, Duration.ofMillis(Math.max(0, s.timeoutMillis()))),
                s.policyId(), StoredParams.recorded(s.call().storedParams(), s.form()), s.call().seq(),
                s.decisionSeq(), null, s.call().toolCallId(), s.call().principal());
    }

    /** What the guard wrote into a STALL decision's body. */
    private record DecisionFields(String reason, long timeoutMillis, StoredParams.Form form, boolean metadataOnly) {
        static DecisionFields parse(byte[] json) {
            String reason = "";
            long timeout = 0;
            StoredParams.Form form = StoredParams.Form.FULL;
            boolean metadataOnly = false;
            try (JsonParser p = Json.FACTORY.createParser(json)) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        JsonToken t = p.nextToken();
                        if ("reason".equals(name) && t == JsonToken.VALUE_STRING) {
                            reason = p.getText();
                        } else if ("approval_timeout_ms".equals(name) && t == JsonToken.VALUE_NUMBER_INT) {
                            timeout = p.getLongValue();
                        } else if ("params_stored".equals(name) && t == JsonToken.VALUE_STRING) {
                            form = StoredParams.Form.ofLabel(p.getText());
                        } else if ("log_level".equals(name) && t == JsonToken.VALUE_STRING) {
                            // Written since 0.2.0; before, only a digest said so (metadata only with paths listed
                            // was a commitment, and a result taken back after a restart was then kept in full).
                            metadataOnly = "metadata_only".equals(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } catch (IOException e) {
                // A decision body the guard did not write: keep the defaults (no reason; the deadline is now).
            }
            return new DecisionFields(reason, timeout, form, metadataOnly);
        }
    }
}
