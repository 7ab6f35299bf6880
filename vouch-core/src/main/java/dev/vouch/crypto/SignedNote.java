package dev.vouch.crypto;

import dev.vouch.FormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP signed note (https://c2sp.org/signed-note): UTF-8 text ending in a newline, a blank line, then one
 * or more signature lines {@code — <key name> base64(4-byte key ID || signature)}. Interoperable with Go's
 * {@code golang.org/x/mod/sumdb/note} and transparency-log witnesses.
 *
 * <pre>
 * example.com/log                      \
 * 42                                    | text(): signed, ends with "\n"
 * CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=   /
 *                                       blank line: separator, not signed
 * — example.com/log Az3grlgt...==      one line per signature
 * </pre>
 *
 * <p>Immutable and thread-safe. Parsing checks syntax only; call {@link #verifiedBy} with a key the caller
 * trusts. Signatures from other keys (witness cosignatures, other algorithms) are kept, not judged.
 */
public final class SignedNote {
    /**
     * Most signature lines {@link #parse} accepts. The spec asks verifiers to accept at least 16; Go's note
     * package stops at 100. A bound keeps a hostile note from costing unbounded work.
     */
    public static final int MAX_SIGNATURES = 100;

    private static final String SIG_PREFIX = "\u2014 ";
    private static final int KEY_ID_SIZE = 4;

    /**
     * One signature line.
     *
     * @param keyName the key name on the line
     * @param keyId the 4-byte key ID, big-endian
     * @param signature the bytes after the key ID: 64 for Ed25519, other lengths for other algorithms
     */
    public record Signature(String keyName, int keyId, byte[] signature) {
        /** Copies {@code signature}. */
        public Signature {
            Objects.requireNonNull(keyName, "keyName");
            signature = signature.clone();
        }

        /** A copy of the signature bytes. */
        @Override
        public byte[] signature() {
            return signature.clone();
        }

        byte[] rawSignature() {
            return signature;
        }

        /** Equal when name, key ID and signature bytes are equal. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Signature s && keyName.equals(s.keyName) && keyId == s.keyId
                    && Arrays.equals(signature, s.signature);
        }

        @Override
        public int hashCode() {
            return (keyName.hashCode() * 31 + keyId) * 31 + Arrays.hashCode(signature);
        }

        /** The line as it appears in a note, without the newline. */
        @Override
        public String toString() {
            return SIG_PREFIX + keyName + " " + Encoding.base64(keyIdAndSignature(keyId, signature));
        }
    }

    private final String text;
    private final byte[] textUtf8;
    private final List<Signature> signatures;

    private SignedNote(String text, List<Signature> signatures) {
        this.text = text;
        this.textUtf8 = text.getBytes(StandardCharsets.UTF_8);
        this.signatures = List.copyOf(signatures);
    }

    /** The signed text, ending with {@code "\n"} (the separating blank line excluded). */
    public String text() {
        return text;
    }

    /** The signature lines in note order; unmodifiable. */
    public List<Signature> signatures() {
        return signatures;
    }

    /**
     * Signs {@code text} and returns the whole note: {@code text + "\n" + "— " + keyName + " " +
     * base64(keyId || signature) + "\n"}.
     *
     * @throws FormatException if {@code text} is empty, does not end with a newline, or holds a character a
     *     note may not (a control character other than newline, an unpaired surrogate); or if {@code keyName}
     *     is not a valid key name
     * @throws IllegalStateException if {@code key} was destroyed
     */
    public static String sign(String text, String keyName, SigningKey key) {
        checkText(text);
        NoteKeys.checkName(keyName);
        return text + "\n" + signatureLine(text.getBytes(StandardCharsets.UTF_8), keyName, key);
    }

    /**
     * Adds a signature by {@code key} to an existing note (a cosignature). A signature already there from the
     * same key name and key ID is replaced, as Go's {@code note.Sign} does; all others are kept in order.
     * Existing signatures are not verified.
     *
     * @throws FormatException if {@code note} does not parse or {@code keyName} is invalid
     */
    public static String appendSignature(String note, String keyName, SigningKey key) {
        SignedNote parsed = parse(note);
        int id = NoteKeys.keyId(keyName, key.verifyingKey());
        StringBuilder b = new StringBuilder(note.length() + 128).append(parsed.text).append('\n');
        for (Signature s : parsed.signatures) {
            if (!(s.keyName.equals(keyName) && s.keyId == id)) {
                b.append(s).append('\n');
            }
        }
        return b.append(signatureLine(parsed.textUtf8, keyName, key)).toString();
    }

    private static String signatureLine(byte[] text, String keyName, SigningKey key) {
        int id = NoteKeys.keyId(keyName, key.verifyingKey());
        return SIG_PREFIX + keyName + " " + Encoding.base64(keyIdAndSignature(id, key.sign(text))) + "\n";
    }

    private static byte[] keyIdAndSignature(int keyId, byte[] sig) {
        byte[] out = new byte[KEY_ID_SIZE + sig.length];
        out[0] = (byte) (keyId >>> 24);
        out[1] = (byte) (keyId >>> 16);
        out[2] = (byte) (keyId >>> 8);
        out[3] = (byte) keyId;
        System.arraycopy(sig, 0, out, KEY_ID_SIZE, sig.length);
        return out;
    }

    private static void checkText(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.endsWith("\n")) {
            throw new FormatException("note text must end with a newline");
        }
        Encoding.checkNoteChars(text, "note text");
    }

    /**
     * Parses a signed note strictly, as Go's {@code note.Open} does: valid Unicode without control characters
     * other than newline; the text is everything up to the last blank line; after it, 1 to
     * {@value #MAX_SIGNATURES} lines of the form {@code — name base64}, each with a valid key name and
     * canonical base64 of at least 5 bytes, the last one ending with a newline. Signatures are not verified.
     *
     * @throws FormatException naming the line that is wrong
     */
    public static SignedNote parse(String note) {
        Objects.requireNonNull(note, "note");
        Encoding.checkNoteChars(note, "note");
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new FormatException("note has no blank line separating the text from the signatures");
        }
        String text = note.substring(0, split + 1);
        String sigs = note.substring(split + 2);
        int lineNo = countLines(text) + 2;
        if (sigs.isEmpty()) {
            throw new FormatException("note line " + lineNo + ": expected a signature line after the blank line,"
                    + " found the end of the note");
        }
        List<Signature> signatures = new ArrayList<>();
        int start = 0;
        while (start < sigs.length()) {
            int end = sigs.indexOf('\n', start);
            if (end < 0) {
                throw new FormatException("note line " + lineNo + ": the last signature line does not end with"
                        + " a newline");
            }
            if (signatures.size() == MAX_SIGNATURES) {
                throw new FormatException("note line " + lineNo + ": more than " + MAX_SIGNATURES
                        + " signatures");
            }
            signatures.add(parseSignatureLine(sigs.substring(start, end), lineNo));
            start = end + 1;
            lineNo++;
        }
        return new SignedNote(text, signatures);
    }

    private static Signature parseSignatureLine(String line, int lineNo) {
        String where = "note line " + lineNo + ": ";
        if (!line.startsWith(SIG_PREFIX)) {
            throw new FormatException(where + "expected a signature line starting with an em dash (U+2014) and a"
                    + " space, found " + Encoding.quote(line, 40));
        }
        int space = line.indexOf(' ', SIG_PREFIX.length());
        if (space < 0) {
            throw new FormatException(where + "signature line has no space between the key name and the"
                    + " signature");
        }
        String name = line.substring(SIG_PREFIX.length(), space);
        String b64 = line.substring(space + 1);
        try {
            NoteKeys.checkName(name);
        } catch (FormatException e) {
            throw new FormatException(where + e.getMessage(), e);
        }
        byte[] raw = Encoding.decodeBase64(b64);
        if (raw == null) {
            throw new FormatException(where + "signature by " + name + " is not canonical standard base64");
        }
        if (raw.length <= KEY_ID_SIZE) {
            throw new FormatException(where + "signature by " + name + " is " + raw.length
                    + " bytes, expected a 4-byte key ID and a signature");
        }
        int keyId = (raw[0] & 0xff) << 24 | (raw[1] & 0xff) << 16 | (raw[2] & 0xff) << 8 | (raw[3] & 0xff);
        return new Signature(name, keyId, Arrays.copyOfRange(raw, KEY_ID_SIZE, raw.length));
    }

    private static int countLines(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether this note is signed by {@code key} under {@code keyName}: at least one signature line carries
     * that name and the key's ID, and every such line holds a valid Ed25519 signature of {@link #text()}.
     * A bad signature under a trusted name and ID makes the whole answer false even if another line is good,
     * following the spec's advice to reject such a note. Never throws for bad signatures.
     *
     * @throws FormatException if {@code keyName} is not a valid key name
     */
    public boolean verifiedBy(String keyName, VerifyingKey key) {
        int id = NoteKeys.keyId(keyName, key);
        boolean found = false;
        for (Signature s : signatures) {
            if (s.keyId == id && s.keyName.equals(keyName)) {
                if (!key.verify(s.rawSignature(), textUtf8)) {
                    return false;
                }
                found = true;
            }
        }
        return found;
    }

    /** Equal when the text and the signature lines are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SignedNote n && text.equals(n.text) && signatures.equals(n.signatures);
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + signatures.hashCode();
    }

    /** The note as it would be written: text, blank line, signature lines. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(text.length() + 128 * signatures.size()).append(text).append('\n');
        for (Signature s : signatures) {
            b.append(s).append('\n');
        }
        return b.toString();
    }
}
