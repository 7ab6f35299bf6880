package dev.vouch.mcpproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} (the HTML Living Standard's server-sent events) into events, as the Streamable
 * HTTP transport sends JSON-RPC messages: one message per event's {@code data}. Lines end with CRLF, LF or CR; an
 * event ends at a blank line; {@code data} lines are joined, {@code id} is kept for resuming, comments and other
 * fields are skipped. Events with empty data (the priming event servers send to enable resumption) are skipped; an
 * event whose data is over the limit is dropped and counted ({@link #dropped()}), so the caller can say so.
 *
 * <p>Where the standard joins several {@code data} lines of one event with a line feed, this reader joins them with a
 * space: the event is relayed as one line of the stdio transport, and between JSON tokens both are whitespace.
 */
final class SseReader {
    /** One event: its {@code id} (null if none) and its data, exactly as sent (lines joined by a space). */
    record Event(String id, byte[] data) {
    }

    private final InputStream in;
    private final int maxDataBytes;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;
    private boolean skipLf;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final ByteArrayOutputStream data = new ByteArrayOutputStream(1024);
    private boolean hasData;
    private boolean tooLarge;
    private String eventType;
    private String lastId;
    private int dropped;

    SseReader(InputStream in, int maxDataBytes) {
        this.in = in;
        this.maxDataBytes = maxDataBytes;
    }

    /** The last event id the stream sent (for {@code Last-Event-ID}), or null. */
    String lastEventId() {
        return lastId;
    }

    /** How many events were dropped so far for data over the limit. */
    int dropped() {
        return dropped;
    }

    /** The next event with data, or null at the end of the stream. */
    Event next() throws IOException {
        while (readLine()) {
            if (line.size() == 0) {
                Event e = dispatch();
                if (e != null) {
                    return e;
                }
            } else {
                field(line.toByteArray());
            }
        }
        return null;
    }

    private Event dispatch() {
        boolean deliver = hasData && !tooLarge && data.size() > 0 && (eventType == null || eventType.equals("message"));
        Event e = deliver ? new Event(lastId, data.toByteArray()) : null;
        if (hasData && tooLarge) {
            dropped++;
        }
        data.reset();
        hasData = false;
        tooLarge = false;
        eventType = null;
        return e;
    }

    private void field(byte[] l) {
        if (l[0] == ':') {
            return; // a comment (keep-alive)
        }
        int colon = indexOf(l, (byte) ':');
        String name = new String(l, 0, colon < 0 ? l.length : colon, StandardCharsets.UTF_8);
        int from = colon < 0 ? l.length : colon + 1;
        if (from < l.length && l[from] == ' ') {
            from++;
        }
        switch (name) {
            case "data" -> {
                if (hasData) {
                    data.write(' ');
                }
                hasData = true;
                if (data.size() + (l.length - from) > maxDataBytes) {
                    tooLarge = true;
                    data.reset();
                } else if (!tooLarge) {
                    data.write(l, from, l.length - from);
                }
            }
            case "event" -> eventType = new String(l, from, l.length - from, StandardCharsets.UTF_8);
            case "id" -> {
                String id = new String(l, from, l.length - from, StandardCharsets.UTF_8);
                if (id.indexOf('\0') < 0) {
                    lastId = id;
                }
            }
            default -> {
                // retry and unknown fields: nothing to do
            }
        }
    }

    /** Reads one line into {@link #line}; false at the end of the stream with nothing read. */
    private boolean readLine() throws IOException {
        line.reset();
        boolean any = false;
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return any;
                }
                pos = 0;
                limit = n;
            }
            byte b = buf[pos++];
            if (skipLf) {
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n') {
                return true;
            }
            if (b == '\r') {
                skipLf = true;
                return true;
            }
            any = true;
            if (line.size() <= maxDataBytes) {
                line.write(b);
            } else {
                tooLarge = true; // the event this line belongs to is dropped whole
            }
        }
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
