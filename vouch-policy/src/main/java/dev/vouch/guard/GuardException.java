package dev.vouch.guard;

import dev.vouch.VouchException;

/**
 * Root of the exceptions the guard throws instead of running a tool. Each names the tool and the sequence
 * number of the call's TOOL_CALL record, where the journal tells the rest of the story.
 */
public class GuardException extends VouchException {
    private static final long serialVersionUID = 1L;

    private final String tool;
    private final long callSequence;

    GuardException(String message, String tool, long callSequence, Throwable cause) {
        super(message, cause);
        this.tool = tool;
        this.callSequence = callSequence;
    }

    /** The tool that was not run. */
    public String tool() {
        return tool;
    }

    /** The sequence number of the call's TOOL_CALL record. */
    public long callSequence() {
        return callSequence;
    }
}
