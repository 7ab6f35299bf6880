package dev.vouch.ledger.internal;

import static dev.vouch.ledger.internal.LedgerCounters.bump;

import com.lmax.disruptor.EventHandler;
import dev.vouch.LedgerClosedException;
import dev.vouch.SigningMode;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.format.EventEncoder;
import dev.vouch.format.KeyRotationStatement;
import dev.vouch.format.RecordBuilder;
import dev.vouch.format.RecordDescriptor;
import dev.vouch.format.RecordType;
import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.ResumePoint;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single consumer: stamps each event with its sequence number and prev link, hashes it into the chain and
 * the Merkle tree, appends it to the journal, and signs checkpoints. It owns every piece of mutable ledger
 * state, so none of it needs locks. Any journal or signing failure is fatal: logged {@code [CRITICAL]}, the
 * ledger stops accepting events, and every waiting caller is failed.
 *
 * <p>Before the ring starts, the opening thread calls the {@code write...} methods directly; afterwards only
 * the consumer thread touches this object.
 */
public final class LedgerWriter implements EventHandler<Slot> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");

    /** Told once when the writer fails or finishes sealing. */
    public interface Lifecycle {
        void onFatal(Throwable cause);
    }

    private final ChronicleJournal journal;
    private final WriterSettings settings;
    private final LedgerCounters counters;
    private final Lifecycle lifecycle;
    private final String origin;
    private final MessageDigest sha256 = Rfc6962.newSha256();
    private final CompactRange tree;
    private final byte[] prev = new byte[RecordDescriptor.HASH_LENGTH];
    private final byte[] leaf = new byte[RecordDescriptor.HASH_LENGTH];
    private final byte[] root = new byte[RecordDescriptor.HASH_LENGTH];
    private final RecordBuilder control = new RecordBuilder(1024);
    private final CheckpointSigner signer;
    private final byte[] note;

    private SigningKey key;
    private long sequence;
    private long eventsTotal;
    private long droppedBase;
    private long droppedRecorded;
    private long lastGapOrStart;
    private long lastCheckpoint;
    private long uncoveredRecords;
    private long uncoveredEvents;
    private long firstUncoveredNanoTime;

    private Waiter[] sealWaiters = new Waiter[64];
    private long[] sealSequences = new long[64];
    private int sealWaiterCount;

    private Throwable failure;
    private boolean sealed;

    public LedgerWriter(ChronicleJournal journal, SigningKey key, String origin, ResumePoint resume,
                        WriterSettings settings, LedgerCounters counters, Lifecycle lifecycle) {
        this.journal = journal;
        this.key = key;
        this.origin = origin;
        this.settings = settings;
        this.counters = counters;
        this.lifecycle = lifecycle;
        this.signer = new CheckpointSigner(origin, key);
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
            lastCheckpoint = resume.lastCheckpoint();
            uncoveredRecords = resume.uncoveredRecords();
        }
    }

    // ----- records written at open, on the opening thread -----

    public void writeGenesis(VerifyingKey publicKey, String libraryVersion, String settingsText) {
        control.begin(RecordType.GENESIS, sequence, EpochClock.nowNanos(), prev)
                .str16(origin)
                .raw(publicKey.bytes(), 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .str16(libraryVersion)
                .bytes32(settingsText);
        appendControl();
        lastGapOrStart = sequence - 1;
    }

    public void writeRecovery(String reason) {
        long uncovered = sequence - lastCheckpoint - 1;
        control.begin(RecordType.RECOVERY, sequence, EpochClock.nowNanos(), prev)
                .u64(lastCheckpoint)
                .u64(uncovered)
                .str16(reason);
        appendControl();
    }

    public void writeResume(String libraryVersion, String settingsText) {
        control.begin(RecordType.RESUME, sequence, EpochClock.nowNanos(), prev)
                .str16(libraryVersion)
                .bytes32(settingsText);
        appendControl();
        lastGapOrStart = sequence - 1;
    }

    /** Switches to a key that a covered rotation record already named (used when finishing an interrupted rotation). */
    public void useKey(SigningKey next) {
        key = next;
        signer.useKey(next, origin);
    }

    public long nextSequence() {
        return sequence;
    }

    public VerifyingKey verifyingKey() {
        return key.verifyingKey();
    }

    // ----- the consumer -----

    @Override
    public void onEvent(Slot slot, long ringSequence, boolean endOfBatch) {
        Waiter waiter = slot.waiter;
        slot.waiter = null;
        if (failure != null || sealed) {
            discard(slot, waiter);
            return;
        }
        try {
            switch (slot.command) {
                case Slot.EVENT -> appendEvent(slot, waiter);
                case Slot.CHECKPOINT -> {
                    writeGapIfDropped();
                    checkpoint();
                    if (waiter != null) {
                        waiter.complete(sequence - 1);
                    }
                }
                case Slot.ROTATE_KEY -> rotateKey(waiter);
                case Slot.CLOSE -> seal(waiter);
                default -> throw new IllegalStateException("unknown slot command " + slot.command);
            }
            if (endOfBatch && !sealed) {
                endOfBatch();
            }
        } catch (Throwable t) {
            fatal(t, waiter);
        }
    }

    @Override
    public void onTimeout(long sequence) {
        if (failure != null || sealed) {
            return;
        }
        try {
            endOfBatch();
        } catch (Throwable t) {
            fatal(t, null);
        }
    }

    private void endOfBatch() {
        writeGapIfDropped();
        if (uncoveredRecords > 0) {
            checkpoint();
        }
    }

    private void appendEvent(Slot slot, Waiter waiter) {
        byte[] b = slot.buffer;
        long seq = sequence;
        EventEncoder.stamp(b, seq, prev);
        append(b, slot.length);
        eventsTotal++;
        uncoveredEvents++;
        if (slot.grew) {
            bump(counters.poolMissesSeen, 1);
        }
        bump(counters.journaled, 1);
        long latency = System.nanoTime() - slot.acceptedNanoTime;
        bump(counters.latencyTotalNanos, latency);
        if (latency > counters.latencyMaxNanos.get()) {
            counters.latencyMaxNanos.lazySet(latency);
        }
        int type = b[RecordDescriptor.TYPE_OFFSET];
        if (type == RecordType.TASK_START.code()) {
            bump(counters.activeTasks, 1);
        } else if (type == RecordType.TASK_END.code()) {
            bump(counters.activeTasks, -1);
        }
        if (waiter != null) {
            if (waiter.durability == dev.vouch.Durability.JOURNALED) {
                waiter.complete(seq);
            } else {
                addSealWaiter(waiter, seq);
            }
        }
        if (settings.signingMode() == SigningMode.PER_EVENT
                || uncoveredEvents >= settings.checkpointMaxEvents()
                || System.nanoTime() - firstUncoveredNanoTime >= settings.checkpointMaxDelayNanos()) {
            checkpoint();
        }
    }

    private void append(byte[] record, int length) {
        Rfc6962.leafHash(sha256, record, 0, length, leaf, 0);
        journal.append(record, length);
        tree.append(leaf, 0);
        System.arraycopy(leaf, 0, prev, 0, prev.length);
        sequence++;
        bump(counters.records, 1);
        if (uncoveredRecords++ == 0) {
            firstUncoveredNanoTime = System.nanoTime();
        }
    }

    private void appendControl() {
        int length = control.finish();
        append(control.buffer(), length);
    }

    /** Signs a checkpoint over every record so far, if any is uncovered. */
    public void checkpoint() {
        if (uncoveredRecords == 0) {
            return;
        }
        long size = sequence;
        tree.root(root, 0);
        int n = signer.write(size, root, note, 0);
        control.begin(RecordType.CHECKPOINT, sequence, EpochClock.nowNanos(), prev).bytes32(note, 0, n);
        appendControl();
        lastCheckpoint = size;
        uncoveredRecords = 0;
        bump(counters.checkpoints, 1);
        bump(counters.sealed, uncoveredEvents);
        uncoveredEvents = 0;
        if (anySyncWaiter()) {
            journal.sync();
        }
        for (int i = 0; i < sealWaiterCount; i++) {
            sealWaiters[i].complete(sealSequences[i]);
            sealWaiters[i] = null;
        }
        sealWaiterCount = 0;
    }

    private void writeGapIfDropped() {
        long total = counters.dropped.sum();
        if (total == droppedRecorded) {
            return;
        }
        long n = total - droppedRecorded;
        control.begin(RecordType.GAP, sequence, EpochClock.nowNanos(), prev)
                .u64(n)
                .u64(droppedBase + total)
                .u64(lastGapOrStart);
        appendControl();
        lastGapOrStart = sequence - 1;
        droppedRecorded = total;
        bump(counters.gapsRecorded, n);
    }

    private void rotateKey(Waiter waiter) throws IOException {
        writeGapIfDropped();
        SigningKey next = SigningKey.generate(settings.random());
        Path keyFile = settings.keyFile();
        Path staged = stagedKeyFile(keyFile);
        Files.deleteIfExists(staged);
        KeyFile.write(staged, next);
        long seq = sequence;
        String statement = KeyRotationStatement.text(origin, seq, next.verifyingKey().bytes());
        String signed = SignedNote.sign(statement, origin, key);
        control.begin(RecordType.KEY_ROTATION, seq, EpochClock.nowNanos(), prev)
                .raw(next.verifyingKey().bytes(), 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .bytes32(signed);
        appendControl();
        checkpoint();
        // The journal must name the new key durably before the old key file disappears.
        journal.sync();
        promoteStagedKey(keyFile);
        SigningKey old = key;
        useKey(next);
        old.destroy();
        LOG.info("Signing key rotated at sequence {}: {} -> {}", seq, old.verifyingKey(), next.verifyingKey());
        if (waiter != null) {
            waiter.complete(seq, next.verifyingKey());
        }
    }

    /** Where a rotation stages the next key before the journal names it. */
    public static Path stagedKeyFile(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".next");
    }

    /** Atomically replaces the key file with the staged next key, and makes the rename durable. */
    public static void promoteStagedKey(Path keyFile) throws IOException {
        Files.move(stagedKeyFile(keyFile), keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path dir = keyFile.toAbsolutePath().getParent();
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some platforms cannot fsync a directory; the rename itself is still atomic.
        }
    }

    private void seal(Waiter waiter) {
        writeGapIfDropped();
        long seq = sequence;
        control.begin(RecordType.SEAL, seq, EpochClock.nowNanos(), prev)
                .u64(eventsTotal)
                .u64(droppedBase + droppedRecorded);
        appendControl();
        checkpoint();
        journal.sync();
        sealed = true;
        if (waiter != null) {
            waiter.complete(seq);
        }
    }

    /** Writes a seal directly, for a ledger closed before its ring started. */
    public void sealNow() {
        seal(null);
    }

    public boolean isSealed() {
        return sealed;
    }

    private boolean anySyncWaiter() {
        for (int i = 0; i < sealWaiterCount; i++) {
            if (sealWaiters[i].durability == dev.vouch.Durability.SYNCED) {
                return true;
            }
        }
        return false;
    }

    private void addSealWaiter(Waiter waiter, long seq) {
        if (sealWaiterCount == sealWaiters.length) {
            sealWaiters = java.util.Arrays.copyOf(sealWaiters, sealWaiterCount * 2);
            sealSequences = java.util.Arrays.copyOf(sealSequences, sealWaiterCount * 2);
        }
        sealWaiters[sealWaiterCount] = waiter;
        sealSequences[sealWaiterCount++] = seq;
    }

    private void discard(Slot slot, Waiter waiter) {
        if (slot.command == Slot.EVENT) {
            bump(counters.lost, 1);
        }
        if (waiter != null) {
            waiter.fail(failure != null
                    ? new LedgerClosedException("the ledger failed: " + failure, failure)
                    : new LedgerClosedException("the ledger was closed before this event reached the journal"));
        }
    }

    private void fatal(Throwable t, Waiter waiter) {
        failure = t;
        LOG.error("[CRITICAL] Vouch ledger stopped at sequence {}: {}. No further events are accepted; "
                + "records up to sequence {} are in the journal.", sequence, t.toString(), sequence - 1, t);
        LedgerClosedException e = new LedgerClosedException("the ledger failed: " + t, t);
        if (waiter != null) {
            waiter.fail(e);
        }
        for (int i = 0; i < sealWaiterCount; i++) {
            sealWaiters[i].fail(e);
            sealWaiters[i] = null;
        }
        sealWaiterCount = 0;
        lifecycle.onFatal(t);
    }
}
