package dev.vouch.mcpproxy;

/**
 * A forwarded call got no answer from the server: it exited, the upstream failed, or the client cancelled the call.
 * Recorded as the call's TOOL_ERROR with this message (the server's own errors are {@link ToolErrorResult}s). Never
 * leaves this package.
 */
final class UpstreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean cancelled;

    private UpstreamException(String message, boolean cancelled) {
        super(message, null, false, false);
        this.cancelled = cancelled;
    }

    /** The server cannot answer: it exited, or the HTTP upstream failed. */
    static UpstreamException gone(String why) {
        return new UpstreamException(why, false);
    }

    /** The client cancelled the call ({@code notifications/cancelled}). */
    static UpstreamException cancelled(String why) {
        return new UpstreamException(why, true);
    }

    boolean cancelled() {
        return cancelled;
    }
}
