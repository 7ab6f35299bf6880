package dev.vouch.ledger.internal;

import static dev.vouch.ledger.internal.LedgerCounters.bump;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.vouch.Durability;
import dev.vouch.ledger.SigningMode;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.ControlRecordEncoder;
import dev.vouch.internal.format.EventEncoder;
import dev.vouch.internal.format.KeyRotationStatement;
import dev.vouch.internal.format.RecordBuilder;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.ResumePoint;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chain stage, first of the ring's two consumers: stamps each event with its sequence number and prev
 * link, hashes it into the chain and the Merkle tree, and writes the control records (gaps, signed
 * checkpoints, key rotations, the seal) into the slot's trailer. The {@link JournalStage} then appends the slot's
 * records to the journal in ring order and wakes the callers: on a second thread, so that hashing and the journal's
 * copy overlap, or right after this stage on the same thread ({@link InlineStages}). This stage owns every piece of chain state, so none of it needs locks. Any failure
 * in either stage is fatal: logged {@code [CRITICAL]}, the ledger stops accepting events, nothing after the
 * failing slot reaches the journal, and every waiting caller is failed.
 *
 * <p>Before the ring starts, the opening thread calls the {@code write...} methods directly, and their records
 * go straight to the journal; afterwards only the consumer threads touch this object and the journal.
 */
