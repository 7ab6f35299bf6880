package dev.vouch.policy;

import java.math.BigDecimal;

/**
 * A condition's {@code value}, resolved once at load into every form a comparison may need: the text, the
 * number (for numbers and for strings holding a decimal number, as the original Vouch compared them), and
 * the truth value (for booleans and the strings "true"/"false").
 */
final class Literal {
    enum Kind { STRING, NUMBER, BOOLEAN, NULL }

    final Kind kind;
    /** The value as written (for STRING the string itself). */
    final String text;
    /** The value as a number, or {@code null} if it is neither a number nor a string holding one. */
    final BigDecimal number;
    /** Whether {@link #number} is an integer that fits a long: then {@link #longValue} holds it. */
    final boolean fitsLong;
    final long longValue;
    /** Whether the value is a boolean or the string "true"/"false": then {@link #truth} holds it. */
    final boolean booleanLike;
    final boolean truth;

    private Literal(Kind kind, String text, BigDecimal number, boolean booleanLike, boolean truth) {
        this.kind = kind;
        this.text = text;
        this.number = number;
        long l = 0;
        boolean fits = false;
        if (number != null) {
            try {
                l = number.longValueExact();
                fits = true;
            } catch (ArithmeticException notAnExactLong) {
                fits = false;
            }
        }
        this.fitsLong = fits;
        this.longValue = l;
        this.booleanLike = booleanLike;
        this.truth = truth;
    }

    static Literal ofString(String s) {
        boolean bool = s.equals("true") || s.equals("false");
        return new Literal(Kind.STRING, s, Texts.decimalOrNull(s), bool, s.equals("true"));
    }

    static Literal ofNumber(String text, BigDecimal number) {
        return new Literal(Kind.NUMBER, text, number, false, false);
    }

    static Literal ofBoolean(boolean b) {
        return new Literal(Kind.BOOLEAN, Boolean.toString(b), null, true, b);
    }

    static Literal ofNull() {
        return new Literal(Kind.NULL, "null", null, false, false);
    }

    /** How the value reads in a message. */
    String describe() {
        switch (kind) {
            case STRING:
                return "the string " + Texts.quote(text);
            case NUMBER:
                return "the number " + text;
            case BOOLEAN:
                return text;
            default:
                return "null";
        }
    }
}
