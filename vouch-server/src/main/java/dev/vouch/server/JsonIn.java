package dev.vouch.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.vouch.internal.JsonProblem;
import dev.vouch.internal.StrictText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body: one JSON object whose members are all known. A duplicate member, an unknown member or text after
 * the object is refused (400), so that no two readers of one request can disagree about what it said and no setting
 * is silently ignored. Structured values (a call's parameters, a tool's result) are kept as the exact bytes the client
 * sent: the journal stores what the client said, not a re-encoding of it.
 */
final class JsonIn {
    /** One member's value: its first token and where its bytes are in the body. */
    private record Value(JsonToken token, int start, int end, String text) {
    }

    private final byte[] body;
    private final Map<String, Value> members;

    private JsonIn(byte[] body, Map<String, Value> members) {
        this.body = body;
        this.members = members;
    }

    /**
     * Parses {@code body} as one JSON object whose member names are all in {@code allowed}.
     *
     * @throws HttpError 400 naming what is wrong and where
     */
    static JsonIn parse(byte[] body, List<String> allowed) {
        if (body.length == 0) {
            throw HttpError.badRequest("the request has no body; expected a JSON object");
        }
        if (StrictText.startsWithByteOrderMark(body)) {
            throw HttpError.badRequest("the body holds a byte order mark before its JSON value; JSON text has none"
                    + " (RFC 8259)");
        }
        int invalid = StrictText.firstInvalidUtf8(body);
        if (invalid >= 0) {
            // The parser would read some of it (over-long forms) as other characters than the journal keeps.
            throw HttpError.badRequest("the body is not valid UTF-8 (at byte " + invalid + ")");
        }
        Map<String, Value> members = new HashMap<>();
        try (JsonParser p = JsonOut.FACTORY.createParser(body)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            p.disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature());
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw HttpError.badRequest("the body is not a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                if (!allowed.contains(name)) {
                    throw HttpError.badRequest("unknown member \"" + Texts.clip(name) + "\"; " + (allowed.isEmpty()
                            ? "the body must be {} or empty" : "expected " + allowed));
                }
                JsonToken v = p.nextToken();
                int start = (int) p.currentTokenLocation().getByteOffset();
                String text = null;
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (v == JsonToken.VALUE_STRING || v.isNumeric()) {
                    text = p.getText();
                }
                int end = (int) p.currentLocation().getByteOffset();
                members.put(name, new Value(v, start, end, text));
            }
            if (p.nextToken() != null) {
                throw HttpError.badRequest("text after the JSON object at byte " + p.currentTokenLocation().getByteOffset());
            }
        } catch (JsonProcessingException e) {
            // The original message alone, with the position: never the body (it may hold secrets), nor what the
            // parser quotes of it. A parser limit (nesting depth, number or name length) comes without a position.
            JsonLocation at = e.getLocation();
            String problem = JsonProblem.withoutInput(e.getOriginalMessage());
            // Valid JSON, but parsers disagree on which copy wins (an outside trial's client read "malformed").
            String what = problem.startsWith("Duplicate field") ? "a key twice in one object" : "malformed JSON";
            throw HttpError.badRequest(what + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr()) + ": " + problem);
        } catch (IOException e) {
            throw HttpError.badRequest("unreadable JSON: " + e.getMessage());
        }
        return new JsonIn(body, members);
    }

    boolean has(String name) {
        return members.containsKey(name);
    }

    /** Whether a member is present with a value other than JSON null (an optional member given as null is absent). */
    boolean given(String name) {
        Value v = members.get(name);
        return v != null && v.token() != JsonToken.VALUE_NULL;
    }

    /** A string member, or null if absent or JSON null. */
    String string(String name) {
        Value v = members.get(name);
        if (v == null || v.token() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v.token() != JsonToken.VALUE_STRING) {
            throw HttpError.badRequest("\"" + name + "\" must be a string");
        }
        int surrogate = StrictText.unpairedSurrogate(v.text());
        if (surrogate >= 0) {
            // UTF-8 has no form for it: the journal would record another name than the one judged.
            throw HttpError.badRequest("\"" + name + "\" holds the unpaired surrogate "
                    + StrictText.escaped(v.text(), surrogate) + ", which cannot be recorded");
        }
        return v.text();
    }

    String requiredString(String name) {
        String s = string(name);
        if (s == null || s.isEmpty()) {
            throw HttpError.badRequest("\"" + name + "\" is required: a non-empty string");
        }
        return s;
    }

    /** A whole number member from {@code min} to {@code max}, or null if absent or JSON null. */
    Long integer(String name, long min, long max) {
        Value v = members.get(name);
        if (v == null || v.token() == JsonToken.VALUE_NULL) {
            return null;
        }
        String range = "\"" + name + "\" must be from " + min + " to " + max + ", was " + Texts.clip(v.text());
        if (v.token() != JsonToken.VALUE_NUMBER_INT) {
            // 1e30 is a whole number, out of range: an outside trial was told it "must be a whole number".
            if (v.token() == JsonToken.VALUE_NUMBER_FLOAT && wholeOutside(v.text(), min, max)) {
                throw HttpError.badRequest(range);
            }
            throw HttpError.badRequest("\"" + name + "\" must be a whole number, written without a fraction or"
                    + " exponent");
        }
        long n;
        try {
            n = Long.parseLong(v.text());
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(range);
        }
        if (n < min || n > max) {
            throw HttpError.badRequest(range);
        }
        return n;
    }

    /** Whether a JSON number written with a fraction or exponent is a whole number outside {@code min..max}. */
    private static boolean wholeOutside(String number, long min, long max) {
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(number);
            boolean whole = d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
            return whole && (d.compareTo(java.math.BigDecimal.valueOf(min)) < 0
                    || d.compareTo(java.math.BigDecimal.valueOf(max)) > 0);
        } catch (NumberFormatException | ArithmeticException e) {
            return !number.toLowerCase(java.util.Locale.ROOT).contains("e-"); // an exponent past int's range
        }
    }

    /** The exact bytes of a member's value (any JSON value), or null if absent. */
    byte[] raw(String name) {
        Value v = members.get(name);
        return v == null ? null : Arrays.copyOfRange(body, v.start(), v.end());
    }

    /** As {@link #raw}, but only a JSON object (or null/absent, which give null). */
    byte[] rawObject(String name) {
        Value v = members.get(name);
        if (v == null || v.token() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v.token() != JsonToken.START_OBJECT) {
            throw HttpError.badRequest("\"" + name + "\" must be a JSON object");
        }
        return raw(name);
    }

    /** A text field's UTF-8 length check: the journal's text fields hold at most 65,535 bytes; the gateway takes less. */
    static String limited(String name, String value, int maxBytes) {
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw HttpError.badRequest("\"" + name + "\" is longer than " + maxBytes + " UTF-8 bytes");
        }
        return value;
    }
}
