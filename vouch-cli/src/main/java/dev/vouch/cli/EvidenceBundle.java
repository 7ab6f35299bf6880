package dev.vouch.cli;

import java.util.regex.Pattern;

/**
 * The layout of an evidence bundle ({@code vouch export --format bundle}), shared by the writer
 * ({@link BundleExport}) and the reader ({@link BundleInput}). docs/EXPORT.md, "Evidence bundle", specifies it;
 * change both together.
 *
 * <pre>
 * manifest.json          what the bundle holds: every other file with its size, SHA-256 and what it proves
 * journal.jsonl          every record from the genesis through the latest signed checkpoint, as 'vouch export' writes
 * checkpoint.txt         that checkpoint's signed note
 * keys/key-N.pem         the journal's public keys, 1 = the genesis key (informative)
 * keys/rotations.txt     the signed key rotation statements, when the journal rotated its key
 * </pre>
 */
final class EvidenceBundle {
    static final String FORMAT = "vouch-evidence-bundle.v1";
    static final String MANIFEST = "manifest.json";
    static final String JOURNAL = "journal.jsonl";
    static final String CHECKPOINT = "checkpoint.txt";
    static final String KEYS_DIR = "keys/";
    static final String ROTATIONS = "keys/rotations.txt";

    /**
     * Names a bundle may hold: plain relative paths of safe characters, at most one directory deep. Anything else
     * (absolute paths, {@code ..}, backslashes, drive letters) is refused before it is used, so that nothing in a
     * bundle can name a place outside it; the reader never writes an entry to disk anyway.
     */
    static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127})?");

    private EvidenceBundle() {
    }

    static boolean safeName(String name) {
        return SAFE_NAME.matcher(name).matches() && !name.contains("..");
    }

    static String keyFile(int n) {
        return KEYS_DIR + "key-" + n + ".pem";
    }
}
