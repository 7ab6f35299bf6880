package dev.vouch.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultJsonTest {
    private static String of(String text) {
        return new String(ResultJson.of(text), StandardCharsets.UTF_8);
    }

    @Test
    void shouldKeepAJsonObjectOrArrayVerbatim() {
        assertEquals("{\n  \"id\" : 7\n}", of("{\n  \"id\" : 7\n}"));
        assertEquals(" [1, {\"a\": []}] ", of(" [1, {\"a\": []}] "));
    }

    @Test
    void shouldStoreEverythingElseAsAJsonString() {
        assertEquals("\"refund r-42\"", of("refund r-42"));
        assertEquals("\"42\"", of("42"), "a number the model read as text stays text");
        assertEquals("\"\\\"quoted\\\"\"", of("\"quoted\""));
        assertEquals("\"{\\\"a\\\":1} and more\"", of("{\"a\":1} and more"));
        assertEquals("\"{not json\"", of("{not json"));
        assertEquals("\"\"", of(""));
        assertNull(ResultJson.of(null));
    }
}
