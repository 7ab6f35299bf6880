package dev.vouch.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A JSON response body under construction: one object, written by jackson-core's streaming generator (the guard's
 * own JSON library; no data binding). Fields whose value is null are left out.
 */
final class JsonOut {
    static final JsonFactory FACTORY = new JsonFactory();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final JsonGenerator g;

    JsonOut() {
        try {
            g = FACTORY.createGenerator(bytes, JsonEncoding.UTF8);
            g.writeStartObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code {"error": {"code": code, "message": message}}}. */
    static byte[] error(String code, String message) {
        JsonOut o = new JsonOut();
        o.object("error").field("code", code).field("message", message).end();
        return o.toBytes();
    }

    JsonOut field(String name, String value) {
        if (value != null) {
            try {
                g.writeStringField(name, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    JsonOut field(String name, long value) {
        try {
            g.writeNumberField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    JsonOut field(String name, boolean value) {
        try {
            g.writeBooleanField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    JsonOut field(String name, Instant value) {
        return value == null ? this : field(name, value.toString());
    }

    /** A field whose value is JSON text already (a call's stored parameters); written as is. */
    JsonOut rawField(String name, String json) {
        if (json != null) {
            try {
                g.writeFieldName(name);
                g.writeRawValue(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    /** Opens a nested object; close it with {@link #end()}. */
    JsonOut object(String name) {
        try {
            g.writeObjectFieldStart(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Opens a nested array of objects; each {@link #element()} opens one, {@link #end()} closes it, then the array. */
    JsonOut array(String name) {
        try {
            g.writeArrayFieldStart(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    JsonOut element() {
        try {
            g.writeStartObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Closes the innermost open object or array. */
    JsonOut end() {
        try {
            if (g.getOutputContext().inArray()) {
                g.writeEndArray();
            } else {
                g.writeEndObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    byte[] toBytes() {
        try {
            while (!g.getOutputContext().inRoot()) {
                end();
            }
            g.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }
}
