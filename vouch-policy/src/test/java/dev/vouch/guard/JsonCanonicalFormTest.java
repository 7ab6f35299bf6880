package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

/** RFC 8785 canonical JSON: the RFC's own examples, and agreement with an independent implementation. */
class JsonCanonicalFormTest {

    private static String jcs(String json) {
        return new String(JsonCanonicalForm.of(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void shouldCanonicaliseTheExampleOfRfc8785Section322() {
        String input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n}";
        assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", jcs(input));
    }

    @Test
    void shouldSortMembersByUtf16CodeUnitsAsRfc8785Section323() {
        String input = "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\","
                + " \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
                + " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";
        String out = jcs(input);
        String[] expectedOrder = {"Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
            "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"};
        int at = -1;
        for (String v : expectedOrder) {
            int next = out.indexOf(v);
            assertEquals(true, next > at, v + " out of order in " + out);
            at = next;
        }
    }

    @Test
    void shouldWriteNumbersAsEcmaScriptDoesPerRfc8785AppendixB() {
        String[][] cases = {
            {"0000000000000000", "0"}, {"8000000000000000", "0"}, {"0000000000000001", "5e-324"},
            {"8000000000000001", "-5e-324"}, {"7fefffffffffffff", "1.7976931348623157e+308"},
            {"ffefffffffffffff", "-1.7976931348623157e+308"}, {"4340000000000000", "9007199254740992"},
            {"c340000000000000", "-9007199254740992"}, {"4430000000000000", "295147905179352830000"},
            {"44b52d02c7e14af5", "9.999999999999997e+22"}, {"44b52d02c7e14af6", "1e+23"},
            {"44b52d02c7e14af7", "1.0000000000000001e+23"}, {"444b1ae4d6e2ef4e", "999999999999999700000"},
            {"444b1ae4d6e2ef4f", "999999999999999900000"}, {"444b1ae4d6e2ef50", "1e+21"},
            {"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"}, {"3eb0c6f7a0b5ed8d", "0.000001"},
            {"41b3de4355555553", "333333333.3333332"}, {"41b3de4355555554", "333333333.33333325"},
            {"41b3de4355555555", "333333333.3333333"}, {"41b3de4355555556", "333333333.3333334"},
            {"41b3de4355555557", "333333333.33333343"}, {"becbf647612f3696", "-0.0000033333333333333333"},
            {"43143ff3c1cb0959", "1424953923781206.2"},
        };
        for (String[] c : cases) {
            double d = Double.longBitsToDouble(Long.parseUnsignedLong(c[0], 16));
            assertEquals(c[1], JsonCanonicalForm.number(d), c[0]);
        }
    }

    @Test
    void shouldAgreeWithAnIndependentImplementationOnRandomValues() throws Exception {
        Random random = new Random(8785);
        for (int i = 0; i < 5_000; i++) {
            // That implementation reads objects and arrays only, so every value goes inside an array.
            String json = "[" + randomValue(random, 3) + "]";
            assertEquals(new JsonCanonicalizer(json).getEncodedString(), jcs(json), json);
        }
    }

    @Test
    void shouldRefuseWhatIsNotIJson() {
        assertThrows(IllegalArgumentException.class, () -> jcs("{\"a\":1,\"a\":2}"));
        assertThrows(IllegalArgumentException.class, () -> jcs("\"\\ud800\""));
        assertThrows(IllegalArgumentException.class, () -> jcs("1e400"));
        assertThrows(IllegalArgumentException.class, () -> jcs("1 2"));
    }

    private static String randomValue(Random r, int depth) {
        int kind = depth == 0 ? r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0:
                return randomNumber(r);
            case 1:
                return randomString(r);
            case 2:
                return new String[] {"true", "false", "null"}[r.nextInt(3)];
            case 3:
                return Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
            case 4: {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? ", " : "").append(randomValue(r, depth - 1));
                }
                return b.append(']').toString();
            }
            default: {
                StringBuilder b = new StringBuilder("{");
                java.util.Set<String> names = new java.util.HashSet<>();
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    String name = randomString(r);
                    if (names.add(name)) {
                        b.append(names.size() > 1 ? ", " : "").append(name).append(": ").append(randomValue(r, depth - 1));
                    }
                }
                return b.append('}').toString();
            }
        }
    }

    private static String randomNumber(Random r) {
        switch (r.nextInt(4)) {
            case 0:
                return Long.toString(r.nextLong() >> r.nextInt(64));
            case 1:
                return r.nextInt(1000) + "." + r.nextInt(100000) + "e" + (r.nextInt(60) - 30);
            case 2:
                return Double.toString(Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL));
            default:
                return "-" + r.nextInt(100) + ".50";
        }
    }

    private static String randomString(Random r) {
        StringBuilder b = new StringBuilder("\"");
        String alphabet = "ab\u00f6\u20ac\ud83d\ude00\"\\/\b\f\n\r\t\u0001\u001f\u007f\u2028";
        for (int i = 0, n = r.nextInt(6); i < n; i++) {
            char c = alphabet.charAt(r.nextInt(alphabet.length()));
            if (Character.isHighSurrogate(c)) {
                b.append("\\ud83d\\ude00");
            } else if (Character.isLowSurrogate(c)) {
                b.append('x');
            } else if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
    @Test
    void shouldTellARepeatOfACallByItsCanonicalParameters() {
        ToolCall call = ToolCall.of("refund", "{\"order\":7,\"amount\":900}").principal("alice").id("r1");
        assertTrue(call.sameRequestAs(ToolCall.of("refund", "{ \"amount\": 9E2, \"order\": 7.0 }").principal("alice")
                .id("r2")), "member order, spacing, number spelling and ids do not count");
        assertFalse(call.sameRequestAs(ToolCall.of("refund", "{\"order\":7,\"amount\":901}").principal("alice")));
        assertFalse(call.sameRequestAs(ToolCall.of("refund", "{\"order\":7,\"amount\":900}").principal("bob")));
        assertFalse(call.sameRequestAs(ToolCall.of("cancel", "{\"order\":7,\"amount\":900}").principal("alice")));
        assertTrue(ToolCall.of("t", "not json").sameRequestAs(ToolCall.of("t", "not json")), "else byte for byte");
        assertFalse(ToolCall.of("t", "not json").sameRequestAs(ToolCall.of("t", "not  json")));
        assertTrue(ToolCall.of("t", (String) null).sameRequestAs(ToolCall.of("t", "")));
    }

    /**
     * An outside red team: a repeat for another account number resumed the approved call and ran with its own
     * arguments, since the comparison went through doubles, while a server in Python, Java or Go reads them exactly.
     */
    @Test
    void shouldTellRequestsApartByTheirNumbersExactValues() {
        String[][] different = {
            {"12345678901234567890", "12345678901234567000"},
            {"9007199254740993", "9007199254740992"},
            {"0.1", "0.1000000000000000055511151231257827"},
            {"900", "900.0000000000000001"},
            {"1e400", "2e400"},
            {"1e2147483648", "2e2147483648"},
        };
        for (String[] pair : different) {
            assertFalse(ToolCall.of("t", "{\"n\":" + pair[0] + "}").sameRequestAs(ToolCall.of("t", "{\"n\":" + pair[1]
                    + "}")), pair[0] + " against " + pair[1]);
        }
        String[][] same = {{"900", "900.0"}, {"900", "9E2"}, {"0", "-0"}, {"0.5", "5e-1"}, {"1e400", "10e399"}};
        for (String[] pair : same) {
            assertTrue(ToolCall.of("t", "[" + pair[0] + "]").sameRequestAs(ToolCall.of("t", "[" + pair[1] + "]")),
                    pair[0] + " against " + pair[1]);
        }
    }
}
