package dev.vouch.mcpproxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines, the MCP stdio framing (one JSON-RPC message per line, ended by {@code \n}), and
 * keeps each line's bytes exactly (a {@code \r} before the {@code \n} stays: it is JSON whitespace). A line longer
 * than the limit is skipped up to its end and reported as {@link #TOO_LONG}, so one huge message costs no more
 * memory than the limit and the stream stays usable. Not thread-safe: one reader thread owns it.
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
    private boolean skipping;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.max = maxLineBytes;
    }

    /**
     * The next line without its {@code \n}; {@link #TOO_LONG} for one over the limit; null at the end of the stream
     * (a last line without {@code \n} is still returned).
     */
    byte[] next() throws IOException {
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return finalLine();
                }
                pos = 0;
                limit = n;
                continue;
            }
            int nl = indexOfNewline();
            int end = nl < 0 ? limit : nl;
            append(end);
            pos = nl < 0 ? limit : nl + 1;
            if (nl >= 0) {
                return take();
            }
        }
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
        if (skipping || n == 0) {
            return;
        }
        if ((long) length + n > max) {
            skipping = true;
            length = 0;
            line = new byte[1024];
            return;
        }
        if (length + n > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(max, Math.max((long) line.length * 2, (long) length + n)));
        }
        System.arraycopy(buf, pos, line, length, n);
        length += n;
    }

    private byte[] take() {
        if (skipping) {
            skipping = false;
            return TOO_LONG;
        }
        byte[] out = Arrays.copyOf(line, length);
        length = 0;
        if (line.length > 64 * 1024) {
            line = new byte[1024]; // do not keep a huge buffer after one huge message
        }
        return out;
    }

    private byte[] finalLine() {
        if (skipping || length > 0) {
            return take();
        }
        return null;
    }
}
