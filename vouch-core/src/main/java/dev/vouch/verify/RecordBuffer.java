package dev.vouch.verify;

import java.util.Arrays;

/** A growable byte array holding one record; reused across records. Not thread-safe. */
public final class RecordBuffer {
    private byte[] data;
    private int length;

    public RecordBuffer(int initialCapacity) {
        data = new byte[initialCapacity];
    }

    /** Makes room for a record of {@code n} bytes and returns the array to fill from index 0. */
    public byte[] ensureCapacity(int n) {
        if (n > data.length) {
            data = Arrays.copyOf(data, Math.max(n, data.length * 2));
        }
        return data;
    }

    public void length(int length) {
        this.length = length;
    }

    public byte[] data() {
        return data;
    }

    public int length() {
        return length;
    }
}
