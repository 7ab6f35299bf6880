package dev.vouch.guard;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The guard's JSON: small objects written for the journal, and the compact copy used both for stored
 * parameters and for the canonical form a redaction commitment covers. Streaming jackson-core only.
 */
final class Json {
    /**
     * Default settings: strict JSON (no comments, no NaN, no single quotes), duplicate keys not rejected
     * (the rewriter redacts every occurrence), jackson's default nesting and length limits (a document beyond
     * them counts as malformed).
     */
    static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {
    }

    static JsonGenerator generator(ByteArrayOutputStream out) {
        try {
            return FACTORY.createGenerator(out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /**
     * Copies the value the parser stands on (its first token already read) to the generator, compact:
     * strings re-escaped minimally, numbers exactly as written, field order kept, whitespace dropped.
     */
    static void copyValue(JsonParser p, JsonGenerator g) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    g.writeFieldName(p.currentName());
                    p.nextToken();
                    copyValue(p, g);
                }
                g.writeEndObject();
            }
            case START_ARRAY -> {
                g.writeStartArray();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    copyValue(p, g);
                }
                g.writeEndArray();
            }
            default -> copyScalar(p, g, t);
        }
    }

    static void copyScalar(JsonParser p, JsonGenerator g, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING -> g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            // The number's own text: 1.50 stays 1.50, 1e2 stays 1e2 (jackson's copy would normalise it).
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
            case VALUE_TRUE -> g.writeBoolean(true);
            case VALUE_FALSE -> g.writeBoolean(false);
            case VALUE_NULL -> g.writeNull();
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }

    /**
     * The canonical form of one JSON value: its compact copy ({@link #copyValue}).
     *
     * @throws IllegalArgumentException if the bytes are not exactly one JSON value
     */
    static byte[] canonical(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
        try (JsonParser p = FACTORY.createParser(json); JsonGenerator g = generator(out)) {
            if (p.nextToken() == null) {
                throw new IllegalArgumentException("expected one JSON value, found none");
            }
            copyValue(p, g);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("expected one JSON value, found more after it");
            }
        } catch (IOException e) {
            // The message of a parse error may quote the input (a secret): say only where it failed.
            throw new IllegalArgumentException("not a JSON value (" + describe(e) + ")");
        }
        return out.toByteArray();
    }

    /** A parse error's kind and position, without the input excerpt jackson may put in its message. */
    static String describe(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
            return "invalid JSON at byte " + jpe.getLocation().getByteOffset();
        }
        return e.getClass().getSimpleName();
    }

    /** Writes a small JSON object for an event's params or result; fields are added in order. */
    static final class ObjectWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        private final JsonGenerator g = generator(out);

        ObjectWriter() {
            try {
                g.writeStartObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        ObjectWriter field(String name, String value) {
            try {
                if (value == null) {
                    g.writeNullField(name);
                } else {
                    g.writeStringField(name, value);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        ObjectWriter field(String name, long value) {
            try {
                g.writeNumberField(name, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        ObjectWriter field(String name, List<String> values) {
            try {
                g.writeArrayFieldStart(name);
                for (String v : values) {
                    g.writeString(v);
                }
                g.writeEndArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /**
         * A field whose value is the JSON document {@code json}, copied compact.
         *
         * @return false (and nothing written) if {@code json} is not one JSON value
         */
        boolean jsonField(String name, byte[] json) {
            // Parse it whole first: a half-copied value would leave the object broken.
            try (JsonParser p = FACTORY.createParser(json)) {
                if (p.nextToken() == null) {
                    return false;
                }
                p.skipChildren();
                if (p.nextToken() != null) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
            try (JsonParser p = FACTORY.createParser(json)) {
                p.nextToken();
                g.writeFieldName(name);
                copyValue(p, g);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // it parsed a moment ago
            }
            return true;
        }

        byte[] toBytes() {
            try {
                g.writeEndObject();
                g.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }
}
