package dev.vouch.internal.format;

import dev.vouch.merkle.CompactRange;

/**
 * Writes the bodies of the control records, one method per type, in the layouts docs/FORMAT.md gives: the
 * writing side of what {@link RecordView} reads (its accessors for each type are named after the same fields),
 * kept in this package so that a change to one is a change to both. {@code ControlRecordEncoderTest} writes every
 * type and reads it back. The ledger calls these; nothing else writes control records.
 */
public final class ControlRecordEncoder {
    private ControlRecordEncoder() {
    }

    /** GENESIS: origin, the first public key, the writing library, its settings. */
    public static RecordBuilder genesis(RecordBuilder b, long seq, long timestamp, byte[] prev, String origin,
            byte[] publicKey, String libraryVersion, String settings) {
        return b.begin(RecordType.GENESIS, seq, timestamp, prev)
                .str16(origin)
                .raw(publicKey, 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .str16(libraryVersion)
                .bytes32(settings);
    }

    /**
     * CHECKPOINT: the signed note, then (format 1.1) the resume state: events, dropped total, last gap or start,
     * the next signing key and the compact range of the tree the note signs.
     */
    public static RecordBuilder checkpoint(RecordBuilder b, long seq, long timestamp, byte[] prev, byte[] note,
            int noteLength, long events, long droppedTotal, long lastGapOrStart, byte[] nextKey, CompactRange tree) {
        return b.begin(RecordType.CHECKPOINT, seq, timestamp, prev)
                .bytes32(note, 0, noteLength)
                .u64(events)
                .u64(droppedTotal)
                .u64(lastGapOrStart)
                .raw(nextKey, 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .range(tree);
    }

    /** KEY_ROTATION: the next key and the rotation statement signed by the current one. */
    public static RecordBuilder keyRotation(RecordBuilder b, long seq, long timestamp, byte[] prev, byte[] nextKey,
            String signedStatement) {
        return b.begin(RecordType.KEY_ROTATION, seq, timestamp, prev)
                .raw(nextKey, 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .bytes32(signedStatement);
    }

    /** SEAL: event records and the dropped total of the journal's whole life. */
    public static RecordBuilder seal(RecordBuilder b, long seq, long timestamp, byte[] prev, long events,
            long droppedTotal) {
        return b.begin(RecordType.SEAL, seq, timestamp, prev).u64(events).u64(droppedTotal);
    }

    /** RECOVERY: the last checkpoint before it (or -1), the records after that one, and why. */
    public static RecordBuilder recovery(RecordBuilder b, long seq, long timestamp, byte[] prev, long lastCheckpoint,
            long uncovered, String reason) {
        return b.begin(RecordType.RECOVERY, seq, timestamp, prev).u64(lastCheckpoint).u64(uncovered).str16(reason);
    }

    /** GAP: events dropped since the last gap, the dropped total, and the record after which they were dropped. */
    public static RecordBuilder gap(RecordBuilder b, long seq, long timestamp, byte[] prev, long dropped,
            long droppedTotal, long after) {
        return b.begin(RecordType.GAP, seq, timestamp, prev).u64(dropped).u64(droppedTotal).u64(after);
    }

    /** RESUME: the library of the writer that reopened the journal, and its settings. */
    public static RecordBuilder resume(RecordBuilder b, long seq, long timestamp, byte[] prev, String libraryVersion,
            String settings) {
        return b.begin(RecordType.RESUME, seq, timestamp, prev).str16(libraryVersion).bytes32(settings);
    }
}
