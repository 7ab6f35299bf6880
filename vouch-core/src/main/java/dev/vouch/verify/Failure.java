package dev.vouch.verify;

/**
 * One thing the verifier found wrong.
 *
 * @param sequence the sequence number the failure applies to, or -1 if none does
 * @param kind     what class of check failed
 * @param message  what was expected and what was found
 * @param position where in the journal files the record is, if known
 */
public record Failure(long sequence, Kind kind, String message, String position) {

    /** The classes of check. */
    public enum Kind {
        /** Bytes that are not a record of a known format version. */
        MALFORMED,
        /** A sequence number out of order: a record missing, inserted or reordered. */
        SEQUENCE,
        /** A prev link that does not match the previous record's hash. */
        CHAIN,
        /** A missing, misplaced or untrusted genesis record. */
        GENESIS,
        /** A checkpoint that is malformed, names the wrong origin or tree size, or whose root disagrees with the records. */
        CHECKPOINT,
        /** A signature that does not verify under the key in force. */
        SIGNATURE,
        /** A key rotation record that is malformed or not signed by the key in force. */
        KEY_ROTATION,
        /** A gap, seal or recovery record whose counts contradict the journal. */
        ACCOUNTING,
        /**
         * A record where no writer puts one: after a sealed end anything but the resume record that begins a new
         * session, or after a seal, resume or recovery record anything but its checkpoint or a recovery record.
         * Records appended to a journal by someone without its key.
         */
        LIFE_CYCLE,
        /** The journal does not extend the checkpoint the auditor saved. */
        SAVED_CHECKPOINT,
        /** Later failures of one kind, summarised to keep the report readable. */
        SUMMARY
    }

    @Override
    public String toString() {
        String where = position == null || position.isEmpty() ? "" : " [" + position + "]";
        return (sequence >= 0 ? "seq " + sequence : "journal") + ": " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + ": " + message + where;
    }
}
