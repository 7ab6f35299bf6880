package dev.vouch.mcpproxy;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * The answer to a client's batch: the proxy sends a batch's messages to the server one by one (MCP servers since
 * protocol 2025-06-18 take no batches; each call is judged on its own) and gathers the answers into one JSON array,
 * in the order of the batch, once every request has its answer. Answers that will not come (a cancelled request) are
 * left out; a batch of notifications only gets no answer at all. Thread-safe.
 */
final class BatchReply {
    private static final byte[] NONE = new byte[0];

    private final byte[][] slots;
    private final Consumer<byte[]> client;
    private int open;

    BatchReply(int requests, Consumer<byte[]> client) {
        this.slots = new byte[requests][];
        this.open = requests;
        this.client = client;
    }

    /** The reply of the batch's {@code index}-th request. */
    Reply slot(int index) {
        return new Reply() {
            @Override
            public void send(byte[] message) {
                fill(index, message);
            }

            @Override
            public void none() {
                fill(index, NONE);
            }
        };
    }

    private void fill(int index, byte[] message) {
        byte[] array;
        synchronized (this) {
            if (slots[index] != null) {
                return;
            }
            slots[index] = message;
            if (--open > 0) {
                return;
            }
            array = join();
        }
        if (array != null) {
            client.accept(array);
        }
    }

    private byte[] join() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        boolean first = true;
        for (byte[] s : slots) {
            if (s != NONE) {
                if (!first) {
                    out.write(',');
                }
                out.writeBytes(s);
                first = false;
            }
        }
        out.write(']');
        return first ? null : out.toByteArray();
    }
}
