package dev.vouch.guard;

import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.Recorder;
import dev.vouch.verify.RecordSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Configures a {@link Guard}. Every setting is checked by {@link #build()}, which names the setting and the
 * limit it breaks. Not thread-safe; build once at start-up.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@link #agent}</td><td>required</td><td>the agent or session every record names</td></tr>
 *   <tr><td>{@link #policy}</td><td>required</td><td>judges each call; {@link PolicyEvaluator#allowAll()}
 *       to record without judging</td></tr>
 *   <tr><td>{@link #approvals}</td><td>{@link ApprovalHandler#alwaysDeny()}</td><td>asked about stalled calls</td></tr>
 *   <tr><td>{@link #redactionKey}</td><td>none</td><td>commits to redacted values; without it they are
 *       omitted, with no commitment</td></tr>
 *   <tr><td>{@link #resultEncoder}</td><td>{@link ResultEncoder#json()}</td><td>stores results that are
 *       neither String nor byte[]</td></tr>
 *   <tr><td>{@link #durability}</td><td>{@link Durability#JOURNALED}</td><td>how far each write-ahead guard
 *       record must get before the guard goes on</td></tr>
 *   <tr><td>{@link #writeAheadOutcomes}</td><td>false</td><td>whether the guard also waits for a tool's
 *       outcome record before returning</td></tr>
 *   <tr><td>{@link #observer}</td><td>none</td><td>watches every call (tracing)</td></tr>
 *   <tr><td>{@link #principal}</td><td>none</td><td>recorded with calls that name no principal</td></tr>
 *   <tr><td>{@link #recoverPending}</td><td>none</td><td>where to rediscover deferred calls still waiting
 *       for approval</td></tr>
 *   <tr><td>{@link #asyncExecutor}</td><td>{@link ForkJoinPool#commonPool()}</td><td>where
 *       {@code callAsync} records an approval and starts the approved action</td></tr>
 * </table>
 */
public final class GuardBuilder {
    private static final int MAX_TEXT_BYTES = Event.MAX_TEXT_BYTES;

    // Package-private: RecordingGuard reads the checked settings from here.
    final Recorder recorder;
    String agent;
    PolicyEvaluator policy;
    private String policySha256;
    private String policySource;
    ApprovalHandler approvals = ApprovalHandler.alwaysDeny();
    RedactionKey redactionKey;
    ResultEncoder resultEncoder = ResultEncoder.json();
    Durability durability = Durability.JOURNALED;
    boolean writeAheadOutcomes;
    Executor asyncExecutor = ForkJoinPool.commonPool();
    private dev.vouch.policy.PolicyWatcher watcher;
    CallObserver observer;
    String principal;
    RecordSource recoverFrom;
    private java.util.function.Consumer<ApprovalRequest> unfinishedTaker;
    private java.util.function.Consumer<Task> openTaskTaker;

    GuardBuilder(Recorder recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    /** The agent or session every record names (at most 65,535 UTF-8 bytes). Required. */
    public GuardBuilder agent(String agent) {
        this.agent = agent;
        return this;
    }

    /** The policy that judges each call. Required. */
    public GuardBuilder policy(PolicyEvaluator evaluator) {
        this.watcher = null;
        this.policy = evaluator;
        this.policySha256 = null;
        this.policySource = null;
        return this;
    }

    /**
     * The policy that judges each call, and its identity: {@link #build()} records it as in force (a
     * {@value Guard#POLICY_NOTE} NOTE) and every decision carries its sha256.
     */
    public GuardBuilder policy(PolicyEvaluator evaluator, String sha256Hex, String source) {
        this.watcher = null;
        this.policy = evaluator;
        this.policySha256 = sha256Hex;
        this.policySource = source;
        return this;
    }

    /**
     * The policy file that judges each call: {@link #build()} records it as in force, with its sha256 and source,
     * and every decision carries that sha256. The same as {@code policy(policy::evaluate, policy.sha256Hex(),
     * policy.source())}.
     */
    public GuardBuilder policy(dev.vouch.policy.Policy policy) {
        Objects.requireNonNull(policy, "policy");
        return policy(PolicyEvaluator.of(policy), policy.sha256Hex(), policy.source());
    }

    /**
     * The policy file a {@link dev.vouch.policy.PolicyWatcher} follows: each call is judged by the policy the
     * watcher holds at that moment, and each new one is recorded as in force before the first decision it makes
     * (so the watcher's own change handler need not tell the guard).
     */
    public GuardBuilder policy(dev.vouch.policy.PolicyWatcher watcher) {
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.policy = null;
        this.policySha256 = null;
        this.policySource = null;
        return this;
    }

    /** Who approves stalled calls. Default: {@link ApprovalHandler#alwaysDeny()}. */
    public GuardBuilder approvals(ApprovalHandler handler) {
        this.approvals = handler;
        return this;
    }

    /** The operator's key for redaction commitments. Default: none (redacted values are omitted). */
    public GuardBuilder redactionKey(RedactionKey key) {
        this.redactionKey = key;
        return this;
    }

    /**
     * Encodes results that are neither {@code String} nor {@code byte[]}. Default: {@link ResultEncoder#json()}
     * (records, maps, collections, numbers... as JSON; never {@code toString()} of an unknown object).
     */
    public GuardBuilder resultEncoder(ResultEncoder encoder) {
        this.resultEncoder = encoder;
        return this;
    }

    /**
     * How far the write-ahead records (a call with its decision, one wait for both; a task's start and end; an
     * approval) must get before the guard goes on. Default {@link Durability#JOURNALED} (survives a JVM crash);
     * {@link Durability#SYNCED} survives power loss too, at the cost of a disk flush per wait.
     */
    public GuardBuilder durability(Durability durability) {
        this.durability = durability;
        return this;
    }

    /**
     * Whether a tool's outcome (TOOL_RESULT or TOOL_ERROR) is also written ahead: the guard returns only once it
     * has reached {@link #durability}. Default false: the outcome is accepted without a wait (never dropped) and
     * reaches the journal within microseconds, carried by the next write-ahead record or the checkpoint delay
     * bound; a crash in between leaves the call marked "outcome not recorded" by {@code vouch tasks} and the
     * export, never silently missing. Set it when the caller must not act on a result before it is on record.
     */
    public GuardBuilder writeAheadOutcomes(boolean writeAhead) {
        this.writeAheadOutcomes = writeAhead;
        return this;
    }

    /**
     * Where {@code callAsync} records approvals and starts approved actions (the approver's thread and the
     * timeout timer are not blocked with them). Default: the common fork-join pool. On JDK 21+ a
     * virtual-thread executor is a good choice.
     */
    public GuardBuilder asyncExecutor(Executor executor) {
        this.asyncExecutor = executor;
        return this;
    }

    /**
     * Watches every call from outside the journal (vouch-otel's tracing). Default: none. An observer that throws
     * is logged and ignored.
     */
    public GuardBuilder observer(CallObserver observer) {
        this.observer = observer;
        return this;
    }

    /**
     * The principal (the person or service the agent acts for) recorded with every call that names none itself
     * ({@link ToolCall#principal}). Default: none.
     */
    public GuardBuilder principal(String principal) {
        this.principal = principal == null || principal.isEmpty() ? null : principal;
        return this;
    }

    /**
     * Rediscovers, when the guard is built, the calls of this agent that a previous run deferred and nobody
     * answered yet (a POLICY_DECISION STALL with no APPROVAL), reading the journal from {@code source} (usually
     * {@code JournalReader.open(dir)}; the builder closes it). They join {@link Guard#pendingApprovals()} with
     * their original deadlines, are announced to the approval handler again, and can be resumed with
     * {@link Guard#resume}; those whose deadline passed while nothing ran are recorded as TIMED_OUT at once.
     * Damaged storage stops the scan with an {@link java.io.UncheckedIOException} naming the position.
     */
    public GuardBuilder recoverPending(RecordSource source) {
        this.recoverFrom = source;
        return this;
    }

    /**
     * With {@link #recoverPending}: also rediscovers the calls of this agent that were allowed to run (by the policy,
     * or approved) but whose outcome is not on record, because the previous run stopped first. Each is given to
     * {@code taker} while the guard is built, as a request whose {@code requestedAt} is when it was decided and whose
     * {@code deadline} is that of its approval if it stalled and was approved (else the same instant), and can be
     * resumed once ({@link Guard#resume}, {@link Guard#resumeAsync}) to record its outcome.
     * For front ends whose tools run elsewhere and report later, such as the HTTP gateway, whose client may report
     * after a restart. Where the tool runs in this process, resuming would run it again, although it may have run
     * before the stop: leave this off there. Default: off.
     */
    public GuardBuilder recoverUnfinished(java.util.function.Consumer<ApprovalRequest> taker) {
        this.unfinishedTaker = taker;
        return this;
    }

    /**
     * With {@link #recoverPending}: also rediscovers the tasks of this agent that a previous run opened and did not
     * end (a TASK_START with no TASK_END, because it stopped first). Each is given to {@code taker} while the guard
     * is built, enclosing tasks before the tasks nested in them, as a {@link Task} like one just opened but on no
     * thread: work joins it through its {@link Task#context()}, and closing it (inside that context:
     * {@code task.context().wrap(task::close).run()}) records its TASK_END. For front ends whose tasks span a
     * client's requests, such as the HTTP gateway, whose client may go on in a task, or end it, after a restart.
     * Default: off (such a task reads "not ended" in {@code vouch tasks}).
     */
    public GuardBuilder recoverOpenTasks(java.util.function.Consumer<Task> taker) {
        this.openTaskTaker = taker;
        return this;
    }

    /**
     * Checks every setting and returns the guard. With {@link #policy(PolicyEvaluator, String, String)},
     * records the policy NOTE first.
     *
     * @throws IllegalStateException    if a required setting is missing
     * @throws IllegalArgumentException if a setting is out of range
     */
    public Guard build() {
        RecordingGuard guard = buildGuard();
        if (recoverFrom != null) {
            PendingRecovery recovery = guard.pendingRecovery(unfinishedTaker, openTaskTaker);
            recovery.finish(PendingRecovery.readAll(recoverFrom, Map.of(agent, recovery)));
        }
        return guard;
    }

    /**
     * Builds the guards of several agents that record into one journal, each as {@link #build()} does, and
     * rediscovers what {@link #recoverPending} rediscovers for each of them in one pass over {@code journal}
     * (closed at the end), where a {@code recoverPending} per guard reads the whole journal once per agent (a
     * gateway's start grew with its journal times its agents). Each builder's {@link #recoverUnfinished} and
     * {@link #recoverOpenTasks} apply; the rediscovered calls and tasks are handed over once every guard is built
     * and the journal read, builder by builder.
     *
     * @param journal where the records are read from, usually {@code JournalReader.open(dir)}
     * @param builders one per agent, without {@link #recoverPending}
     * @return the guards, in the order of {@code builders}
     * @throws IllegalArgumentException if two builders name the same agent, or one has {@link #recoverPending}
     *     set; nothing is built then (and {@code journal} is closed)
     */
    public static List<Guard> buildAll(RecordSource journal, List<GuardBuilder> builders) {
        Objects.requireNonNull(journal, "journal");
        List<Guard> guards = new ArrayList<>(builders.size());
        Map<String, PendingRecovery> recoveries = new LinkedHashMap<>();
        try {
            Set<String> agents = new HashSet<>();
            for (GuardBuilder b : builders) {
                if (b.recoverFrom != null) {
                    throw new IllegalArgumentException("the builder of agent " + b.agent + " has recoverPending set:"
                            + " buildAll reads the journal for every builder");
                }
                if (b.agent != null && !agents.add(b.agent)) {
                    throw new IllegalArgumentException("two builders name agent " + b.agent + ": a journal's agents"
                            + " each have one guard");
                }
            }
            for (GuardBuilder b : builders) {
                RecordingGuard guard = b.buildGuard();
                guards.add(guard);
                recoveries.put(b.agent, guard.pendingRecovery(b.unfinishedTaker, b.openTaskTaker));
            }
        } catch (RuntimeException | Error e) {
            try {
                journal.close(); // as the reading would have
            } catch (java.io.IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        java.time.Instant previousSessionEnd = PendingRecovery.readAll(journal, recoveries);
        recoveries.values().forEach(r -> r.finish(previousSessionEnd));
        return List.copyOf(guards);
    }

    /** Checks every setting and builds the guard, recording its policy; everything {@link #build} does but rediscover. */
    private RecordingGuard buildGuard() {
        if (agent == null) {
            throw new IllegalStateException("agent is not set: name the agent or session every record names,"
                    + " e.g. agent(\"refund-bot\")");
        }
        if (agent.isBlank()) {
            throw new IllegalArgumentException("agent is blank; expected a name such as \"refund-bot\"");
        }
        int agentBytes = agent.getBytes(StandardCharsets.UTF_8).length;
        if (agentBytes > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("agent is " + agentBytes + " UTF-8 bytes; the limit is " + MAX_TEXT_BYTES);
        }
        if (policy == null && watcher == null) {
            throw new IllegalStateException("policy is not set: policy(evaluator), e.g. policy(policy::evaluate),"
                    + " or policy(PolicyEvaluator.allowAll()) to record calls without judging them");
        }
        if (policySha256 != null) {
            RecordingGuard.checkSha256(policySha256);
        }
        if (approvals == null) {
            throw new IllegalArgumentException("approvals is null; use ApprovalHandler.alwaysDeny() to refuse every stall");
        }
        if (resultEncoder == null) {
            throw new IllegalArgumentException("resultEncoder is null; leave it unset for ResultEncoder.json()");
        }
        if (durability == null) {
            throw new IllegalArgumentException("durability is null; expected JOURNALED, SEALED or SYNCED");
        }
        if (asyncExecutor == null) {
            throw new IllegalArgumentException("asyncExecutor is null; leave it unset for the common fork-join pool");
        }
        if (watcher != null) {
            policy = PolicyEvaluator.of(watcher.current());
        }
        RecordingGuard guard = new RecordingGuard(this);
        if (watcher != null) {
            guard.follow(new PolicyFollower(watcher, guard)); // records the watcher's current policy now
        } else if (policySha256 != null) {
            guard.policyChanged(policy, policySha256, policySource);
        }
        return guard;
    }
}
