package dev.vouch.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A JSON response body under construction: one object, written by jackson-core's streaming generator (the guard's
 * own JSON library; no data binding). Fields whose value is null are left out.
 */
final class JsonOut {
    static final JsonFactory FACTORY = new JsonFactory();

    private final ByteArrayOutputStream bytes;
    private final JsonGenerator g;

    JsonOut() {
        this(new ByteArrayOutputStream(256));
    }

    /**
     * An answer written to {@code out} as it is made ({@link #finish()} ends it), for one too large to hold: the pending
     * approvals, 200 MB of JSON with three agents at their --max-pending-bytes, built in a growing array and then
     * copied (an outside trial's listing ran a 256 MiB gateway out of heap).
     */
    JsonOut(OutputStream out) {
        this.bytes = out instanceof ByteArrayOutputStream b ? b : null;
        try {
            g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
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
        finish();
        return bytes.toByteArray();
    }

    /** Closes what is open, ends the answer with a line break, and closes the stream it was written to. */
    void finish() {
        try {
            while (!g.getOutputContext().inRoot()) {
                end();
            }
            g.writeRaw('\n');
            g.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
