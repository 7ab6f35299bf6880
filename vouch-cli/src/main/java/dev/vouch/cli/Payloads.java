package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reading the few members the views show from the JSON payloads the guard records (docs/GUARD.md, "What a call
 * records"): a decision's {@code reason}, an approval's {@code approver}, a result's {@code duration_ns}. Payloads
 * are untrusted and need not be JSON: anything else gives null.
 */
final class Payloads {
    private static final JsonFactory JSON = Json.reader().build();

    private Payloads() {
    }

    /** A top-level string member of a JSON object payload, or null. */
    static String string(byte[] json, String field) {
        return topLevel(json, field, JsonToken.VALUE_STRING);
    }

    /** A top-level integer member of a JSON object payload, or -1 if missing, negative or not a long. */
    static long nonNegativeLong(byte[] json, String field) {
        String d = topLevel(json, field, JsonToken.VALUE_NUMBER_INT);
        if (d == null) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(d));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String topLevel(byte[] json, String field, JsonToken kind) {
        if (json.length == 0 || json[0] != '{') {
            return null;
        }
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals(field) && value == kind) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (IOException notJson) {
            return null;
        }
        return null;
    }
}
