package dev.vouch.langchain4j;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The TOOL_RESULT bytes for a LangChain4j tool: the text the model reads ({@code ToolExecutionResult.resultText()}),
 * as JSON. LangChain4j already writes a {@code @Tool} method's returned object as JSON, and MCP structured content
 * arrives as JSON: a text that is one JSON object or array is stored verbatim. Anything else (plain text, a number, an
 * MCP text content) is stored as a JSON string, so decoding the record gives back exactly what the model read.
 */
final class ResultJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ResultJson() {
    }

    static byte[] of(String text) {
        if (text == null) {
            return null;
        }
        if (isObjectOrArray(text)) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    static boolean isObjectOrArray(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == text.length() || (text.charAt(i) != '{' && text.charAt(i) != '[')) {
            return false;
        }
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException notJson) {
            return false;
        }
    }
}
