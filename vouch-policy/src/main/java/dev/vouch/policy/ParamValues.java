package dev.vouch.policy;

import java.math.BigDecimal;

/**
 * The values one call's parameters hold at the paths a policy names, read once per evaluation by
 * {@link ParamPaths#read}. One slot per distinct path; slots the parameters lack stay {@link #MISSING}.
 */
final class ParamValues {
    static final byte MISSING = 0;
    static final byte STRING = 1;
    static final byte NUMBER = 2;
    static final byte TRUE = 3;
    static final byte FALSE = 4;
    static final byte NULL = 5;
    static final byte OBJECT = 6;
    static final byte ARRAY = 7;

    /** Returned by {@link #compareNumber} when the value is not a number. */
    static final int NOT_A_NUMBER = Integer.MIN_VALUE;

    final byte[] kinds;
    final String[] strings;
    final long[] longs;
    // For NUMBER: null when the number fits longs[slot], else the exact value.
    final BigDecimal[] decimals;
    /** Path nodes already met, to spot a watched key that occurs twice (see ParamPaths). */
    final boolean[] seen;
    /** Why the parameters could not be read, or {@code null} if they were. */
    String problem;

    ParamValues(int slots, int nodes) {
        kinds = new byte[slots];
        strings = new String[slots];
        longs = new long[slots];
        decimals = new BigDecimal[slots];
        seen = new boolean[nodes];
    }

    /** Whether the value at {@code slot} equals the literal, under the rules of docs/POLICY.md ("eq"). */
    boolean equalTo(int slot, Literal literal) {
        switch (kinds[slot]) {
            case STRING:
                String s = strings[slot];
                switch (literal.kind) {
                    case STRING:
                        return s.equals(literal.text);
                    case NUMBER:
                        BigDecimal d = Texts.decimalOrNull(s);
                        return d != null && d.compareTo(literal.number) == 0;
                    case BOOLEAN:
                        return s.equals(literal.text);
                    default:
                        return false;
                }
            case NUMBER:
                return literal.number != null && compareNumber(slot, literal) == 0;
            case TRUE:
                return literal.booleanLike && literal.truth;
            case FALSE:
                return literal.booleanLike && !literal.truth;
            case NULL:
                return literal.kind == Literal.Kind.NULL;
            default:
                return false; // objects, arrays and missing values equal nothing
        }
    }

    /**
     * Compares the value at {@code slot} with a numeric literal: negative, zero or positive as it is smaller,
     * equal or larger; {@link #NOT_A_NUMBER} if the value is neither a JSON number nor a string holding one.
     */
    int compareNumber(int slot, Literal literal) {
        byte kind = kinds[slot];
        if (kind == NUMBER) {
            BigDecimal big = decimals[slot];
            if (big == null && literal.fitsLong) {
                return Long.compare(longs[slot], literal.longValue);
            }
            return (big != null ? big : BigDecimal.valueOf(longs[slot])).compareTo(literal.number);
        }
        if (kind == STRING) {
            BigDecimal d = Texts.decimalOrNull(strings[slot]);
            return d == null ? NOT_A_NUMBER : d.compareTo(literal.number);
        }
        return NOT_A_NUMBER;
    }
}
