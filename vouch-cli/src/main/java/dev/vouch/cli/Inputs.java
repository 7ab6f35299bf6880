package dev.vouch.cli;

import dev.vouch.FormatException;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.VerifyingKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the files an auditor passes in: the trust anchor and a saved checkpoint. */
final class Inputs {
    private static final int MAX_NOTE_BYTES = 64 * 1024;

    private Inputs() {
    }

    /**
     * The trust anchor, from {@code file} only: a PUBLIC KEY PEM or a note verifier key line. Warns when the file
     * lies inside the journal directory, where whoever can rewrite the journal can replace it too.
     *
     * @throws dev.vouch.KeyFileException naming the file and what is wrong with it (exit code 2)
     */
    static VerifyingKey trustAnchor(Path file, Path journal, PrintWriter err) {
        VerifyingKey key = VerifyingKey.read(file);
        if (isInside(file, journal)) {
            err.println("warning: the public key " + file + " is inside the journal directory; a trust anchor must"
                    + " come from somewhere the journal's writer cannot change");
        }
        return key;
    }

    /**
     * A checkpoint note saved earlier (by {@code vouch checkpoint}). Tolerates what editors and shells do to a
     * text file: CRLF line ends, and missing or extra newlines at the end.
     */
    static String savedCheckpoint(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_NOTE_BYTES + 1);
        } catch (IOException e) {
            throw new CliException("cannot read the saved checkpoint: " + Errors.describe(e), e);
        }
        if (bytes.length > MAX_NOTE_BYTES) {
            throw new CliException(file + ": larger than " + MAX_NOTE_BYTES + " bytes; expected a saved checkpoint"
                    + " note (the output of 'vouch checkpoint')");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CliException(file + ": not UTF-8 text; expected a saved checkpoint note", e);
        }
        String note = text.replace("\r\n", "\n").stripTrailing() + "\n";
        try {
            Checkpoint.parse(SignedNote.parse(note).text());
        } catch (FormatException e) {
            throw new CliException(file + ": not a signed checkpoint note (the output of 'vouch checkpoint'): "
                    + e.getMessage(), e);
        }
        return note;
    }

    /** Whether {@code file} is {@code dir} or lies under it, comparing real paths where they exist. */
    static boolean isInside(Path file, Path dir) {
        Path f = real(file);
        Path d = real(dir);
        return f.startsWith(d);
    }

    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            Path parent = abs.getParent();
            if (parent != null && Files.exists(parent)) {
                try {
                    return parent.toRealPath().resolve(abs.getFileName());
                } catch (IOException ignored) {
                    // Fall through to the normalized path.
                }
            }
            return abs;
        }
    }
}