final class ChainStage implements EventHandler<Slot> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");
    /**
     * How many slots are handed on at a time inside a long batch: to the journal stage, so the stages overlap, or (by
     * InlineStages) back to the producers.
     */
    static final int RELEASE_EVERY = 64;
    /**
     * How long the ring may stay idle before a tick slot asks the journal stage to ask the storage (StorageWatch)
     * whether it still takes writes. Without it an idle gateway on a volume that had turned read-only stayed ready
     * until its next call or its stop (a re-trial: 20 s ready and healthy, then a 503); with it, the ledger fails
     * within about a second, as it would under load. A probe is a one-byte write to the lock file.
     */
    static final long IDLE_STORAGE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ChronicleJournal journal;
    private final boolean signEveryEvent;
    private final int checkpointMaxEvents;
    private final long checkpointMaxDelayNanos;
    private final Path keyFile;
    private final SecureRandom random;
    private final LedgerCounters counters;
    private final String origin;
    private final MessageDigest sha256 = Rfc6962.newSha256();
    private final byte[] leafScratch = new byte[Rfc6962.LEAF_SCRATCH_SIZE];
    private final CompactRange tree;
    private final byte[] prev = new byte[RecordDescriptor.HASH_LENGTH];
    private final byte[] leaf = new byte[RecordDescriptor.HASH_LENGTH];
    private final byte[] root = new byte[RecordDescriptor.HASH_LENGTH];
    private final RecordBuilder control = new RecordBuilder(1024);
    private final CheckpointSigner signer;
    private final byte[] note;

    private SigningKey key;
    /** Bytes of the key that signs the checkpoint after the next one: the key in force once that one is written. */
    private byte[] nextCheckpointKey;
    private long sequence;
    private long eventsTotal;
    private long droppedBase;
    private long droppedRecorded;
    private long lastGapOrStart;
    private long lastCheckpoint;
    private long uncoveredRecords;
    private long uncoveredEvents;
    private long firstUncoveredNanoTime;

    private final FailureLatch failure;
    private boolean sealed;
    /** The slot being processed by the consumer; null while the opening thread writes directly. */
    private Slot current;
    private Sequence progress;
    private HandOffBarrier downstream;
    private RingBuffer<Slot> ring;
    private int unreleased;
    private String threadName;
    /** A SEALED or SYNCED caller waits for a record not yet covered: checkpoint at the end of this batch. */
    private boolean sealRequested;
    /** A tick slot from onTimeout is in the ring and not yet processed. */
    private boolean tickPending;
    /** Sequence number of the first member of the group being processed. */
    private long groupFirst;
    /** The ring sequence onTimeout last saw, and since when (nanoTime) it has stood still there. */
    private long idleAtRingSequence = Long.MIN_VALUE;
    private long idleSinceNanoTime;

    public ChainStage(ChronicleJournal journal, SigningKey key, String origin, ResumePoint resume,
                        LedgerConfig config, LedgerCounters counters, FailureLatch failure) {
        this.journal = journal;
        this.key = key;
        this.origin = origin;
        // Read per event: plain fields, not the config's accessors and a Duration conversion.
        this.signEveryEvent = config.signingMode() == SigningMode.PER_EVENT;
        this.checkpointMaxEvents = config.checkpointMaxEvents();
        this.checkpointMaxDelayNanos = config.checkpointMaxDelay().toNanos();
        this.keyFile = config.keyFile();
        this.random = config.random();
        this.counters = counters;
        this.failure = failure;
        this.signer = new CheckpointSigner(origin, key);
        this.nextCheckpointKey = key.verifyingKey().bytes();
        this.note = new byte[signer.maxLength()];
        if (resume == null) {
            tree = new CompactRange();
            lastCheckpoint = -1;
        } else {
            tree = resume.tree().copy();
            System.arraycopy(resume.lastLeafHash(), 0, prev, 0, prev.length);
            sequence = resume.nextSequence();
            eventsTotal = resume.events();
            droppedBase = resume.droppedTotal();
            lastGapOrStart = resume.lastGapOrStart();
            if (resume.pendingKey() != null) {
                // A rotation the journal names but no checkpoint completed yet: the next checkpoint completes it.
                nextCheckpointKey = resume.pendingKey().bytes();
            }
            lastCheckpoint = resume.lastCheckpoint();
            uncoveredRecords = resume.uncoveredRecords();
        }
    }

    // ----- records written at open, on the opening thread -----

    public void writeGenesis(VerifyingKey publicKey, String libraryVersion, String settingsText) {
        ControlRecordEncoder.genesis(control, sequence, EpochClock.nowNanos(), prev, origin, publicKey.bytes(),
                libraryVersion, settingsText);
        appendControl();
        lastGapOrStart = sequence - 1;
    }

    public void writeRecovery(String reason) {
        long uncovered = sequence - lastCheckpoint - 1;
        ControlRecordEncoder.recovery(control, sequence, EpochClock.nowNanos(), prev, lastCheckpoint, uncovered,
                reason);
        appendControl();
    }

    public void writeResume(String libraryVersion, String settingsText) {
        ControlRecordEncoder.resume(control, sequence, EpochClock.nowNanos(), prev, libraryVersion, settingsText);
        appendControl();
        lastGapOrStart = sequence - 1;
    }

    /** Switches to a key that a covered rotation record already named (used when finishing an interrupted rotation). */
    public void useKey(SigningKey next) {
        key = next;
        nextCheckpointKey = next.verifyingKey().bytes();
        signer.useKey(next, origin);
    }

    public long nextSequence() {
        return sequence;
    }

    public VerifyingKey verifyingKey() {
        return key.verifyingKey();
    }

    // ----- the consumer -----

    /**
     * Connects this stage to the ring it consumes (for its tick slots) and to the barrier the journal stage waits
     * on (woken when this stage releases slots); called once while the ledger wires its stages.
     */
    void handOffTo(RingBuffer<Slot> ringBuffer, HandOffBarrier journalBarrier) {
        ring = ringBuffer;
        downstream = journalBarrier;
    }

    /** Names the consumer thread after its stage (Disruptor starts its processors in no promised order). */
    void threadName(String name) {
        this.threadName = name;
    }

    @Override
    public void onStart() {
        if (threadName != null) {
            Thread.currentThread().setName(threadName);
        }
    }

    @Override
    public void setSequenceCallback(Sequence sequenceCallback) {
        progress = sequenceCallback;
    }

    @Override
    public void onEvent(Slot slot, long ringSequence, boolean endOfBatch) {
        process(slot, endOfBatch);
        if (endOfBatch || ++unreleased >= RELEASE_EVERY) {
            unreleased = 0;
            // Volatile, not a release store: HandOffBarrier must not miss this between its check and its park.
            progress.setVolatile(ringSequence);
            downstream.wake();
        }
    }

    /**
     * This stage's work on one slot, leaving what the journal stage must do in it; the caller hands the slot on
     * (a separate journal thread, or {@link InlineStages} on this one).
     */
    void process(Slot slot, boolean endOfBatch) {
        slot.clearStageResults();
        if (slot.command == Slot.Command.VOID) {
            counters.controlSlots.increment(); // claimed, never an event: not accepted (DisruptorLedger.accepted)
        }
        if (failure.get() != null || sealed) {
            slot.discard = true;
        } else {
            long firstSequence = sequence;
            current = slot;
            try {
                switch (slot.command) {
                    case EVENT -> appendEvent(slot);
                    case CHECKPOINT -> {
                        tickPending = false;
                        writeGapIfDropped();
                        checkpoint();
                        slot.then = Slot.Then.COMPLETE;
                        slot.completeSequence = sequence - 1;
                    }
                    case CHECK_STORAGE -> {
                        tickPending = false;
                        writeGapIfDropped();
                        slot.then = Slot.Then.COMPLETE; // the journal stage's commit asks the storage
                        slot.completeSequence = sequence - 1;
                    }
                    case ROTATE_KEY -> rotateKey(slot);
                    case CLOSE -> seal(slot);
                    case VOID -> { }
                    default -> throw new IllegalStateException("unknown slot command " + slot.command);
                }
                if (endOfBatch && !sealed && !midGroup(slot)) {
                    endOfBatch();
                }
            } catch (Throwable t) {
                // Nothing of this slot reaches the journal, so it ends with the last complete slot before it.
                slot.discard = true;
                fatal(t, firstSequence);
            } finally {
                current = null;
            }
        }
    }

    /**
     * Runs while the ring is idle (the wait strategy's timeout): records that have waited {@code checkpointMaxDelay}
     * for a checkpoint, and drops with no event behind them, must not wait for the next event; and a ring idle for
     * {@link #IDLE_STORAGE_CHECK_NANOS} has the storage asked. A tick slot carries the work through the ring, so it
     * reaches the journal in order like everything else.
     */
    @Override
    public void onTimeout(long ringSequence) {
        if (failure.get() != null || sealed || ring == null || tickPending) {
            return;
        }
        long now = System.nanoTime();
        if (ringSequence != idleAtRingSequence) {
            idleAtRingSequence = ringSequence;
            idleSinceNanoTime = now;
        }
        boolean overdue = uncoveredRecords > 0 && now - firstUncoveredNanoTime >= checkpointMaxDelayNanos;
        if (overdue || counters.dropped.sum() != droppedRecorded) {
            publishTick(SlotTranslators.CHECKPOINT);
        } else if (now - idleSinceNanoTime >= IDLE_STORAGE_CHECK_NANOS) {
            publishTick(SlotTranslators.CHECK_STORAGE);
        }
    }

    private void publishTick(EventTranslatorOneArg<Slot, Waiter> tick) {
        tickPending = ring.tryPublishEvent(tick, null);
        if (tickPending) {
            counters.controlSlots.increment();
        }
    }

    /**
     * The end of what the ring holds: gaps are written now, but a checkpoint only for a caller waiting to be sealed.
     * Signing because a batch ended would sign once per event under sequential load.
     */
    private void endOfBatch() {
        writeGapIfDropped();
        if (sealRequested) {
            checkpoint();
        }
    }

    /** Whether more members of the slot's group follow: no control record may come between them. */
    private static boolean midGroup(Slot slot) {
        return slot.groupIndex < slot.groupSize - 1;
    }

    private void appendEvent(Slot slot) {
        byte[] b = slot.buffer;
        long seq = sequence;
        EventEncoder.stamp(b, seq, prev);
        if (slot.groupIndex == 0) {
            groupFirst = seq;
        } else {
            EventEncoder.resolveGroupParent(b, groupFirst);
        }
        chain(b, slot.length);
        slot.appendEvent = true;
        slot.eventSequence = seq;
        eventsTotal++;
        uncoveredEvents++;
        Waiter waiter = slot.waiter;
        if (waiter != null && waiter.durability != Durability.JOURNALED) {
            sealRequested = true;
        }
        if (!midGroup(slot) && (signEveryEvent
                || uncoveredRecords >= checkpointMaxEvents
                || System.nanoTime() - firstUncoveredNanoTime >= checkpointMaxDelayNanos)) {
            checkpoint();
        }
    }

    /** Adds a record to the chain and the tree; the record is then the next one the journal must hold. */
    private void chain(byte[] record, int length) {
        Rfc6962.leafHash(sha256, leafScratch, record, 0, length, leaf, 0);
        tree.append(leaf, 0);
        System.arraycopy(leaf, 0, prev, 0, prev.length);
        sequence++;
        if (uncoveredRecords++ == 0) {
            firstUncoveredNanoTime = System.nanoTime();
        }
    }

    private void appendControl() {
        int length = control.finish();
        chain(control.buffer(), length);
        if (current != null) {
            current.trailer.add(control.buffer(), length);
        } else {
            journal.append(control.buffer(), length);
            bump(counters.records, 1);
        }
    }

    /** Signs a checkpoint over every record so far, if any is uncovered. */
    public void checkpoint() {
        if (uncoveredRecords == 0) {
            return;
        }
        long size = sequence;
        tree.root(root, 0);
        int n = signer.write(size, root, note, 0);
        // Format 1.1: the resume state, so a writer reopening the journal can continue from here (FORMAT.md).
        ControlRecordEncoder.checkpoint(control, sequence, EpochClock.nowNanos(), prev, note, n, eventsTotal,
                droppedBase + droppedRecorded, lastGapOrStart, nextCheckpointKey, tree);
        appendControl();
        lastCheckpoint = size;
        uncoveredRecords = 0;
        sealRequested = false;
        if (current != null) {
            current.checkpointsInTrailer++;
            current.eventsSealedByTrailer += uncoveredEvents;
        } else {
            bump(counters.checkpoints, 1);
            bump(counters.sealed, uncoveredEvents);
            counters.sealedMore();
            counters.lastCheckpointNanoTime.lazySet(System.nanoTime());
        }
        uncoveredEvents = 0;
    }

    private void writeGapIfDropped() {
        long total = counters.dropped.sum();
        if (total == droppedRecorded) {
            return;
        }
        long n = total - droppedRecorded;
        ControlRecordEncoder.gap(control, sequence, EpochClock.nowNanos(), prev, n, droppedBase + total,
                lastGapOrStart);
        appendControl();
        lastGapOrStart = sequence - 1;
        droppedRecorded = total;
        bump(counters.gapsRecorded, n);
    }

    private void rotateKey(Slot slot) throws IOException {
        writeGapIfDropped();
        SigningKey next = SigningKey.generate(random);
        KeyRotation.stage(keyFile, next);
        long seq = sequence;
        String statement = KeyRotationStatement.text(origin, seq, next.verifyingKey().bytes());
        String signed = SignedNote.sign(statement, origin, key);
        ControlRecordEncoder.keyRotation(control, seq, EpochClock.nowNanos(), prev, next.verifyingKey().bytes(),
                signed);
        appendControl();
        nextCheckpointKey = next.verifyingKey().bytes();
        checkpoint();
        SigningKey old = key;
        useKey(next);
        old.destroy();
        LOG.info("Signing key rotated at sequence {}: {} -> {}", seq, old.verifyingKey(), next.verifyingKey());
        // The journal stage syncs the rotation, then promotes the staged key file, then tells the caller.
        slot.then = Slot.Then.PROMOTE_KEY;
        slot.completeSequence = seq;
        slot.rotatedKey = next.verifyingKey();
    }

    /** Seals in {@code slot}'s trailer, or straight into the journal when {@code slot} is null (before the ring runs). */
    private void seal(Slot slot) {
        writeGapIfDropped();
        long seq = sequence;
        ControlRecordEncoder.seal(control, seq, EpochClock.nowNanos(), prev, eventsTotal,
                droppedBase + droppedRecorded);
        appendControl();
        checkpoint();
        sealed = true;
        if (slot != null) {
            slot.then = Slot.Then.SYNC_AND_COMPLETE;
            slot.completeSequence = seq;
        } else {
            journal.sync();
        }
    }

    /** Writes a seal directly, for a ledger closed before its ring started. */
    public void sealNow() {
        seal(null);
    }

    /**
     * A Throwable escaped this stage outside {@link #process}'s own {@code try} ({@link StageFailureHandler}):
     * nothing of {@code slot} reaches the journal, and the ledger fails as on a failure caught inside.
     */
    void escaped(Throwable t, Slot slot) {
        slot.discard = true;
        fatal(t, sequence);
    }

    private void fatal(Throwable thrown, long firstSequence) {
        Throwable t = JournalFaults.explained(thrown);
        if (failure.trip(t)) {
            LOG.error("[CRITICAL] Vouch ledger stopped at sequence {}: {}. No further events are accepted; "
                    + "records up to sequence {} reach the journal.", firstSequence, t.toString(),
                    firstSequence - 1, t);
        }
    }
}
