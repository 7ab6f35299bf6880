package dev.vouch.guard;

import dev.vouch.policy.internal.RedactionPaths;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vouch.policy.PayloadLogging;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the journal stores of a call's parameters (or a result), given the policy's decision: the exact bytes,
 * a copy with redacted fields replaced by commitments, or only a digest or a commitment to the whole. The
 * tool always receives the original; this is only what is written down. docs/GUARD.md, "What is stored".
 */
final class StoredParams {
    /** How the stored bytes relate to the original. Recorded as {@code params_stored} in the decision. */
    enum Form {
        /** The exact original bytes (nothing to redact, or no listed path present). */
        FULL("full"),
        /** A compact copy in which each redacted value is replaced by {@code {"$vouch_redacted": commitment}}. */
        REDACTED("redacted"),
        /** {@code {"$vouch_digest":"sha256:<hex>","size":N}} of the exact bytes (metadata_only without a key). */
        DIGEST("digest"),
        /** {@code {"$vouch_redacted":"hmac-sha256:v1-bytes:...","size":N}}: the whole document, keyed. */
        COMMITMENT("commitment");

        final String label;

        Form(String label) {
            this.label = label;
        }

        /** The form a decision's {@code params_stored} names; FULL for a label this version does not know. */
        static Form ofLabel(String label) {
            for (Form f : values()) {
                if (f.label.equals(label)) {
                    return f;
                }
            }
            return FULL;
        }
    }

    static final String DIGEST_FIELD = "$vouch_digest";
    static final String NOTE_FIELD = "$vouch_note";
    static final String OMITTED = "omitted";

    final byte[] bytes;
    final Form form;
    /** The listed paths that matched at least one value, in the order first met. */
    final List<String> redacted;

    private StoredParams(byte[] bytes, Form form, List<String> redacted) {
        this.bytes = bytes;
        this.form = form;
        this.redacted = redacted;
    }

    /**
     * The stored form of {@code params}.
     *
     * @param key null when the guard has no redaction key: redacted values are then replaced by
     *            {@code {"$vouch_redacted":"omitted"}}, with no commitment
     */
    static StoredParams of(byte[] params, List<String> redact, PayloadLogging logging, RedactionKey key) {
        if (params.length == 0) {
            return new StoredParams(params, Form.FULL, List.of());
        }
        if (logging == PayloadLogging.METADATA_ONLY) {
            return metadataOnly(params, redact, key);
        }
        if (redact.isEmpty()) {
            return new StoredParams(params, Form.FULL, List.of());
        }
        RedactionPaths paths = RedactionPaths.of(redact);
        ByteArrayOutputStream out = new ByteArrayOutputStream(params.length + 64);
        Set<String> hits = new LinkedHashSet<>();
        try (JsonParser p = Json.FACTORY.createParser(params); JsonGenerator g = Json.generator(out)) {
            if (p.nextToken() == null) {
                return whole(params, key, "not JSON: redaction impossible, whole parameters committed");
            }
            rewrite(p, g, paths.root(), key, hits);
            if (p.nextToken() != null) {
                return whole(params, key, "not JSON: redaction impossible, whole parameters committed");
            }
        } catch (IOException | RuntimeException e) {
            // Malformed, too deep, too long, or a string the generator cannot write (an unpaired surrogate):
            // never store the clear text of a document we could not take apart.
            return whole(params, key, "not JSON: redaction impossible, whole parameters committed");
        }
        if (hits.isEmpty()) {
            return new StoredParams(params, Form.FULL, List.of());
        }
        return new StoredParams(out.toByteArray(), Form.REDACTED, List.copyOf(hits));
    }

    private static void rewrite(JsonParser p, JsonGenerator g, RedactionPaths.Node node, RedactionKey key,
            Set<String> hits) throws IOException {
        if (node == null) {
            Json.copyValue(p, g);
            return;
        }
        if (node.terminal()) {
            // RFC 8785: a value that is not I-JSON throws, and the caller commits to the whole document instead.
            byte[] canonical = JsonCanonicalForm.ofCurrent(p);
            g.writeStartObject();
            g.writeStringField(RedactionKey.REDACTED_FIELD, key == null ? OMITTED : key.commitCanonical(canonical));
            g.writeEndObject();
            hits.add(node.path());
            return;
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    g.writeFieldName(name);
                    p.nextToken();
                    rewrite(p, g, node.field(name), key, hits);
                }
                g.writeEndObject();
            }
            case START_ARRAY -> {
                g.writeStartArray();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    rewrite(p, g, node.index(i++), key, hits);
                }
                g.writeEndArray();
            }
            default -> Json.copyScalar(p, g, t);
        }
    }

    /**
     * What metadata only keeps of a document (parameters, a result): a keyed commitment when the guard has a
     * redaction key, since a plain digest lets anyone who holds the journal test guesses (an outside privacy trial
     * read a PIN, a four-digit result and a nine-digit SSN back from the journal alone, in seconds); without a key, a
     * plain digest, or nothing if the policy also redacts (a digest of a document holding a value it names could be
     * guessed back).
     */
    static StoredParams metadataOnly(byte[] bytes, List<String> redact, RedactionKey key) {
        return key == null && redact.isEmpty() ? digest(bytes, null) : whole(bytes, key, null);
    }

    /**
     * {@code bytes} (a result under metadata only) kept as these parameters are: a plain digest only where the
     * parameters are one and there is no key, else a keyed commitment (or nothing without a key). A result is as
     * secret as the call that asked for it: a trial's metadata-only vault call had its parameters committed and its
     * four-digit result digested, and guessed back.
     */
    StoredParams keepLikeThese(byte[] bytes, RedactionKey key) {
        return plainDigest(key) ? digest(bytes, null) : whole(bytes, key, null);
    }

    /**
     * Whether these parameters are a plain SHA-256 digest, kept without a redaction key ({@code key} is the guard's):
     * then what goes with them (the result, an error's message) is digested too, and anyone holding the journal can
     * test guesses of it.
     */
    boolean plainDigest(RedactionKey key) {
        return key == null && form == Form.DIGEST;
    }

    /** Parameters as a record already stores them (a call rediscovered from the journal). */
    static StoredParams recorded(byte[] stored, Form form) {
        return new StoredParams(stored, form, List.of());
    }

    /** {@code {"$vouch_digest":"sha256:<hex>","size":N}} of the exact bytes, with an optional note. */
    static StoredParams digest(byte[] bytes, String note) {
        Json.ObjectWriter w = new Json.ObjectWriter()
                .field(DIGEST_FIELD, "sha256:" + sha256Hex(bytes))
                .field("size", bytes.length);
        if (note != null) {
            w.field(NOTE_FIELD, note);
        }
        return new StoredParams(w.toBytes(), Form.DIGEST, List.of());
    }

    /** A keyed commitment to the exact bytes ({@code v1-bytes}); without a key, the bytes are just omitted. */
    static StoredParams whole(byte[] bytes, RedactionKey key, String note) {
        Json.ObjectWriter w = new Json.ObjectWriter()
                .field(RedactionKey.REDACTED_FIELD, key == null ? OMITTED : key.commitBytes(bytes))
                .field("size", bytes.length);
        if (note != null) {
            w.field(NOTE_FIELD, note);
        }
        return new StoredParams(w.toBytes(), Form.COMMITMENT, List.of());
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return form.label + " " + new ArrayList<>(redacted);
    }
}
