package dev.vouch.guard;

import dev.vouch.Decision;
import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.EventTooLargeException;
import dev.vouch.Recorder;
import dev.vouch.internal.SafeText;
import dev.vouch.policy.Action;
import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.PolicyDecision;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's records and their bodies (docs/GUARD.md, "What is recorded"), and what the journal may keep of a
 * call: parameters, results and error messages reduced as the decision says (redacted, committed, digested), with a
 * digest in place of anything too large to record. Every record is written ahead of what it describes.
 */
final class GuardRecords {
    /** Whether a closed (or failed) ledger's refusal to record a tool's failure was logged with its stack trace. */
    private final java.util.concurrent.atomic.AtomicBoolean closedLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    static final byte[] EMPTY = new byte[0];
    /** One reusable event per thread: guard records are made one at a time per thread, never nested. */
    private static final ThreadLocal<Event> EVENTS = ThreadLocal.withInitial(Event::new);
    /** One reusable call-and-decision pair per thread. */
    private static final ThreadLocal<Event[]> PAIRS = ThreadLocal.withInitial(() -> new Event[] {new Event(), new Event()});

    private final Recorder recorder;
    private final String agent;
    private final Durability durability;
    private final RedactionKey redactionKey;
    private final ResultEncoder resultEncoder;
    private final boolean writeAheadOutcomes;
    /** Recorded with calls that name no principal of their own; null for none. */
    private final String principal;
    private volatile boolean warnedNoKey;
    private volatile boolean warnedPlainDigest;

    GuardRecords(Recorder recorder, String agent, Durability durability, RedactionKey redactionKey,
            ResultEncoder resultEncoder, boolean writeAheadOutcomes, String principal) {
        this.writeAheadOutcomes = writeAheadOutcomes;
        this.principal = principal;
        this.recorder = recorder;
        this.agent = agent;
        this.durability = durability;
        this.redactionKey = redactionKey;
        this.resultEncoder = resultEncoder;
    }

    long taskStart(String name, long parent) {
        return durable(event(EventKind.TASK_START, name, name, parent));
    }

    /** Tells the recorder, if it counts open tasks, of one a restart took back (GuardBuilder.recoverOpenTasks). */
    void taskTakenBack(long taskStartSequence) {
        if (recorder instanceof dev.vouch.internal.OpenTaskCount count) {
            count.taskTakenBack(taskStartSequence);
        }
    }

    long taskEnd(Task task, String state, Throwable failure) {
        Event e = event(EventKind.TASK_END, task.name(), task.name(), task.startSequence()).result(state);
        if (failure != null) {
            e.params(errorJson(failure, null, false));
        }
        return durableWithoutDropping(e); // the task has ended: a FAIL ledger's refusal would only lose that
    }

    /** The NOTE that puts a policy version in force. */
    long policyNote(String sha256Hex, String source) {
        return durable(event(EventKind.NOTE, "", Guard.POLICY_NOTE, Event.NO_PARENT)
                .params(new Json.ObjectWriter().field("sha256", sha256Hex).field("source", source).toBytes()));
    }

    /**
     * Records TOOL_CALL with what the journal may keep of {@code params} and POLICY_DECISION, with one wait.
     *
     * @param evaluatorFailure why the evaluator gave no decision ({@code d} is then the guard's block), or null
     */
    JudgedCall recordCall(Context ctx, ToolCall call, String traceId, String spanId, PolicyDecision d,
            String policySha256, Throwable evaluatorFailure) {
        String tool = call.tool();
        byte[] params = call.params();
        String policyId = d.ruleId() == null ? Guard.DEFAULT_POLICY_ID : d.ruleId();
        StoredParams stored;
        if (evaluatorFailure != null) {
            // The policy could not say what to redact: keep nothing readable.
            stored = StoredParams.whole(params, redactionKey, "policy evaluation failed: whole parameters committed");
        } else {
            stored = StoredParams.of(params, d.redactedFields(), d.payloadLogging(), redactionKey);
            if (redactionKey == null && !d.redactedFields().isEmpty() && !warnedNoKey) {
                warnedNoKey = true;
                // Redactions add up over every matching rule, so the deciding rule is not named as their source.
                LOG.warn("The policy redacts {} of {} but the guard has no redaction key: redacted values are omitted"
                        + " from the journal with no commitment (give the guard a redaction key to be able to prove"
                        + " them: GuardBuilder.redactionKey, vouch.redaction-key in Spring, --redaction-key for vouch"
                        + " serve and mcp-proxy)", d.redactedFields(), SafeText.safe(tool));
            } else if (stored.plainDigest(redactionKey) && !warnedPlainDigest) {
                warnedPlainDigest = true;
                LOG.warn("The policy keeps only a digest of the parameters and results of {} (metadata_only) but the"
                        + " guard has no redaction key: a plain SHA-256 digest lets anyone who holds the journal test"
                        + " guesses, and gives short or predictable values back (a PIN, an id, a yes or no); give the"
                        + " guard a redaction key to keep keyed commitments instead (GuardBuilder.redactionKey,"
                        + " vouch.redaction-key in Spring, --redaction-key for vouch serve and mcp-proxy)",
                        SafeText.safe(tool));
            }
        }
        Event[] pair = PAIRS.get();
        try {
            long callSeq;
            try {
                callSeq = recordCallAndDecision(pair, ctx, call, traceId, spanId, stored, d, policyId, policySha256);
            } catch (EventTooLargeException tooLarge) {
                stored = d.redactedFields().isEmpty()
                        ? StoredParams.digest(params, "too large to record: digest only")
                        : StoredParams.whole(params, redactionKey, "too large to record: whole parameters committed");
                callSeq = recordCallAndDecision(pair, ctx, call, traceId, spanId, stored, d, policyId, policySha256);
            }
            return new JudgedCall(ctx, tool, d, policyId, stored, callSeq, callSeq + 1, evaluatorFailure, call.id(),
                    call.principal() != null ? call.principal() : principal);
        } finally {
            pair[0].reset(); // drop references to payloads and texts
            pair[1].reset();
        }
    }

