package dev.vouch.internal.format;

import static dev.vouch.internal.format.RecordDescriptor.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the records the ledger writes itself (genesis, checkpoint, gap, ...). Reused by its single owner
 * thread: it grows once to the largest record and then allocates nothing. Not thread-safe.
 *
 * <p>Usage: {@link #begin}, then the body fields in the order docs/FORMAT.md gives for the type, then
 * {@link #finish}; the record is {@code buffer()[0, length())}.
 */
public final class RecordBuilder {
    private byte[] buf;
    private int pos;

    public RecordBuilder(int initialCapacity) {
        buf = new byte[Math.max(initialCapacity, HEADER_LENGTH + 64)];
    }

    public RecordBuilder begin(RecordType type, long sequence, long timestampNanos, byte[] prev) {
        buf[MAJOR_OFFSET] = (byte) MAJOR_VERSION;
        buf[MINOR_OFFSET] = (byte) MINOR_VERSION;
        buf[TYPE_OFFSET] = (byte) type.code();
        buf[FLAGS_OFFSET] = 0;
        BigEndian.putLong(buf, SEQUENCE_OFFSET, sequence);
        BigEndian.putLong(buf, TIMESTAMP_OFFSET, timestampNanos);
        System.arraycopy(prev, 0, buf, PREV_OFFSET, HASH_LENGTH);
        pos = HEADER_LENGTH;
        return this;
    }

    public RecordBuilder u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public RecordBuilder u64(long v) {
        ensure(8);
        BigEndian.putLong(buf, pos, v);
        pos += 8;
        return this;
    }

    public RecordBuilder raw(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, pos, len);
        pos += len;
        return this;
    }

    public RecordBuilder str16(CharSequence s) {
        int n = Utf8.encodedLength(s);
        if (n > MAX_STR16) {
            throw new IllegalArgumentException("text field of " + n + " bytes exceeds " + MAX_STR16);
        }
        ensure(2 + n);
        BigEndian.putU16(buf, pos, n);
        pos += 2 + Utf8.encode(s, buf, pos + 2);
        return this;
    }

    public RecordBuilder bytes32(byte[] src, int off, int len) {
        ensure(4 + len);
        BigEndian.putInt(buf, pos, len);
        System.arraycopy(src, off, buf, pos + 4, len);
        pos += 4 + len;
        return this;
    }

    public RecordBuilder bytes32(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return bytes32(b, 0, b.length);
    }

    /** Reserves a bytes32 field of {@code len} bytes and returns the offset where its content goes. */
    public int reserveBytes32(int len) {
        ensure(4 + len);
        BigEndian.putInt(buf, pos, len);
        int at = pos + 4;
        pos = at + len;
        return at;
    }

    /** A compact range as the CHECKPOINT resume state stores it: u8 hash count, then the hashes, left to right. */
    public RecordBuilder range(dev.vouch.merkle.CompactRange tree) {
        int n = tree.hashCount();
        u8(n);
        ensure(n * RecordDescriptor.HASH_LENGTH);
        tree.writeHashes(buf, pos);
        pos += n * RecordDescriptor.HASH_LENGTH;
        return this;
    }

    /** Writes the body length; returns the record length. */
    public int finish() {
        BigEndian.putInt(buf, BODY_LENGTH_OFFSET, pos - HEADER_LENGTH);
        return pos;
    }

    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return pos;
    }

    /** Makes room for {@code n} more bytes, so callers may write straight into {@link #buffer()}. */
    public void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
