package dev.vouch.internal.format;

/**
 * The layout of one journal record, format 1.1. Mirrored exactly in docs/FORMAT.md; change both together.
 *
 * <pre>
 *   0       1       2       3       4                               12
 *   +-------+-------+-------+-------+-------------------------------+
 *   | major | minor | type  | flags |  sequence (u64)               |
 *   +-------+-------+-------+-------+-------------------------------+
 *   12                              20
 *   +-------------------------------+
 *   |  timestamp, ns since epoch    |
 *   +-------------------------------+-------------------------------+
 *   20                                                              52
 *   |  prev: leaf hash of record (sequence - 1), 32 bytes           |
 *   +---------------------------------------------------------------+
 *   52              56
 *   +---------------+-------------------------------- ... ---------+
 *   | body length L |  body, L bytes, layout given by type          |
 *   +---------------+-------------------------------- ... ---------+
 * </pre>
 *
 * All integers are big-endian and unsigned unless said otherwise. A record is exactly {@code 56 + L} bytes.
 * Its leaf hash is {@code SHA-256(0x00 || record)} (RFC 6962); that hash is both its Merkle leaf and the
 * {@code prev} link stored in the next record.
 */
public final class RecordDescriptor {
    public static final int MAJOR_VERSION = 1;
    /**
     * 1.1 added the resume state at the end of CHECKPOINT bodies; 1.2 the optional correlation block at the end of
     * event bodies. 1.0 and 1.1 records stay valid.
     */
    public static final int MINOR_VERSION = 2;

    public static final int MAJOR_OFFSET = 0;
    public static final int MINOR_OFFSET = 1;
    public static final int TYPE_OFFSET = 2;
    public static final int FLAGS_OFFSET = 3;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int TIMESTAMP_OFFSET = 12;
    public static final int PREV_OFFSET = 20;
    public static final int BODY_LENGTH_OFFSET = 52;
    public static final int HEADER_LENGTH = 56;

    public static final int HASH_LENGTH = 32;
    public static final int PUBLIC_KEY_LENGTH = 32;

    /**
     * CHECKPOINT body from format 1.1, after the note: the state a writer needs to resume after this checkpoint
     * without re-reading the journal.
     * <pre>
     *   events u64 | dropped total u64 | last gap or start u64 | next key (32) | k u8 | k x 32-byte range hashes
     * </pre>
     */
    public static final int CHECKPOINT_STATE_FIXED_LENGTH = 8 + 8 + 8 + PUBLIC_KEY_LENGTH + 1;
    /** First minor version whose CHECKPOINT records carry the resume state. */
    public static final int CHECKPOINT_STATE_SINCE_MINOR = 1;

    /** Largest text field (u16 length prefix). */
    public static final int MAX_STR16 = 0xFFFF;

    /**
     * Event body, fixed part:
     * <pre>
     *   0       8       9      10
     *   +-------+-------+-------+
     *   |parent | dec.  | risk  |  parent: i64 sequence of the causing event, -1 for none
     *   +-------+-------+-------+
     * </pre>
     * then str16 agent, str16 task, str16 name, str16 policy, bytes32 params, bytes32 result.
     */
    public static final int EVENT_PARENT_OFFSET = 0;
    public static final int EVENT_DECISION_OFFSET = 8;
    public static final int EVENT_RISK_OFFSET = 9;
    public static final int EVENT_FIXED_LENGTH = 10;

    /**
     * From format 1.2, an event body may end after {@code result} (no correlation), or carry this block:
     * <pre>
     *   str16 tool-call id | trace id (16) | span id (8) | str16 principal
     * </pre>
     * A trace id and span id of all zeros mean "no trace context"; they are zero together or non-zero together.
     */
    public static final int EVENT_CORRELATION_SINCE_MINOR = 2;
    public static final int TRACE_CONTEXT_LENGTH = 16 + 8;
    /** The block's fixed part: two str16 length prefixes and the trace context. */
    public static final int EVENT_CORRELATION_OVERHEAD = 2 + TRACE_CONTEXT_LENGTH + 2;

    /** Four str16 fields and two bytes32 fields. */
    public static final int EVENT_PREFIX_OVERHEAD = EVENT_FIXED_LENGTH + 4 * 2 + 2 * 4;

    private RecordDescriptor() {
    }

    /** Encoded length of an event record with these field sizes (UTF-8 byte counts). */
    public static long eventRecordLength(long agent, long task, long name, long policy, long params, long result) {
        return HEADER_LENGTH + EVENT_PREFIX_OVERHEAD + agent + task + name + policy + params + result;
    }
}
