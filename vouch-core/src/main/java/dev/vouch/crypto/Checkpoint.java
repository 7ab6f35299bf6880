package dev.vouch.crypto;

import dev.vouch.FormatException;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The body of a C2SP transparency-log checkpoint (https://c2sp.org/tlog-checkpoint): the text a
 * {@link SignedNote} signs.
 *
 * <pre>
 * line 1   origin          the log's unique name, non-empty        example.com/log
 * line 2   tree size       decimal, no leading zeros               20852163
 * line 3   root hash       standard base64 of 32 bytes (RFC 6962)  CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
 * line 4+  extensions      optional, opaque, non-empty
 * </pre>
 *
 * Every line ends with a newline. Immutable and thread-safe; {@link #rootHash()} returns a copy.
 */
public final class Checkpoint {
    /** Size of an RFC 6962 SHA-256 tree head in bytes. */
    public static final int ROOT_SIZE = 32;

    private final String origin;
    private final long size;
    private final byte[] root;
    private final List<String> extensions;

    private Checkpoint(String origin, long size, byte[] root, List<String> extensions) {
        this.origin = origin;
        this.size = size;
        this.root = root;
        this.extensions = extensions;
    }

    /**
     * A checkpoint from its parts; {@code root32} and {@code extensions} are copied.
     *
     * @throws FormatException if the parts could not be written as a valid checkpoint: an empty origin, a
     *     negative size, a root that is not 32 bytes, an empty extension line, or a newline or control
     *     character inside a line
     */
    public static Checkpoint of(String origin, long size, byte[] root32, List<String> extensions) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(root32, "root32");
        Objects.requireNonNull(extensions, "extensions");
        checkLine(origin, "origin");
        if (size < 0) {
            throw new FormatException("checkpoint tree size must not be negative, got " + size);
        }
        if (root32.length != ROOT_SIZE) {
            throw new FormatException("checkpoint root hash must be " + ROOT_SIZE + " bytes, got "
                    + root32.length);
        }
        List<String> ext = List.copyOf(extensions);
        for (int i = 0; i < ext.size(); i++) {
            checkLine(ext.get(i), "extension line " + (i + 1));
        }
        return new Checkpoint(origin, size, root32.clone(), ext);
    }

    private static void checkLine(String line, String what) {
        if (line.isEmpty()) {
            throw new FormatException("checkpoint " + what + " must not be empty");
        }
        if (line.indexOf('\n') >= 0) {
            throw new FormatException("checkpoint " + what + " must not contain a newline");
        }
        Encoding.checkNoteChars(line, "checkpoint " + what);
    }

    /** The log's origin line. */
    public String origin() {
        return origin;
    }

    /** The number of leaves in the tree. */
    public long size() {
        return size;
    }

    /** A copy of the 32-byte RFC 6962 root hash. */
    public byte[] rootHash() {
        return root.clone();
    }

    /** The extension lines, without newlines; unmodifiable, usually empty. */
    public List<String> extensions() {
        return extensions;
    }

    /** The note text: origin, size, base64 root and each extension, every line ending with a newline. */
    public String body() {
        StringBuilder b = new StringBuilder(origin.length() + 80).append(origin).append('\n').append(size)
                .append('\n').append(Encoding.base64(root)).append('\n');
        for (String e : extensions) {
            b.append(e).append('\n');
        }
        return b.toString();
    }

    /**
     * Parses a checkpoint body strictly: it ends with a newline; at least 3 lines; a non-empty origin; a size
     * matching {@code 0|[1-9][0-9]*} that fits in a {@code long}; a root that is canonical standard base64 of
     * exactly 32 bytes; non-empty extension lines; no control characters other than newline.
     *
     * @throws FormatException naming the line that is wrong
     */
    public static Checkpoint parse(String body) {
        Objects.requireNonNull(body, "body");
        Encoding.checkNoteChars(body, "checkpoint");
        if (!body.endsWith("\n")) {
            throw new FormatException("checkpoint does not end with a newline");
        }
        List<String> lines = new ArrayList<>(List.of(body.substring(0, body.length() - 1).split("\n", -1)));
        if (lines.size() < 3) {
            throw new FormatException("checkpoint has " + lines.size() + (lines.size() == 1 ? " line" : " lines")
                    + ", expected at least 3 (origin, tree size, root hash)");
        }
        String origin = lines.get(0);
        if (origin.isEmpty()) {
            throw new FormatException("checkpoint line 1: origin is empty");
        }
        long size = parseSize(lines.get(1));
        byte[] root = Encoding.decodeBase64(lines.get(2));
        if (root == null) {
            throw new FormatException("checkpoint line 3: root hash " + Encoding.quote(lines.get(2), 60)
                    + " is not canonical standard base64");
        }
        if (root.length != ROOT_SIZE) {
            throw new FormatException("checkpoint line 3: root hash is " + root.length + " bytes, expected "
                    + ROOT_SIZE);
        }
        List<String> extensions = lines.subList(3, lines.size());
        for (int i = 0; i < extensions.size(); i++) {
            if (extensions.get(i).isEmpty()) {
                throw new FormatException("checkpoint line " + (i + 4) + ": extension lines must not be empty");
            }
        }
        return new Checkpoint(origin, size, root, List.copyOf(extensions));
    }

    private static long parseSize(String line) {
        boolean digits = !line.isEmpty();
        for (int i = 0; i < line.length() && digits; i++) {
            char c = line.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (!digits || (line.length() > 1 && line.charAt(0) == '0')) {
            throw new FormatException("checkpoint line 2: tree size " + Encoding.quote(line, 30)
                    + " is not a decimal number without leading zeros");
        }
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new FormatException("checkpoint line 2: tree size " + line + " does not fit in a signed"
                    + " 64-bit integer", e);
        }
    }

    /** Whether {@code other} describes the same tree: equal origin, size and root hash (extensions ignored). */
    public boolean sameTree(Checkpoint other) {
        return origin.equals(other.origin) && size == other.size && MessageDigest.isEqual(root, other.root);
    }

    /** Equal when all parts, extensions included, are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && sameTree(c) && extensions.equals(c.extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, Arrays.hashCode(root), extensions);
    }

    @Override
    public String toString() {
        return "Checkpoint[origin=" + origin + ", size=" + size + ", root=" + Encoding.base64(root)
                + (extensions.isEmpty() ? "" : ", extensions=" + extensions.size()) + "]";
    }
}
