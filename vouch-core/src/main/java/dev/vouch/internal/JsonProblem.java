package dev.vouch.internal;

import java.util.regex.Pattern;

/**
 * What a JSON parser says is wrong with a text, in words for the person or model that sent it: the front ends (the
 * gateway's 400 answers, the MCP proxy's parse errors, the CLI's file errors) show it as it is, so the parser's own
 * vocabulary must go. Jackson's messages name its settings ("enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to
 * allow", "from `StreamReadConstraints.getMaxNestingDepth()`") and, for an unclosed object or array, embed a
 * location that names a setting too ("[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled);
 * line: 1, column: 31]"). An outside trial read both in the gateway's answers. The rest of the message stays where
 * the reader sent the text themselves ({@link #plain}: the CLI's own files); a server's answer must not quote its
 * request ({@link #withoutInput}).
 */
public final class JsonProblem {
    /** A location inside a message: {@code [Source: ...; line: 1, column: 31]}. */
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]");
    /** A location whose line and column are not given. */
    private static final Pattern BARE_SOURCE = Pattern.compile("\\s*\\[Source: [^\\]]*]");
    /** Advice to turn a parser setting on: {@code : enable `JsonReadFeature.X` to allow}. */
    private static final Pattern ENABLE = Pattern.compile(":? enable `[^`]*` to allow");
    /** Where a limit comes from: {@code (1000, from `StreamReadConstraints.getMaxNestingDepth()`)}. */
    private static final Pattern LIMIT_SETTING = Pattern.compile(",? from `[^`]*`");
    /** A parenthesis about a parser feature: {@code (not recognized as one since Feature 'X' not enabled ...)}. */
    private static final Pattern FEATURE = Pattern.compile("\\s*\\([^()]*Feature '[^']*'[^()]*\\)");
    /** Any other setting's name in back quotes, a safety net for messages a later parser version adds. */
    private static final Pattern SETTING_NAME = Pattern.compile("\\s*`[A-Za-z0-9_]+(?:\\.[A-Za-z0-9_()]+)+`");

    /**
     * A word the parser could not read, quoted: {@code Unrecognized token 'sk_live_51H...'}. An outside privacy trial
     * got an unquoted API key back in the gateway's 400 answer this way (up to 256 characters of it).
     */
    private static final Pattern QUOTED_TOKEN = Pattern.compile("(Unrecognized token) '[^']*'");
    /** A character quoted: {@code Unexpected character ('S' (code 83))} (a re-trial read one of a secret back). */
    private static final Pattern QUOTED_CHARACTER = Pattern.compile(" ?\\('.' \\(code \\d+\\)\\)");
    /** A number quoted in a range error: {@code Numeric value (12345678901234567890) out of range of long}. */
    private static final Pattern QUOTED_NUMBER = Pattern.compile("(Numeric value) \\([^)]*\\)");

    private JsonProblem() {
    }

    /**
     * As {@link #plain}, without what the message quotes of the text beyond a character: for answers to a request
     * that may hold secrets (the gateway promises its messages never quote the parameters, the MCP proxy's parse
     * errors follow it). The position (which the caller adds) finds the mistake as well.
     */
    public static String withoutInput(String message) {
        String m = plain(message);
        m = QUOTED_TOKEN.matcher(m).replaceAll("$1");
        m = QUOTED_CHARACTER.matcher(m).replaceAll("");
        return QUOTED_NUMBER.matcher(m).replaceAll("$1");
    }

    /**
     * The parser's message in plain words: "Document nesting depth (1001) exceeds the maximum allowed (1000)",
     * "Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 31)".
     *
     * @param message the parser's message without its own location suffix (Jackson's {@code getOriginalMessage()}),
     *     or null
     * @return the message without the parser's setting names, or "unreadable" when there is none
     */
    public static String plain(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        String m = SOURCE.matcher(message).replaceAll("line $1, column $2");
        m = BARE_SOURCE.matcher(m).replaceAll("");
        m = ENABLE.matcher(m).replaceAll("");
        m = LIMIT_SETTING.matcher(m).replaceAll("");
        m = FEATURE.matcher(m).replaceAll("");
        m = SETTING_NAME.matcher(m).replaceAll("");
        return m.strip();
    }
}
