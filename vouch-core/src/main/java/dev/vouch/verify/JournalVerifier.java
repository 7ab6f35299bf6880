package dev.vouch.verify;

import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.KeyRotationStatement;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.Rfc6962;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Streams through a journal once and checks everything docs/FORMAT.md promises: record encoding, dense
 * sequence numbers, the hash chain, the genesis key against the auditor's trust anchor, the Merkle root and
 * signature of every checkpoint, key rotations, gap, seal and recovery accounting, the final seal, and
 * optionally that the journal extends a checkpoint the auditor saved earlier.
 *
 * <p>Pure: reads only through the {@link RecordSource}, writes nothing, creates no key. Memory is constant in
 * the journal's size. It does not stop at the first failure. Instances are immutable and thread-safe; each
 * {@link #verify} call keeps its state on its own stack.
 */
public final class JournalVerifier {
    /** Failures kept in the report; later ones are counted and still given to the listener. */
    public static final int MAX_FAILURES_KEPT = 1000;
    /** Failures of one kind listed in full before the rest of that kind are summarised. */
    public static final int DETAILED_PER_KIND = 10;
    public static final long PROGRESS_INTERVAL = 1L << 16;

    private final VerifyingKey trustAnchor;
    private final String savedCheckpointNote;
    private final Checkpoint savedCheckpoint;
    private final SignedNote savedNote;
    private final VerificationListener listener;
    private final int threads;
    /** Whether the verifying thread hashes chunks too (always, but in tests that exercise the helpers' share). */
    private final boolean verifyingThreadHashes;

    private JournalVerifier(VerifyingKey trustAnchor, String savedCheckpointNote, VerificationListener listener,
            int threads, boolean verifyingThreadHashes) {
        this.threads = threads;
        this.verifyingThreadHashes = verifyingThreadHashes;
        this.trustAnchor = Objects.requireNonNull(trustAnchor, "trustAnchor");
        this.listener = listener == null ? VerificationListener.NONE : listener;
        this.savedCheckpointNote = savedCheckpointNote;
        if (savedCheckpointNote != null) {
            this.savedNote = SignedNote.parse(savedCheckpointNote);
            this.savedCheckpoint = Checkpoint.parse(savedNote.text());
            NoteKeys.checkName(savedCheckpoint.origin());
        } else {
            this.savedNote = null;
            this.savedCheckpoint = null;
        }
    }

    /** A verifier trusting only {@code trustAnchor}, the journal's first public key as the auditor knows it. */
    public static JournalVerifier trusting(VerifyingKey trustAnchor) {
        return new JournalVerifier(trustAnchor, null, null, 1, true);
    }

    /**
     * Also require the journal to extend this checkpoint (a signed note the auditor saved earlier): same origin,
     * and the same tree at that size. This exposes a rewritten or cut-off journal even if the key was stolen.
     *
     * @throws FormatException if the note is not a well-formed signed checkpoint
     */
    public JournalVerifier extending(String savedCheckpointNote) {
        return new JournalVerifier(trustAnchor, savedCheckpointNote, listener, threads, verifyingThreadHashes);
    }

    public JournalVerifier listener(VerificationListener listener) {
        return new JournalVerifier(trustAnchor, savedCheckpointNote, listener, threads, verifyingThreadHashes);
    }

    /**
     * Verifies with {@code threads} threads: with 1 (the default) everything runs on the calling thread. With more,
     * a source that can be read by {@linkplain RecordSource#stripes stripes} (a journal's cycle files) is: the calling
     * thread reads and hashes the stripes of its turn itself and each of {@code threads - 1} helper threads those of
     * its own, so records are hashed on the core that read them, and a helper's run of 16 event records comes back
     * parsed and reduced to one subtree root. Any other source is read by one reader thread that shares the hashing
     * and parsing with the calling thread, chunk by chunk of 16 records, whoever is free taking the next one (with
     * more than 2 threads, {@code threads - 2} hash as well). Either way the calling thread checks the chain, the tree
     * and the signatures in journal order; the report is the same as on one thread, and memory stays flat (a fixed
     * number of batches of 128 records circulates).
     *
     * @throws IllegalArgumentException if {@code threads} is not from 1 to 64
     */
    public JournalVerifier threads(int threads) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be from 1 to 64, was " + threads);
        }
        return new JournalVerifier(trustAnchor, savedCheckpointNote, listener, threads, verifyingThreadHashes);
    }

    /**
     * For tests: with more than one thread, leaves every chunk to the helpers, so that each record goes through the
     * path a helper's chunk takes (its summary, {@code applyPlainChunk}) instead of whichever the timing picks.
     */
    JournalVerifier helpersHashEverything() {
        return new JournalVerifier(trustAnchor, savedCheckpointNote, listener, threads, false);
    }

    /** Verifies every record the source yields. I/O errors propagate; everything else becomes a failure. */
    public VerificationReport verify(RecordSource source) throws IOException {
        Run run = new Run(source);
        run.readAll();
        return run.report();
    }

    /**
     * Verifies the records that follow a checkpoint, from the state right after it, as a writer resuming a
     * journal does: {@code afterCheckpoint} is that state (its {@code lastCheckpoint} the checkpoint's sequence
     * number, its tree and chain including the checkpoint, its {@code currentKey} the key that signs the next
     * checkpoint, {@code sealed} whether a seal came right before it), and {@code source} yields the records after
     * the checkpoint. The trust anchor is not used; the state is trusted as given, so the caller must have
     * checked it (its signature, and that its range hashes to the signed root). The report covers only the records
     * read here, apart from its resume point, which is the journal's.
     */
    public VerificationReport verifyFrom(ResumePoint afterCheckpoint, RecordSource source) throws IOException {
        Run run = new Run(source);
        run.startAfter(afterCheckpoint);
        run.readAll();
        return run.report();
    }

    private final class Run {
        private final RecordSource source;
        private final RecordBuffer buffer = new RecordBuffer(4096);
        private final RecordView view = new RecordView();
        private final MessageDigest sha256 = Rfc6962.newSha256();
        private final byte[] leafScratch = new byte[Rfc6962.LEAF_SCRATCH_SIZE];
        private final CompactRange tree = new CompactRange();
        private final byte[] lastHash = new byte[RecordDescriptor.HASH_LENGTH];
        private final byte[] leaf = new byte[RecordDescriptor.HASH_LENGTH];
        private final byte[] root = new byte[RecordDescriptor.HASH_LENGTH];

        private final List<Failure> kept = new ArrayList<>();
        private final Map<Failure.Kind, long[]> perKind = new EnumMap<>(Failure.Kind.class);
        private long failureCount;
        private long storageDamage;

        private final List<VerifyingKey> keys = new ArrayList<>();
        private VerifyingKey currentKey;
        private VerifyingKey pendingKey;
        private long pendingKeySeq = -1;
        private String origin;

        private long position; // records read = tree size before the current record
        private long expectedSeq;
        private long records;
        private long events;
        private long checkpoints;
        private long gaps;
        private long droppedTotal;
        private long recoveries;
        private long firstTimestamp;
        private long lastTimestamp;
        private long lastCheckpointSeq = -1;
        private long lastValidCheckpointPosition = -1;
        private String lastCheckpointNote;
        private RecordType lastType;
        private RecordType typeBeforeLast;
        private boolean lastCheckpointValid;
        private long sealSeq = -1;
        private long lastGapOrStart = 0;
        private Boolean savedMatched;
        /** In a parallel run, the position token of the record being verified (the source has read ahead). */
        private long currentToken = -1;
        private String currentPositionText = "";

        Run(RecordSource source) {
            this.source = source;
            this.currentKey = trustAnchor;
            keys.add(trustAnchor);
        }

        void startAfter(ResumePoint p) {
            keys.clear();
            currentKey = p.currentKey();
            keys.add(currentKey);
            pendingKey = p.pendingKey();
            origin = p.origin();
            position = p.nextSequence();
            expectedSeq = p.nextSequence();
            tree.copyFrom(p.tree());
            System.arraycopy(p.lastLeafHash(), 0, lastHash, 0, lastHash.length);
            events = p.events();
            droppedTotal = p.droppedTotal();
            lastGapOrStart = p.lastGapOrStart();
            lastCheckpointSeq = p.lastCheckpoint();
            lastValidCheckpointPosition = p.lastCheckpoint();
            lastTimestamp = p.lastTimestamp();
            lastType = RecordType.CHECKPOINT;
            lastCheckpointValid = true;
            if (p.sealed()) {
                typeBeforeLast = RecordType.SEAL;
                sealSeq = p.lastCheckpoint() - 1;
            }
        }

        void readAll() throws IOException {
            if (threads > 1) {
                readAllAhead();
                return;
            }
            long estimate = source.estimatedRecords();
            while (true) {
                try {
                    if (!source.next(buffer)) {
                        break;
                    }
                } catch (StorageDamageException e) {
                    onDamage(e);
                    continue;
                }
                Rfc6962.leafHash(sha256, leafScratch, buffer.data(), 0, buffer.length(), leaf, 0);
                onRecord(buffer.data(), buffer.length(), estimate);
            }
            finish(estimate);
        }

        /** As readAll, with the records read and their leaf hashes computed ahead by other threads (ReadAhead). */
        private void readAllAhead() throws IOException {
            long estimate = source.estimatedRecords();
            StripeReader[] stripes = source.stripes(threads);
            if (stripes != null) {
                try {
                    readAllStriped(stripes, estimate);
                } finally {
                    for (StripeReader r : stripes) {
                        r.close();
                    }
                }
                return;
            }
            try (ReadAhead ahead = new ReadAhead(source, threads - 1)) {
                while (true) {
                    ReadAhead.Batch b;
                    try {
                        b = ahead.next();
                    } catch (InterruptedException e) {
                        throw interrupted();
                    }
                    IOException error = b.error;
                    boolean last = b.last;
                    verifyBatch(b, estimate);
                    ahead.release(b);
                    if (error != null) {
                        throw error;
                    }
                    if (last) {
                        break;
                    }
                }
            }
            finish(estimate); // failures found at the end name the last position read, as on one thread
        }

        /**
         * As readAll, with the source read by stripes ({@link StripedReadAhead}): the stripes of {@code readers[0]}
         * read and hashed here, the others' read and hashed ahead on helper threads, all verified here in order.
         */
        private void readAllStriped(StripeReader[] readers, long estimate) throws IOException {
            StripeReader own = readers[0];
            try (StripedReadAhead ahead = new StripedReadAhead(readers)) {
                boolean ownMore = own.nextStripe();
                for (long stripe = 0; ; stripe++) {
                    int owner = (int) (stripe % readers.length);
                    if (owner == 0) {
                        if (!ownMore) {
                            break;
                        }
                        if (own.stripe() != stripe) {
                            throw new IOException("reading by stripes went wrong: expected stripe " + stripe
                                    + ", the verifying thread's reader is at stripe " + own.stripe());
                        }
                        readOwnStripe(own, estimate);
                        ownMore = own.nextStripe();
                        continue;
                    }
                    while (true) {
                        ReadAhead.Batch b;
                        try {
                            b = ahead.next(owner);
                        } catch (InterruptedException e) {
                            throw interrupted();
                        }
                        IOException error = b.error;
                        boolean last = b.last;
                        boolean end = b.stripeEnd;
                        if (!last && b.stripe != stripe) {
                            ahead.release(owner, b);
                            throw new IOException("reading by stripes went wrong: expected stripe " + stripe
                                    + ", reader " + owner + " is at stripe " + b.stripe);
                        }
                        verifyBatch(b, estimate);
                        ahead.release(owner, b);
                        if (error != null) {
                            throw error;
                        }
                        if (last) {
                            finish(estimate);
                            return;
                        }
                        if (end) {
                            break;
                        }
                    }
                }
            }
            finish(estimate);
        }

        private void readOwnStripe(StripeReader own, long estimate) throws IOException {
            while (true) {
                try {
                    if (!own.nextInStripe(buffer)) {
                        return;
                    }
                } catch (StorageDamageException e) {
                    currentToken = -1;
                    currentPositionText = e.position();
                    onDamage(e);
                    continue;
                }
                currentToken = own.positionToken();
                Rfc6962.leafHash(sha256, leafScratch, buffer.data(), 0, buffer.length(), leaf, 0);
                onRecord(buffer.data(), buffer.length(), estimate);
            }
        }

        private java.io.InterruptedIOException interrupted() {
            Thread.currentThread().interrupt();
            return new java.io.InterruptedIOException("interrupted while verifying");
        }

        /** Verifies the records of a batch read ahead, chunk by chunk, hashing the chunks no helper claimed. */
        private void verifyBatch(ReadAhead.Batch b, long estimate) {
            for (int c = 0, chunks = b.chunks(); c < chunks; c++) {
                boolean mine = verifyingThreadHashes && b.claims.claimFront(c);
                if (!mine) {
                    b.claims.awaitPublished(c);
                    if (b.plain[c] && applyPlainChunk(b, c, estimate)) {
                        continue;
                    }
                }
                for (int i = b.chunkStart(c), end = b.chunkEnd(c); i < end; i++) {
                    StorageDamageException e = b.damage[i];
                    if (e != null) {
                        currentToken = -1; // as the source's own position: the damaged place, until a record
                        currentPositionText = e.position();
                        onDamage(e);
                        continue;
                    }
                    currentToken = b.tokens[i];
                    RecordBuffer r = b.records[i];
                    if (mine) {
                        Rfc6962.leafHash(sha256, leafScratch, r.data(), 0, r.length(), leaf, 0);
                    } else {
                        System.arraycopy(b.leaves, i * Rfc6962.HASH_SIZE, leaf, 0, Rfc6962.HASH_SIZE);
                    }
                    onRecord(r.data(), r.length(), estimate);
                }
            }
        }

        /**
         * Verifies a chunk a helper found to be a plain run ({@link ReadAhead.Batch#summarize}) from its summary, if
         * the records before it allow: its first record continues the sequence and the chain, and the auditor's saved
         * checkpoint does not fall inside it. Then it has the effect of verifyOne on each of its records, which would
         * find no failure; the subtree root stands for its leaves when the tree's size is aligned. False, with
         * nothing changed, if the chunk must be checked record by record.
         */
        private boolean applyPlainChunk(ReadAhead.Batch b, int c, long estimate) {
            int n = ReadAhead.CHUNK;
            int first = b.chunkStart(c);
            int lastLeaf = (first + n - 1) * Rfc6962.HASH_SIZE;
            if (position == 0 || b.firstSequence[c] != expectedSeq
                    || !RecordView.prevEquals(b.records[first].data(), lastHash, 0)
                    || lifeCycleBreak(RecordType.TOOL_CALL) != null // any event: the chunk holds only events
                    || (savedCheckpoint != null && savedMatched == null && savedCheckpoint.size() >= position
                            && savedCheckpoint.size() < position + n)) {
                return false;
            }
            if (records == 0) {
                firstTimestamp = b.firstTimestamp[c];
            }
            lastTimestamp = b.lastTimestamp[c];
            events += n;
            if ((tree.size() & (n - 1)) == 0) {
                tree.appendSubtree(b.subtreeRoots, c * Rfc6962.HASH_SIZE, ReadAhead.CHUNK_HEIGHT);
            } else {
                for (int i = first; i < first + n; i++) {
                    tree.append(b.leaves, i * Rfc6962.HASH_SIZE);
                }
            }
            System.arraycopy(b.leaves, lastLeaf, lastHash, 0, lastHash.length);
            typeBeforeLast = b.lastTypes[2 * c];
            lastType = b.lastTypes[2 * c + 1];
            lastCheckpointValid = false;
            position += n;
            expectedSeq += n;
            currentToken = b.tokens[first + n - 1];
            long before = records;
            records += n;
            if (before / PROGRESS_INTERVAL != records / PROGRESS_INTERVAL) {
                listener.onProgress(records, estimate);
            }
            return true;
        }

        /** The records beyond the damage cannot be read; the sequence check reports what is missing. */
        private void onDamage(StorageDamageException e) {
            storageDamage++;
            fail(expectedSeq, Failure.Kind.MALFORMED, "damaged storage " + (records == 0
                    ? "before the first record" : "after sequence " + (expectedSeq - 1)) + ": "
                    + e.getMessage(), e.position());
        }

        /** Verifies the next record, whose leaf hash is in {@code leaf}, and reports progress. */
        private void onRecord(byte[] bytes, int length, long estimate) {
            checkSavedCheckpointAt(position);
            verifyOne(bytes, length);
            records++;
            if ((records & (PROGRESS_INTERVAL - 1)) == 0) {
                listener.onProgress(records, estimate);
            }
        }

        private void finish(long estimate) {
            checkSavedCheckpointAt(position);
            if (savedCheckpoint != null && savedMatched == null) {
                savedMatched = false;
                fail(-1, Failure.Kind.SAVED_CHECKPOINT, "the journal has " + position
                        + " records, fewer than the saved checkpoint's tree size " + savedCheckpoint.size()
                        + ": it was cut off or rewritten");
            }
            listener.onProgress(records, estimate);
        }

        /** Verifies one record whose leaf hash is already in {@code leaf}. */
        private void verifyOne(byte[] bytes, int length) {
            RecordType type;
            long seq;
            try {
                view.wrap(bytes, length);
                type = view.type();
                seq = view.sequence();
            } catch (FormatException e) {
                fail(expectedSeq, Failure.Kind.MALFORMED, "not a valid record: " + e.getMessage());
                advance(expectedSeq, null);
                return;
            }
            if (records == 0) {
                firstTimestamp = view.timestamp();
            }
            lastTimestamp = view.timestamp();
            if (seq != expectedSeq) {
                String what = seq > expectedSeq
                        ? (seq - expectedSeq) + " record(s) missing before it"
                        : "a record inserted, repeated or moved here";
                fail(seq, Failure.Kind.SEQUENCE, "expected sequence " + expectedSeq + " but found " + seq + ": " + what);
            }
            if (!view.prevEquals(lastHash)) {
                if (position == 0) {
                    fail(seq, Failure.Kind.CHAIN, "the first record's prev link is not all zeros");
                } else {
                    fail(seq - 1 >= 0 ? seq - 1 : seq, Failure.Kind.CHAIN, "the hash of the record before sequence "
                            + seq + " does not match the prev link stored in " + seq
                            + ": that record was altered, or records were removed, inserted or swapped here");
                }
            }
            if (position == 0 && type != RecordType.GENESIS) {
                fail(seq, Failure.Kind.GENESIS, "the journal does not begin with a genesis record (found "
                        + type.label() + ")");
            }
            String misplaced = lifeCycleBreak(type);
            if (misplaced != null) {
                fail(seq, Failure.Kind.LIFE_CYCLE, misplaced);
            }
            switch (type) {
                case GENESIS -> onGenesis(seq);
                case CHECKPOINT -> onCheckpoint(seq);
                case KEY_ROTATION -> onKeyRotation(seq);
                case SEAL -> onSeal(seq);
                case RECOVERY -> onRecovery(seq);
                case GAP -> onGap(seq);
                case RESUME -> lastGapOrStart = seq;
                default -> events++;
            }
            advance(seq, type);
        }

        /**
         * Null if a writer may put a record of {@code type} after the records before it; else why not. A writer
         * appends nothing to a sealed journal but a new session, which begins with RESUME (a sealed journal needs no
         * RECOVERY), and follows a SEAL, RESUME or RECOVERY with its CHECKPOINT at once; a crash between them ends
         * the journal there, and the next writer begins with RECOVERY. So what else follows them was appended by
         * someone else: without this check an event appended after a seal read as a torn tail, which the next
         * writer would sign in with its recovery record.
         */
        private String lifeCycleBreak(RecordType type) {
            if (lastType == RecordType.CHECKPOINT && typeBeforeLast == RecordType.SEAL && type != RecordType.RESUME) {
                return "a " + type.label() + " record after the journal was sealed: a writer appends to a sealed"
                        + " journal only a new session, which begins with a resume record";
            }
            if ((lastType == RecordType.SEAL || lastType == RecordType.RESUME || lastType == RecordType.RECOVERY)
                    && type != RecordType.CHECKPOINT && type != RecordType.RECOVERY) {
                return "a " + type.label() + " record right after a " + lastType.label() + " record, which its writer"
                        + " follows with a checkpoint at once (or, after a crash, the next writer with a recovery"
                        + " record)";
            }
            return null;
        }

        private void advance(long seq, RecordType type) {
            tree.append(leaf, 0);
            System.arraycopy(leaf, 0, lastHash, 0, leaf.length);
            typeBeforeLast = lastType;
            lastType = type;
            if (type != RecordType.CHECKPOINT) {
                lastCheckpointValid = false;
            }
            position++;
            expectedSeq = seq + 1;
        }

        private void onGenesis(long seq) {
            if (position != 0) {
                fail(seq, Failure.Kind.GENESIS, "a second genesis record in the middle of the journal");
                return;
            }
            try {
                NoteKeys.checkName(view.origin());
                origin = view.origin();
            } catch (FormatException e) {
                fail(seq, Failure.Kind.GENESIS, "the genesis origin cannot name a signing key: " + e.getMessage());
            }
            VerifyingKey genesisKey;
            try {
                genesisKey = VerifyingKey.of(view.publicKey());
            } catch (FormatException e) {
                fail(seq, Failure.Kind.GENESIS, "the genesis public key is invalid: " + e.getMessage());
                return;
            }
            if (!genesisKey.equals(trustAnchor)) {
                fail(seq, Failure.Kind.GENESIS, "the genesis record names key " + genesisKey
                        + " but the trusted key is " + trustAnchor + ": this journal was not started by the trusted key");
            }
        }

        private void onCheckpoint(long seq) {
            checkpoints++;
            lastCheckpointSeq = seq;
            lastCheckpointValid = false;
            SignedNote note;
            Checkpoint cp;
            try {
                note = SignedNote.parse(view.note());
                cp = Checkpoint.parse(note.text());
            } catch (FormatException e) {
                fail(seq, Failure.Kind.CHECKPOINT, "malformed checkpoint note: " + e.getMessage());
                return;
            }
            boolean ok = true;
            if (origin != null && !origin.equals(cp.origin())) {
                fail(seq, Failure.Kind.CHECKPOINT, "checkpoint origin '" + cp.origin() + "' is not the journal's origin '" + origin + "'");
                ok = false;
            }
            boolean signed = origin != null && signedBy(note, origin, currentKey);
            if (!signed) {
                fail(seq, Failure.Kind.SIGNATURE, "checkpoint for tree size " + cp.size()
                        + " is not validly signed by the key in force (" + currentKey + ")");
                ok = false;
            }
            if (cp.size() != seq || cp.size() != position) {
                fail(seq, Failure.Kind.CHECKPOINT, "checkpoint signs a tree of " + cp.size()
                        + " records but stands at sequence " + seq + " after " + position + " records"
                        + (signed ? ": records before it were removed or inserted" : ""));
                ok = false;
            } else {
                tree.root(root, 0);
                if (!Arrays.equals(root, cp.rootHash())) {
                    fail(seq, Failure.Kind.CHECKPOINT, "the Merkle root of the " + position
                            + " records before it does not match the root this checkpoint"
                            + (signed ? " validly signs: a record before it was altered" : " holds"));
                    ok = false;
                }
            }
            if (view.hasCheckpointState()) {
                checkResumeState(seq);
            }
            if (ok) {
                lastCheckpointNote = view.note();
                lastValidCheckpointPosition = position;
                if (pendingKey != null && pendingKeySeq < seq) {
                    currentKey = pendingKey;
                    keys.add(pendingKey);
                    pendingKey = null;
                    pendingKeySeq = -1;
                }
            }
            lastCheckpointValid = ok;
        }

        /** 32 key bytes as every message names a key, {@code ed25519:<fingerprint>}, valid key or not. */
        private static String keyName(byte[] raw) {
            return "ed25519:" + java.util.HexFormat.of().formatHex(Rfc6962.newSha256().digest(raw), 0, 8);
        }

        /**
         * Format 1.1: the state a writer resumes from must be the journal's own, or a writer that trusts it would
         * continue a different tree, count or key than the records show.
         */
        private void checkResumeState(long seq) {
            if (view.stateEvents() != events || view.stateDroppedTotal() != droppedTotal
                    || view.stateLastGapOrStart() != lastGapOrStart) {
                fail(seq, Failure.Kind.ACCOUNTING, "the checkpoint's resume state counts " + u64(view.stateEvents())
                        + " events, " + u64(view.stateDroppedTotal()) + " dropped, last gap or start "
                        + u64(view.stateLastGapOrStart()) + ", but the journal shows " + u64(events) + ", "
                        + u64(droppedTotal) + " and " + u64(lastGapOrStart));
            }
            VerifyingKey next = pendingKey != null && pendingKeySeq < seq ? pendingKey : currentKey;
            if (!view.stateNextKeyEquals(next.bytes())) {
                fail(seq, Failure.Kind.CHECKPOINT, "the checkpoint's resume state names the next signing key "
                        + keyName(view.stateNextKey()) + " but the journal's is " + next);
            }
            if (!tree.hashesEqual(view.buffer(), view.stateRangeOffset(), view.stateRangeCount())) {
                fail(seq, Failure.Kind.CHECKPOINT, "the checkpoint's resume state holds a compact range of "
                        + view.stateRangeCount() + " hash(es) that is not the tree of the " + position
                        + " records before it");
            }
        }

        private void onKeyRotation(long seq) {
            VerifyingKey next;
            SignedNote note;
            try {
                next = VerifyingKey.of(view.publicKey());
                note = SignedNote.parse(view.note());
            } catch (FormatException e) {
                fail(seq, Failure.Kind.KEY_ROTATION, "malformed key rotation: " + e.getMessage());
                return;
            }
            String expected = KeyRotationStatement.text(origin == null ? "" : origin, seq, next.bytes());
            if (!expected.equals(note.text())) {
                fail(seq, Failure.Kind.KEY_ROTATION, "the rotation statement does not name this journal, position and key");
                return;
            }
            if (origin == null || !signedBy(note, origin, currentKey)) {
                fail(seq, Failure.Kind.KEY_ROTATION, "the rotation to " + next + " is not signed by the key in force ("
                        + currentKey + ")");
                return;
            }
            pendingKey = next;
            pendingKeySeq = seq;
        }

        private void onSeal(long seq) {
            sealSeq = seq;
            if (view.droppedTotal() != droppedTotal) {
                fail(seq, Failure.Kind.ACCOUNTING, "the seal counts " + u64(view.droppedTotal())
                        + " dropped events but the gap records account for " + u64(droppedTotal));
            }
            if (view.sealedEvents() != events) {
                fail(seq, Failure.Kind.ACCOUNTING, "the seal counts " + u64(view.sealedEvents())
                        + " event records but the journal holds " + u64(events));
            }
        }

        private void onRecovery(long seq) {
            recoveries++;
            long uncovered = seq - lastCheckpointSeq - 1;
            if (view.recoveryLastCheckpoint() != lastCheckpointSeq || view.recoveryUncovered() != uncovered) {
                fail(seq, Failure.Kind.ACCOUNTING, "the recovery record says the last checkpoint was "
                        + view.recoveryLastCheckpoint() + " with " + u64(view.recoveryUncovered())
                        + " records after it, but the journal shows " + lastCheckpointSeq + " and " + uncovered);
            }
        }

        private void onGap(long seq) {
            gaps++;
            long expectedTotal = droppedTotal + view.gapDropped();
            // Counts are below 2^63 (FORMAT.md, "Conventions"): a total that reaches it is a failure even where the
            // sum wraps onto it, as verify-journal.py, which adds without wrapping, found it at the first such GAP.
            boolean beyond = view.droppedTotal() < 0;
            if (view.droppedTotal() != expectedTotal || view.gapDropped() <= 0 || beyond
                    || view.gapAfter() != lastGapOrStart) {
                fail(seq, Failure.Kind.ACCOUNTING, "gap record counts do not add up (dropped " + u64(view.gapDropped())
                        + ", total " + u64(view.droppedTotal()) + ", previous total " + u64(droppedTotal) + ", after "
                        + u64(view.gapAfter()) + ", previous gap or start " + u64(lastGapOrStart) + ")"
                        + (beyond ? ": a dropped total of 2^63 or more" : ""));
            }
            droppedTotal = view.droppedTotal();
            lastGapOrStart = seq;
        }

        /**
         * A u64 field of the format (FORMAT.md) as the unsigned number it is: an outside auditor's SEAL with bit 63 of
         * {@code events} set was reported as counting -9223372036854775808 event records.
         */
        private static String u64(long value) {
            return Long.toUnsignedString(value);
        }

        /** The key of this journal that a signature line of {@code note} names by its key id, or null. */
        private VerifyingKey keyNamedBy(SignedNote note, String name) {
            List<VerifyingKey> candidates = new ArrayList<>(keys);
            if (pendingKey != null) {
                candidates.add(pendingKey);
            }
            for (SignedNote.Signature sig : note.signatures()) {
                for (VerifyingKey k : candidates) {
                    try {
                        if (sig.keyName().equals(name) && sig.keyId() == NoteKeys.keyId(name, k)) {
                            return k;
                        }
                    } catch (FormatException e) {
                        return null; // a name no key can carry
                    }
                }
            }
            return null;
        }

        /** A signature check that treats a name no key can carry as "not signed" rather than an error. */
        private boolean signedBy(SignedNote note, String name, VerifyingKey key) {
            try {
                return note.verifiedBy(name, key);
            } catch (FormatException e) {
                return false;
            }
        }

        private void checkSavedCheckpointAt(long size) {
            if (savedCheckpoint == null || savedMatched != null || size != savedCheckpoint.size()) {
                return;
            }
            boolean signedByJournalKey = false;
            for (VerifyingKey k : keys) {
                signedByJournalKey |= signedBy(savedNote, savedCheckpoint.origin(), k);
            }
            if (pendingKey != null) {
                signedByJournalKey |= signedBy(savedNote, savedCheckpoint.origin(), pendingKey);
            }
            tree.root(root, 0);
            boolean sameOrigin = savedCheckpoint.origin().equals(origin);
            boolean sameRoot = Arrays.equals(root, savedCheckpoint.rootHash());
            savedMatched = sameOrigin && sameRoot && signedByJournalKey;
            if (!signedByJournalKey) {
                // Its text is then unauthenticated: comparing its root would blame the journal for a damaged file
                // (an outside auditor changed one character of a saved note and read "the journal was rewritten").
                VerifyingKey named = keyNamedBy(savedNote, savedCheckpoint.origin());
                fail(size, Failure.Kind.SAVED_CHECKPOINT, named != null
                        ? "the saved checkpoint was altered or damaged: its signature by " + named + ", a key of this"
                                + " journal, does not verify over its text, so it proves nothing about the journal"
                        : "the saved checkpoint is not signed by any key of this journal: it is another journal's,"
                                + " or this journal was rewritten with another key history",
                        "the saved checkpoint"); // not a place in the journal: the note is what failed
                return;
            }
            if (!sameOrigin) {
                fail(size, Failure.Kind.SAVED_CHECKPOINT, "the saved checkpoint is for origin '" + savedCheckpoint.origin()
                        + "', not this journal's '" + origin + "'");
            } else if (!sameRoot) {
                fail(size, Failure.Kind.SAVED_CHECKPOINT, "the first " + size
                        + " records do not hash to the saved checkpoint's root: the journal was rewritten");
            }
        }

        private void fail(long seq, Failure.Kind kind, String message) {
            fail(seq, kind, message, threads == 1 ? source.position()
                    : currentToken >= 0 ? source.position(currentToken) : currentPositionText);
        }

        private void fail(long seq, Failure.Kind kind, String message, String where) {
            failureCount++;
            long[] k = perKind.computeIfAbsent(kind, x -> new long[3]);
            Failure f = new Failure(seq, kind, message, where);
            listener.onFailure(f);
            k[0]++;
            if (k[0] <= DETAILED_PER_KIND) {
                keep(f);
            } else {
                if (k[1] == 0) {
                    k[2] = seq;
                }
                k[1]++;
            }
        }

        private void keep(Failure f) {
            if (kept.size() < MAX_FAILURES_KEPT) {
                kept.add(f);
            }
        }

        VerificationReport report() {
            for (Map.Entry<Failure.Kind, long[]> e : perKind.entrySet()) {
                long[] k = e.getValue();
                if (k[1] > 0) {
                    keep(new Failure(k[2], Failure.Kind.SUMMARY, k[1] + " more " + e.getKey().name().toLowerCase(java.util.Locale.ROOT)
                            + " failures from sequence " + k[2] + " on (usually consequences of the first ones)", ""));
                }
            }
            boolean sealed = lastType == RecordType.CHECKPOINT && lastCheckpointValid
                    && typeBeforeLast == RecordType.SEAL && sealSeq == position - 2;
            long uncovered = lastValidCheckpointPosition < 0 ? position : position - lastValidCheckpointPosition - 1;
            Verdict verdict;
            String reason;
            if (failureCount > 0) {
                // With no record read, a failure can only be damaged storage: still not a journal to trust.
                verdict = Verdict.TAMPERED;
                reason = failureCount + " failure(s); the first: " + kept.get(0);
            } else if (position == 0) {
                verdict = Verdict.INCOMPLETE;
                reason = "the journal holds no records";
            } else if (sealed) {
                verdict = Verdict.INTACT;
                reason = "all " + records + " records verify and the journal is sealed";
            } else if (uncovered > 0) {
                verdict = Verdict.INCOMPLETE;
                reason = "the last " + uncovered + " record(s) are not covered by a signed checkpoint: the writer crashed"
                        + " or is still running (their chain is consistent), or the tail was cut off";
            } else {
                verdict = Verdict.INCOMPLETE;
                reason = "the journal ends with a valid checkpoint but no seal: the writer crashed or is still running,"
                        + " or a sealed tail was cut off";
            }
            ResumePoint resume = new ResumePoint(expectedSeq, lastHash.clone(), tree.copy(), origin, currentKey,
                    pendingKey, lastCheckpointSeq, lastTimestamp, droppedTotal, lastGapOrStart, events, sealed);
            return new VerificationReport(verdict, reason, records, events, checkpoints, List.copyOf(keys), gaps,
                    droppedTotal, recoveries, firstTimestamp, lastTimestamp, origin, lastCheckpointNote, uncovered,
                    sealed, savedMatched, List.copyOf(kept), failureCount, storageDamage, resume);
        }
    }
}
