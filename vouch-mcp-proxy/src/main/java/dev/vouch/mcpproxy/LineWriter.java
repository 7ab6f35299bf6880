package dev.vouch.mcpproxy;

import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes whole messages, one per line, to a stream that several threads answer on (the client's side of a stdio
 * connection, or a server's stdin). One lock per stream: a message is never interleaved with another, which is what
 * the original's shared buffers got wrong. After the first failed write the stream counts as gone: later messages are
 * dropped and {@code onBroken} runs once.
 */
final class LineWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LineWriter.class);

    private final OutputStream out;
    private final String peer;
    private final Runnable onBroken;
    private boolean broken;

    LineWriter(OutputStream out, String peer, Runnable onBroken) {
        this.out = out;
        this.peer = peer;
        this.onBroken = onBroken;
    }

    /** Writes {@code message} and a newline, and flushes. Returns false if the stream is gone. */
    boolean write(byte[] message) {
        boolean failedNow;
        synchronized (this) {
            if (broken) {
                return false;
            }
            try {
                out.write(message);
                out.write('\n');
                out.flush();
                return true;
            } catch (IOException e) {
                broken = true;
                failedNow = true;
                LOG.debug("writing to the {} failed: {}", peer, e.toString());
            }
        }
        if (failedNow) {
            onBroken.run();
        }
        return false;
    }

    /** Closes the stream (the peer sees the end of its input); later writes are dropped. */
    void close() {
        synchronized (this) {
            broken = true;
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("closing the {} stream failed: {}", peer, e.toString());
            }
        }
    }
}
