package dev.vouch.server;

import dev.vouch.guard.ToolFailure;

/**
 * The error a client reported for a tool it ran: completes the call's result exceptionally, so the guard records
 * TOOL_ERROR with the client's error JSON, whole, as the record's result ({@link ToolFailure}).
 */
final class ReportedError extends Exception implements ToolFailure {
    private static final long serialVersionUID = 1L;
    private final transient byte[] json;

    ReportedError(byte[] json) {
        super("the client reported an error", null, true, false);
        this.json = json;
    }

    @Override
    public byte[] resultJson() {
        return json;
    }
}
