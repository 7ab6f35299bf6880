package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.FormatException;
import dev.vouch.Risk;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a journal holds, counted in one pass in journal order: the one owner of the figures {@code vouch status},
 * {@code vouch stats} and {@code vouch report} show, so that they cannot disagree. Counts records by type, tool
 * calls by tool, decisions by rule and risk, events by agent, task and principal, events over time, approvals and
 * their waiting times, and lists the keys, sessions, checkpoints, gaps and recoveries. Nothing here is verified:
 * it is what the records say ({@code vouch verify} says whether to believe them).
 *
 * <p>Memory: one entry per distinct tool, agent, task, principal and policy rule, one bit per record for the calls'
 * outcomes ({@link CallOutcomes}), 8 bytes per approval, and the first {@code maxRows} rows of each list. Not
 * thread-safe; feed it from one thread.
 */
final class JournalStats {
    /** Columns of {@link #tools()}. */
    static final int CALLS = 0;
    static final int RESULTS = 1;
    static final int ERRORS = 2;
    /** Then one column per decision: {@code DECISION_BASE + decision.ordinal()}. */
    static final int DECISION_BASE = 3;
    private static final int TOOL_COLUMNS = DECISION_BASE + Decision.values().length;
    /** Tasks given a timeline of their calls, and calls drawn per task. */
    static final int TIMELINE_TASKS = 2000;
    static final int TIMELINE_CALLS = 400;

    /** A signing key as the records name it: the genesis key, or a key a rotation hands over to. */
    record KeyEvent(long seq, long timestamp, byte[] key, boolean rotation) {
    }

    /** A writer's session: the genesis (the first) or a RESUME record (each reopening). */
    record Session(long seq, long timestamp, boolean resume, String library, String settings) {
    }

    record GapEvent(long seq, long timestamp, long dropped, long droppedTotal) {
    }

    record RecoveryEvent(long seq, long timestamp, long lastCheckpoint, long uncovered, String reason) {
    }

    /** One task: its events and calls, its first and last record, and (for the first tasks) its calls' times. */
    static final class Task {
        long events;
        long calls;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long[] callTimes;
        long[] callSeqs;
        int drawn;
    }

    private final int maxRows;
    private TaskScope scope;
    private long records;
    private long recordBytes;
    private long events;
    private long malformed;
    private long calls;
    private final long[] byType = new long[RecordType.values().length];
    private long firstTimestamp;
    private long firstSequence = -1;
    private long lastSequence = -1;
    /** Where the sequence numbers first jump (the record before, the record after), or -1: records are missing. */
    private long breakAfter = -1;
    private long breakAt = -1;
    private long lastTimestamp;
    private long firstEvent;
    private long lastEvent;
    private RecordType lastType;
    private RecordType typeBeforeLast;
    private String origin;
    private final List<KeyEvent> keys = new ArrayList<>();
    private final List<Session> sessions = new ArrayList<>();
    private long checkpoints;
    private Checkpoint lastCheckpoint;
    private long lastCheckpointSeq = -1;
    private long lastCheckpointIndex = -1;
    private long lastCheckpointTimestamp;
    private final List<GapEvent> gaps = new ArrayList<>();
    private long gapCount;
    private long droppedTotal;
    private final List<RecoveryEvent> recoveries = new ArrayList<>();
    private long recoveryCount;

    private final long[] decisions = new long[Decision.values().length];
    private final long[] risks = new long[Risk.values().length];
    private final long[][] riskDecisions = new long[Risk.values().length][Decision.values().length];
    private final Breakdown policies = new Breakdown(Decision.values().length);
    private final Breakdown tools = new Breakdown(TOOL_COLUMNS);
    private final Breakdown agents = new Breakdown(1);
    private final Breakdown principals = new Breakdown(1);
    private final Map<String, Task> tasks = new HashMap<>();
    private final CallOutcomes outcomes = new CallOutcomes();
    private final RateSeries rate = new RateSeries();
    private final ApprovalStats approvals;
    private final CallRows.Recent recentCalls = new CallRows.Recent();
    private final CallRows risky;
    private final CallRows stopped;

