package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value read whole into maps (in member order), lists, strings, numbers ({@link Long} where it fits,
 * {@link java.math.BigInteger} or {@link java.math.BigDecimal} otherwise), booleans and null, for the small documents
 * the CLI compares or looks into: a bundle's manifest, one export line. A member given twice is refused, since
 * readers that keep the first or the last copy would read different documents.
 */
final class JsonTree {
    private static final JsonFactory FACTORY = Json.reader().build();

    private JsonTree() {
    }

    /** The one JSON value {@code text} holds; anything after it is refused. */
    static Object parse(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            return parseWhole(p);
        }
    }

    /** The one JSON value {@code bytes} (UTF-8) hold; anything after it is refused. */
    static Object parse(byte[] bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            return parseWhole(p);
        }
    }

    private static Object parseWhole(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            throw new JsonParseException(p, "no JSON value");
        }
        Object value = read(p, first);
        if (p.nextToken() != null) {
            throw new JsonParseException(p, "more after the JSON value");
        }
        return value;
    }

    /** The value that starts at {@code t}, the parser's current token. */
    static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    if (m.containsKey(name)) {
                        throw new JsonParseException(p, "member \"" + Text.safe(name) + "\" given twice");
                    }
                    m.put(name, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    l.add(read(p, v));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDecimalValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            default -> {
                return null;
            }
        }
    }
}
