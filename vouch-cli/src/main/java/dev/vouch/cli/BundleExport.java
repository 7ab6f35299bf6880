package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.KeyHistory;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.VouchVersion;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.StorageDamageException;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code vouch export --format bundle}: a zip an auditor can verify on its own ({@code vouch verify evidence.zip}),
 * holding every record of a verified journal up to its latest signed checkpoint, that checkpoint, the public keys and
 * rotation statements, and a manifest. A journal with a running writer is cut at its latest checkpoint: the records
 * after it, which no signature covers yet, are left out (and counted in the manifest).
 */
final class BundleExport {
    private final Path journal;
    private final VerifiedJournal verified;
    private final List<String[]> files = new ArrayList<>();
    private final long time = System.currentTimeMillis();

    /** What a bundle holds, for the message after it is written. */
    record Summary(long records, long treeSize, boolean sealed, int keys, long leftOut) {
    }

    private BundleExport(Path journal, VerifiedJournal verified) {
        this.journal = journal;
        this.verified = verified;
    }

    static Summary write(Path journal, VerifiedJournal verified, OutputStream out) throws IOException {
        return new BundleExport(journal, verified).run(out);
    }

    private Summary run(OutputStream out) throws IOException {
        Outcome outcome = verified.outcome();
        if (outcome.status() == Outcome.Status.LATER_FILE_MISSING) {
            // What is left verifies, and a bundle of it would verify INTACT on its own: the missing file would be
            // forgotten (a re-trial bundled a journal whose last day had been deleted, and it read INTACT).
            throw new CheckFailed(journal + ": " + outcome.headline() + "; no bundle is made of it, since the bundle"
                    + " would read as intact. Find the missing cycle file, or bundle a copy cut back by hand and say why");
        }
        Checkpoint cp = outcome.lastCheckpoint();
        String note = outcome.report().lastCheckpointNote();
        long size = cp.size();
        // The checkpoint record at sequence number `size` signs records 0 .. size-1; the bundle ends with it.
        long records = size + 1;
        List<VerifyingKey> keys = outcome.report().keys();
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        List<ProofPass.Rotation> rotations = new ArrayList<>();
        entry(zip, EvidenceBundle.JOURNAL, "Every record of the journal from its genesis through the signed checkpoint of"
                + " tree size " + size + " (record " + size + "), one JSON line each as 'vouch export' writes them"
                + " (docs/EXPORT.md); record_b64 holds each record's exact bytes. Verified against the journal's first"
                + " public key they prove what was recorded, in order, with nothing removed, inserted or altered.",
                z -> writeRecords(z, records, rotations));
        entry(zip, EvidenceBundle.CHECKPOINT, "The journal's latest signed checkpoint when the bundle was made (a C2SP"
                + " signed note): it signs the Merkle root of the first " + size + " records, so the bundle is complete"
                + " up to it. 'vouch verify' checks that the bundled journal extends it; keep a copy to check later"
                + " bundles and consistency proofs against.", z -> z.write(note.getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < keys.size(); i++) {
            VerifyingKey k = keys.get(i);
            entry(zip, EvidenceBundle.keyFile(i + 1), (i == 0 ? "The journal's first (genesis) public key, "
                    : "The public key the journal rotated to in rotation " + i + ", ") + k + ". Informative: trust"
                    + " comes only from the auditor's own copy of the first key (--pubkey); later keys are proved by"
                    + " the rotation statements in the journal.", z -> z.write(k.toPem().getBytes(StandardCharsets.US_ASCII)));
        }
        List<String> statements = new ArrayList<>();
        for (ProofPass.Rotation r : rotations) {
            statements.add(r.note());
        }
        if (!statements.isEmpty()) {
            byte[] history = KeyHistory.of(statements).bytes();
            entry(zip, EvidenceBundle.ROTATIONS, "The journal's signed key rotation statements, in order (docs/FORMAT.md,"
                    + " \"Key rotation\"): each names the next key and is signed by the key before it. The same"
                    + " statements are in the records of journal.jsonl.", z -> z.write(history));
        }
        ZipEntry manifest = new ZipEntry(EvidenceBundle.MANIFEST);
        manifest.setTime(time);
        zip.putNextEntry(manifest);
        zip.write(manifest(cp, records, keys).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        zip.finish();
        zip.flush();
        return new Summary(records, size, outcome.report().sealed(), keys.size(), leftOut());
    }

    private long leftOut() {
        return Math.max(0, verified.outcome().report().records() - verified.outcome().lastCheckpoint().size() - 1);
    }

    private interface Content {
        void write(OutputStream out) throws IOException;
    }

    /** Writes one entry, keeping its size and SHA-256 for the manifest. */
    private void entry(ZipOutputStream zip, String name, String proves, Content content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(time);
        zip.putNextEntry(e);
        MessageDigest sha256 = dev.vouch.merkle.Rfc6962.newSha256();
        long[] size = new long[1];
        OutputStream tee = new FilterOutputStream(zip) {
            @Override
            public void write(int b) throws IOException {
                zip.write(b);
                sha256.update((byte) b);
                size[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                zip.write(b, off, len);
                sha256.update(b, off, len);
                size[0] += len;
            }

            @Override
            public void close() {
                // The zip stays open for the next entry.
            }
        };
        content.write(tee);
        tee.flush();
        zip.closeEntry();
        files.add(new String[] {name, Long.toString(size[0]), HexFormat.of().formatHex(sha256.digest()), proves});
    }

    private void writeRecords(OutputStream out, long records, List<ProofPass.Rotation> rotations) throws IOException {
        CallOutcomes outcomes;
        try (JournalInput source = JournalInput.forVerifier(journal)) {
            outcomes = CallOutcomes.of(source, records);
        } catch (StorageDamageException e) {
            throw damaged(e);
        }
        RecordView view = new RecordView();
        RecordBuffer buffer = new RecordBuffer(4096);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        RecordJson json = new RecordJson(outcomes);
        try (JournalInput source = JournalInput.forVerifier(journal); JsonGenerator g = Json.generator(w)) {
            for (long i = 0; i < records; i++) {
                if (!source.next(buffer)) {
                    throw new CliException(journal + ": the journal ended after " + i + " records; was it changed"
                            + " while it was read?");
                }
                json.write(g, i, buffer.data(), buffer.length());
                g.writeRaw('\n');
                if (buffer.data()[2] == RecordType.KEY_ROTATION.code()) {
                    view.wrap(buffer.data(), buffer.length());
                    rotations.add(new ProofPass.Rotation(view.sequence(), view.publicKey(), view.note()));
                }
            }
            g.flush();
        } catch (StorageDamageException e) {
            throw damaged(e);
        }
        w.flush();
    }

    private CliException damaged(StorageDamageException e) {
        return new CliException(journal + ": damaged storage (was the journal changed after it verified?): "
                + e.getMessage(), e);
    }

    private String manifest(Checkpoint cp, long records, List<VerifyingKey> keys) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = Json.generator(text)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("bundle", EvidenceBundle.FORMAT);
            g.writeStringField("created", Instant.ofEpochMilli(time).toString());
            g.writeStringField("created_by", VouchVersion.LIBRARY);
            g.writeStringField("source", journal.toAbsolutePath().normalize().toString());
            g.writeStringField("origin", cp.origin());
            g.writeNumberField("records", records);
            g.writeNumberField("checkpoint_tree_size", cp.size());
            g.writeStringField("checkpoint_root_hash_b64", Base64.getEncoder().encodeToString(cp.rootHash()));
            g.writeBooleanField("sealed", verified.outcome().report().sealed());
            g.writeNumberField("records_left_out", leftOut());
            g.writeArrayFieldStart("keys");
            for (int i = 0; i < keys.size(); i++) {
                g.writeStartObject();
                g.writeStringField("fingerprint", keys.get(i).fingerprint());
                Json.stringOrNull(g, "note_key", verified.outcome().noteKey(keys.get(i)));
                g.writeStringField("file", EvidenceBundle.keyFile(i + 1));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("files");
            for (String[] f : files) {
                g.writeStartObject();
                g.writeStringField("path", f[0]);
                g.writeNumberField("size", Long.parseLong(f[1]));
                g.writeStringField("sha256", f[2]);
                g.writeStringField("proves", f[3]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return text + "\n";
    }

    static String describe(Summary s, Path output) {
        return "wrote " + output + ": " + s.records() + " records through the signed checkpoint of tree size "
                + s.treeSize() + (s.sealed() ? " (sealed)" : " (not sealed: a running writer's journal, complete up to"
                        + " that checkpoint" + (s.leftOut() > 0 ? "; the " + s.leftOut() + " record(s) after it, which"
                                + " no signature covers yet, are left out" : "") + ")")
                + ", " + s.keys() + " public key(s)";
    }
}
