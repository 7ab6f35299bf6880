package dev.vouch.ledger.internal;

import java.util.Arrays;

/**
 * The control records the chain stage writes after a slot's event, kept back to back until the journal stage
 * appends them. Starts small and grows only if a record is bigger than any before, then is reused.
 */
final class ControlRecords {
    private byte[] bytes = new byte[512];
    private int[] ends = new int[4];
    private int count;
    private int used;

    void clear() {
        count = 0;
        used = 0;
    }

    void add(byte[] record, int length) {
        if (used + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + length));
        }
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
        }
        System.arraycopy(record, 0, bytes, used, length);
        used += length;
        ends[count++] = used;
    }

    int count() {
        return count;
    }

    byte[] bytes() {
        return bytes;
    }

    int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    int end(int i) {
        return ends[i];
    }
}
