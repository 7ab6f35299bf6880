package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;

/** The JSON the commands write, with jackson-core's streaming generator only (no data binding). */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    /**
     * What the commands that read export lines, proofs and payloads allow: a record may be 64 MiB, so its
     * {@code record_b64} (and its params as text) can be far beyond jackson-core's default of 20 million characters
     * per string (an outside auditor's export of a valid 16 MB payload was refused, exit 2).
     */
    static final com.fasterxml.jackson.core.StreamReadConstraints RECORDS = com.fasterxml.jackson.core
            .StreamReadConstraints.builder().maxStringLength(256 << 20).build();

    private Json() {
    }

    /** A factory for reading record-sized JSON ({@link #RECORDS}). */
    static JsonFactoryBuilder reader() {
        return (JsonFactoryBuilder) JsonFactory.builder().streamReadConstraints(RECORDS);
    }

    /** A generator over {@code out} that neither closes nor flushes it on its own. */
    static JsonGenerator generator(Writer out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        return g;
    }

    /** An unsigned 64-bit field of the format (docs/FORMAT.md), written as the unsigned number it is. */
    static void u64(JsonGenerator g, String name, long value) throws IOException {
        g.writeFieldName(name);
        if (value >= 0) {
            g.writeNumber(value);
        } else {
            g.writeNumber(new BigInteger(Long.toUnsignedString(value)));
        }
    }

    /** A sequence-number field where -1 means "none": null then. */
    static void seqOrNull(JsonGenerator g, String name, long value) throws IOException {
        if (value == -1) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    static void stringOrNull(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }
}
