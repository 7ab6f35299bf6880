package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vouch.crypto.VerifyingKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reading what a third party is handed with a proof: the proof file and the record it proves. */
final class ProofFiles {
    /** A proof with a long key history is a few KiB; anything far larger is not a proof. */
    static final int MAX_PROOF_BYTES = 1 << 20;
    /** The largest record the ledger writes (64 MiB), as raw bytes or as base64 in a JSON line. */
    static final int MAX_RECORD_FILE_BYTES = 96 << 20;

    /** A member twice is refused: readers keeping the first or the last copy would read different records. */
    private static final JsonFactory JSON = Json.reader()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ProofFiles() {
    }

    /** The file as UTF-8 text, refused (exit 2) if unreadable, too large or not UTF-8. */
    static String text(Path file, String what) {
        byte[] bytes = read(file, MAX_PROOF_BYTES, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CliException(file + ": not UTF-8 text; expected " + what, e);
        }
    }

    static byte[] read(Path file, int max, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new CliException(file + ": larger than " + max + " bytes; expected " + what);
            }
            return bytes;
        } catch (IOException e) {
            throw new CliException("cannot read " + what + ": " + Errors.describe(e), e);
        }
    }

    /**
     * The record's exact bytes from {@code file}: the bytes themselves (what {@code vouch prove} writes beside the
     * proof), or JSON with a {@code record_b64} member: a line of {@code vouch export} (or a whole export, of which
     * the line whose {@code seq} is {@code index} is taken), or the object {@code vouch prove --format json} prints.
     * Which line is taken does not matter for trust: the proof checks the bytes.
     */
    static Given record(Path file, long index) {
        byte[] bytes = read(file, MAX_RECORD_FILE_BYTES, "a record (its bytes, or a line of 'vouch export')");
        int first = 0;
        while (first < bytes.length && Character.isWhitespace(bytes[first])) {
            first++;
        }
        // A record's first byte is its major version, 0x01: never '{'.
        if (first == bytes.length || bytes[first] != '{') {
            return new Given(bytes, null, 0);
        }
        List<Given> candidates = new ArrayList<>();
        Given match = null;
        String text = new String(bytes, StandardCharsets.UTF_8);
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String b64 = null;
            Long seq = null;
            try (JsonParser p = JSON.createParser(line)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new CliException(file + " line " + lineNo + ": not a JSON object");
                }
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (name.equals("record_b64") && v == JsonToken.VALUE_STRING) {
                        b64 = p.getText();
                    } else if (name.equals("seq") && v == JsonToken.VALUE_NUMBER_INT) {
                        seq = p.getLongValue();
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (IOException e) {
                throw new CliException(file + " line " + lineNo + ": not JSON: " + Errors.jsonProblem(e), e);
            }
            if (b64 == null) {
                throw new CliException(file + " line " + lineNo + ": no record_b64 member; expected a line of"
                        + " 'vouch export' or the record's bytes");
            }
            byte[] record;
            try {
                record = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw new CliException(file + " line " + lineNo + ": record_b64 is not base64", e);
            }
            Given given = new Given(record, line, lineNo);
            candidates.add(given);
            if (seq != null && seq == index) {
                match = given;
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (match == null) {
            throw new CliException(file + ": " + candidates.size() + " records, none with seq " + index
                    + " (the proof's index)");
        }
        return match;
    }

    /**
     * The record's bytes as given, and the JSON line they were taken from (null when the file held the bytes
     * themselves), with its line number in the file.
     */
    record Given(byte[] bytes, String line, int lineNumber) {
    }

    /** The trust anchor for a check without a journal. */
    static VerifyingKey anchor(Path pubkey) {
        return VerifyingKey.read(pubkey);
    }
}
