package dev.vouch.policy;

import dev.vouch.VouchException;

/**
 * A policy file that cannot be used: unreadable, not YAML, or YAML that breaks a rule of docs/POLICY.md. The
 * message is {@code source:line:column: what was found; what was expected}, the form editors and CI logs
 * turn into a link. Nothing of a refused file takes effect.
 */
public final class PolicyException extends VouchException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String detail;

    PolicyException(String source, int line, int column, String detail) {
        super(source + ":" + line + ":" + column + ": " + detail);
        this.source = source;
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    /** For problems that have no position in the text: the file is missing, unreadable or too large. */
    PolicyException(String source, String detail, Throwable cause) {
        super(source + ": " + detail, cause);
        this.source = source;
        this.line = 0;
        this.column = 0;
        this.detail = detail;
    }

    /** The file path or source name the policy was read from. */
    public String source() {
        return source;
    }

    /** The 1-based line of the problem, or 0 when the problem is the file as a whole (missing, too large). */
    public int line() {
        return line;
    }

    /** The 1-based column (in characters) of the problem, or 0 when {@link #line()} is 0. */
    public int column() {
        return column;
    }

    /** The message without the source and position: what was found and what was expected. */
    public String detail() {
        return detail;
    }
}
