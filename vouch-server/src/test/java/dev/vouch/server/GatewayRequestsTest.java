package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.guard.TestJournal;
import dev.vouch.internal.format.RecordType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway does with requests it must refuse: no or a wrong token, the wrong role or agent, bodies that are
 * malformed, unknown, duplicated or too large, unknown endpoints and methods. Every answer is a JSON error without a
 * stack trace; refused tokens are on record; nothing else is recorded for them.
 */
class GatewayRequestsTest {
    @TempDir
    Path tmp;

    private static final String CALL = "{\"tool\":\"fs.read\",\"params\":{\"path\":\"/x\"}}";

    @Test
    void shouldRefuseRequestsWithoutAValidTokenAndPutThemOnRecord() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply none = f.http.post("/v1/calls", null, CALL);
            Http.Reply wrong = f.http.post("/v1/calls", "vouch_not-a-token", CALL);
            Http.Reply basic = f.http.send(HttpRequest.newBuilder(f.gateway.uri().resolve("/v1/calls"))
                    .header("Authorization", "Basic YWxpY2U6c2VjcmV0").POST(HttpRequest.BodyPublishers.ofString(CALL)));
            Http.Reply unknownPath = f.http.get("/v1/nothing", null);
            // Authenticated before anything else is told (an outside trial's got 405 with Allow: POST, and 404 for /).
            List<Http.Reply> beforeAnythingElse = new java.util.ArrayList<>(List.of(f.http.get("/v1/calls", null),
                    f.http.get("/", null)));
            for (String m : List.of("DELETE /v1/approvals/5", "OPTIONS /v1/calls", "TRACE /v1/calls")) {
                String[] mp = m.split(" ");
                beforeAnythingElse.add(f.http.send(HttpRequest.newBuilder(f.gateway.uri().resolve(mp[1]))
                        .method(mp[0], HttpRequest.BodyPublishers.noBody())));
            }

