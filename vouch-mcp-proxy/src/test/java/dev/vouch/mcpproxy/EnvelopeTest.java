package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the proxy reads a JSON-RPC message: kinds, ids, and the exact bytes of each part. */
class EnvelopeTest {
    static Envelope client(String s) {
        return Envelope.fromClient(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void shouldFindTheExactBytesOfIdParamsAndResult() {
        Envelope e = client("{ \"jsonrpc\" : \"2.0\", \"id\" : \"a\\u0062\" ,\"method\":\"tools/call\",\"params\": {\"name\":\"x\","
                + " \"arguments\" : {\"n\": 1.50, \"s\":\"}\\\"]\"} } }");
        assertEquals(Envelope.Kind.REQUEST, e.kind);
        assertEquals("tools/call", e.method);
        assertEquals("\"a\\u0062\"", text(e.idBytes()), "as written");
        assertEquals("s:ab", e.idKey, "as meant");
        assertEquals("ab", e.idText());
        byte[] params = e.paramsBytes();
        assertEquals("{\"name\":\"x\", \"arguments\" : {\"n\": 1.50, \"s\":\"}\\\"]\"} }", text(params));
        assertEquals("{\"n\": 1.50, \"s\":\"}\\\"]\"}", text(Json.member(params, "arguments").copy(params)));

        Envelope r = Envelope.fromServer("{\"result\":{\"content\":[],\"isError\":true},\"jsonrpc\":\"2.0\",\"id\":7}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(Envelope.Kind.RESPONSE, r.kind);
        assertEquals("{\"content\":[],\"isError\":true}", text(r.resultBytes()));
        assertTrue(Json.isTrue(r.resultBytes(), "isError"));
        assertEquals("7", text(r.idBytes()));
    }

    @Test
    void shouldMatchIdsByValueNotSpelling() {
        assertEquals("n:1", client("{\"jsonrpc\":\"2.0\",\"id\":1.0,\"method\":\"ping\"}").idKey);
        assertEquals("n:100", client("{\"jsonrpc\":\"2.0\",\"id\":1e2,\"method\":\"ping\"}").idKey);
        assertEquals("n:0", client("{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"ping\"}").idKey);
        assertEquals("s:7", client("{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"method\":\"ping\"}").idKey, "a string is not a number");
        assertEquals("n:12345678901234567890", client("{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"ping\"}").idKey);
    }

    @Test
    void shouldTellEachKindOfMessage() {
        assertEquals(Envelope.Kind.NOTIFICATION, client("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").kind);
        assertEquals(Envelope.Kind.RESPONSE, client("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}").kind);
        assertEquals(Envelope.Kind.RESPONSE, client("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":1,\"message\":\"m\"}}").kind);
        Envelope batch = client("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} , 5,\"x\"]");
        assertEquals(Envelope.Kind.BATCH, batch.kind);
        assertEquals(3, batch.elements.size());
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", text(batch.elements.get(0)));
        assertEquals("5", text(batch.elements.get(1)));
        assertEquals("\"x\"", text(batch.elements.get(2)));
    }

    @Test
    void shouldRefuseAMessageThatIsNotValidUtf8BeforeReadingIt() {
        // Jackson reads the over-long C0 AE as '.': the policy would judge shell.exec, the server read other bytes.
        byte[] overlong = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"shellXXexec\"}}"
                .getBytes(StandardCharsets.UTF_8);
        int at = new String(overlong, StandardCharsets.UTF_8).indexOf("XX");
        overlong[at] = (byte) 0xC0;
        overlong[at + 1] = (byte) 0xAE;
        Envelope e = Envelope.fromClient(overlong);
        assertEquals(Envelope.Kind.UNPARSEABLE, e.kind);
        assertEquals("the message is not valid UTF-8 (at byte " + at + ")", e.problem);
        assertEquals(Envelope.Kind.REQUEST, client("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\u20ac\ud83d\ude00\"}").kind);
    }

    @Test
    void shouldRefuseWhatIsNotAClientMessageAndSayWhy() {
        assertEquals(Envelope.Kind.UNPARSEABLE, client("").kind);
        assertEquals(Envelope.Kind.UNPARSEABLE, client("{\"jsonrpc\":\"2.0\"").kind);
        assertEquals(Envelope.Kind.UNPARSEABLE, client("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}{}").kind);
        assertEquals(Envelope.Kind.UNPARSEABLE, client("{'jsonrpc':'2.0'}").kind);
        assertEquals(Envelope.Kind.UNPARSEABLE, client("{\"jsonrpc\":\"2.0\",\"id\":NaN,\"method\":\"ping\"}").kind);
        Envelope noVersion = client("{\"id\":4,\"method\":\"ping\"}");
        assertEquals(Envelope.Kind.INVALID, noVersion.kind);
        assertEquals("4", text(noVersion.idBytes()), "the answer can still carry the id");
        assertEquals("\"method\" must be a string", client("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}").problem);
        assertEquals("\"id\" must be a string or a number", client("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}").problem);
        assertEquals("\"id\" must be a string or a number", client("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}").problem);
        assertEquals("\"params\" must be an object or an array", client("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":3}").problem);
        assertEquals(Envelope.Kind.INVALID, client("{\"jsonrpc\":\"2.0\",\"id\":1}").kind);
        assertEquals(Envelope.Kind.INVALID, client("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{}}").kind);
    }

    @Test
    void shouldRefuseADuplicateKeyAnywhereInAClientMessageButKeepItsId() {
        // JavaScript's JSON.parse keeps the last copy: the server would run get-env while the policy judged echo.
        Envelope e = client("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"a\":{\"b\":1,\"b\":2}}}}");
        assertEquals(Envelope.Kind.INVALID, e.kind);
        assertTrue(e.problem.startsWith("duplicate key 'b'"), e.problem);
        assertEquals("9", text(e.idBytes()));
        // Two ids: which one would the answer name? Neither (JSON-RPC's null); an id twice deeper down is no id.
        Envelope twoIds = client("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}");
        assertEquals(Envelope.Kind.INVALID, twoIds.kind);
        assertTrue(twoIds.problem.startsWith("duplicate key 'id'"), twoIds.problem);
        assertNull(twoIds.idBytes());
        Envelope nested = client("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"id\":1,\"id\":2}}}");
        assertEquals(Envelope.Kind.INVALID, nested.kind);
        assertEquals("3", text(nested.idBytes()));
        // In a batch only the element with the key twice is refused, with its id; the others are answered.
        Envelope batch = client("[{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":17,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"m\":\"z\",\"m\":\"y\"}}}]");
        assertEquals(Envelope.Kind.BATCH, batch.kind, () -> String.valueOf(batch.problem));
        assertEquals(2, batch.elements.size());
        assertEquals(Envelope.Kind.REQUEST, Envelope.fromClient(batch.elements.get(0)).kind);
        Envelope bad = Envelope.fromClient(batch.elements.get(1));
        assertEquals(Envelope.Kind.INVALID, bad.kind);
        assertEquals("17", text(bad.idBytes()));
        // From the server, relayed as it is.
        assertEquals(Envelope.Kind.RESPONSE,
                Envelope.fromServer("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"x\":1,\"x\":2}}".getBytes(StandardCharsets.UTF_8)).kind);
    }

    @Test
    void shouldWriteRefusalsAndErrorsWithTheIdAsWritten() {
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"a\\u0062\",\"error\":{\"code\":-32600,\"message\":\"m \\\"q\\\"\"}}",
                text(Replies.error("\"a\\u0062\"".getBytes(StandardCharsets.UTF_8), -32600, "m \"q\"")));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"m\"}}",
                text(Replies.error(null, -32700, "m")));
        assertNull(Json.member("[1]".getBytes(StandardCharsets.UTF_8), "a"));
        byte[] compact = "[1,2]".getBytes(StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertSame(compact, HttpUpstream.oneLine(compact), "nothing to change: the same bytes");
        assertArrayEquals("[1,  2]".getBytes(StandardCharsets.UTF_8),
                HttpUpstream.oneLine("[1,\r\n2]".getBytes(StandardCharsets.UTF_8)), "line ends between tokens become spaces");
    }

    @Test
    void shouldFindTheIdsOfTheResponsesInAMessageTooLargeToHoldWhereverTheyAre() {
        String big = "\"" + "x".repeat(200_000) + "\"";
        assertEquals(List.of("n:7"), responseIds("{\"result\":{\"content\":[{\"text\":" + big + "}]},\"jsonrpc\":\"2.0\",\"id\":7}"),
                "the TypeScript SDK writes the id last");
        assertEquals(List.of("s:a", "n:2"), responseIds("[{\"id\":\"a\",\"error\":{\"code\":1}},{\"id\":2.0,\"result\":" + big + "}]"));
        assertEquals(List.of(), responseIds("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"sampling/createMessage\",\"params\":" + big + "}"),
                "the server's own request: its id is not the client's");
        assertEquals(List.of("n:4"), responseIds("{\"id\":4,\"result\":{\"text\":\"cut off"), "what was read before it broke");
        assertEquals(List.of(), responseIds("not JSON"));
    }

    private static List<String> responseIds(String message) {
        return Json.responseIds(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSayWhatIsWrongWithoutNamingJacksonsSettings() {
        Envelope deep = client("[".repeat(1001) + "]".repeat(1001));
        assertEquals(Envelope.Kind.UNPARSEABLE, deep.kind);
        assertEquals("Document nesting depth (1001) exceeds the maximum allowed (1000)", deep.problem);
        Envelope longNumber = client("{\"jsonrpc\":\"2.0\",\"id\":" + "9".repeat(1001) + ",\"method\":\"ping\"}");
        assertEquals(Envelope.Kind.UNPARSEABLE, longNumber.kind);
        assertFalse(longNumber.problem.contains("`") || longNumber.problem.contains("StreamReadConstraints"), longNumber.problem);
        // A message cut short inside an object, and a number JSON does not have (an outside trial's -32700 answers
        // named the parser's settings).
        Envelope cut = client("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{");
        assertEquals(Envelope.Kind.UNPARSEABLE, cut.kind);
        assertTrue(cut.problem.startsWith("Unexpected end-of-input: expected close marker for Object (start marker at line"
                + " 1, column 56) (at line 1, column "), cut.problem);
        Envelope nan = client("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":NaN}}");
        assertTrue(nan.problem.startsWith("Non-standard token 'NaN' (at line 1, column "), nan.problem);
    }

    /**
     * A parse error never quotes the message's own text beyond a character: an outside privacy trial got an unquoted
     * API key back in the -32700 answer ({@code Unrecognized token 'sk_live_...'}). The position finds the mistake.
     */
    @Test
    void shouldNotQuoteAnUnreadableTokenBack() {
        Envelope bare = client("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"pay\","
                + "\"arguments\":{\"api_key\":sk_live_51HxQkQ2eZvKYlo2C8nQ9R3t}}}");
        assertEquals(Envelope.Kind.UNPARSEABLE, bare.kind);
        assertTrue(bare.problem.startsWith("Unrecognized token: was expecting"), bare.problem);
        assertTrue(bare.problem.endsWith("(at line 1, column 126)"), bare.problem);
        assertFalse(bare.problem.contains("sk_live"), bare.problem);
    }

    @Test
    void shouldRefuseAMessageThatStartsWithAByteOrderMark() {
        // Jackson skips it, the filesystem server dropped the message: an outside trial's call was recorded as
        // allowed and never ran.
        Envelope bom = client("\uFEFF{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}");
        assertEquals(Envelope.Kind.UNPARSEABLE, bom.kind);
        assertTrue(bom.problem.contains("byte order mark"), bom.problem);
        Envelope late = client("  \uFEFF{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"ping\"}");
        assertEquals(Envelope.Kind.UNPARSEABLE, late.kind);
        assertTrue(late.problem.contains("byte order mark"), "after white space too: " + late.problem);
    }

    @Test
    void shouldDescribeUpstreamFailuresInWordsWithoutJavaClassNames() {
        assertEquals("connection refused",
                Failures.describe(new java.net.ConnectException(null).initCause(new java.net.ConnectException("Connection refused"))));
        assertEquals("the connection was refused", Failures.describe(new java.net.ConnectException()));
        assertEquals("the connection was closed", Failures.describe(new java.io.IOException("closed")));
        assertEquals("the connection failed", Failures.describe(new java.io.IOException(new java.nio.channels.ClosedChannelException())));
        assertEquals("its host name could not be resolved",
                Failures.describe(new java.net.ConnectException().initCause(new java.nio.channels.UnresolvedAddressException())));
    }
}
