package dev.vouch.mcpproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines, the MCP stdio framing (one JSON-RPC message per line, ended by {@code \n}), and
 * keeps each line's bytes exactly (a {@code \r} before the {@code \n} stays: it is JSON whitespace). A line longer
 * than the limit is reported as {@link #TOO_LONG} and skipped up to its end, so one huge message costs no more
 * memory than the limit and the stream stays usable; before it is skipped, {@link #tooLongLine()} streams it, for a
 * caller that must know whom it answered. Not thread-safe: one reader thread owns it.
 */
final class LineReader {
    /** What {@link #next()} returns for a line over the limit (its bytes are dropped). */
    static final byte[] TOO_LONG = new byte[0];

    private final InputStream in;
    private final int max;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private byte[] line = new byte[1024];
    private int length;
    /** After {@link #TOO_LONG}: the line's first {@link #length} bytes are in {@link #line}, the rest still unread. */
    private boolean tooLong;
    private int prefixRead;
    private final InputStream rest = new TooLongLine();

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.max = maxLineBytes;
    }

    /**
     * The next line without its {@code \n}; {@link #TOO_LONG} for one over the limit; null at the end of the stream
     * (a last line without {@code \n} is still returned).
     */
    byte[] next() throws IOException {
        if (tooLong) {
            prefixRead = length; // skip what the caller did not read of the line over the limit
            rest.transferTo(OutputStream.nullOutputStream());
        }
        while (true) {
            if (pos == limit && !fill()) {
                return length > 0 ? take() : null;
            }
            int nl = indexOfNewline();
            int end = nl < 0 ? limit : nl;
            if ((long) length + (end - pos) > max) {
                tooLong = true; // pos stays: the rest of the line is read through tooLongLine(), or skipped
                prefixRead = 0;
                return TOO_LONG;
            }
            append(end);
            pos = nl < 0 ? limit : nl + 1;
            if (nl >= 0) {
                return take();
            }
        }
    }

    /**
     * After {@link #next()} returned {@link #TOO_LONG}: that line's bytes, without its {@code \n}, read from the
     * stream as the caller reads them (at most the limit is held). Valid until the next call of {@link #next()}, which
     * skips whatever was not read.
     */
    InputStream tooLongLine() {
        return rest;
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private int indexOfNewline() {
        for (int i = pos; i < limit; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(int end) {
        int n = end - pos;
        if (n == 0) {
            return;
        }
        if (length + n > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(max, Math.max((long) line.length * 2, (long) length + n)));
        }
        System.arraycopy(buf, pos, line, length, n);
        length += n;
    }

    private byte[] take() {
        byte[] out = Arrays.copyOf(line, length);
        clearLine();
        return out;
    }

    private void clearLine() {
        length = 0;
        if (line.length > 64 * 1024) {
            line = new byte[1024]; // do not keep a huge buffer after one huge message
        }
    }

    /** The line over the limit: the part already buffered, then the stream up to the line's end. */
    private final class TooLongLine extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!tooLong) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (prefixRead < length) {
                int n = Math.min(len, length - prefixRead);
                System.arraycopy(line, prefixRead, b, off, n);
                prefixRead += n;
                return n;
            }
            if (pos == limit && !fill()) {
                end();
                return -1;
            }
            int nl = indexOfNewline();
            int end = nl < 0 ? limit : nl;
            if (end == pos) { // at the line's \n
                pos++;
                end();
                return -1;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        private void end() {
            tooLong = false;
            clearLine();
        }
    }
}