            List<Http.Reply> all = new java.util.ArrayList<>(List.of(none, wrong, basic, unknownPath));
            all.addAll(beforeAnythingElse);
            for (Http.Reply r : all) {
                assertEquals(401, r.status(), r::toString);
                assertEquals("unauthenticated", r.errorCode());
                assertEquals("Bearer realm=\"vouch\"", r.raw().headers().firstValue("WWW-Authenticate").orElse(""));
                assertJsonOnly(r);
            }
            assertEquals(0, f.journal.ofType(RecordType.TOOL_CALL).size(), "no call was recorded");
            List<TestJournal.Rec> notes = refusals(f);
            assertEquals(all.size(), notes.size(), notes::toString);
            String metrics = f.admin().get("/metrics", null).body();
            assertTrue(metrics.contains("vouch_gateway_auth_refused_total{status=\"401\"} " + all.size() + ".0"), metrics);
            assertEquals("vouch-gateway", notes.get(0).agent());
            Map<?, ?> first = (Map<?, ?>) Json.parse(notes.get(0).params());
            assertEquals(401L, first.get("status"));
            assertEquals("/v1/calls", first.get("path"));
            assertEquals("127.0.0.1", first.get("remote"));
            assertFalse(notes.get(1).params().contains("not-a-token"), "a presented token is never recorded");
        }
    }

    /** An outside trial's Expect: 100-continue got 100 Continue before the 401, and uploaded 1 MiB for nothing. */
    @Test
    void shouldRefuseARequestExpecting100ContinueWithoutAskingForItsBody() throws Exception {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            String head = "POST /v1/calls HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + CALL.length() + "\r\nExpect: 100-continue\r\n";

            String refused = raw(f.gateway.uri(), head + "\r\n");
            String allowed = raw(f.gateway.uri(), head + "Authorization: Bearer " + f.agentToken + "\r\n\r\n");

            assertTrue(refused.startsWith("HTTP/1.1 401 "), refused);
            assertFalse(refused.contains("100 Continue"), refused);
            assertTrue(allowed.startsWith("HTTP/1.1 100 Continue"), "with a token, the body is asked for: " + allowed);
            assertEquals(1, refusals(f).size(), "the refusal is on record as any other");
        }
    }

    @Test
    void shouldCountTheRefusalsLeftOutOfTheJournalWhenTheGatewayStops() {
        // An outside trial: 200 refusals in a burst, then a stop. The meter counted 200, the journal held 20 notes
        // and nothing of the other 180, whose count only a later refusal would have carried.
        GatewayFixture f = new GatewayFixture(tmp);
        try {
            for (int i = 0; i < 60; i++) {
                f.http.post("/v1/calls", "vouch_not-a-token", CALL);
            }
            f.gateway.close();
            List<TestJournal.Rec> notes = refusals(f);
            long suppressed = 0;
            for (TestJournal.Rec n : notes) {
                Object s = ((Map<?, ?>) Json.parse(n.params())).get("suppressed");
                suppressed += s == null ? 0 : (Long) s;
            }
            long oneByOne = notes.stream().filter(n -> n.params().contains("\"status\"")).count();
            assertEquals(60, oneByOne + suppressed, notes::toString);
        } finally {
            f.close();
        }
    }

    @Test
    void shouldRefuseTheWrongRoleAndAnotherAgentsNameAndPutThemOnRecord() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply operatorSubmits = f.http.post("/v1/calls", f.operatorToken, CALL);
            Http.Reply agentApproves = f.http.post("/v1/approvals/3", f.agentToken, "{\"decision\":\"approve\"}");
            Http.Reply agentLists = f.http.get("/v1/approvals", f.agentToken);
            Http.Reply agentRekeys = f.http.post("/v1/admin/rekey", f.agentToken, "{}");
            Http.Reply impostor = f.submit("{\"agent\":\"other-bot\",\"tool\":\"fs.read\"}");
            long seq = f.submit(CALL).seq();
            Http.Reply othersReport = f.http.post("/v1/calls/" + seq + "/result", f.otherToken, "{\"result\":1}");

            for (Http.Reply r : List.of(operatorSubmits, agentApproves, agentLists, agentRekeys)) {
                assertEquals(403, r.status(), r::toString);
                assertEquals("forbidden", r.errorCode());
                assertJsonOnly(r);
            }
            assertEquals(403, impostor.status(), impostor::toString);
            assertEquals("agent_mismatch", impostor.errorCode());
            assertEquals(404, othersReport.status(), "another agent's call is not found: " + othersReport);
            List<TestJournal.Rec> notes = refusals(f);
            assertEquals(5, notes.size(), notes::toString);
            assertTrue(notes.get(1).params().contains("\"token_holder\":\"refund-bot\""), notes.get(1)::toString);
            f.report(seq, "{\"result\":1}");
            assertEquals(1, f.journal.ofType(RecordType.TOOL_CALL).size());
        }
    }

    @Test
    void shouldAnswerBadBodiesWith400AndAMessageNeverAStackTrace() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Map<String, String> cases = Map.ofEntries(
                    Map.entry("{\"tool\":\"fs.read\",", "malformed JSON at line 1"),
                    Map.entry("[1,2]", "not a JSON object"),
                    Map.entry("{\"tool\":\"fs.read\",\"tool\":\"fs.delete\"}", "Duplicate field 'tool'"),
                    Map.entry("{\"tool\":\"fs.read\",\"tol\":1}", "unknown member \"tol\""),
                    Map.entry("{\"params\":{}}", "\"tool\" is required"),
                    Map.entry("{\"tool\":\"fs.read\",\"params\":[1]}", "\"params\" must be a JSON object"),
                    Map.entry("{\"tool\":\"fs.read\"} {}", "text after the JSON object"),
                    Map.entry("{\"tool\":\"fs.read\",\"trace_id\":\"xyz\",\"span_id\":\"00f067aa0ba902b7\"}",
                            "trace id"),
                    Map.entry("{\"tool\":\"fs.read\",\"wait_ms\":-5}", "wait_ms"),
                    Map.entry("", "no body"),
                    // Past the JSON parser's own limits, which Jackson reports without a position.
                    Map.entry("{\"tool\":\"fs.read\",\"params\":{\"a\":" + "[".repeat(1200) + "]".repeat(1200) + "}}",
                            "nesting depth (1001) exceeds the maximum allowed (1000)"),
                    Map.entry("{\"tool\":\"fs.read\",\"params\":{\"n\":" + "7".repeat(1200) + "}}",
                            "Number value length"),
                    Map.entry("{\"tool\":\"fs.read\",\"params\":{\"" + "k".repeat(60_000) + "\":1}}",
                            "Name length"),
                    // Jackson names its settings in these (an outside trial read them in the answers).
                    Map.entry("{\"tool\": \"fs.read\", \"params\": {", "(start marker at line 1, column 31)"),
                    Map.entry("{\"tool\":\"fs.read\",\"params\":{\"a\":NaN}}", "Non-standard token 'NaN'"),
                    Map.entry("{\"tool\":\"fs.read\",\"params\":{\"a\":+1}}", "plus signs"),
                    Map.entry("{\"tool\":\"fs.read\",\"params\":{\"a\":[1}}",
                            "expected ']' (for Array starting at line 1, column 33)"),
                    Map.entry("{\"tool\":\"fs.read\" // a comment\n}", "maybe a (non-standard) comment?"),
                    // Never the parameters (an outside privacy trial got an unquoted API key back): the position only.
                    Map.entry("{\"tool\":\"fs.read\",\"params\":{\"api_key\":sk_live_51HxQkQ2eZvKYlo2C8nQ9R3t}}",
                            "malformed JSON at line 1, column 72: Unrecognized token: was expecting"));
            for (Map.Entry<String, String> c : cases.entrySet()) {
                Http.Reply r = f.submit(c.getKey());
                String what = Texts.clip(c.getKey()) + " -> " + r;
                assertEquals(400, r.status(), what);
                assertEquals("bad_request", r.errorCode());
                assertTrue(r.errorMessage().contains(c.getValue()), what);
                for (String internal : List.of("StreamReadConstraints", "`", "[Source", "Feature", "enable")) {
                    assertFalse(r.errorMessage().contains(internal), what);
                }
                assertJsonOnly(r);
            }
            Http.Reply report = f.report(f.submit(CALL).seq(), "{\"result\":1,\"error\":2}");
            assertEquals(400, report.status(), report::toString);
            assertEquals(1, f.journal.ofType(RecordType.TOOL_CALL).size(), "only the valid call was recorded");
            f.gateway.close();
        }
    }

    @Test
    void shouldKeepAnsweringWhileMoreClientsThanThreadsSendHalfABody() throws IOException {
        // An outside trial froze the gateway (default 64 threads) with ~60 connections, no token needed, each
        // sending headers and half a body: every one held a request thread in a blocking read for the idle timeout.
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.threads(6))) {
            List<Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 24; i++) {
                    Socket s = new Socket(f.gateway.uri().getHost(), f.gateway.uri().getPort());
                    stalled.add(s);
                    String token = i % 2 == 0 ? "" : "Authorization: Bearer " + f.agentToken + "\r\n";
                    s.getOutputStream().write(("POST /v1/calls HTTP/1.1\r\nHost: x\r\n" + token
                            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"tool\":")
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                }
                long start = System.nanoTime();
                Http.Reply r = f.submit(CALL);
                Http.Reply approvals = f.http.get("/v1/approvals", f.operatorToken);
                long millis = (System.nanoTime() - start) / 1_000_000;

                assertEquals(200, r.status(), r::toString);
                assertEquals(200, approvals.status(), approvals::toString);
                assertTrue(millis < 10_000, "answered in " + millis + " ms");
                f.report(r.seq(), "{\"result\":1}");
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
            assertEquals(1, f.journal.ofType(RecordType.TOOL_CALL).size(), "only the complete request was recorded");
        }
    }

    @Test
    void shouldRefuseBodiesThatAreNotValidUtf8AndNamesUtf8CannotHold() {
        // An outside trial: Jackson read the over-long C1 A1 as "a", so the policy judged "amount" while the journal
        // kept other bytes and the operator saw mojibake; JSON escapes of lone surrogates were recorded as "?".
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            byte[][] invalid = {
                bytes("{\"tool\":\"payments.refund\",\"params\":{\"", 0xC1, 0xA1, "mount\":900}}"),
                bytes("{\"tool\":\"shell", 0xC0, 0xAE, "exec\"}"),
                bytes("{\"tool\":\"fs.read\",\"params\":{\"a\":\"", 0xED, 0xA0, 0x80, "\"}}"),
                bytes("{\"tool\":\"fs.read\",\"params\":{\"a\":\"", 0xF4, 0x90, 0x80, 0x80, "\"}}"),
                bytes(0xEF, 0xBB, 0xBF, "{\"tool\":\"fs.read\"}"),
            };
            for (byte[] body : invalid) {
                Http.Reply r = f.http.send(HttpRequest.newBuilder(f.gateway.uri().resolve("/v1/calls"))
                        .header("Authorization", "Bearer " + f.agentToken)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                assertEquals(400, r.status(), r::toString);
                assertTrue(r.errorMessage().startsWith("the body is not valid UTF-8 (at byte ")
                        || r.errorMessage().contains("byte order mark"), r::toString);
            }
            for (String member : List.of("\"tool\":\"a\\ud800b\"", "\"tool\":\"fs.read\",\"task\":\"t\\udc00\"",
                    "\"tool\":\"fs.read\",\"call_id\":\"id\\udfff\"")) {
                Http.Reply r = f.submit("{" + member + "}");
                assertEquals(400, r.status(), r::toString);
                assertTrue(r.errorMessage().contains("holds the unpaired surrogate \\u"), r::toString);
            }
            Http.Reply paired = f.submit("{\"tool\":\"fs.read\",\"call_id\":\"ok-\\ud83d\\ude00\",\"params\":"
                    + "{\"s\":\"\\ud800 kept as sent\"}}");
            assertEquals(200, paired.status(), paired::toString);
            f.report(paired.seq(), "{\"result\":1}");
            assertEquals(1, f.journal.ofType(RecordType.TOOL_CALL).size(), "only the valid call was recorded");
        }
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    @Test
    void shouldRefuseOversizeBodiesWith413DeclaredOrStreamed() throws IOException {
        try (GatewayFixture f = new GatewayFixture(tmp, b -> b.maxBodyBytes(4096))) {
            String big = "{\"tool\":\"fs.read\",\"params\":{\"blob\":\"" + "x".repeat(5000) + "\"}}";

            Http.Reply declared = f.submit(big);
            String chunked = raw(f.gateway.uri(), "POST /v1/calls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + f.agentToken + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n");

            assertEquals(413, declared.status(), declared::toString);
            assertEquals("payload_too_large", declared.errorCode());
            assertTrue(chunked.startsWith("HTTP/1.1 413"), chunked);
            assertTrue(chunked.contains("\"code\":\"payload_too_large\""), chunked);
            assertEquals(0, f.journal.ofType(RecordType.TOOL_CALL).size());
        }
    }

    /** An outside trial's ?wait_ms=1&wait_ms=2 and ?foo=1 were accepted silently; "wait_ms":1e30 was "not whole". */
    @Test
    void shouldRefuseUnknownAndRepeatedQueryParametersAndSayWhenANumberIsOutOfRange() {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            long seq = f.submit(CALL).seq();
            Http.Reply twice = f.http.get("/v1/calls/" + seq + "?wait_ms=1&wait_ms=2", f.agentToken);
            Http.Reply unknown = f.http.get("/v1/calls/" + seq + "?foo=1", f.agentToken);
            Http.Reply onSubmit = f.http.post("/v1/calls?wait_ms=5", f.agentToken, CALL);
            Http.Reply huge = f.http.get("/v1/calls/" + seq + "?wait_ms=99999999999999999999", f.agentToken);
            Http.Reply ok = f.http.get("/v1/calls/" + seq + "?wait_ms=1", f.agentToken);
            Http.Reply e30 = f.submit("{\"tool\":\"fs.read\",\"wait_ms\":1e30}");
            Http.Reply fraction = f.submit("{\"tool\":\"fs.read\",\"wait_ms\":1.5}");

            assertEquals(400, twice.status(), twice::toString);
            assertEquals("query parameter \"wait_ms\" is given 2 times; give it once", twice.errorMessage());
            assertEquals("unknown query parameter \"foo\"; this endpoint takes wait_ms", unknown.errorMessage());
            assertEquals("unknown query parameter \"wait_ms\"; this endpoint takes none", onSubmit.errorMessage());
            assertEquals("wait_ms must be from 0 to 9223372036854775807 milliseconds, was 99999999999999999999",
                    huge.errorMessage());
            assertEquals(200, ok.status(), ok::toString);
            assertEquals("\"wait_ms\" must be from 0 to 9223372036854775807, was 1e30", e30.errorMessage());
            assertEquals("\"wait_ms\" must be a whole number, written without a fraction or exponent",
                    fraction.errorMessage());
            assertEquals(1, f.journal.ofType(RecordType.TOOL_CALL).size(), "only the first call was recorded");
        }
    }

    @Test
    void shouldAnswerUnknownEndpointsWrongMethodsAndBrokenHttpWithJsonErrors() throws IOException {
        try (GatewayFixture f = new GatewayFixture(tmp)) {
            Http.Reply unknown = f.http.get("/v1/everything", f.agentToken);
            Http.Reply root = f.http.get("/", f.agentToken);
            Http.Reply method = f.http.get("/v1/calls", f.agentToken);
            Http.Reply badSeq = f.http.get("/v1/calls/abc", f.agentToken);
            String broken = raw(f.gateway.uri(), "GARBAGE\r\n\r\n");
            String noVersion = raw(f.gateway.uri(), "GET /v1/calls\r\n\r\n");
            String http2 = raw(f.gateway.uri(), "GET /v1/calls/1 HTTP/2.0\r\nHost: x\r\n\r\n");
            String hugeHeader = raw(f.gateway.uri(), "GET /v1/calls HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + "y".repeat(20_000) + "\r\n\r\n");
            String twoTokens = raw(f.gateway.uri(), "POST /v1/calls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + f.agentToken + "\r\nAuthorization: Bearer vouch_other\r\nContent-Length: " + CALL.length()
                    + "\r\nConnection: close\r\n\r\n" + CALL);

            assertEquals(404, unknown.status(), unknown::toString);
            assertEquals(404, root.status(), root::toString);
            assertEquals(405, method.status(), method::toString);
            assertEquals("POST", method.raw().headers().firstValue("Allow").orElse(""));
            assertEquals(400, badSeq.status(), badSeq::toString);
            for (String other : List.of("+0", "00", "-0", "0x1", " 1")) { // one spelling per call
                Http.Reply r = f.http.get("/v1/calls/" + other.replace(" ", "%20"), f.agentToken);
                assertEquals(400, r.status(), other + ": " + r);
            }
            for (Http.Reply r : List.of(unknown, root, method, badSeq)) {
                assertJsonOnly(r);
            }
            assertTrue(broken.startsWith("HTTP/1.1 400"), broken);
            assertTrue(broken.contains("application/json"), broken);
            assertTrue(broken.contains("\"error\":{\"code\":\"bad_request\""), broken);
            assertFalse(noVersion.contains("\"internal\""), noVersion);
            assertTrue(http2.startsWith("HTTP/1.1 426") && http2.contains("\"code\":\"upgrade_required\""), http2);
            assertTrue(hugeHeader.startsWith("HTTP/1.1 431"), hugeHeader);
            assertTrue(hugeHeader.contains("\"message\":\"Request Header Fields Too Large\"}"), hugeHeader);
            assertTrue(twoTokens.startsWith("HTTP/1.1 400"), twoTokens);
            assertTrue(twoTokens.contains("more than one Authorization header"), twoTokens);
            assertEquals(0, f.journal.ofType(RecordType.TOOL_CALL).size(), "nothing was recorded");
        }
    }

    /** An error answer: JSON, one error object, nothing that looks like a stack trace. */
    static void assertJsonOnly(Http.Reply r) {
        assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElse(""), r::toString);
        assertEquals(1, r.json().size(), r::toString);
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat ") || r.body().contains(".java:"),
                r::toString);
    }

    static List<TestJournal.Rec> refusals(GatewayFixture f) {
        return f.journal.ofType(RecordType.NOTE).stream().filter(n -> n.name().equals(AuthRefusals.NOTE)).toList();
    }

    /** Sends raw bytes and returns everything the server answers before it closes or goes quiet. */
    static String raw(URI uri, String request) throws IOException {
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // the answer is in
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
