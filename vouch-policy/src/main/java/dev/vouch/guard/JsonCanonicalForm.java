package dev.vouch.guard;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * RFC 8785, the JSON Canonicalization Scheme (JCS): the bytes a version 2 redaction commitment covers, so that a
 * verifier in any language with a JCS library (there is one for most) can check a claimed value without
 * re-implementing jackson's escaping. Object members sorted by the UTF-16 code units of their names, no
 * whitespace, strings escaped as ECMAScript's {@code JSON.stringify} does, numbers as IEEE-754 doubles written as
 * ECMAScript's {@code Number.prototype.toString} writes them, UTF-8. As RFC 8785 requires (I-JSON), it refuses
 * duplicate member names and unpaired surrogates; integers beyond 2^53 lose precision, as in JavaScript.
 *
 * <p>Written here rather than taken from {@code io.github.erdtman:java-json-canonicalization}, whose jar has no
 * module name and derives the reserved {@code java.json.canonicalization}, so it cannot be a module dependency;
 * a test holds this class to that implementation and to RFC 8785's own examples.
 */
final class JsonCanonicalForm {
    private JsonCanonicalForm() {
    }

    /**
     * The JCS bytes of the one JSON value in {@code json}.
     *
     * @throws IllegalArgumentException if it is not exactly one JSON value, or not I-JSON (duplicate names, an
     *         unpaired surrogate, a number beyond a double's range); the message never quotes the input
     */
    static byte[] of(byte[] json) {
        return of(json, false);
    }

    /**
     * The JCS bytes of the one JSON value in {@code json}, but with each number written as its exact decimal value
     * (unscaled digits and exponent, trailing zeros stripped: {@code 1.0}, {@code 1} and {@code 1e0} are one
     * number, {@code 9007199254740993} and {@code 9007199254740992} are two): what tells whether two requests ask
     * for the same thing. JCS's doubles made a repeat for another account number read as the approved call (an
     * outside red team), since a server in Python, Java or Go reads integers exactly.
     *
     * @throws IllegalArgumentException as {@link #of(byte[])}, except for numbers, which are never beyond range here
     */
    static byte[] ofExact(byte[] json) {
        return of(json, true);
    }

    private static byte[] of(byte[] json, boolean exact) {
        StringBuilder out = new StringBuilder(json.length + 16);
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new IllegalArgumentException("expected one JSON value, found none");
            }
            value(p, out, exact);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("expected one JSON value, found more after it");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON value (" + Json.describe(e) + ")");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The JCS bytes of the value the parser stands on (its first token read); leaves it on the value's last token. */
    static byte[] ofCurrent(JsonParser p) throws IOException {
        StringBuilder out = new StringBuilder(64);
        value(p, out, false);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void value(JsonParser p, StringBuilder out, boolean exact) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> object(p, out, exact);
            case START_ARRAY -> {
                out.append('[');
                boolean first = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    value(p, out, exact);
                }
                out.append(']');
            }
            case VALUE_STRING -> string(p.getText(), out);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.append(exact ? exactNumber(p.getText()) : number(p.getText()));
            case VALUE_TRUE -> out.append("true");
            case VALUE_FALSE -> out.append("false");
            case VALUE_NULL -> out.append("null");
            default -> throw new IllegalArgumentException("unexpected JSON token " + t);
        }
    }

    private static void object(JsonParser p, StringBuilder out, boolean exact) throws IOException {
        List<String[]> members = new ArrayList<>();
        Set<String> names = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!names.add(name)) {
                throw new IllegalArgumentException("a member name occurs twice in one object (not I-JSON)");
            }
            p.nextToken();
            StringBuilder v = new StringBuilder();
            value(p, v, exact);
            members.add(new String[] {name, v.toString()});
        }
        // String.compareTo compares UTF-16 code units, which is the order RFC 8785 section 3.2.3 prescribes.
        members.sort((a, b) -> a[0].compareTo(b[0]));
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(members.get(i)[0], out);
            out.append(':').append(members.get(i)[1]);
        }
        out.append('}');
    }

    /** ECMAScript's JSON.stringify escaping (RFC 8785 section 3.2.2.2). */
    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                throw new IllegalArgumentException("a string holds an unpaired surrogate (not I-JSON)");
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * A JSON number's exact value, one spelling per value ({@link #ofExact}). An exponent beyond an int's range (no
     * BigDecimal holds it) keeps its own text, in lower case: equal only to the same spelling, never to another value.
     */
    static String exactNumber(String text) {
        try {
            BigDecimal d = new BigDecimal(text).stripTrailingZeros();
            return d.signum() == 0 ? "0" : d.toString();
        } catch (NumberFormatException | ArithmeticException beyond) {
            return text.toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A JSON number as ECMAScript's Number.prototype.toString writes its IEEE-754 double (RFC 8785 section 3.2.2.3). */
    static String number(String text) {
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw new IllegalArgumentException("a number beyond the range of a double (not I-JSON)");
        }
        return number(d);
    }

    static String number(double d) {
        if (d == 0) {
            return "0"; // -0 too
        }
        String sign = d < 0 ? "-" : "";
        BigDecimal exact = new BigDecimal(Math.abs(d));
        // The shortest decimal that reads back as d; at that length, the one closest to d (ECMA-262 7.1.12.1).
        BigDecimal shortest = null;
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == Math.abs(d)) {
                shortest = candidate;
                break;
            }
        }
        if (shortest == null) {
            shortest = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
        }
        BigDecimal stripped = shortest.stripTrailingZeros();
        String digits = stripped.unscaledValue().toString();
        int k = digits.length();
        int n = k - stripped.scale(); // the value is 0.digits x 10^n
        StringBuilder b = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            b.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            b.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            b.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            b.append(digits.charAt(0));
            if (k > 1) {
                b.append('.').append(digits, 1, k);
            }
            b.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return b.toString();
    }
}
