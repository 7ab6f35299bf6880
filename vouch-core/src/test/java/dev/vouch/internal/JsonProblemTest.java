package dev.vouch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Jackson 2.20's messages, verbatim, as the front ends show them. */
class JsonProblemTest {
    @Test
    void shouldDropTheParsersSettingNamesAndKeepWhatIsWrong() {
        assertEquals("Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 31)",
                JsonProblem.plain("Unexpected end-of-input: expected close marker for Object (start marker at [Source: "
                        + "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 31])"));
        assertEquals("Unexpected close marker '}': expected ']' (for Array starting at line 1, column 6)",
                JsonProblem.plain("Unexpected close marker '}': expected ']' (for Array starting at [Source: REDACTED "
                        + "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 6])"));
        assertEquals("Non-standard token 'NaN'", JsonProblem.plain(
                "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"));
        assertEquals("Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have "
                + "plus signs", JsonProblem.plain("Unexpected character ('+' (code 43)) in numeric value: JSON spec does "
                + "not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` "
                + "to allow"));
        assertEquals("Unexpected character ('/' (code 47)): maybe a (non-standard) comment?", JsonProblem.plain(
                "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since "
                        + "Feature 'ALLOW_COMMENTS' not enabled for parser)"));
        assertEquals("Document nesting depth (1001) exceeds the maximum allowed (1000)", JsonProblem.plain(
                "Document nesting depth (1001) exceeds the maximum allowed (1000, from "
                        + "`StreamReadConstraints.getMaxNestingDepth()`)"));
        assertEquals("String value length (20049662) exceeds the maximum allowed (20000000)", JsonProblem.plain(
                "String value length (20049662) exceeds the maximum allowed (20000000, from "
                        + "`StreamReadConstraints.getMaxStringLength()`)"));
        assertEquals("a location without a line", JsonProblem.plain("a location without a line [Source: UNKNOWN]"));
        assertEquals("a later version's advice", JsonProblem.plain(
                "a later version's advice `JsonReadFeature.SOMETHING_NEW`"));
    }

    /** For a server's answers: nothing of the request beyond a character (an outside trial read an API key back). */
    @Test
    void shouldDropQuotedTokensAndNumbersForAnswersToARequest() {
        assertEquals("Unrecognized token: was expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
                + " 'false')", JsonProblem.withoutInput("Unrecognized token 'sk_live_51HxQkQ2eZvKYlo2C8nQ9R3t': was"
                + " expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"));
        assertEquals("Unrecognized token: was expecting", JsonProblem.withoutInput("Unrecognized token 'aaaaaaaaaa...':"
                + " was expecting"));
        assertEquals("Numeric value out of range of long", JsonProblem.withoutInput(
                "Numeric value (123456789012345678901) out of range of long"));
        assertEquals("Non-standard token 'NaN'", JsonProblem.withoutInput(
                "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"));
        assertEquals("Unexpected character: was expecting comma to separate Object entries",
                JsonProblem.withoutInput("Unexpected character ('s' (code 115)): was expecting comma to separate Object"
                        + " entries"));
        assertEquals("Unexpected character: was expecting double-quote to start field name", JsonProblem.withoutInput(
                "Unexpected character (''' (code 39)): was expecting double-quote to start field name"));
    }

    @Test
    void shouldKeepMessagesThatNameNoSettingAsTheyAre() {
        for (String m : new String[] {
                "Unexpected character (''' (code 39)): was expecting double-quote to start field name",
                "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' "
                        + "or 'false')",
                "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included "
                        + "in string value",
                "Invalid numeric value: Leading zeroes not allowed", "Duplicate field 'a'",
                "Invalid UTF-8 start byte 0x80", "Unexpected end-of-input in VALUE_STRING"}) {
            assertEquals(m, JsonProblem.plain(m));
        }
        assertEquals("unreadable", JsonProblem.plain(null));
        assertEquals("unreadable", JsonProblem.plain(" "));
    }
}
