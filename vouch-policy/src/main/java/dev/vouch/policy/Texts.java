package dev.vouch.policy;

import java.math.BigDecimal;
import java.util.Locale;

/** Small text helpers shared by the loader and the evaluator. */
final class Texts {
    /**
     * Longest number text read as a number, the limit jackson-core applies to JSON numbers: longer digit runs
     * would make each comparison cost more than the call it guards.
     */
    static final int MAX_NUMBER_LENGTH = 1000;

    private Texts() {
    }

    /** The text in double quotes for a message, shortened if long. */
    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder b = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c == 0x7f || c != ' ' && invisible(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c)); // shown, not rendered: invisible ones too
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /**
     * {@code s} in Unicode NFC; the same string, without allocating, when every character is below U+0300 (where
     * nothing composes), as tool names almost always are.
     */
    static String nfc(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x300) {
                return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC);
            }
        }
        return s;
    }

    /**
     * Whether a code point shows nothing where it stands: Unicode spaces and format characters (a no-break or
     * zero-width space, the tag characters, bidirectional controls), Unicode's other default-ignorable code points
     * (the combining grapheme joiner, variation selectors, Hangul fillers) and the blank Braille pattern. A re-trial
     * found a pattern with U+FE0F or U+E0041 in it accepted, and the rule it was in never matched.
     */
    static boolean invisible(int cp) {
        int type = Character.getType(cp);
        return Character.isSpaceChar(cp) || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || cp == 0x034F || cp == 0x1D159 || cp == 0x115F || cp == 0x1160
                || cp >= 0x17B4 && cp <= 0x17B5 || cp >= 0x180B && cp <= 0x180F || cp == 0x2800 || cp == 0x3164
                || cp >= 0xFE00 && cp <= 0xFE0F || cp == 0xFFA0 || cp >= 0x1D173 && cp <= 0x1D17A
                || cp >= 0xE0000 && cp <= 0xE0FFF;
    }

    /**
     * The string read as a decimal number (JSON number syntax, leading zeros allowed), or {@code null} if it is
     * not one. Used for parameters sent as strings, e.g. {@code "amount": "1500.00"}.
     */
    static BigDecimal decimalOrNull(String s) {
        int n = s.length();
        if (n == 0 || n > MAX_NUMBER_LENGTH) {
            return null;
        }
        int i = 0;
        if (s.charAt(0) == '-') {
            i++;
        }
        int digits = skipDigits(s, i);
        if (digits == i) {
            return null;
        }
        i = digits;
        if (i < n && s.charAt(i) == '.') {
            int frac = skipDigits(s, i + 1);
            if (frac == i + 1) {
                return null;
            }
            i = frac;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = skipDigits(s, i);
            if (exp == i) {
                return null;
            }
            i = exp;
        }
        if (i != n) {
            return null;
        }
        return decimal(s);
    }

    /**
     * The value of a number in JSON syntax. One whose exponent is beyond an int's range, which no BigDecimal holds,
     * stands for a value beyond every literal (or, with a negative exponent, nearer zero than every literal but 0),
     * with its sign: an outside trial's {@code {"amount":1e2147483648}} made {@code Policy.evaluate} throw, and
     * the string {@code "1e2147483648"} read as no number, so that {@code gt 1000 -> block} allowed it.
     */
    static BigDecimal decimal(String json) {
        try {
            return new BigDecimal(json);
        } catch (NumberFormatException | ArithmeticException beyond) {
            int e = Math.max(json.indexOf('e'), json.indexOf('E'));
            if (e < 0) {
                throw beyond; // not an exponent's doing: the caller checked the syntax
            }
            BigDecimal mantissa = new BigDecimal(json.substring(0, e));
            if (mantissa.signum() == 0) {
                return BigDecimal.ZERO;
            }
            boolean tiny = json.charAt(e + 1) == '-';
            BigDecimal extreme = new BigDecimal(java.math.BigInteger.ONE, tiny ? Integer.MAX_VALUE : -Integer.MAX_VALUE);
            return mantissa.signum() < 0 ? extreme.negate() : extreme;
        }
    }

    private static int skipDigits(String s, int i) {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
