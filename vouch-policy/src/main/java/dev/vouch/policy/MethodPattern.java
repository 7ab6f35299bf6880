package dev.vouch.policy;

import java.util.Locale;

/**
 * One {@code match_methods} entry, compiled once at load: an exact name, or a glob where {@code *} matches any
 * run of characters (dots included, possibly none) and {@code ?} exactly one. The common shapes (exact, lone
 * {@code *}, {@code prefix*}, {@code *suffix}) get a dedicated test; the rest use an iterative glob match. No
 * regex, no allocation per call.
 */
final class MethodPattern {
    private enum Shape { EXACT, ANY, PREFIX, SUFFIX, GLOB }

    private final String text;
    private final Shape shape;
    // The literal part: the whole name (EXACT), the text before the '*' (PREFIX) or after it (SUFFIX).
    private final String literal;

    private MethodPattern(String text, Shape shape, String literal) {
        this.text = text;
        this.shape = shape;
        this.literal = literal;
    }

    /**
     * Compiles a pattern.
     *
     * @throws IllegalArgumentException with what is wrong, for the loader to place at the pattern's position
     */
    static MethodPattern compile(String written) {
        // Compiled in NFC, as names are matched (Policy.decide): a pattern and a name that look alike match.
        String text = Texts.nfc(written);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("found an empty method pattern; expected a method name or a glob such as \"db.*\"");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("found a space or control character in method pattern "
                        + Texts.quote(text) + "; expected a method name without spaces");
            }
            // An outside trial: "db.drop" followed by a no-break space, or with a zero-width space inside, loaded, and the
            // block rule never matched the name it looks like. Invisible characters are refused with their code point.
            int cp = text.codePointAt(i);
            boolean lonely = Character.isHighSurrogate(c) && Character.charCount(cp) == 1
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
            if (!Character.isLowSurrogate(c) && Texts.invisible(cp) || lonely) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "found the invisible character U+%04X in method pattern"
                        + " %s; expected a method name of visible characters (a rule with it never matches the name it"
                        + " looks like)", cp, Texts.quote(text)));
            }
            if (c == '[' || c == ']' || c == '{' || c == '}' || c == '\\') {
                throw new IllegalArgumentException("found '" + c + "' in method pattern " + Texts.quote(text)
                        + "; expected only names with * (any run of characters, dots included) and ? (one character)");
            }
        }
        if (text.contains("**")) {
            // Other glob dialects use ** to cross separators; here * already does, so ** signals a wrong guess.
            throw new IllegalArgumentException("found '**' in method pattern " + Texts.quote(text)
                    + "; expected a single * (it already matches dots)");
        }
        int stars = count(text, '*');
        boolean question = text.indexOf('?') >= 0;
        if (stars == 0 && !question) {
            return new MethodPattern(text, Shape.EXACT, text);
        }
        if (!question && stars == 1) {
            if (text.length() == 1) {
                return new MethodPattern(text, Shape.ANY, "");
            }
            if (text.charAt(text.length() - 1) == '*') {
                return new MethodPattern(text, Shape.PREFIX, text.substring(0, text.length() - 1));
            }
            if (text.charAt(0) == '*') {
                return new MethodPattern(text, Shape.SUFFIX, text.substring(1));
            }
        }
        return new MethodPattern(text, Shape.GLOB, text);
    }

    String text() {
        return text;
    }

    boolean matches(String method) {
        switch (shape) {
            case EXACT:
                return literal.equals(method);
            case ANY:
                return true;
            case PREFIX:
                return method.startsWith(literal);
            case SUFFIX:
                return method.endsWith(literal);
            default:
                return glob(text, method);
        }
    }

    /**
     * Whether every method this pattern's {@code other} matches is also matched by this one. Sound but not
     * complete: {@code true} is certain; {@code false} may miss exotic covers. The loader uses it to refuse
     * rules that can never decide.
     */
    boolean covers(MethodPattern other) {
        // Match this pattern against the other's text, where the other's '*' may only be absorbed by our '*'
        // and its '?' by our '?' or '*': then every concrete method the other matches, we match too.
        String q = text;
        String p = other.text;
        int qn = q.length();
        int pn = p.length();
        boolean[] next = new boolean[pn + 1];
        boolean[] cur = new boolean[pn + 1];
        next[pn] = true; // empty covers empty
        for (int i = qn - 1; i >= 0; i--) {
            char qc = q.charAt(i);
            for (int j = pn; j >= 0; j--) {
                if (qc == '*') {
                    cur[j] = next[j] || (j < pn && cur[j + 1]);
                } else if (j == pn) {
                    cur[j] = false;
                } else {
                    char pc = p.charAt(j);
                    if (pc == '*') {
                        cur[j] = false;
                    } else if (qc == '?') {
                        cur[j] = next[j + 1];
                    } else {
                        cur[j] = pc == qc && next[j + 1];
                    }
                }
            }
            boolean[] t = next;
            next = cur;
            cur = t;
        }
        return next[0];
    }

    // Iterative wildcard match with one backtrack point: O(pattern x method) worst case, no allocation.
    private static boolean glob(String pattern, String s) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        int pn = pattern.length();
        int sn = s.length();
        while (i < sn) {
            char pc = p < pn ? pattern.charAt(p) : 0;
            if (p < pn && pc != '*' && (pc == '?' || pc == s.charAt(i))) {
                p++;
                i++;
            } else if (p < pn && pc == '*') {
                star = p++;
                mark = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pn && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pn;
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return text;
    }
}