    /** TOOL_CALL and POLICY_DECISION as one group: consecutive sequence numbers, journaled together, one wait. */
    private long recordCallAndDecision(Event[] pair, Context ctx, ToolCall call, String traceId, String spanId,
            StoredParams stored, PolicyDecision d, String policyId, String policySha256) {
        String tool = call.tool();
        Json.ObjectWriter w = new Json.ObjectWriter().field("reason", d.reason() == null ? "" : d.reason());
        if (policySha256 != null) {
            w.field("policy_sha256", policySha256);
        }
        w.field("params_stored", stored.form.label);
        if (d.payloadLogging() == PayloadLogging.METADATA_ONLY) {
            // What the result and an error keep follows it: a pending call taken back after a restart needs to know.
            w.field("log_level", "metadata_only");
        }
        if (!stored.redacted.isEmpty()) {
            w.field("redacted", stored.redacted);
        }
        if (redactionKey != null && (!stored.redacted.isEmpty() || stored.form == StoredParams.Form.COMMITMENT)) {
            w.field("redaction_key", redactionKey.id());
        }
        if (d.action() == Action.STALL) {
            w.field("approval_timeout_ms", d.approvalTimeout().toMillis());
        }
        Event callRecord = fill(pair[0].reset(), EventKind.TOOL_CALL, ctx.task(), tool, ctx.parent).params(stored.bytes)
                .toolCallId(call.id()).principal(call.principal() != null ? call.principal() : principal);
        if (traceId != null) {
            callRecord.traceContext(traceId, spanId);
        }
        fill(pair[1].reset(), EventKind.POLICY_DECISION, ctx.task(), tool, Event.NO_PARENT).parentInGroup(0)
                .decision(d.action().recorded()).risk(d.risk()).policy(policyId).params(w.toBytes());
        return recorder.recordDurably(pair, durability);
    }

    /** Records APPROVAL: who decided what, when, and against which deadline. */
    long recordApproval(JudgedCall j, Decision outcome, String approver, String reason, Instant requestedAt,
            Instant decidedAt, Instant deadline, Throwable error) {
        Json.ObjectWriter w = new Json.ObjectWriter()
                .field("approver", approver)
                .field("reason", reason)
                .field("requested_at", requestedAt.toString())
                .field("decided_at", decidedAt.toString())
                .field("deadline", deadline.toString());
        if (error != null) {
            w.field("error", describe(error));
        }
        return durable(event(EventKind.APPROVAL, j.ctx.task(), j.tool, j.callSeq)
                .decision(outcome).risk(j.decision.risk()).policy(j.policyId).params(w.toBytes()));
    }

    void recordResult(JudgedCall j, Object value, long durationNanos) {
        byte[] bytes;
        byte[] note = null;
        if (value == null) {
            bytes = EMPTY;
        } else if (value instanceof String s) {
            bytes = s.getBytes(StandardCharsets.UTF_8);
        } else if (value instanceof byte[] b) {
            bytes = b;
        } else {
            try {
                bytes = resultEncoder.encode(value);
                if (bytes == null) {
                    bytes = EMPTY;
                }
            } catch (Exception e) {
                bytes = new Json.ObjectWriter().field("$vouch_unencodable", value.getClass().getName())
                        .field("error", describe(e)).toBytes();
                note = bytes;
            }
        }
        if (j.metadataOnly() && note == null && bytes.length > 0) {
            bytes = j.stored.keepLikeThese(bytes, redactionKey).bytes;
        }
        byte[] params = new Json.ObjectWriter().field("duration_ns", durationNanos).toBytes();
        try {
            outcome(event(EventKind.TOOL_RESULT, j.ctx.task(), j.tool, j.callSeq).params(params).result(bytes));
        } catch (EventTooLargeException tooLarge) {
            outcome(event(EventKind.TOOL_RESULT, j.ctx.task(), j.tool, j.callSeq).params(params)
                    .result(StoredParams.digest(bytes, "too large to record: digest only").bytes));
        }
    }