    /**
     * @param maxRows       rows kept for each list (approvals, risky calls, stopped calls, gaps, recoveries)
     * @param riskThreshold the least risk that puts a call on the risky list
     */
    JournalStats(int maxRows, Risk riskThreshold) {
        this.maxRows = maxRows;
        this.approvals = new ApprovalStats(maxRows);
        this.risky = CallRows.risky(riskThreshold, maxRows, recentCalls);
        this.stopped = CallRows.stopped(maxRows, recentCalls);
    }

    /**
     * Limits the event figures to one task and the records it caused ({@code --task}); ledger records (keys,
     * checkpoints, gaps...) are still counted. Call before the first record.
     */
    JournalStats scope(String task) {
        this.scope = task == null ? null : new TaskScope(task);
        return this;
    }

    /**
     * Reads the journal in {@code directory} into these statistics; damaged storage is reported on {@code err} as
     * {@code command} and read past.
     *
     * @return whether the storage was damaged (the figures then lack the records beyond the damage)
     */
    boolean read(java.nio.file.Path directory, java.io.PrintWriter err, String command) {
        return read(directory, err, command, true);
    }

    /**
     * As {@link #read(java.nio.file.Path, java.io.PrintWriter, String)}; {@code numberingToo}: records missing from
     * the journal's numbering are said on {@code err} and count as damage ({@code vouch status} says it itself).
     */
    boolean read(java.nio.file.Path directory, java.io.PrintWriter err, String command, boolean numberingToo) {
        RecordView view = new RecordView();
        dev.vouch.verify.RecordBuffer buffer = new dev.vouch.verify.RecordBuffer(4096);
        try (JournalInput source = JournalInput.open(directory)) {
            while (source.nextRecord(buffer)) {
                add(view, buffer.data(), buffer.length());
            }
            return source.reportDamage(err, command, numberingToo);
        }
    }

    /** Counts the record {@code data[0, length)}, malformed or not. */
    void add(RecordView view, byte[] data, int length) {
        try {
            view.wrap(data, length);
        } catch (FormatException e) {
            addMalformed(length);
            return;
        }
        add(view, length);
    }

    /** Counts the record {@code v} (of {@code length} bytes), if it is in scope. */
    void add(RecordView v, int length) {
        if (scope != null && !scope.includes(v)) {
            return;
        }
        long t = v.timestamp();
        if (records == 0) {
            firstTimestamp = t;
            firstSequence = v.sequence();
        } else if (v.sequence() != lastSequence + 1 && breakAfter < 0) {
            breakAfter = lastSequence;
            breakAt = v.sequence();
        }
        lastSequence = v.sequence();
        lastTimestamp = t;
        long index = records++;
        recordBytes += length;
        RecordType type = v.type();
        byType[type.ordinal()]++;
        typeBeforeLast = lastType;
        lastType = type;
        switch (type) {
            case GENESIS -> {
                origin = v.origin();
                keys.add(new KeyEvent(v.sequence(), t, v.publicKey(), false));
                sessions.add(new Session(v.sequence(), t, false, v.libraryVersion(), v.settings()));
            }
            case RESUME -> sessions.add(new Session(v.sequence(), t, true, v.libraryVersion(), v.settings()));
            case KEY_ROTATION -> keys.add(new KeyEvent(v.sequence(), t, v.publicKey(), true));
            case CHECKPOINT -> {
                checkpoints++;
                Checkpoint cp = parse(v.note());
                if (cp != null) {
                    lastCheckpoint = cp;
                    lastCheckpointSeq = v.sequence();
                    lastCheckpointIndex = index;
                    lastCheckpointTimestamp = t;
                }
            }
            case GAP -> {
                gapCount++;
                droppedTotal = v.droppedTotal();
                if (gaps.size() < maxRows) {
                    gaps.add(new GapEvent(v.sequence(), t, v.gapDropped(), v.droppedTotal()));
                }
            }
            case RECOVERY -> {
                recoveryCount++;
                if (recoveries.size() < maxRows) {
                    recoveries.add(new RecoveryEvent(v.sequence(), t, v.recoveryLastCheckpoint(), v.recoveryUncovered(),
                            v.reason()));
                }
            }
            case SEAL -> {
                // Counted by type; a journal that ends SEAL, CHECKPOINT is sealed.
            }
            default -> addEvent(v, t);
        }
    }

