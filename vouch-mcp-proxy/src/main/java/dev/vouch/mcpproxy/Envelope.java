package dev.vouch.mcpproxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.vouch.internal.JsonProblem;
import dev.vouch.internal.StrictText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON-RPC message as the proxy reads it: what kind it is, its method and id, and the exact byte ranges of its
 * parts. The proxy routes by this and forwards {@link #bytes} untouched; nothing is re-serialized.
 *
 * <p>Read with one streaming pass and no tree: a large result (a file, an image) costs no more than a scan. A client
 * message is read {@linkplain Json#STRICT strictly}; a server message leniently, as the proxy relays it rather than
 * judges it.
 */
final class Envelope {
    enum Kind {
        /** A call with an id: the other side answers it. */
        REQUEST,
        /** A call without an id: nobody answers. */
        NOTIFICATION,
        /** A result or error answering a request. */
        RESPONSE,
        /** A JSON array of messages. */
        BATCH,
        /** Not JSON: JSON-RPC's parse error (-32700). */
        UNPARSEABLE,
        /** JSON, but not a JSON-RPC 2.0 message: JSON-RPC's invalid request (-32600). */
        INVALID
    }

    static final String JSONRPC = "2.0";

    final byte[] bytes;
    final Kind kind;
    /** For UNPARSEABLE and INVALID: what is wrong, for the error message. */
    final String problem;
    final String method;
    /** The id exactly as written, or null (absent, null, or not a valid id). */
    final Json.Slice id;
    /** What matches a response to its request ({@link Json#idKey}), or null. */
    final String idKey;
    final Json.Slice params;
    final Json.Slice result;
    final Json.Slice error;
    /** For BATCH: each element's exact bytes. */
    final List<byte[]> elements;

    private Envelope(byte[] bytes, Kind kind, String problem, String method, Json.Slice id, String idKey,
            Json.Slice params, Json.Slice result, Json.Slice error, List<byte[]> elements) {
        this.bytes = bytes;
        this.kind = kind;
        this.problem = problem;
        this.method = method;
        this.id = id;
        this.idKey = idKey;
        this.params = params;
        this.result = result;
        this.error = error;
        this.elements = elements;
    }

    /** A message from the client: duplicate keys are refused (see {@link Json#STRICT}). */
    static Envelope fromClient(byte[] bytes) {
        if (StrictText.startsWithByteOrderMark(bytes)) {
            // Jackson skips it; the server may not, and would drop a call the guard had judged and recorded.
            return problem(bytes, Kind.UNPARSEABLE, "the message holds a byte order mark before its JSON value; JSON"
                    + " text has none (RFC 8259)", null, null);
        }
        int invalid = StrictText.firstInvalidUtf8(bytes);
        if (invalid >= 0) {
            // Jackson would decode some of it (over-long forms) into other characters than the server reads.
            return problem(bytes, Kind.UNPARSEABLE, "the message is not valid UTF-8 (at byte " + invalid + ")", null,
                    null);
        }
        return read(bytes, Json.STRICT, true);
    }

    /** A message from the server. */
    static Envelope fromServer(byte[] bytes) {
        return read(bytes, Json.LENIENT, false);
    }

    byte[] idBytes() {
        return id == null ? null : id.copy(bytes);
    }

    byte[] paramsBytes() {
        return params == null ? null : params.copy(bytes);
    }

    boolean hasResult() {
        return result != null;
    }

    byte[] resultBytes() {
        return result == null ? null : result.copy(bytes);
    }

    byte[] errorBytes() {
        return error == null ? null : error.copy(bytes);
    }

    /** The id as a tool-call id: a string id as it is, a number in its plain decimal form. */
    String idText() {
        return idKey == null ? null : idKey.substring(2);
    }

    private static Envelope read(byte[] bytes, JsonFactory factory, boolean strict) {
        try (JsonParser p = factory.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return problem(bytes, Kind.UNPARSEABLE, "no JSON value", null, null);
            }
            Envelope e = first == JsonToken.START_ARRAY ? batch(p, bytes)
                    : first == JsonToken.START_OBJECT ? object(p, bytes, strict)
                    : skipped(p, bytes);
            if (p.nextToken() != null) {
                return problem(bytes, Kind.UNPARSEABLE, "content after the JSON value", null, null);
            }
            return e;
        } catch (JsonParseException e) {
            String why = e.getOriginalMessage();
            if (why != null && why.startsWith("Duplicate field") && factory == Json.STRICT && startsArray(bytes)) {
                // A batch with a key twice in one of its elements: split it as any batch, and each element is read
                // strictly on its own, so only that element is refused, with its id. (A re-trial's batch got one
                // error with id null, and its other requests no answer at all.)
                return read(bytes, Json.LENIENT, strict);
            }
            if (why != null && why.startsWith("Duplicate field")) {
                // Valid JSON, but the server and the policy might read different copies of the field. The answer
                // carries the id if it can be read at all: not when the message has two ids (JSON-RPC: null when
                // the id cannot be told; an outside trial got the last of the two back).
                Envelope lenient = factory == Json.STRICT && !twoIds(e, why) ? read(bytes, Json.LENIENT, true) : null;
                return problem(bytes, Kind.INVALID, why.replace("Duplicate field", "duplicate key")
                        + ": a key may occur once per object", lenient == null ? null : lenient.id,
                        lenient == null ? null : lenient.idKey);
            }
            return problem(bytes, Kind.UNPARSEABLE, JsonProblem.withoutInput(why) + at(e), null, null);
        } catch (JsonProcessingException e) { // a limit (nesting, number length): Jackson's StreamConstraintsException
            return problem(bytes, Kind.UNPARSEABLE, JsonProblem.withoutInput(e.getOriginalMessage()), null, null);
        } catch (IOException e) {
            return problem(bytes, Kind.UNPARSEABLE, JsonProblem.withoutInput(e.getMessage()), null, null);
        }
    }

    /** Where in the message the parser stopped, as the gateway says it, since the message no longer quotes it. */
    private static String at(JsonParseException e) {
        com.fasterxml.jackson.core.JsonLocation l = e.getLocation();
        return l == null ? "" : " (at line " + l.getLineNr() + ", column " + l.getColumnNr() + ")";
    }

    /** Whether the message's JSON value is an array (a batch). */
    private static boolean startsArray(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '[';
            }
        }
        return false;
    }

    /** Whether a duplicate-key error is about the message's own {@code id} (not an {@code id} inside its params). */
    private static boolean twoIds(JsonParseException e, String why) {
        JsonParser p = e.getProcessor();
        if (!why.startsWith("Duplicate field 'id'") || p == null) {
            return false;
        }
        com.fasterxml.jackson.core.JsonStreamContext object = p.getParsingContext();
        return object != null && object.getParent() != null && object.getParent().inRoot();
    }

    private static Envelope skipped(JsonParser p, byte[] bytes) throws IOException {
        p.skipChildren();
        return problem(bytes, Kind.INVALID, "a JSON-RPC message is an object or an array of objects", null, null);
    }

    private static Envelope batch(JsonParser p, byte[] bytes) throws IOException {
        List<byte[]> elements = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            elements.add(Json.value(p, bytes).copy(bytes));
        }
        return new Envelope(bytes, Kind.BATCH, null, null, null, null, null, null, null, List.copyOf(elements));
    }

    private static Envelope object(JsonParser p, byte[] bytes, boolean strict) throws IOException {
        String jsonrpc = null;
        boolean hasJsonrpc = false;
        boolean hasId = false;
        boolean badId = false;
        boolean hasMethod = false;
        String method = null;
        Json.Slice id = null;
        String idKey = null;
        Json.Slice params = null;
        Json.Slice result = null;
        Json.Slice error = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "jsonrpc" -> {
                    hasJsonrpc = true;
                    jsonrpc = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                }
                case "id" -> {
                    hasId = true;
                    idKey = Json.idKey(p);
                    if (idKey != null) {
                        id = Json.value(p, bytes);
                    } else {
                        badId = v != JsonToken.VALUE_NULL;
                        p.skipChildren();
                    }
                }
                case "method" -> {
                    hasMethod = true;
                    method = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                }
                case "params" -> params = Json.value(p, bytes);
                case "result" -> result = Json.value(p, bytes);
                case "error" -> error = Json.value(p, bytes);
                default -> p.skipChildren();
            }
        }
        String problem = null;
        Kind kind;
        if (hasMethod) {
            kind = hasId ? Kind.REQUEST : Kind.NOTIFICATION;
            if (method == null) {
                problem = "\"method\" must be a string";
            } else if (hasId && idKey == null) {
                problem = "\"id\" must be a string or a number";
            } else if (strict && hasId && !Json.exactInJavaScript(idKey)) {
                problem = "\"id\" must be a string or an integer from -(2^53-1) to 2^53-1: MCP's ids are strings or"
                        + " integers, and a server in JavaScript reads a larger number, or a fraction, inexactly, so"
                        + " that its answer could be taken for another request's";
            } else if (result != null || error != null) {
                problem = "a message has either \"method\" or \"result\"/\"error\", not both";
            } else if (params != null && bytes[params.start()] != '{' && bytes[params.start()] != '[') {
                problem = "\"params\" must be an object or an array";
            }
        } else if (result != null || error != null) {
            kind = Kind.RESPONSE;
            if (result != null && error != null) {
                problem = "a response has either \"result\" or \"error\", not both";
            } else if (!hasId || badId || (idKey == null && result != null)) {
                problem = "a response needs the \"id\" of its request";
            }
        } else {
            kind = Kind.INVALID;
            problem = "a JSON-RPC message has a \"method\" (a request or notification) or a \"result\" or \"error\"";
        }
        if (problem == null && strict && (!hasJsonrpc || !JSONRPC.equals(jsonrpc))) {
            problem = "\"jsonrpc\" must be \"2.0\"";
        }
        if (problem != null) {
            return strict ? problem(bytes, Kind.INVALID, problem, id, idKey)
                    // from the server: relayed as it is, the client judges it
                    : new Envelope(bytes, Kind.INVALID, problem, method, id, idKey, params, result, error, null);
        }
        return new Envelope(bytes, kind, null, method, id, idKey, params, result, error, null);
    }

    private static Envelope problem(byte[] bytes, Kind kind, String problem, Json.Slice id, String idKey) {
        return new Envelope(bytes, kind, problem == null ? "unreadable" : problem, null, id, idKey, null, null, null,
                null);
    }

    @Override
    public String toString() {
        return kind + (method == null ? "" : " " + method) + (idKey == null ? "" : " id " + idKey)
                + (problem == null ? "" : " (" + problem + ")") + " "
                + new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
    }
}
