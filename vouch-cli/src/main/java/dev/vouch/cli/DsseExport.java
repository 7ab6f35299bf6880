package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.Dsse;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.StorageDamageException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * {@code vouch export --format dsse}: each signed checkpoint (and, on request, each event record) of a verified
 * journal as a DSSE envelope over an in-toto Statement v1, one JSON object per line, signed with the journal's key in
 * force over the DSSE pre-authentication encoding. The statements are specified in docs/EXPORT.md, "DSSE"; change
 * both together. Only records the latest signed checkpoint covers are exported.
 */
final class DsseExport {
    /** The DSSE payload type of an in-toto statement. */
    static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    static final String CHECKPOINT_PREDICATE =
            "https://github.com/vouch-dev/vouch-java/blob/main/docs/EXPORT.md#dsse-checkpoint-predicate-v1";
    static final String RECORD_PREDICATE =
            "https://github.com/vouch-dev/vouch-java/blob/main/docs/EXPORT.md#dsse-record-predicate-v1";

    private final Path journal;
    private final SigningKey key;
    private final String origin;
    private final long coveredSize;
    private final boolean events;
    private final RecordJson recordJson = new RecordJson(null);
    private final RecordView view = new RecordView();
    private final MessageDigest sha256;
    private long envelopes;
    private long checkpoints;

    private DsseExport(Path journal, SigningKey key, String origin, long coveredSize, boolean events) {
        this.journal = journal;
        this.key = key;
        this.origin = origin;
        this.coveredSize = coveredSize;
        this.events = events;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks that {@code key} is the journal's key in force, then writes the envelopes.
     *
     * @return the number of envelopes written
     */
    static long write(Path journal, VerifiedJournal verified, SigningKey key, boolean events, Writer out)
            throws IOException {
        VerifyingKey inForce = verified.outcome().report().keys().get(verified.outcome().report().keys().size() - 1);
        if (!key.verifyingKey().equals(inForce)) {
            boolean old = verified.outcome().report().keys().contains(key.verifyingKey());
            throw new CliException("the key file holds " + key.verifyingKey() + ", " + (old
                    ? "a key the journal has rotated away from" : "not a key of this journal") + "; the journal's key"
                    + " in force is " + inForce + " (--key)");
        }
        Checkpoint last = verified.outcome().lastCheckpoint();
        DsseExport export = new DsseExport(journal, key, last.origin(), last.size(), events);
        export.run(out);
        return export.envelopes;
    }

    long checkpoints() {
        return checkpoints;
    }

    private void run(Writer out) throws IOException {
        RecordBuffer buffer = new RecordBuffer(4096);
        // Records 0 .. coveredSize - 1 are covered by the last checkpoint, which is record coveredSize itself.
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            for (long i = 0; i <= coveredSize; i++) {
                if (!source.next(buffer)) {
                    throw new CliException(journal + ": the journal ended after " + i + " records; was it changed"
                            + " while it was read?");
                }
                try {
                    view.wrap(buffer.data(), buffer.length());
                } catch (FormatException e) {
                    throw new CliException(journal + ": record " + i + " is malformed; was the journal changed while"
                            + " it was read? " + e.getMessage(), e);
                }
                if (view.type() == RecordType.CHECKPOINT) {
                    envelope(out, checkpointStatement(view));
                    checkpoints++;
                } else if (events && i < coveredSize && view.type().code() <= RecordType.NOTE.code()) {
                    envelope(out, recordStatement(i, buffer.data(), buffer.length()));
                }
                if (envelopes > 0 && envelopes % VouchCli.OUTPUT_CHECK_INTERVAL == 0) {
                    out.flush();
                    VouchCli.checkOutput(out);
                }
            }
        } catch (StorageDamageException e) {
            throw new CliException(journal + ": damaged storage (was the journal changed after it verified?): "
                    + e.getMessage(), e);
        }
        out.flush();
    }

    private byte[] checkpointStatement(RecordView cpRecord) throws IOException {
        String note = cpRecord.note();
        Checkpoint cp = Checkpoint.parse(SignedNote.parse(note).text());
        byte[] body = cp.body().getBytes(StandardCharsets.UTF_8);
        StringWriter text = new StringWriter(1024);
        try (JsonGenerator g = Json.generator(text)) {
            g.writeStartObject();
            g.writeStringField("_type", STATEMENT_TYPE);
            g.writeArrayFieldStart("subject");
            g.writeStartObject();
            g.writeStringField("name", origin + "/checkpoint/" + cp.size());
            g.writeObjectFieldStart("digest");
            g.writeStringField("sha256", HexFormat.of().formatHex(sha256.digest(body)));
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeStringField("predicateType", CHECKPOINT_PREDICATE);
            g.writeObjectFieldStart("predicate");
            g.writeStringField("origin", cp.origin());
            g.writeNumberField("tree_size", cp.size());
            g.writeStringField("root_hash", Text.hex(cp.rootHash()));
            g.writeStringField("root_hash_b64", Base64.getEncoder().encodeToString(cp.rootHash()));
            g.writeStringField("checkpoint", cp.body());
            g.writeStringField("note", note);
            g.writeNumberField("seq", cpRecord.sequence());
            g.writeStringField("timestamp", Text.iso(cpRecord.timestamp()));
            g.writeEndObject();
            g.writeEndObject();
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] recordStatement(long index, byte[] data, int length) throws IOException {
        sha256.reset();
        sha256.update(data, 0, length);
        byte[] digest = sha256.digest();
        StringWriter text = new StringWriter(1024 + length * 2);
        try (JsonGenerator g = Json.generator(text)) {
            g.writeStartObject();
            g.writeStringField("_type", STATEMENT_TYPE);
            g.writeArrayFieldStart("subject");
            g.writeStartObject();
            g.writeStringField("name", origin + "/record/" + index);
            g.writeObjectFieldStart("digest");
            g.writeStringField("sha256", HexFormat.of().formatHex(digest));
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeStringField("predicateType", RECORD_PREDICATE);
            g.writeObjectFieldStart("predicate");
            g.writeStringField("origin", origin);
            g.writeNumberField("covered_by_tree_size", coveredSize);
            g.writeFieldName("record");
            recordJson.write(g, index, data, length);
            g.writeEndObject();
            g.writeEndObject();
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void envelope(Writer out, byte[] payload) throws IOException {
        byte[] sig = Dsse.sign(key, PAYLOAD_TYPE, payload);
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        g.writeStringField("payload", Base64.getEncoder().encodeToString(payload));
        g.writeStringField("payloadType", PAYLOAD_TYPE);
        g.writeArrayFieldStart("signatures");
        g.writeStartObject();
        g.writeStringField("keyid", key.verifyingKey().fingerprint());
        g.writeStringField("sig", Base64.getEncoder().encodeToString(sig));
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        out.write('\n');
        envelopes++;
    }
}