    private void addEvent(RecordView v, long t) {
        if (events++ == 0) {
            firstEvent = t;
        }
        lastEvent = t;
        RecordType type = v.type();
        agents.add(v.agent(), 0);
        principals.add(v.principal(), 0);
        Task task = tasks.computeIfAbsent(v.task(), k -> new Task());
        task.events++;
        task.first = Math.min(task.first, t);
        task.last = Math.max(task.last, t);
        rate.add(t, type == RecordType.TOOL_CALL);
        outcomes.add(v);
        recentCalls.add(v);
        risky.add(v);
        stopped.add(v);
        Decision d = v.decision();
        switch (type) {
            case TOOL_CALL -> {
                calls++;
                tools.add(v.name(), CALLS);
                task.calls++;
                if (v.risk() != Risk.NONE) {
                    risks[v.risk().ordinal()]++;
                }
                if (task.callTimes == null && tasks.size() <= TIMELINE_TASKS) {
                    task.callTimes = new long[8];
                    task.callSeqs = new long[8];
                }
                if (task.callTimes != null && task.drawn < TIMELINE_CALLS) {
                    if (task.drawn == task.callTimes.length) {
                        task.callTimes = Arrays.copyOf(task.callTimes, task.drawn * 2);
                        task.callSeqs = Arrays.copyOf(task.callSeqs, task.drawn * 2);
                    }
                    task.callTimes[task.drawn] = t;
                    task.callSeqs[task.drawn++] = v.sequence();
                }
            }
            case POLICY_DECISION -> {
                decisions[d.ordinal()]++;
                risks[v.risk().ordinal()]++;
                riskDecisions[v.risk().ordinal()][d.ordinal()]++;
                policies.add(v.policy(), d.ordinal());
                tools.add(v.name(), DECISION_BASE + d.ordinal());
                approvals.onDecision(v);
            }
            case APPROVAL -> {
                decisions[d.ordinal()]++;
                tools.add(v.name(), DECISION_BASE + d.ordinal());
                approvals.onApproval(v);
            }
            case TOOL_RESULT -> tools.add(v.name(), RESULTS);
            case TOOL_ERROR -> tools.add(v.name(), ERRORS);
            default -> {
                // task starts and ends, notes: counted above
            }
        }
    }

    /** Counts a record that does not parse. */
    void addMalformed(int length) {
        records++;
        recordBytes += length;
        malformed++;
        typeBeforeLast = lastType;
        lastType = null;
    }

    private static Checkpoint parse(String note) {
        try {
            return Checkpoint.parse(SignedNote.parse(note).text());
        } catch (FormatException e) {
            return null;
        }
    }

    long records() {
        return records;
    }

    long recordBytes() {
        return recordBytes;
    }

    long events() {
        return events;
    }

    long malformed() {
        return malformed;
    }

    long calls() {
        return calls;
    }

    long count(RecordType type) {
        return byType[type.ordinal()];
    }

    /** The sequence number after which the first break in the numbering comes (records missing there), or -1. */
    long breakAfter() {
        return breakAfter;
    }

    /** The sequence number of the record after that break, or -1. */
    long breakAt() {
        return breakAt;
    }

