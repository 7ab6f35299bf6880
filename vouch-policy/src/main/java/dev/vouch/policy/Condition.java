package dev.vouch.policy;

import com.google.re2j.Pattern;

/** One compiled condition: a parameter slot, an operator and its operand, all fixed at load. */
final class Condition {
    enum Operator {
        EQ("eq"), NE("ne"), LT("lt"), GT("gt"), LTE("lte"), GTE("gte"), IN("in"), NOT_IN("not_in"),
        PREFIX("prefix"), SUFFIX("suffix"), CONTAINS("contains"), REGEX("regex"), EXISTS("exists"), WITHIN("within");

        final String word;

        Operator(String word) {
            this.word = word;
        }

        boolean isOrdering() {
            return this == LT || this == GT || this == LTE || this == GTE;
        }

        static Operator ofWord(String word) {
            for (Operator op : values()) {
                if (op.word.equalsIgnoreCase(word)) {
                    return op;
                }
            }
            return null;
        }

        static String words() {
            StringBuilder b = new StringBuilder();
            for (Operator op : values()) {
                b.append(b.length() == 0 ? "" : ", ").append(op.word);
            }
            return b.toString();
        }
    }

    final String path;
    private final int slot;
    private final Operator op;
    private final Literal operand;      // scalar operators
    private final Literal[] choices;    // in, not_in
    private final Pattern regex;        // regex, compiled at load (RE2/J: linear in the input, no backtracking)
    private final boolean expectPresent; // exists
    /**
     * Older-generation map conditions ({@code amount_gt: 500}) hold when the parameter is missing or not
     * comparable, as they did in the original Vouch (its own test pins it): a call that does not say how
     * much it moves still waits for approval.
     */
    private final boolean holdsWhenUnknown;

    private Condition(String path, int slot, Operator op, Literal operand, Literal[] choices, Pattern regex,
            boolean expectPresent, boolean holdsWhenUnknown) {
        this.path = path;
        this.slot = slot;
        this.op = op;
        this.operand = operand;
        this.choices = choices;
        this.regex = regex;
        this.expectPresent = expectPresent;
        this.holdsWhenUnknown = holdsWhenUnknown;
    }

    static Condition scalar(String path, int slot, Operator op, Literal operand, boolean legacy) {
        return new Condition(path, slot, op, operand, null, null, false, legacy);
    }

    static Condition choices(String path, int slot, Operator op, Literal[] choices) {
        return new Condition(path, slot, op, null, choices.clone(), null, false, false);
    }

    static Condition regex(String path, int slot, Pattern regex) {
        return new Condition(path, slot, Operator.REGEX, null, null, regex, false, false);
    }

    static Condition exists(String path, int slot, boolean expectPresent) {
        return new Condition(path, slot, Operator.EXISTS, null, null, null, expectPresent, false);
    }

    boolean holds(ParamValues values) {
        byte kind = values.kinds[slot];
        if (op == Operator.EXISTS) {
            return (kind != ParamValues.MISSING) == expectPresent;
        }
        if (kind == ParamValues.MISSING) {
            return holdsWhenUnknown;
        }
        switch (op) {
            case EQ:
                return values.equalTo(slot, operand);
            case NE:
                return !values.equalTo(slot, operand);
            case IN:
                return anyEqual(values);
            case NOT_IN:
                return !anyEqual(values);
            case LT:
            case GT:
            case LTE:
            case GTE:
                return ordered(values.compareNumber(slot, operand));
            case PREFIX:
                return kind == ParamValues.STRING && values.strings[slot].startsWith(operand.text);
            case SUFFIX:
                return kind == ParamValues.STRING && values.strings[slot].endsWith(operand.text);
            case CONTAINS:
                return kind == ParamValues.STRING && values.strings[slot].contains(operand.text);
            case REGEX:
                return kind == ParamValues.STRING && regex.matcher(values.strings[slot]).find();
            case WITHIN:
                return kind == ParamValues.STRING && PathWithin.within(values.strings[slot], operand.text);
            default:
                throw new AssertionError(op);
        }
    }

    private boolean ordered(int cmp) {
        if (cmp == ParamValues.NOT_A_NUMBER) {
            return holdsWhenUnknown;
        }
        switch (op) {
            case LT:
                return cmp < 0;
            case GT:
                return cmp > 0;
            case LTE:
                return cmp <= 0;
            default:
                return cmp >= 0;
        }
    }

    @Override
    public String toString() {
        return path + " " + op.word + (holdsWhenUnknown ? " (older form)" : "");
    }

    private boolean anyEqual(ParamValues values) {
        for (Literal choice : choices) {
            if (values.equalTo(slot, choice)) {
                return true;
            }
        }
        return false;
    }
}
