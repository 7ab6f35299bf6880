package dev.vouch.crypto;

import dev.vouch.FormatException;
import dev.vouch.internal.format.KeyRotationStatement;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A journal's key rotations as a checker without the journal needs them: the signed rotation statements
 * (docs/FORMAT.md, "Key rotation") of the KEY_ROTATION records, in journal order, each note verbatim, back to back.
 * A proof carries it in its extra data so that a checkpoint signed by a key the journal rotated to can be checked
 * with the journal's first key alone: {@link #follow} walks the statements from that key, each signed by the key
 * before it.
 *
 * <p>The statements prove that each key handed over to the next; they cannot prove that no later rotation exists.
 * Like the journal itself, a history is only as good as the keys in it: whoever holds a key that was rotated away
 * can still sign with it, and simply leave out the rotation. Immutable and thread-safe.
 */
public final class KeyHistory {
    private static final String SIG_PREFIX = "\u2014 ";

    private final List<String> notes;

    /** One rotation: at record {@code sequence}, {@code from} named {@code to} as its successor. */
    public record Rotation(long sequence, VerifyingKey from, VerifyingKey to) {
        public Rotation {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    private KeyHistory(List<String> notes) {
        this.notes = List.copyOf(notes);
    }

    /**
     * A history of these rotation statement notes, in journal order.
     *
     * @throws FormatException if a note does not parse as a signed note
     */
    public static KeyHistory of(List<String> rotationNotes) {
        for (String n : rotationNotes) {
            SignedNote.parse(n);
        }
        return new KeyHistory(rotationNotes);
    }

    /**
     * Parses the bytes {@link #bytes()} writes: UTF-8 signed notes back to back. A note ends after its signature
     * lines (lines that start with an em dash and a space); the next line starts the next note.
     *
     * @throws FormatException if the bytes are not UTF-8 or a note does not parse
     */
    public static KeyHistory parse(byte[] utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException("key history: not UTF-8 text", e);
        }
        List<String> notes = new ArrayList<>();
        int start = 0;
        int pos = 0;
        boolean inSignatures = false;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                throw new FormatException("key history: the last line does not end with a newline");
            }
            String line = text.substring(pos, end);
            if (inSignatures && !line.startsWith(SIG_PREFIX)) {
                notes.add(text.substring(start, pos));
                start = pos;
                inSignatures = false;
            }
            if (line.isEmpty()) {
                inSignatures = true;
            }
            pos = end + 1;
        }
        if (start < text.length()) {
            notes.add(text.substring(start));
        }
        for (int i = 0; i < notes.size(); i++) {
            try {
                SignedNote.parse(notes.get(i));
            } catch (FormatException e) {
                throw new FormatException("key history, statement " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new KeyHistory(notes);
    }

    /** The notes back to back, UTF-8. */
    public byte[] bytes() {
        return String.join("", notes).getBytes(StandardCharsets.UTF_8);
    }

    /** The rotation statement notes, in journal order; unmodifiable. */
    public List<String> notes() {
        return notes;
    }

    /** Whether the history holds no rotation. */
    public boolean isEmpty() {
        return notes.isEmpty();
    }

    /**
     * Walks the statements from {@code firstKey}: each must be exactly the rotation statement of {@code origin}
     * (docs/FORMAT.md, "Key rotation"), name a valid Ed25519 key, come at a higher sequence number than the one before,
     * and be signed, under {@code origin}, by the key the statement before it named (the first by {@code firstKey}).
     *
     * @return the rotations in order; empty for an empty history
     * @throws FormatException naming the first statement that fails, and why
     */
    public List<Rotation> follow(VerifyingKey firstKey, String origin) {
        Objects.requireNonNull(firstKey, "firstKey");
        Objects.requireNonNull(origin, "origin");
        NoteKeys.checkName(origin);
        List<Rotation> out = new ArrayList<>(notes.size());
        VerifyingKey current = firstKey;
        long last = -1;
        for (int i = 0; i < notes.size(); i++) {
            String where = "key history, statement " + (i + 1) + ": ";
            SignedNote note = SignedNote.parse(notes.get(i));
            String[] lines = note.text().split("\n", -1);
            if (lines.length != 5 || !lines[0].equals(KeyRotationStatement.HEADER) || !lines[4].isEmpty()) {
                throw new FormatException(where + "not a " + KeyRotationStatement.HEADER + " statement");
            }
            if (!lines[1].equals(origin)) {
                throw new FormatException(where + "rotates a key of origin " + Encoding.quote(lines[1], 80)
                        + ", not of " + Encoding.quote(origin, 80));
            }
            long seq;
            try {
                seq = lines[2].matches("0|[1-9][0-9]{0,18}") ? Long.parseLong(lines[2]) : -1;
            } catch (NumberFormatException e) {
                seq = -1;
            }
            if (seq < 0) {
                throw new FormatException(where + "sequence number " + Encoding.quote(lines[2], 30) + " is not a decimal");
            }
            if (seq <= last) {
                throw new FormatException(where + "sequence number " + seq + " does not come after " + last);
            }
            byte[] raw = Encoding.decodeBase64(lines[3]);
            VerifyingKey next;
            try {
                if (raw == null) {
                    throw new FormatException("not canonical base64");
                }
                next = VerifyingKey.of(raw);
            } catch (FormatException e) {
                throw new FormatException(where + "the next key is not a valid Ed25519 key: " + e.getMessage(), e);
            }
            if (!note.text().equals(KeyRotationStatement.text(origin, seq, next.bytes()))) {
                throw new FormatException(where + "not exactly the rotation statement for record " + seq);
            }
            if (!note.verifiedBy(origin, current)) {
                throw new FormatException(where + "the rotation at record " + seq + " is not signed by the key it"
                        + " rotates from, " + current);
            }
            out.add(new Rotation(seq, current, next));
            current = next;
            last = seq;
        }
        return out;
    }

    @Override
    public String toString() {
        return "key history of " + notes.size() + " rotation(s)";
    }
}
