package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two framings the proxy reads: stdio lines ({@link LineReader}) and server-sent events ({@link SseReader}). */
class StreamFramingTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Hands out at most {@code chunk} bytes per read, to cross every buffer boundary. */
    static InputStream trickle(String s, int chunk) {
        return new ByteArrayInputStream(b(s)) {
            @Override
            public synchronized int read(byte[] buf, int off, int len) {
                return super.read(buf, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void shouldSplitLinesKeepingTheirBytesAndSkipAnOverlongOne() throws IOException {
        String big = "x".repeat(5000);
        LineReader r = new LineReader(trickle("{\"a\":1}\r\n\n" + big + "\nnext\nlast without newline", 7), 4096);
        assertArrayEquals(b("{\"a\":1}\r"), r.next(), "a CR is whitespace in JSON: kept");
        assertArrayEquals(b(""), r.next());
        assertSame(LineReader.TOO_LONG, r.next());
        assertArrayEquals(b("next"), r.next(), "the stream goes on after an overlong line");
        assertArrayEquals(b("last without newline"), r.next());
        assertNull(r.next());
    }

    @Test
    void shouldStreamALineOverTheLimitOnceAndSkipWhatWasNotRead() throws IOException {
        String big = "{\"result\":\"" + "y".repeat(10_000) + "\",\"id\":1}";
        LineReader r = new LineReader(trickle(big + "\r\n" + "z".repeat(6000) + "\nnext\n", 7), 4096);
        assertSame(LineReader.TOO_LONG, r.next());
        assertArrayEquals(b(big + "\r"), r.tooLongLine().readAllBytes(), "all of it, up to its newline");
        assertSame(LineReader.TOO_LONG, r.next());
        assertEquals('z', r.tooLongLine().read(), "read in part...");
        assertArrayEquals(b("next"), r.next(), "...and the rest skipped");
        assertEquals(-1, r.tooLongLine().read());
        assertNull(r.next());
    }

    @Test
    void shouldCountTheEventsDroppedForTheirSize() throws IOException {
        SseReader r = new SseReader(trickle("data: " + "x".repeat(100) + "\n\ndata: ok\n\n", 5), 50);
        assertArrayEquals(b("ok"), r.next().data());
        assertEquals(1, r.dropped());
    }

    @Test
    void shouldReadEventsWhateverTheLineEnds() throws IOException {
        String stream = ": keep-alive\r\n"
                + "id: prime\ndata: \n\n"                                       // priming event: no data, skipped
                + "event: message\r\nid: 1\r\ndata: {\"a\":\r\ndata:1}\r\n\r\n"  // two data lines
                + "id: 2\rdata:{\"b\":2}\r\r"                                    // CR line ends
                + "event: other\ndata: {\"c\":3}\n\n"                             // not a message event
                + "data: {\"d\":4}\n\n"
                + "data: {\"unterminated\":5}";                                   // no blank line: never dispatched
        for (int chunk : new int[] {1, 3, 1 << 16}) {
            SseReader r = new SseReader(trickle(stream, chunk), 1 << 20);
            List<String> got = new ArrayList<>();
            for (SseReader.Event e; (e = r.next()) != null; ) {
                got.add(e.id() + " " + new String(e.data(), StandardCharsets.UTF_8));
            }
            assertEquals(List.of("1 {\"a\": 1}", "2 {\"b\":2}", "2 {\"d\":4}"), got, "chunk " + chunk);
            assertEquals("2", r.lastEventId());
        }
    }

    @Test
    void shouldDropAnEventOverTheLimitAndGoOn() throws IOException {
        SseReader r = new SseReader(trickle("data: " + "x".repeat(100) + "\n\ndata: ok\n\n", 5), 50);
        assertArrayEquals(b("ok"), r.next().data());
        assertNull(r.next());
    }
}
