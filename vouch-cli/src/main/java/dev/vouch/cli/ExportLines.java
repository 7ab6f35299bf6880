package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A JSON Lines export as a record source (docs/FORMAT.md, "Export format"): a bundle's journal.jsonl, or an export
 * file.
 */
final class ExportLines implements RecordSource {
    /**
     * Lines are read leniently, the last copy of a member counting as for jq or Python: a line with a member twice
     * then differs from its record's rendering ({@link ExportLineCheck}), where a strict parser stopped the
     * verification with a Java class name.
     */
    private static final JsonFactory LINES = Json.reader().build();

    private final BufferedReader reader;
    private final String name;
    private long line;
    private String lastLine;
    /** Whether a line read so far has a member {@code type_code}: what {@code vouch export} writes on every line. */
    private boolean wholeLines;

    ExportLines(BufferedReader reader, String name) {
        this.reader = reader;
        this.name = name;
    }

    /**
     * Whether a line is blank (FORMAT.md, "Export format"): empty or only JSON's white space. {@code String.isBlank}
     * also took U+2028 and other Unicode spaces, Python's {@code str.strip} U+00A0, so the two verifiers disagreed on
     * a line of them; both now hold them to be text, and such a line is no export line.
     */
    static boolean isBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The export file {@code file}, read as UTF-8. */
    static ExportLines open(Path file) throws IOException {
        return new ExportLines(Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString());
    }

    @Override
    public boolean next(RecordBuffer into) throws IOException {
        String text;
        do {
            try {
                text = reader.readLine();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new CliException(name + " line " + (line + 1) + ": not UTF-8 text (an export is UTF-8)", e);
            }
            line++;
            if (text == null) {
                return false;
            }
        } while (isBlank(text));
        lastLine = text;
        String b64 = null;
        try (JsonParser p = LINES.createParser(text)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    if (field.equals("record_b64") && v == JsonToken.VALUE_STRING) {
                        b64 = p.getText();
                    } else {
                        // The member's name as decoded: with its underscore written as a JSON escape on every line,
                        // a scan of the text saw an export of minimal lines and checked them member by member only.
                        wholeLines |= field.equals("type_code");
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            throw new CliException(name + " line " + line + ": not JSON: " + Errors.jsonProblem(e), e);
        }
        byte[] record = null;
        if (b64 != null) {
            try {
                record = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                record = null;
            }
        }
        if (record == null || !Base64.getEncoder().encodeToString(record).equals(b64)) {
            throw new CliException(name + " line " + line + ": no record_b64 in canonical base64, so not an export"
                    + " line");
        }
        byte[] dst = into.ensureCapacity(record.length);
        System.arraycopy(record, 0, dst, 0, record.length);
        into.length(record.length);
        return true;
    }

    @Override
    public String position() {
        return name + " line " + line;
    }

    /** Whether a line read so far has a {@code type_code} member: a {@code vouch export}, whose lines are all whole. */
    boolean sawWholeLine() {
        return wholeLines;
    }

    /** The text of the line {@link #next} read last. */
    String lastLine() {
        return lastLine;
    }

    /** Its line number, from 1. */
    long lineNumber() {
        return line;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
