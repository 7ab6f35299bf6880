package dev.vouch.cli;

import dev.vouch.Decision;
import dev.vouch.FormatException;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;

/**
 * What became of each tool call, read from the records that name it as their parent: the one place that decides
 * whether a call's outcome is on record, for {@code vouch tasks} and the export. The guard accepts an outcome
 * without waiting for the journal by default, so a crash between a tool's run and its outcome record leaves a call
 * that was allowed to run with no outcome: it shows as {@link Outcome#NOT_RECORDED}, never as nothing.
 *
 * <p>One bit per sequence number and kind, so a journal of a hundred million records costs about 50 MB here.
 */
final class CallOutcomes {
    /** A call's fate, as its records tell it. */
    enum Outcome {
        /** A TOOL_RESULT names the call. */
        RESULT("result"),
        /** A TOOL_ERROR names the call. */
        ERROR("error"),
        /** Its decision or approval stopped it (block, refused, timed out): it never ran, nothing to record. */
        NOT_RUN("not_run"),
        /**
         * Stalled with no answer on record yet: a call that deferred its approval waits for a person (or its
         * process stopped while a call waited; the guard rediscovers it at the next start). It has not run.
         */
        AWAITING_APPROVAL("awaiting_approval"),
        /** Nothing says it was stopped and no outcome names it: it ran or may have, and its outcome is not on record. */
        NOT_RECORDED("not_recorded");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** How many records the first pass read: the pass that prints stops there, so both read the same records. */
    private long records;
    private final SparseBits calls = new SparseBits();
    private final SparseBits results = new SparseBits();
    private final SparseBits errors = new SparseBits();
    private final SparseBits stopped = new SparseBits();
    private final SparseBits stalled = new SparseBits();
    private final SparseBits answered = new SparseBits();

    /** How many records the first pass read (a writer may append more before the next pass). */
    long records() {
        return records;
    }

    /**
     * A first pass over the journal in {@code directory}: a call's outcome needs the records after it, and the
     * commands that show it stream in journal order. Damage is left for the pass that prints to report.
     */
    static CallOutcomes of(Path directory) {
        try (JournalInput source = JournalInput.open(directory)) {
            return of(source, Long.MAX_VALUE);
        } catch (IOException e) {
            throw new IllegalStateException("unreachable: a journal opened to show keeps its damage", e);
        }
    }

    /**
     * The first pass over at most {@code records} records of {@code source}, the one every command that prints a
     * call's outcome makes (the export, a bundle and its check, {@code vouch tasks}): a malformed record is left for
     * the verification or the printing pass to report.
     *
     * @throws IOException as {@code source} throws it, damaged storage included
     */
    static CallOutcomes of(RecordSource source, long records) throws IOException {
        CallOutcomes outcomes = new CallOutcomes();
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        long read = 0;
        for (; read < records && source.next(buffer); read++) {
            try {
                outcomes.add(view.wrap(buffer.data(), buffer.length()));
            } catch (FormatException malformed) {
                // Reported by the pass that verifies or prints.
            }
        }
        outcomes.records = read;
        return outcomes;
    }

    /** Takes note of an event record (other records are ignored). */
    void add(RecordView v) {
        switch (v.type()) {
            case TOOL_CALL -> calls.set(v.sequence());
            case TOOL_RESULT -> setIfSeq(results, v.parent());
            case TOOL_ERROR -> setIfSeq(errors, v.parent());
            case POLICY_DECISION, APPROVAL -> {
                Decision d = v.decision();
                if (d == Decision.BLOCK || d == Decision.REFUSED || d == Decision.TIMED_OUT) {
                    setIfSeq(stopped, v.parent());
                } else if (d == Decision.STALL) {
                    setIfSeq(stalled, v.parent());
                }
                if (v.type() == RecordType.APPROVAL) {
                    setIfSeq(answered, v.parent());
                }
            }
            default -> { }
        }
    }

    /** The outcome of the TOOL_CALL record {@code callSeq}, from what {@link #add} has seen. */
    Outcome of(long callSeq) {
        if (results.get(callSeq)) {
            return Outcome.RESULT;
        }
        if (errors.get(callSeq)) {
            return Outcome.ERROR;
        }
        if (stopped.get(callSeq)) {
            return Outcome.NOT_RUN;
        }
        return stalled.get(callSeq) && !answered.get(callSeq) ? Outcome.AWAITING_APPROVAL : Outcome.NOT_RECORDED;
    }

    /** The number of calls with no outcome on record although nothing stopped them. */
    long notRecorded() {
        return counts()[Outcome.NOT_RECORDED.ordinal()];
    }

    /** How many calls have each outcome, indexed by {@link Outcome#ordinal()}. */
    long[] counts() {
        long[] n = new long[Outcome.values().length];
        for (Map.Entry<Long, BitSet> e : calls.blocks.entrySet()) {
            long base = e.getKey() << SparseBits.SHIFT;
            BitSet b = e.getValue();
            for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) {
                n[of(base + i).ordinal()]++;
            }
        }
        return n;
    }

    private static void setIfSeq(SparseBits bits, long parent) {
        if (parent >= 0) {
            bits.set(parent);
        }
    }
}