    /** The sequence number of the first record counted; -1 if none. Not 0: the journal's beginning is missing. */
    long firstSequence() {
        return firstSequence;
    }

    /** The first record's time, nanoseconds since the epoch; meaningless when there is no record. */
    long firstTimestamp() {
        return firstTimestamp;
    }

    long lastTimestamp() {
        return lastTimestamp;
    }

    long firstEvent() {
        return firstEvent;
    }

    long lastEvent() {
        return lastEvent;
    }

    /** The genesis record's origin, or null if none was read. */
    String origin() {
        return origin;
    }

    /** The last two records are a SEAL and a CHECKPOINT: the writer closed the journal (as the records say). */
    boolean sealed() {
        return lastType == RecordType.CHECKPOINT && typeBeforeLast == RecordType.SEAL;
    }

    List<KeyEvent> keys() {
        return keys;
    }

    List<Session> sessions() {
        return sessions;
    }

    long checkpoints() {
        return checkpoints;
    }

    /** The last checkpoint whose note parses (its signature is not checked here), or null. */
    Checkpoint lastCheckpoint() {
        return lastCheckpoint;
    }

    long lastCheckpointSeq() {
        return lastCheckpointSeq;
    }

    long lastCheckpointTimestamp() {
        return lastCheckpointTimestamp;
    }

    /** Records after the last checkpoint: no signature covers them yet. */
    long uncovered() {
        return records - lastCheckpointIndex - 1;
    }

    /** The first gaps (at most the rows kept); {@link #gapCount()} counts them all. */
    List<GapEvent> gaps() {
        return gaps;
    }

    long gapCount() {
        return gapCount;
    }

    long droppedTotal() {
        return droppedTotal;
    }

    List<RecoveryEvent> recoveries() {
        return recoveries;
    }

    long recoveryCount() {
        return recoveryCount;
    }

    /** POLICY_DECISION and APPROVAL records with this decision. */
    long decisions(Decision d) {
        return decisions[d.ordinal()];
    }

    /** Policy decisions with this risk, plus tool calls that carry it themselves. */
    long risks(Risk r) {
        return risks[r.ordinal()];
    }

    /** Policy decisions with this risk and decision. */
    long riskDecisions(Risk r, Decision d) {
        return riskDecisions[r.ordinal()][d.ordinal()];
    }

    /** Policy decisions by rule id ("" when none), one column per decision ordinal. */
    Breakdown policies() {
        return policies;
    }

    /** Per tool: {@link #CALLS}, {@link #RESULTS}, {@link #ERRORS}, then decisions from {@link #DECISION_BASE}. */
    Breakdown tools() {
        return tools;
    }

    /** Event records per agent ("" when none). */
    Breakdown agents() {
        return agents;
    }

    /** Event records per principal ("" when none). */
    Breakdown principals() {
        return principals;
    }

    /** Per task ("" for events outside any task). */
    Map<String, Task> tasks() {
        return tasks;
    }

    /** How many calls have each outcome, indexed by {@link CallOutcomes.Outcome#ordinal()}. */
    long[] outcomes() {
        return outcomes.counts();
    }

    CallOutcomes callOutcomes() {
        return outcomes;
    }

    RateSeries rate() {
        return rate;
    }

    ApprovalStats approvals() {
        return approvals;
    }

    /** Calls of at least the risk threshold. */
    CallRows risky() {
        return risky;
    }

    /** Calls blocked, refused or timed out. */
    CallRows stopped() {
        return stopped;
    }

    /**
     * A setting of the latest session ({@code checkpoint.max-delay-ms}...: docs/FORMAT.md, "GENESIS"), or null.
     * Informative: the writer's own account of how it was configured.
     */
    String setting(String key) {
        if (sessions.isEmpty()) {
            return null;
        }
        for (String line : sessions.get(sessions.size() - 1).settings().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).equals(key)) {
                return line.substring(eq + 1);
            }
        }
        return null;
    }
}