    /** Records TOOL_ERROR; a recording failure is added to {@code t} as suppressed, so {@code t} still reaches the caller. */
    void recordError(JudgedCall j, Throwable t, long durationNanos) {
        try {
            outcome(event(EventKind.TOOL_ERROR, j.ctx.task(), j.tool, j.callSeq)
                    .params(new Json.ObjectWriter().field("duration_ns", durationNanos).toBytes())
                    .result(errorJson(t, j.stored, j.metadataOnly())));
        } catch (RuntimeException | Error ledger) {
            if (ledger != t) {
                t.addSuppressed(ledger);
            }
            if (ledger instanceof dev.vouch.LedgerClosedException && closedLogged.getAndSet(true)) {
                // The same cause for every call still running (an outside trial stopped a gateway whose ledger had
                // failed: twenty stack traces, one per call): its stack trace is above.
                LOG.error("[CRITICAL] could not record the failure of {} (call seq {}): {}", SafeText.safe(j.tool),
                        j.callSeq,
                        ledger.getMessage());
            } else {
                LOG.error("[CRITICAL] could not record the failure of {} (call seq {})", SafeText.safe(j.tool), j.callSeq,
                        ledger);
            }
        }
    }

    /**
     * {@code {"exception": class, "message": text}}. The message may quote the parameters, so when the journal
     * keeps less than the full parameters it keeps less of the message too: what it keeps of the parameters under
     * metadata_only (a keyed commitment with a redaction key, else a plain digest), a keyed commitment when
     * something was redacted.
     */
    private byte[] errorJson(Throwable t, StoredParams stored, boolean metadataOnly) {
        Json.ObjectWriter w = new Json.ObjectWriter().field("exception", t.getClass().getName());
        boolean plainDigest = metadataOnly
                && (stored == null ? redactionKey == null : stored.plainDigest(redactionKey));
        if (t instanceof ToolFailure failure) {
            byte[] result = failure.resultJson();
            if (result != null) {
                // The tool's own error result, whole: kept, digested or committed as a message would be.
                if (plainDigest) {
                    return w.field("result_digest", "sha256:" + StoredParams.sha256Hex(result)).toBytes();
                }
                if (metadataOnly || stored != null && stored.form != StoredParams.Form.FULL) {
                    return w.field("result_commitment",
                            redactionKey == null ? StoredParams.OMITTED : redactionKey.commitBytes(result)).toBytes();
                }
                if (w.jsonField("result", result)) {
                    return w.toBytes();
                }
            }
        }
        String message = t.getMessage();
        if (message != null) {
            byte[] m = message.getBytes(StandardCharsets.UTF_8);
            if (plainDigest) {
                w.field("message_digest", "sha256:" + StoredParams.sha256Hex(m));
            } else if (metadataOnly || stored != null && stored.form != StoredParams.Form.FULL) {
                w.field("message_commitment", redactionKey == null ? StoredParams.OMITTED : redactionKey.commitBytes(m));
            } else {
                w.field("message", message.length() > 4096 ? message.substring(0, 4096) + "..." : message);
            }
        }
        return w.toBytes();
    }

    private Event event(EventKind kind, String task, String name, long parent) {
        return fill(EVENTS.get().reset(), kind, task, name, parent);
    }

    private Event fill(Event e, EventKind kind, String task, String name, long parent) {
        return e.kind(kind).agent(agent).task(task).name(name).parent(parent);
    }

    /**
     * Records a tool's outcome. By default it is accepted without a wait: the tool has run, and the next
     * write-ahead record (or the checkpoint delay bound) carries it into the journal. A crash before then leaves
     * the call without an outcome, which the verifier's task view reports as "outcome not recorded".
     */
    private void outcome(Event e) {
        if (writeAheadOutcomes) {
            durableWithoutDropping(e); // the tool has run: never refused, whatever the backpressure mode
            return;
        }
        try {
            recorder.recordWithoutDropping(e);
        } finally {
            e.reset();
        }
    }

    private long durable(Event e) {
        try {
            return recorder.recordDurably(e, durability);
        } finally {
            e.reset(); // drop references to payloads and texts
        }
    }

    private long durableWithoutDropping(Event e) {
        try {
            return recorder.recordDurablyWithoutDropping(e, durability);
        } finally {
            e.reset();
        }
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getName() : t.getClass().getName() + ": " + m;
    }
}
