package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.merkle.Rfc6962;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An evidence bundle opened for verification ({@link EvidenceBundle}), read-only and in place: nothing is extracted,
 * so no entry name can lead anywhere on disk (entries with unsafe names are refused before anything reads them).
 * {@link #open} checks the zip against its manifest (every listed file present, of the listed size and SHA-256, and
 * nothing unlisted); {@link #records()} reads the journal's records from {@code journal.jsonl}; {@link #afterVerification}
 * checks the manifest's claims against what the verifier found. Problems are kept as findings ({@link #problems()}),
 * which make the bundle TAMPERED; a file that is not a bundle at all is an error (exit code 2).
 */
final class BundleInput implements AutoCloseable {
    /** Bound on manifest.json, checkpoint.txt and the key files: all are small. */
    private static final int MAX_SMALL_FILE = 1 << 20;
    /** A member twice is refused: readers keeping the first or the last copy would read different records. */
    private static final JsonFactory JSON = Json.reader()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * A problem with the bundle, or an export's line ({@link ExportInput}): its kind ({@code bundle},
     * {@code export_line}), the sequence number it concerns (-1 for none), where (an entry or file name) and what.
     */
    record Problem(String kind, long seq, String entry, String message) {
        Problem(String entry, String message) {
            this("bundle", -1, entry, message);
        }

        @Override
        public String toString() {
            return entry + ": " + message;
        }
    }

    private final Path file;
    private final ZipFile zip;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Object> manifest;
    private final String checkpointNote;
    private int manifestFiles;

    private BundleInput(Path file, ZipFile zip, Map<String, Object> manifest, String checkpointNote) {
        this.file = file;
        this.zip = zip;
        this.manifest = manifest;
        this.checkpointNote = checkpointNote;
    }

    /** Whether {@code path} is a regular file that starts like a zip archive. */
    static boolean looksLikeBundle(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens and checks a bundle.
     *
     * @throws CliException if the file cannot be read or is not a Vouch evidence bundle
     */
    static BundleInput open(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8);
        } catch (ZipException e) {
            throw new CliException(file + ": not a zip file, so not an evidence bundle (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new CliException(file + ": " + Errors.describe(e), e);
        }
        try {
            return check(file, zip);
        } catch (RuntimeException e) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // Read-only: nothing to lose.
            }
            throw e;
        }
    }

    private static BundleInput check(Path file, ZipFile zip) {
        List<Problem> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<String> order = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
            ZipEntry entry = e.nextElement();
            String name = entry.getName();
            if (entry.isDirectory() && name.equals(EvidenceBundle.KEYS_DIR)) {
                continue;
            }
            if (!EvidenceBundle.safeName(name) || entry.isDirectory()) {
                problems.add(new Problem(Text.safe(name), "an entry name a bundle never holds (absolute, with '..',"
                        + " a directory or unusual characters); it is not read"));
                continue;
            }
            if (!names.add(name)) {
                problems.add(new Problem(name, "the zip holds this name twice: which copy is the evidence?"));
                continue;
            }
            order.add(name);
        }
        if (!names.contains(EvidenceBundle.MANIFEST)) {
            throw new CliException(file + ": a zip without " + EvidenceBundle.MANIFEST + ", so not a Vouch evidence bundle"
                    + " ('vouch export --format bundle' writes them)");
        }
        Map<String, Object> manifest = parseManifest(file, readSmall(zip, EvidenceBundle.MANIFEST, file));
        if (!EvidenceBundle.FORMAT.equals(manifest.get("bundle"))) {
            throw new CliException(file + ": " + EvidenceBundle.MANIFEST + " is not that of a " + EvidenceBundle.FORMAT
                    + " bundle (bundle: " + Text.safe(String.valueOf(manifest.get("bundle"))) + ")");
        }
        if (!names.contains(EvidenceBundle.JOURNAL)) {
            throw new CliException(file + ": the bundle has no " + EvidenceBundle.JOURNAL);
        }
        // Every listed file present, of its size and SHA-256; nothing else but the manifest.
        Set<String> listed = new HashSet<>();
        Object files = manifest.get("files");
        int count = 0;
        if (files instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> f) || !(f.get("path") instanceof String path)
                        || !(f.get("sha256") instanceof String sha) || !(f.get("size") instanceof Number size)) {
                    problems.add(new Problem(EvidenceBundle.MANIFEST, "a files entry without path, size and sha256"));
                    continue;
                }
                count++;
                listed.add(path);
                if (!names.contains(path)) {
                    problems.add(new Problem(Text.safe(path), "listed in the manifest but missing from the bundle"));
                    continue;
                }
                String[] actual = digest(zip, path, file);
                if (!actual[0].equals(size.toString()) || !actual[1].equals(sha)) {
                    problems.add(new Problem(path, "its SHA-256 or size does not match the manifest (manifest "
                            + size + " bytes, sha256 " + Text.safe(sha) + "; bundle " + actual[0] + " bytes, sha256 "
                            + actual[1] + "): changed after the bundle was made"));
                }
            }
        } else {
            problems.add(new Problem(EvidenceBundle.MANIFEST, "no files list"));
        }
        for (String name : order) {
            if (!name.equals(EvidenceBundle.MANIFEST) && !listed.contains(name)) {
                problems.add(new Problem(name, "in the bundle but not in its manifest: added after it was made"));
            }
        }
        String note = null;
        if (names.contains(EvidenceBundle.CHECKPOINT)) {
            String text = new String(readSmall(zip, EvidenceBundle.CHECKPOINT, file), StandardCharsets.UTF_8);
            try {
                Checkpoint.parse(SignedNote.parse(text).text());
                note = text;
            } catch (FormatException e) {
                problems.add(new Problem(EvidenceBundle.CHECKPOINT, "not a signed checkpoint note: " + e.getMessage()));
            }
        } else {
            problems.add(new Problem(EvidenceBundle.CHECKPOINT, "missing: the bundle's latest signed checkpoint"));
        }
        BundleInput in = new BundleInput(file, zip, manifest, note);
        in.problems.addAll(problems);
        in.manifestFiles = count;
        return in;
    }

    private static Map<String, Object> parseManifest(Path file, byte[] bytes) {
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CliException(file + ": " + EvidenceBundle.MANIFEST + " is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) JsonTree.read(p, JsonToken.START_OBJECT);
            return m;
        } catch (IOException e) {
            throw new CliException(file + ": " + EvidenceBundle.MANIFEST + " is not JSON: " + Errors.jsonProblem(e), e);
        }
    }

    private static byte[] readSmall(ZipFile zip, String name, Path file) {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            byte[] bytes = in.readNBytes(MAX_SMALL_FILE + 1);
            if (bytes.length > MAX_SMALL_FILE) {
                throw new CliException(file + ": " + name + " is larger than " + MAX_SMALL_FILE + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new CliException(file + ": cannot read " + name + ": " + Errors.describe(e), e);
        }
    }

    /** Size and hex SHA-256 of an entry, streamed. */
    private static String[] digest(ZipFile zip, String name, Path file) {
        MessageDigest sha256 = Rfc6962.newSha256();
        long size = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            for (int n; (n = in.read(buf)) > 0;) {
                sha256.update(buf, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw new CliException(file + ": cannot read " + name + " (a damaged zip?): " + Errors.describe(e), e);
        }
        return new String[] {Long.toString(size), HexFormat.of().formatHex(sha256.digest())};
    }

    /** Problems found so far; empty for a sound bundle. */
    List<Problem> problems() {
        return problems;
    }

    Path file() {
        return file;
    }

    int manifestFiles() {
        return manifestFiles;
    }

    Map<String, Object> manifest() {
        return manifest;
    }

    /** The bundle's checkpoint note, or null if it is missing or does not parse (a problem then). */
    String checkpointNote() {
        return checkpointNote;
    }

    /**
     * Compares what verification found with what the bundle claims: the records, the origin, and that the journal's
     * last valid checkpoint is the bundle's checkpoint (so the bundle is complete up to it). Adds problems.
     */
    List<Problem> afterVerification(Outcome outcome) {
        List<Problem> found = new ArrayList<>();
        Object records = manifest.get("records");
        if (!(records instanceof Long n) || n != outcome.report().records()) {
            found.add(new Problem(EvidenceBundle.JOURNAL, "holds " + outcome.report().records() + " records, the manifest"
                    + " says " + records));
        }
        if (outcome.report().origin() != null && !outcome.report().origin().equals(manifest.get("origin"))) {
            found.add(new Problem(EvidenceBundle.MANIFEST, "names origin " + Text.safe(String.valueOf(manifest.get("origin")))
                    + ", the journal's is " + Text.safe(outcome.report().origin())));
        }
        // After a failure the last valid checkpoint says little: the failures are the finding.
        if (checkpointNote != null && outcome.report().failureCount() == 0) {
            Checkpoint cp = Checkpoint.parse(SignedNote.parse(checkpointNote).text());
            Checkpoint last = outcome.lastCheckpoint();
            if (last == null || !last.origin().equals(cp.origin()) || last.size() != cp.size()
                    || !Arrays.equals(last.rootHash(), cp.rootHash())) {
                found.add(new Problem(EvidenceBundle.CHECKPOINT, "is not the journal's last validly signed checkpoint"
                        + " (tree size " + cp.size() + " against " + (last == null ? "none" : Long.toString(last.size()))
                        + "): the bundle is not complete up to its checkpoint"));
            } else if (!(manifest.get("checkpoint_tree_size") instanceof Long size) || size != cp.size()) {
                found.add(new Problem(EvidenceBundle.MANIFEST, "gives checkpoint_tree_size "
                        + manifest.get("checkpoint_tree_size") + ", the checkpoint's is " + cp.size()));
            } else if (!java.util.Base64.getEncoder().encodeToString(cp.rootHash())
                    .equals(manifest.get("checkpoint_root_hash_b64"))) {
                found.add(new Problem(EvidenceBundle.MANIFEST, "gives checkpoint_root_hash_b64 "
                        + Text.safe(String.valueOf(manifest.get("checkpoint_root_hash_b64"))) + ", not the checkpoint's"));
            }
            found.addAll(claims(outcome));
        }
        found.addAll(readableFields());
        problems.addAll(found);
        return found;
    }

    /** The manifest's members; any other is a claim nothing backs (an outside auditor added "verified by ..."). */
    private static final java.util.Set<String> MANIFEST_MEMBERS = java.util.Set.of("bundle", "created", "created_by",
            "source", "origin", "records", "checkpoint_tree_size", "checkpoint_root_hash_b64", "sealed",
            "records_left_out", "keys", "files");

    /**
     * What the manifest says that verification can check: whether the journal is sealed, and its keys in order. An
     * outside auditor changed sealed to false and emptied keys, re-hashed nothing (the manifest is not hashed), and the
     * bundle verified INTACT. created, created_by, source and records_left_out are the exporter's word (EXPORT.md).
     */
    private List<Problem> claims(Outcome outcome) {
        List<Problem> found = new ArrayList<>();
        for (String name : manifest.keySet()) {
            if (!MANIFEST_MEMBERS.contains(name)) {
                found.add(new Problem(EvidenceBundle.MANIFEST, "has a member " + Text.safe(name) + " that no bundle"
                        + " has: a claim nothing in the bundle backs"));
            }
        }
        if (!Boolean.valueOf(outcome.report().sealed()).equals(manifest.get("sealed"))) {
            found.add(new Problem(EvidenceBundle.MANIFEST, "says sealed " + manifest.get("sealed") + ", but the journal"
                    + " in it is " + (outcome.report().sealed() ? "" : "not ") + "sealed"));
        }
        List<String> said = new ArrayList<>();
        if (manifest.get("keys") instanceof List<?> keys) {
            for (Object k : keys) {
                said.add(k instanceof Map<?, ?> m ? String.valueOf(m.get("fingerprint")) : String.valueOf(k));
            }
        }
        List<dev.vouch.crypto.VerifyingKey> keys = outcome.report().keys();
        List<String> verified = keys.stream().map(dev.vouch.crypto.VerifyingKey::fingerprint).toList();
        if (!said.equals(verified)) {
            found.add(new Problem(EvidenceBundle.MANIFEST, "lists keys " + Text.safe(String.valueOf(said))
                    + ", but the journal was signed by " + verified + ", in that order"));
        }
        // Each key entry as the exporter writes it, and each key file the key it names: a re-trial swapped
        // keys/key-1.pem for another key, fixed its hash in files[], and the bundle verified INTACT.
        if (manifest.get("keys") instanceof List<?> entries) {
            for (int i = 0; i < entries.size(); i++) {
                if (!(entries.get(i) instanceof Map<?, ?> k) || !KEY_MEMBERS.containsAll(k.keySet())) {
                    found.add(new Problem(EvidenceBundle.MANIFEST, "key entry " + (i + 1) + " has members no bundle"
                            + " has (a key entry is fingerprint, note_key and file)"));
                    continue;
                }
                String expectedFile = EvidenceBundle.keyFile(i + 1);
                if (!expectedFile.equals(k.get("file"))) {
                    found.add(new Problem(EvidenceBundle.MANIFEST, "key entry " + (i + 1) + " names the file "
                            + Text.safe(String.valueOf(k.get("file"))) + ", not " + expectedFile));
                }
                if (i < keys.size() && k.get("note_key") != null
                        && !String.valueOf(k.get("note_key")).equals(String.valueOf(outcome.noteKey(keys.get(i))))) {
                    found.add(new Problem(EvidenceBundle.MANIFEST, "key entry " + (i + 1) + " gives a note_key that"
                            + " is not the journal's for that key"));
                }
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            String name = EvidenceBundle.keyFile(i + 1);
            ZipEntry e = zip.getEntry(name);
            String problem = null;
            if (e == null) {
                problem = "missing: the public key the journal was signed with " + (i == 0 ? "first" : "after rotation " + i);
            } else {
                try {
                    dev.vouch.crypto.VerifyingKey inFile = dev.vouch.crypto.VerifyingKey.fromPem(
                            new String(readSmall(zip, name, file), StandardCharsets.US_ASCII));
                    if (!inFile.equals(keys.get(i))) {
                        problem = "holds key " + inFile.fingerprint() + ", but the journal's key " + (i + 1) + " is "
                                + keys.get(i).fingerprint();
                    }
                } catch (RuntimeException notAKey) {
                    problem = "is not a public key: " + Text.safe(String.valueOf(notAKey.getMessage()));
                }
            }
            if (problem != null) {
                found.add(new Problem(name, problem));
            }
        }
        Set<String> expectedFiles = new HashSet<>(List.of(EvidenceBundle.JOURNAL, EvidenceBundle.CHECKPOINT,
                EvidenceBundle.ROTATIONS));
        for (int i = 0; i < keys.size(); i++) {
            expectedFiles.add(EvidenceBundle.keyFile(i + 1));
        }
        if (manifest.get("files") instanceof List<?> files) {
            for (Object o : files) {
                if (o instanceof Map<?, ?> f && (!FILE_MEMBERS.containsAll(f.keySet())
                        || !expectedFiles.contains(String.valueOf(f.get("path"))))) {
                    found.add(new Problem(EvidenceBundle.MANIFEST, "lists a file no bundle of this journal has, or with"
                            + " members no bundle has: " + Text.safe(String.valueOf(f.get("path")))));
                }
            }
        }
        return found;
    }

    private static final Set<String> KEY_MEMBERS = Set.of("fingerprint", "note_key", "file");
    private static final Set<String> FILE_MEMBERS = Set.of("path", "size", "sha256", "proves");

    /**
     * Every line must read as its {@code record_b64} renders: the exporter writes each line from the record, and a
     * call's derived {@code outcome} member from the bundle's own records after it. Only {@code record_b64} is
     * verified; an outside auditor changed a refund's amount in the readable {@code params} of one line, re-hashed
     * the manifest, and the bundle verified INTACT while anyone reading the line with {@code jq} saw the forged amount.
     */
    private List<Problem> readableFields() {
        List<Problem> found = new ArrayList<>();
        try {
            for (ExportLineCheck.Misleading line : ExportLineCheck.misleadingLines(this::records, true)) {
                found.add(new Problem("bundle", line.seq(), EvidenceBundle.JOURNAL, line.message()));
            }
        } catch (IOException | CliException e) {
            // the verification reports what cannot be read
        }
        return found;
    }

    /** The records of {@code journal.jsonl}, in order: each line's {@code record_b64}, canonical base64. */
    ExportLines records() {
        BufferedReader reader;
        try {
            reader = new BufferedReader(new InputStreamReader(zip.getInputStream(zip.getEntry(EvidenceBundle.JOURNAL)),
                    StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new CliException(file + ": cannot read " + EvidenceBundle.JOURNAL + ": " + Errors.describe(e), e);
        }
        return new ExportLines(reader, file + "!" + EvidenceBundle.JOURNAL);
    }

    /** Bytes of the journal in the bundle, for messages. */
    long storageBytes() {
        ZipEntry e = zip.getEntry(EvidenceBundle.JOURNAL);
        return e == null ? 0 : Math.max(0, e.getSize());
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException ignored) {
            // Read-only.
        }
    }
}
