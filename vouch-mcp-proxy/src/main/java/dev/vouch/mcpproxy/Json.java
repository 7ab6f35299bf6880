package dev.vouch.mcpproxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the proxy reads JSON: streaming, to find the exact byte range of a value (the proxy forwards and records the
 * bytes it was given, never a re-serialized copy), and with the same parser settings everywhere.
 *
 * <p>Two factories. {@link #STRICT} reads what the client sends: a key twice in one object is refused, because the
 * server (JavaScript's {@code JSON.parse}, the last copy wins) and the policy must see the same tool and arguments;
 * otherwise a message with two {@code "name"}s could be judged as one tool and run as another. {@link #LENIENT}
 * reads what the server sends, which the proxy relays rather than judges. Strings may be as long as a message
 * (a base64 image in a result), nesting is Jackson's default of 1,000.
 */
final class Json {
    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE).build();
    static final JsonFactory STRICT = JsonFactory.builder().streamReadConstraints(CONSTRAINTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    static final JsonFactory LENIENT = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    /** Trees, for the few messages the proxy changes (tools/list) or compares (pending-mode arguments). */
    static final ObjectMapper MAPPER = new ObjectMapper(LENIENT);

    /** The bytes {@code [start, end)} of one JSON value inside a message. */
    record Slice(int start, int end) {
        byte[] copy(byte[] of) {
            return Arrays.copyOfRange(of, start, end);
        }
    }

    private Json() {
    }

    /** The exact bytes of the value whose first token {@code p} is at; leaves {@code p} on its last token. */
    static Slice value(JsonParser p, byte[] source) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return new Slice(start, (int) p.currentLocation().getByteOffset());
        }
        return new Slice(start, scalarEnd(source, start));
    }

    /**
     * Where the scalar starting at {@code start} ends. The parser has already read and checked it, so a scan is
     * enough: a string ends at its closing quote, anything else at the first byte that cannot be part of a number
     * or a literal.
     */
    private static int scalarEnd(byte[] s, int start) {
        int i = start;
        if (s[i] == '"') {
            i++;
            while (s[i] != '"') {
                i += s[i] == '\\' ? 2 : 1;
            }
            return i + 1;
        }
        while (i < s.length && (Character.isLetterOrDigit(s[i]) || s[i] == '-' || s[i] == '+' || s[i] == '.')) {
            i++;
        }
        return i;
    }

    /**
     * The value of the top-level member {@code name} of a JSON object, or null if absent (or the document is not an
     * object).
     */
    static Slice member(byte[] object, String name) {
        try (JsonParser p = LENIENT.createParser(object)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean match = name.equals(p.currentName());
                p.nextToken();
                if (match) {
                    return value(p, object);
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the top-level member {@code name} of a JSON object is {@code true}. */
    static boolean isTrue(byte[] object, String name) {
        Slice s = member(object, name);
        return s != null && s.end() - s.start() == 4 && object[s.start()] == 't';
    }

    /**
     * What identifies a JSON-RPC id whatever its spelling, so that a response matches its request: {@code s:} and
     * the decoded string, or {@code n:} and the number's plain decimal form ({@code 1}, {@code 1.0} and {@code 1e0}
     * are one id, as they are to a JavaScript server that echoes it back). Null if the token cannot be an id.
     */
    static String idKey(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return "s:" + p.getText();
        }
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            String text = p.getText();
            try {
                BigDecimal d = new BigDecimal(text);
                if (Math.abs(d.scale()) < 400) {
                    return "n:" + (d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
                }
            } catch (NumberFormatException e) {
                // kept as written
            }
            return "n:" + text;
        }
        return null;
    }

    /** 2^53 - 1, the largest integer below which every integer is a double (JavaScript's Number.MAX_SAFE_INTEGER). */
    private static final BigDecimal MAX_SAFE_INTEGER = BigDecimal.valueOf((1L << 53) - 1);

    /**
     * Whether an {@link #idKey} is a string, or an integer a JavaScript server reads exactly. An outside red team
     * sent ids 9007199254740992 and 9007199254740993: a server in JavaScript answered both as ...992, and one tool's
     * result was recorded as the other call's.
     */
    static boolean exactInJavaScript(String idKey) {
        if (!idKey.startsWith("n:")) {
            return true;
        }
        try {
            BigDecimal n = new BigDecimal(idKey.substring(2));
            return n.stripTrailingZeros().scale() <= 0 && n.abs().compareTo(MAX_SAFE_INTEGER) <= 0;
        } catch (NumberFormatException | ArithmeticException e) {
            return false;
        }
    }

    /** {@link #idKey(JsonParser)} of a JSON document holding one id value. */
    static String idKey(byte[] idJson) {
        try (JsonParser p = LENIENT.createParser(idJson)) {
            p.nextToken();
            return idKey(p);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The id keys ({@link #idKey}) of the responses in a JSON-RPC message or batch too large to hold, read from
     * {@code in} as a stream: every other value is skipped unread (a long string is scanned, not kept), so the cost is
     * a scan whatever the size. A response is an object with an id and a {@code result} or {@code error} and no
     * {@code method}; the members may come in any order (the TypeScript SDK writes the id last). What was read before
     * a syntax error counts.
     */
    static List<String> responseIds(InputStream in) {
        return scan(in).stream().filter(m -> m.answer && !m.request).map(m -> m.idKey).toList();
    }

    /**
     * The ids, as JSON values, of the requests (an id and a {@code method}) in a JSON-RPC message or batch too large to
     * hold, read as {@link #responseIds} reads: so that each can be answered with an error the client can match.
     */
    static List<byte[]> requestIds(InputStream in) {
        return scan(in).stream().filter(m -> m.request && !m.answer).map(m -> m.idJson).toList();
    }

    /** What the scan of a message too large to hold found of one of its objects: its id, and what kind it is. */
    private record Scanned(String idKey, byte[] idJson, boolean request, boolean answer) {
    }

    private static List<Scanned> scan(InputStream in) {
        List<Scanned> found = new ArrayList<>();
        try (JsonParser p = LENIENT.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                scanObject(p, found);
            } else if (first == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    scanObject(p, found);
                }
            }
        } catch (IOException e) {
            // not JSON from here on: the ids found so far
        }
        return found;
    }

    /** Reads one object, the parser at its start; adds it to {@code found} if it has an id. */
    private static void scanObject(JsonParser p, List<Scanned> found) throws IOException {
        String id = null;
        byte[] idJson = null;
        boolean answer = false;
        boolean request = false;
        try {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "id" -> {
                        id = idKey(p);
                        idJson = id == null ? null : id.startsWith("n:") ? p.getText().getBytes(StandardCharsets.UTF_8)
                                : write(p.getText());
                    }
                    case "result", "error" -> answer = true;
                    case "method" -> request = true;
                    default -> {
                        // skipped below
                    }
                }
                p.skipChildren();
            }
        } finally {
            if (id != null) {
                found.add(new Scanned(id, idJson, request, answer));
            }
        }
    }

    /** The text of a JSON document holding one string, or null if it is not one. */
    static String string(byte[] json) {
        try (JsonParser p = LENIENT.createParser(json)) {
            return p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The tree of a JSON document, or null if it does not parse. */
    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] write(Object tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
