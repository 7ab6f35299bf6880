package dev.vouch.guard;

import dev.vouch.policy.internal.RedactionPaths;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vouch.KeyFileException;
import dev.vouch.internal.SecretFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The operator's secret for redaction commitments. When a policy redacts a parameter, the journal stores, in
 * place of the value, a keyed and salted commitment to it:
 *
 * <pre>
 * {"$vouch_redacted":"hmac-sha256:v2:&lt;base64 salt, 16 bytes&gt;:&lt;base64 mac, 32 bytes&gt;"}
 * mac = HMAC-SHA-256(key, salt || RFC 8785 (JCS) canonical JSON bytes of the original value)
 * </pre>
 *
 * <p>Version 1 commitments ({@code hmac-sha256:v1:}, over jackson's compact copy, written before RFC 8785
 * commitments) keep verifying.
 *
 * <p>The key never goes into the journal. Whoever holds it can later prove what a redacted value was
 * ({@link #verify}, {@link #verifyAt}); without it, the commitment reveals nothing, not even for a value
 * with few possibilities (a PIN, a card number with a known prefix), because the MAC is keyed and salted per
 * value. docs/GUARD.md, "Redaction", gives the canonical form and the whole-parameters variant
 * ({@code hmac-sha256:v1-bytes:...}).
 *
 * <p>A key file holds the key as one line of base64 (at least {@value #MIN_BYTES} bytes decoded), for
 * example from {@code openssl rand -base64 32 > redaction.key && chmod 600 redaction.key}, and, like the
 * signing key, must be readable by its owner only. Immutable and thread-safe; {@link #toString} shows only
 * the key's id.
 */
public final class RedactionKey {
    /** The shortest key accepted, in bytes: HMAC-SHA-256's block of security. */
    public static final int MIN_BYTES = 32;
    /** The prefix of a commitment to one JSON value in its RFC 8785 (JCS) canonical form; what the guard writes. */
    public static final String VALUE_PREFIX = "hmac-sha256:v2:";
    /** The prefix of a version 1 value commitment (Vouch 0.1 and 0.2): jackson's compact copy, still verified. */
    public static final String VALUE_PREFIX_V1 = "hmac-sha256:v1:";
    /** The prefix of a commitment to a whole parameter document, over its exact bytes. */
    public static final String BYTES_PREFIX = "hmac-sha256:v1-bytes:";
    /** The field that replaces a redacted value in stored parameters. */
    public static final String REDACTED_FIELD = "$vouch_redacted";

    static final int SALT_BYTES = 16;
    private static final int MAC_BYTES = 32;
    private static final int MAX_FILE_BYTES = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String id;

    private RedactionKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("vouch.redaction-key-id\n".getBytes(StandardCharsets.US_ASCII));
            this.id = HexFormat.of().formatHex(sha.digest(bytes), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * A key from raw bytes (copied).
     *
     * @throws IllegalArgumentException if shorter than {@value #MIN_BYTES} bytes
     */
    public static RedactionKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("a redaction key must have at least " + MIN_BYTES
                    + " bytes; this one has " + key.length);
        }
        return new RedactionKey(key.clone());
    }

    /** A new random key of {@value #MIN_BYTES} bytes, held only in memory. */
    public static RedactionKey generate() {
        byte[] b = new byte[MIN_BYTES];
        RANDOM.nextBytes(b);
        return new RedactionKey(b);
    }

    /**
     * Loads a key file: one line of base64, at least {@value #MIN_BYTES} bytes decoded, mode 0600.
     *
     * @throws KeyFileException naming the file if it is missing, not a regular file, accessible to group or
     *     others (the message gives the {@code chmod} that fixes it), unreadable, or not such a key
     */
    public static RedactionKey load(Path file) {
        Objects.requireNonNull(file, "file");
        checkAttributes(file);
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (AccessDeniedException e) {
            throw new KeyFileException(file, "permission denied reading the redaction key file (running as user "
                    + System.getProperty("user.name") + ")", e);
        } catch (IOException e) {
            throw new KeyFileException(file, "cannot read the redaction key file: " + e, e);
        }
        try {
            if (content.length > MAX_FILE_BYTES) {
                throw new KeyFileException(file, "redaction key file is larger than " + MAX_FILE_BYTES
                        + " bytes; expected one line of base64");
            }
            String text = new String(content, StandardCharsets.US_ASCII).strip();
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new KeyFileException(file, "redaction key file does not hold one line of base64"
                        + " (create one with: openssl rand -base64 32 > " + file + " && chmod 600 " + file + ")");
            }
            try {
                if (raw.length < MIN_BYTES) {
                    throw new KeyFileException(file, "redaction key has " + raw.length + " bytes; at least "
                            + MIN_BYTES + " are needed (create a new one with: openssl rand -base64 32 > " + file
                            + " && chmod 600 " + file + ")");
                }
                return new RedactionKey(raw);
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Generates a key and writes it to a new file (mode 0600 from the start, written and synced before it
     * appears under its name). Never overwrites.
     *
     * @throws KeyFileException if the file exists or cannot be written
     */
    public static RedactionKey create(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] raw = new byte[MIN_BYTES];
        RANDOM.nextBytes(raw);
        byte[] line = (Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            writeNew(file.toAbsolutePath(), line);
            return new RedactionKey(raw);
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException(file, "a file already exists here; a redaction key is never overwritten", e);
        } catch (IOException e) {
            throw new KeyFileException(file, "cannot write the redaction key file: " + e, e);
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(line, (byte) 0);
        }
    }

    /**
     * A short public fingerprint of the key (16 hex digits of SHA-256 over a label and the key), recorded with
     * each decision that redacted something, so an operator who rotated keys knows which one to use.
     */
    public String id() {
        return id;
    }

    /**
     * A new commitment to one JSON value, with a fresh random salt.
     *
     * @param valueJson one JSON value, UTF-8 ({@code "4111 1111 1111 1111"} with its quotes, {@code 42},
     *                  {@code {"a":1}}); whitespace and escapes do not matter, it is canonicalised first
     * @throws IllegalArgumentException if it is not exactly one JSON value
     */
    public String commit(byte[] valueJson) {
        return commitCanonical(JsonCanonicalForm.of(valueJson));
    }

    String commitCanonical(byte[] canonical) {
        return commit(VALUE_PREFIX, canonical);
    }

    /** A commitment to a whole parameter document, over its exact bytes (for parameters that are not JSON). */
    String commitBytes(byte[] exact) {
        return commit(BYTES_PREFIX, exact);
    }

    private String commit(String prefix, byte[] message) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return prefix + b64.encodeToString(salt) + ":" + b64.encodeToString(mac(salt, message));
    }

    /**
     * Whether {@code commitment} was made by this key for this value. For a {@code v1} commitment the value
     * is one JSON value, canonicalised as by {@link #commit}; for a {@code v1-bytes} commitment (parameters
     * that were not valid JSON) it is the exact original parameter bytes.
     *
     * @throws IllegalArgumentException if the commitment is not of either form, or a {@code v1} value is not
     *     exactly one JSON value
     */
    public boolean verify(String commitment, byte[] value) {
        Objects.requireNonNull(commitment, "commitment");
        Objects.requireNonNull(value, "value");
        String prefix;
        byte[] message;
        if (commitment.startsWith(VALUE_PREFIX)) {
            prefix = VALUE_PREFIX;
            message = JsonCanonicalForm.of(value);
        } else if (commitment.startsWith(VALUE_PREFIX_V1)) {
            prefix = VALUE_PREFIX_V1;
            message = Json.canonical(value);
        } else if (commitment.startsWith(BYTES_PREFIX)) {
            prefix = BYTES_PREFIX;
            message = value;
        } else {
            throw new IllegalArgumentException("not a Vouch redaction commitment: expected it to start with "
                    + VALUE_PREFIX + ", " + VALUE_PREFIX_V1 + " or " + BYTES_PREFIX);
        }
        String rest = commitment.substring(prefix.length());
        int colon = rest.indexOf(':');
        byte[] salt;
        byte[] mac;
        try {
            if (colon < 0) {
                throw new IllegalArgumentException("no ':' between salt and mac");
            }
            salt = Base64.getDecoder().decode(rest.substring(0, colon));
            mac = Base64.getDecoder().decode(rest.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed redaction commitment: " + e.getMessage());
        }
        if (salt.length != SALT_BYTES || mac.length != MAC_BYTES) {
            throw new IllegalArgumentException("malformed redaction commitment: expected a " + SALT_BYTES
                    + "-byte salt and a " + MAC_BYTES + "-byte mac, found " + salt.length + " and " + mac.length);
        }
        return MessageDigest.isEqual(mac, mac(salt, message));
    }

    /** As {@link #verify(String, byte[])}, for a value given as text (UTF-8). */
    public boolean verify(String commitment, String value) {
        Objects.requireNonNull(value, "value");
        return verify(commitment, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Proves a redacted value from a journal record: finds the commitment at {@code path} in the stored
     * parameters (as the journal holds them) and checks it against {@code valueJson}.
     *
     * @return false if there is no commitment at that path, or it does not match
     */
    public boolean verifyAt(byte[] storedParams, String path, String valueJson) {
        List<String> found = commitmentsAt(storedParams, path);
        for (String c : found) {
            if (verify(c, valueJson)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The commitments stored at a parameter path (a dot path as in the policy, numeric segments index
     * arrays) of stored parameters: usually one, several if the original had the same key twice; empty if
     * none. Needs no key.
     *
     * @throws IllegalArgumentException if the stored parameters are not JSON
     */
    public static List<String> commitmentsAt(byte[] storedParams, String path) {
        Objects.requireNonNull(storedParams, "storedParams");
        RedactionPaths paths = RedactionPaths.of(List.of(path));
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        try (JsonParser p = Json.FACTORY.createParser(storedParams)) {
            if (p.nextToken() != null) {
                collect(p, paths.root(), out);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the stored parameters are not JSON (" + Json.describe(e) + ")");
        }
        return List.copyOf(out);
    }

    private static void collect(JsonParser p, RedactionPaths.Node node, List<String> out) throws IOException {
        JsonToken t = p.currentToken();
        if (node != null && node.terminal()) {
            if (t == JsonToken.START_OBJECT) {
                // {"$vouch_redacted": "..."}
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (REDACTED_FIELD.equals(name) && v == JsonToken.VALUE_STRING) {
                        out.add(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
            return;
        }
        if (node == null) {
            p.skipChildren();
            return;
        }
        if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                RedactionPaths.Node child = node.field(p.currentName());
                p.nextToken();
                collect(p, child, out);
            }
        } else if (t == JsonToken.START_ARRAY) {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                collect(p, node.index(i++), out);
            }
        }
    }

    private byte[] mac(byte[] salt, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(salt);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "RedactionKey[id=" + id + "]";
    }

    private static void checkAttributes(Path file) {
        BasicFileAttributes attrs;
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            attrs = posix
                    ? Files.readAttributes(file, PosixFileAttributes.class)
                    : Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file, "no redaction key file; create one with RedactionKey.create, or with:"
                    + " openssl rand -base64 32 > " + file + " && chmod 600 " + file, e);
        } catch (IOException e) {
            throw new KeyFileException(file, "cannot read the redaction key file's attributes: " + e, e);
        }
        if (!attrs.isRegularFile()) {
            throw new KeyFileException(file, "is not a regular file, expected a redaction key file (one line of base64)");
        }
        if (attrs instanceof PosixFileAttributes pa) {
            SecretFiles.checkPrivate(file, pa, "redaction key file");
        }
    }

    /** A new owner-only file, never replacing one (the shared secret-file rules: {@link SecretFiles}). */
    private static void writeNew(Path target, byte[] content) throws IOException {
        SecretFiles.write(target, content, SecretFiles.OWNER_ONLY, false);
    }
}
