package dev.vouch.mcpproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An in-memory pipe between a test's client and an in-process proxy: what is written to {@link #out} is read from
 * {@link #in}; closing {@link #out} ends {@link #in}. Unbounded, and free of {@code PipedInputStream}'s one-second
 * polls and its "write end dead" failures when a writer thread ends.
 */
final class Pipe {
    private static final byte[] EOF = new byte[0];
    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();

    final OutputStream out = new OutputStream() {
        private volatile boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("pipe closed");
            }
            if (len > 0) {
                chunks.add(Arrays.copyOfRange(b, off, off + len));
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                chunks.add(EOF);
            }
        }
    };

    final InputStream in = new InputStream() {
        private byte[] current;
        private int pos;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (current == null || pos == current.length) {
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
                pos = 0;
                if (current == EOF) {
                    ended = true;
                    return -1;
                }
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            chunks.add(EOF); // wakes a reader blocked here
        }
    };

    /** Closes the writing end: the reader sees the end of the stream. */
    void closeOut() {
        chunks.add(EOF);
    }
}
