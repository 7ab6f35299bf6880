package dev.vouch.guard;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.temporal.TemporalAccessor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link ResultEncoder#json()}: the guard's default result encoder, streaming jackson-core only. */
final class JsonResultEncoder implements ResultEncoder {
    static final JsonResultEncoder INSTANCE = new JsonResultEncoder();
    private static final int MAX_DEPTH = 64;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.vouch.guard");
    /**
     * A record this module may not read, said once per class: on the module path an outside trial's results from a
     * package its module did not open were journaled as {@code $vouch_type} only, with nothing logged, where the class
     * path journaled their components.
     */
    private static final ClassValue<Boolean> UNREADABLE_SAID = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            LOG.warn("Results of type {} are journaled as {\"$vouch_type\": ...} only, without their components: its"
                    + " package is not open to module dev.vouch.policy. Add `opens {} to dev.vouch.policy;` to the"
                    + " module-info of {} (`exports ... to` is enough for a public record), or give the guard a"
                    + " ResultEncoder of your own", type.getName(), type.getPackageName(), type.getModule().getName());
            return Boolean.TRUE;
        }
    };

    private JsonResultEncoder() {
    }

    @Override
    public byte[] encode(Object result) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Json.generator(out)) {
            write(g, result, 0, Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object v, int depth, Set<Object> open) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof CharSequence || v instanceof Character || v instanceof Enum<?>
                || v instanceof TemporalAccessor || v instanceof java.time.Duration || v instanceof UUID
                || v instanceof URI || v instanceof URL || v instanceof Path) {
            g.writeString(v instanceof Enum<?> e ? e.name() : v.toString());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Number n) {
            writeNumber(g, n);
        } else if (v instanceof byte[] bytes) {
            g.writeBinary(bytes); // base64, as JSON has no bytes
        } else if (depth >= MAX_DEPTH || !open.add(v)) {
            g.writeStartObject();
            g.writeStringField("$vouch_truncated", depth >= MAX_DEPTH ? "nested deeper than " + MAX_DEPTH : "cycle");
            g.writeEndObject();
        } else {
            try {
                writeStructure(g, v, depth, open);
            } finally {
                open.remove(v);
            }
        }
    }

    private static void writeStructure(JsonGenerator g, Object v, int depth, Set<Object> open) throws IOException {
        if (v instanceof Optional<?> o) {
            write(g, o.orElse(null), depth + 1, open);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue(), depth + 1, open);
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> it) {
            g.writeStartArray();
            for (Object o : it) {
                write(g, o, depth + 1, open);
            }
            g.writeEndArray();
        } else if (v.getClass().isArray()) {
            g.writeStartArray();
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                write(g, Array.get(v, i), depth + 1, open);
            }
            g.writeEndArray();
        } else if (v instanceof Record && readable(v.getClass())) {
            g.writeStartObject();
            for (RecordComponent c : v.getClass().getRecordComponents()) {
                Object value;
                try {
                    java.lang.reflect.Method accessor = c.getAccessor();
                    accessor.trySetAccessible(); // a non-public record in an open package
                    value = accessor.invoke(v);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    value = Map.of("$vouch_unreadable", e.getClass().getName());
                }
                g.writeFieldName(c.getName());
                write(g, value, depth + 1, open);
            }
            g.writeEndObject();
        } else {
            if (v instanceof Record) {
                UNREADABLE_SAID.get(v.getClass());
            }
            g.writeStartObject();
            g.writeStringField("$vouch_type", v.getClass().getName());
            g.writeEndObject();
        }
    }

    /**
     * A record whose accessors can be called from here: in a package open to us (every class on the class path),
     * or public in an exported one.
     */
    private static boolean readable(Class<?> type) {
        if (type.getModule().isOpen(type.getPackageName(), JsonResultEncoder.class.getModule())) {
            return true;
        }
        if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
            return false;
        }
        for (Class<?> c = type.getEnclosingClass(); c != null; c = c.getEnclosingClass()) {
            if (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return type.getModule().isExported(type.getPackageName(), JsonResultEncoder.class.getModule());
    }

    private static void writeNumber(JsonGenerator g, Number n) throws IOException {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            g.writeNumber(n.longValue());
        } else if (n instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (n instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
                if (n instanceof Float f) {
                    g.writeNumber(f);
                } else {
                    g.writeNumber(d);
                }
            } else {
                g.writeString(Double.toString(d));
            }
        } else {
            g.writeString(n.toString()); // AtomicLong, LongAdder...: their text is their value
        }
    }
}
